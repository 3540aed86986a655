package plot

import (
	"fmt"
	"math"

	hdrhistogram "github.com/HdrHistogram/hdrhistogram-go"
	gplot "gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"

	"github.com/m17/perfgate/perf/result"
)

// spectrumStepsPerDecade is how many points Spectrum takes per factor of
// ten in 1/(1-p). Forty gives smooth curves at a few hundred points even
// for a billion samples.
const spectrumStepsPerDecade = 40

// Point is one point of a percentile spectrum.
type Point struct {
	// Percentile is in percent, from 0 up to but excluding 100.
	Percentile float64
	// LatencyMs is the histogram's value at Percentile, in milliseconds.
	LatencyMs float64
}

// Spectrum returns the latency percentile spectrum of h, a histogram in
// microseconds such as result.DecodeHistogram returns, in increasing
// percentile order.
//
// The points are evenly spaced in log(1/(1-p)), the x axis of HdrHistogram
// percentile plots (the "1/(1-Percentile)" column of its percentile
// output). They run from the 0th percentile (the minimum) up to 1-1/n for n
// samples, the highest percentile n samples resolve, because a tail of 1/n
// holds a single sample. The maximum sits at 100%, where 1/(1-p) is
// infinite, so it has no point.
// A nil or empty histogram has no spectrum and returns nil.
func Spectrum(h *hdrhistogram.Histogram) []Point {
	if h == nil || h.TotalCount() == 0 {
		return nil
	}

	maxTail := float64(h.TotalCount())
	var percentiles []float64
	for k := 0; ; k++ {
		tail := math.Pow(10, float64(k)/spectrumStepsPerDecade)
		if tail >= maxTail {
			break
		}
		percentiles = append(percentiles, percentileAtTail(tail))
	}
	percentiles = append(percentiles, percentileAtTail(maxTail))

	// One ascending scan of the histogram resolves all percentiles.
	values := h.ValueAtPercentilesSlice(percentiles)
	points := make([]Point, len(percentiles))
	for i, p := range percentiles {
		points[i] = Point{Percentile: p, LatencyMs: float64(values[i]) / 1000}
	}
	return points
}

// percentileAtTail returns the percentile p (in percent) with
// 1/(1-p/100) = tail.
func percentileAtTail(tail float64) float64 {
	return 100 * (1 - 1/tail)
}

// tailAtPercentile returns 1/(1-p/100), the x coordinate of a spectrum point.
func tailAtPercentile(p float64) float64 {
	return 1 / (1 - p/100)
}

// newSpectrumPlot draws the spectrum of each side's merged histogram on
// shared axes.
func newSpectrumPlot(task string, sides []side) (*gplot.Plot, error) {
	p := newBasePlot(
		fmt.Sprintf("Task %s: latency by percentile%s", task, phasesNote(sides)),
		"Percentile (log scale of 1/(1-p))",
		"Latency (ms)",
	)
	p.X.Scale = gplot.LogScale{}
	p.X.Tick.Marker = percentileTicks{}

	maxTail := 10.0
	maxLatencyMs := 0.0
	for _, s := range sides {
		h, err := result.DecodeHistogram(s.result.HistogramHDR)
		if err != nil {
			return nil, fmt.Errorf("plot task %s: %s result %s: %w; rerun the %s phase",
				task, s.phase, s.result.Timestamp, err, s.phase)
		}

		points := Spectrum(h)
		if len(points) == 0 {
			p.Legend.Add(s.phase + ": no samples")
			continue
		}

		xys := make(plotter.XYs, len(points))
		for i, pt := range points {
			xys[i] = plotter.XY{X: tailAtPercentile(pt.Percentile), Y: pt.LatencyMs}
		}
		label := fmt.Sprintf("%s, %d samples", s.phase, h.TotalCount())
		if err := addSegments(p, s, []plotter.XYs{xys}, label); err != nil {
			return nil, fmt.Errorf("plot task %s spectrum: %w", task, err)
		}

		maxTail = math.Max(maxTail, xys[len(xys)-1].X)
		maxLatencyMs = math.Max(maxLatencyMs, xys[len(xys)-1].Y)
	}

	// Fixed ranges keep the log axis above 0 with no data or a single
	// sample (gonum panics on a log axis that reaches 0), and leave
	// headroom for the legend.
	p.X.Min = 1
	p.X.Max = maxTail
	p.Y.Min = 0
	p.Y.Max = yMaxWithHeadroom(maxLatencyMs)
	return p, nil
}

// phasesNote returns a title suffix naming the single phase drawn, or ""
// when both are.
func phasesNote(sides []side) string {
	if len(sides) == 1 {
		return " (" + sides[0].phase + " only)"
	}
	return ""
}

// yMaxWithHeadroom returns the top of a y axis whose data reaches maxY,
// with room above the data for the legend. It is 1 when there is no data.
func yMaxWithHeadroom(maxY float64) float64 {
	if !(maxY > 0) || math.IsInf(maxY, 0) {
		return 1
	}
	return maxY * 1.2
}
