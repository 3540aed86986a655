package plot

import (
	"fmt"
	"image/color"
	"math"
	"slices"
	"sort"

	gplot "gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"

	"github.com/m17/perfgate/perf/result"
)

// TimePoint is one second of a trial's per-second series, placed on the
// phase's timeline.
type TimePoint struct {
	// Trial is the trial's position in the timeline, from 0.
	Trial int
	// Sec is the start of the second, in seconds of measured time since
	// the first trial's measured window opened.
	Sec                 float64
	P99Ms               float64
	ThroughputOpsPerSec float64
}

// Timeline is a phase's per-second series with its trials laid end to
// end, so the warm-up and restart between trials take no room.
type Timeline struct {
	// Points holds every second of every trial, in time order.
	Points []TimePoint
	// TrialStartsSec holds the start of each trial after the first.
	TrialStartsSec []float64
	// EndSec is the end of the last trial's measured window.
	EndSec float64
}

// NewTimeline lays the trials of r end to end in Index order.
//
// Each trial takes max(MeasuredSec rounded up, last Second + 1) seconds, so
// a trial whose MeasuredSec is missing still ends after its last point. A
// negative Second is read as 0. A nil result returns an empty Timeline.
func NewTimeline(r *result.Result) Timeline {
	var tl Timeline
	if r == nil {
		return tl
	}

	trials := slices.Clone(r.Trials)
	sort.SliceStable(trials, func(i, j int) bool { return trials[i].Index < trials[j].Index })

	offsetSec := 0.0
	for i, trial := range trials {
		if i > 0 {
			tl.TrialStartsSec = append(tl.TrialStartsSec, offsetSec)
		}

		series := slices.Clone(trial.Series)
		sort.SliceStable(series, func(a, b int) bool { return series[a].Second < series[b].Second })

		spanSec := trialSpanSec(trial.MeasuredSec)
		for _, s := range series {
			second := float64(max(s.Second, 0))
			tl.Points = append(tl.Points, TimePoint{
				Trial:               i,
				Sec:                 offsetSec + second,
				P99Ms:               s.P99Ms,
				ThroughputOpsPerSec: s.ThroughputOpsPerSec,
			})
			spanSec = math.Max(spanSec, second+1)
		}
		offsetSec += spanSec
	}
	tl.EndSec = offsetSec
	return tl
}

// trialSpanSec returns the whole seconds a measured window of measuredSec
// covers. The per-second series has one entry per started second. A
// microsecond of slack keeps float noise (10.0000000001) from adding one.
func trialSpanSec(measuredSec float64) float64 {
	if !(measuredSec > 0) || math.IsInf(measuredSec, 0) {
		return 0
	}
	return math.Ceil(measuredSec - 1e-6)
}

// timeMetric is one per-second figure drawn over time.
type timeMetric struct {
	title  string
	yLabel string
	// value returns the figure of a second, and false when the second has
	// none (the line then has a gap there).
	value func(TimePoint) (float64, bool)
}

// The P99 of a second is 0 when no request succeeded in it, because the
// load generator records only successful latencies, so 0 is a gap rather
// than a fast second.
var (
	latencyMetric = timeMetric{
		title:  "P99 latency per second",
		yLabel: "P99 latency (ms)",
		value: func(tp TimePoint) (float64, bool) {
			return tp.P99Ms, tp.P99Ms > 0 && !math.IsInf(tp.P99Ms, 0)
		},
	}
	throughputMetric = timeMetric{
		title:  "throughput per second",
		yLabel: "Throughput (successful ops/s)",
		value: func(tp TimePoint) (float64, bool) {
			v := tp.ThroughputOpsPerSec
			return v, v >= 0 && !math.IsInf(v, 0)
		},
	}
)

// newOverTimePlot draws metric against time for each side, with a dashed
// gray line at each trial start.
func newOverTimePlot(task string, sides []side, metric timeMetric) (*gplot.Plot, error) {
	p := newBasePlot(
		fmt.Sprintf("Task %s: %s%s", task, metric.title, phasesNote(sides)),
		"Measured time (s), trials end to end",
		metric.yLabel,
	)

	// Added first so the data lines are drawn over the boundary lines.
	boundaries := &trialBoundaries{}
	p.Add(boundaries)

	endSec := 1.0
	maxY := 0.0
	for _, s := range sides {
		tl := NewTimeline(s.result)
		segments := metricSegments(tl, metric)
		if len(segments) == 0 {
			p.Legend.Add(s.phase + ": no per-second data")
			continue
		}

		if err := addSegments(p, s, segments, s.phase); err != nil {
			return nil, fmt.Errorf("plot task %s %s: %w", task, metric.title, err)
		}

		boundaries.add(tl.TrialStartsSec)
		endSec = math.Max(endSec, tl.EndSec)
		for _, seg := range segments {
			for _, xy := range seg {
				maxY = math.Max(maxY, xy.Y)
			}
		}
	}

	if len(boundaries.xs) > 0 {
		p.Legend.Add("trial start", boundaries)
	}

	p.X.Min = 0
	p.X.Max = endSec
	p.Y.Min = 0
	p.Y.Max = yMaxWithHeadroom(maxY)
	return p, nil
}

// metricSegments returns the points of tl that have a metric value, split
// into one run per trial and at each gap.
func metricSegments(tl Timeline, metric timeMetric) []plotter.XYs {
	var segments []plotter.XYs
	var current plotter.XYs
	currentTrial := -1

	for _, tp := range tl.Points {
		v, ok := metric.value(tp)
		if !ok || tp.Trial != currentTrial {
			if len(current) > 0 {
				segments = append(segments, current)
			}
			current = nil
			currentTrial = tp.Trial
		}
		if ok {
			current = append(current, plotter.XY{X: tp.Sec, Y: v})
		}
	}
	if len(current) > 0 {
		segments = append(segments, current)
	}
	return segments
}

// trialBoundaries draws a vertical line across the data area at each x.
type trialBoundaries struct {
	xs []float64
}

var boundaryStyle = draw.LineStyle{
	Color:  color.Gray{Y: 0x80},
	Width:  vg.Points(0.75),
	Dashes: []vg.Length{vg.Points(2), vg.Points(2)},
}

// add adds the xs not already present.
func (b *trialBoundaries) add(xs []float64) {
	for _, x := range xs {
		if !slices.Contains(b.xs, x) {
			b.xs = append(b.xs, x)
		}
	}
}

// Plot implements gplot.Plotter.
func (b *trialBoundaries) Plot(c draw.Canvas, p *gplot.Plot) {
	trX, _ := p.Transforms(&c)
	for _, x := range b.xs {
		if x < p.X.Min || x > p.X.Max {
			continue
		}
		cx := trX(x)
		c.StrokeLine2(boundaryStyle, cx, c.Min.Y, cx, c.Max.Y)
	}
}

// Thumbnail implements gplot.Thumbnailer, for the legend entry.
func (b *trialBoundaries) Thumbnail(c *draw.Canvas) {
	y := c.Center().Y
	c.StrokeLine2(boundaryStyle, c.Min.X, y, c.Max.X, y)
}
