package plot

import (
	"math"
	"testing"
	"time"

	"github.com/m17/perfgate/perf/result"
)

func TestSpectrumDoubledLatencyAbove(t *testing.T) {
	latencies := syntheticLatencies(50_000)
	before := Spectrum(histogramOf(latencies, 1))
	after := Spectrum(histogramOf(latencies, 2))

	if len(before) == 0 {
		t.Fatal("before spectrum is empty")
	}
	if len(after) != len(before) {
		t.Fatalf("after has %d points, before %d; the same sample count must give the same percentiles", len(after), len(before))
	}
	for i := range before {
		if after[i].Percentile != before[i].Percentile {
			t.Fatalf("point %d: after percentile %v, before %v", i, after[i].Percentile, before[i].Percentile)
		}
		if after[i].LatencyMs < before[i].LatencyMs {
			t.Errorf("at p%v after latency %v ms is below before %v ms, but every after value is doubled",
				before[i].Percentile, after[i].LatencyMs, before[i].LatencyMs)
		}
	}
}

func TestSpectrumNonDecreasing(t *testing.T) {
	points := Spectrum(histogramOf(syntheticLatencies(50_000), 1))

	for i := 1; i < len(points); i++ {
		if points[i].Percentile <= points[i-1].Percentile {
			t.Errorf("point %d: percentile %v does not increase from %v", i, points[i].Percentile, points[i-1].Percentile)
		}
		if points[i].LatencyMs < points[i-1].LatencyMs {
			t.Errorf("point %d: latency %v ms at p%v is below %v ms at p%v",
				i, points[i].LatencyMs, points[i].Percentile, points[i-1].LatencyMs, points[i-1].Percentile)
		}
	}
}

func TestSpectrumPercentileRange(t *testing.T) {
	const n = 50_000
	h := histogramOf(syntheticLatencies(n), 1)
	points := Spectrum(h)

	first, last := points[0], points[len(points)-1]
	if first.Percentile != 0 {
		t.Errorf("first percentile = %v, want 0", first.Percentile)
	}
	if want := float64(h.ValueAtQuantile(0)) / 1000; first.LatencyMs != want {
		t.Errorf("latency at p0 = %v ms, want the minimum %v ms", first.LatencyMs, want)
	}
	if want := 100 * (1 - 1.0/n); math.Abs(last.Percentile-want) > 1e-9 {
		t.Errorf("last percentile = %v, want %v (1-1/n for n=%d)", last.Percentile, want, n)
	}
	// 40 points per decade over log10(50000) ≈ 4.7 decades, plus the last.
	if len(points) < 150 || len(points) > 200 {
		t.Errorf("spectrum has %d points, want about 189", len(points))
	}
}

func TestSpectrumEmptyAndSingle(t *testing.T) {
	if got := Spectrum(nil); got != nil {
		t.Errorf("Spectrum(nil) = %v, want nil", got)
	}
	if got := Spectrum(result.NewHistogram()); got != nil {
		t.Errorf("Spectrum(empty) = %v, want nil", got)
	}

	h := result.NewHistogram()
	result.Record(h, 3*time.Millisecond)
	got := Spectrum(h)
	if len(got) != 1 {
		t.Fatalf("one sample gives %d points, want 1", len(got))
	}
	if got[0].Percentile != 0 || got[0].LatencyMs != 3 {
		t.Errorf("one sample gives %+v, want p0 at 3 ms", got[0])
	}
}
