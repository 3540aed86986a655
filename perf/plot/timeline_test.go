package plot

import (
	"math"
	"slices"
	"testing"

	"gonum.org/v1/plot/plotter"

	"github.com/m17/perfgate/perf/result"
)

func TestNewTimelineEndToEnd(t *testing.T) {
	// Trials listed out of Index order, with series of 5, 3 and 4 seconds.
	r := &result.Result{Trials: []result.Trial{
		{Index: 2, Series: seriesOf(4, 3)},
		{Index: 0, Series: seriesOf(5, 1)},
		{Index: 1, Series: seriesOf(3, 2)},
	}}
	r.Trials[0].MeasuredSec = 4
	r.Trials[1].MeasuredSec = 5
	r.Trials[2].MeasuredSec = 3

	tl := NewTimeline(r)

	if len(tl.Points) != 12 {
		t.Fatalf("timeline has %d points, want 12 (5+3+4)", len(tl.Points))
	}
	if want := []float64{5, 8}; !slices.Equal(tl.TrialStartsSec, want) {
		t.Errorf("trial starts = %v, want %v", tl.TrialStartsSec, want)
	}
	if tl.EndSec != 12 {
		t.Errorf("end = %v s, want 12", tl.EndSec)
	}
	for i, tp := range tl.Points {
		if want := float64(i); tp.Sec != want {
			t.Errorf("point %d at %v s, want %v", i, tp.Sec, want)
		}
	}
	// The P99 of each trial is its Index+1, so it shows the order.
	wantTrial := []int{0, 0, 0, 0, 0, 1, 1, 1, 2, 2, 2, 2}
	for i, tp := range tl.Points {
		if tp.Trial != wantTrial[i] {
			t.Errorf("point %d in trial %d, want %d", i, tp.Trial, wantTrial[i])
		}
		if want := float64(wantTrial[i] + 1); tp.P99Ms != want {
			t.Errorf("point %d P99 = %v ms, want %v (trial with Index %d)", i, tp.P99Ms, want, wantTrial[i])
		}
	}
}

func TestNewTimelinePointCount(t *testing.T) {
	r := syntheticResult(t, result.PhaseBefore, 3, 20, 50, 1)

	tl := NewTimeline(r)

	total := 0
	for _, trial := range r.Trials {
		total += len(trial.Series)
	}
	if len(tl.Points) != total {
		t.Errorf("timeline has %d points, want %d (sum of series lengths)", len(tl.Points), total)
	}
	for i := 1; i < len(tl.Points); i++ {
		if tl.Points[i].Sec <= tl.Points[i-1].Sec {
			t.Errorf("point %d at %v s is not after point %d at %v s", i, tl.Points[i].Sec, i-1, tl.Points[i-1].Sec)
		}
	}
}

func TestNewTimelineTrialSpan(t *testing.T) {
	tests := []struct {
		name        string
		measuredSec float64
		seconds     int
		wantStart   float64
	}{
		{"measured longer than series", 10, 4, 10},
		{"measured missing", 0, 4, 4},
		{"measured shorter than series", 2, 4, 4},
		{"measured with float noise", 6.0000000001, 6, 6},
		{"measured fractional", 5.5, 5, 6},
		{"measured NaN", math.NaN(), 3, 3},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			first := result.Trial{Index: 0, Series: seriesOf(tt.seconds, 1)}
			first.MeasuredSec = tt.measuredSec
			r := &result.Result{Trials: []result.Trial{first, {Index: 1, Series: seriesOf(2, 1)}}}

			tl := NewTimeline(r)

			if len(tl.TrialStartsSec) != 1 || tl.TrialStartsSec[0] != tt.wantStart {
				t.Errorf("second trial starts at %v, want [%v]", tl.TrialStartsSec, tt.wantStart)
			}
		})
	}
}

func TestNewTimelineNilAndEmpty(t *testing.T) {
	if tl := NewTimeline(nil); len(tl.Points) != 0 || tl.EndSec != 0 {
		t.Errorf("NewTimeline(nil) = %+v, want empty", tl)
	}
	tl := NewTimeline(&result.Result{Trials: []result.Trial{{}, {}}})
	if len(tl.Points) != 0 {
		t.Errorf("trials without series give %d points, want 0", len(tl.Points))
	}
}

func TestMetricSegmentsSplit(t *testing.T) {
	first := seriesOf(4, 2)
	first[2].P99Ms = 0 // no successful request in that second
	r := &result.Result{Trials: []result.Trial{
		{Index: 0, Series: first},
		{Index: 1, Series: seriesOf(3, 2)},
	}}
	tl := NewTimeline(r)

	latency := metricSegments(tl, latencyMetric)
	if got := segmentLengths(latency); !slices.Equal(got, []int{2, 1, 3}) {
		t.Errorf("latency segment lengths = %v, want [2 1 3] (gap at second 2, break at trial 2)", got)
	}
	throughput := metricSegments(tl, throughputMetric)
	if got := segmentLengths(throughput); !slices.Equal(got, []int{4, 3}) {
		t.Errorf("throughput segment lengths = %v, want [4 3] (one per trial)", got)
	}
}

func TestMetricSegmentsSkipNaN(t *testing.T) {
	series := seriesOf(3, 2)
	series[1].P99Ms = math.NaN()
	series[1].ThroughputOpsPerSec = math.Inf(1)
	tl := NewTimeline(&result.Result{Trials: []result.Trial{{Series: series}}})

	for _, metric := range []timeMetric{latencyMetric, throughputMetric} {
		if got := segmentLengths(metricSegments(tl, metric)); !slices.Equal(got, []int{1, 1}) {
			t.Errorf("%s segment lengths = %v, want [1 1]", metric.title, got)
		}
	}
}

func segmentLengths(segments []plotter.XYs) []int {
	lengths := make([]int, len(segments))
	for i, s := range segments {
		lengths[i] = len(s)
	}
	return lengths
}
