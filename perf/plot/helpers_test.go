package plot

import (
	"math"
	"math/rand/v2"
	"testing"
	"time"

	hdrhistogram "github.com/HdrHistogram/hdrhistogram-go"

	"github.com/m17/perfgate/perf/result"
)

// syntheticLatencies returns n log-normal latencies around 2 ms with a
// heavier tail, the same for every call with the same n.
func syntheticLatencies(n int) []time.Duration {
	rng := rand.New(rand.NewPCG(1, 2))
	latencies := make([]time.Duration, n)
	for i := range latencies {
		ms := 2 * math.Exp(0.5*rng.NormFloat64())
		if rng.IntN(1000) == 0 {
			ms *= 20
		}
		latencies[i] = time.Duration(ms * float64(time.Millisecond))
	}
	return latencies
}

// histogramOf returns a result histogram of latencies, each multiplied by
// scale.
func histogramOf(latencies []time.Duration, scale int64) *hdrhistogram.Histogram {
	h := result.NewHistogram()
	for _, d := range latencies {
		result.Record(h, d*time.Duration(scale))
	}
	return h
}

// syntheticResult returns a result of phase with trials of secondsPerTrial
// seconds each at opsPerSec, every latency multiplied by scale.
func syntheticResult(tb testing.TB, phase string, trials, secondsPerTrial, opsPerSec int, scale int64) *result.Result {
	tb.Helper()

	latencies := syntheticLatencies(trials * secondsPerTrial * opsPerSec)
	merged := histogramOf(latencies, scale)
	encoded, err := result.EncodeHistogram(merged)
	if err != nil {
		tb.Fatalf("encode histogram: %v", err)
	}

	r := &result.Result{
		SchemaVersion: result.SchemaVersion,
		Task:          "017",
		Phase:         phase,
		Timestamp:     "20250102_030405",
		Complete:      true,
		HistogramHDR:  encoded,
	}
	next := 0
	for i := range trials {
		trial := result.Trial{Index: i}
		trial.MeasuredSec = float64(secondsPerTrial)
		for sec := range secondsPerTrial {
			second := histogramOf(latencies[next:next+opsPerSec], scale)
			next += opsPerSec
			trial.Series = append(trial.Series, result.Second{
				Second:              sec,
				Requests:            int64(opsPerSec),
				ThroughputOpsPerSec: float64(opsPerSec),
				P99Ms:               float64(second.ValueAtQuantile(99)) / 1000,
			})
		}
		r.Trials = append(r.Trials, trial)
	}
	return r
}

// seriesOf returns a per-second series of n seconds with the given P99.
func seriesOf(n int, p99Ms float64) []result.Second {
	series := make([]result.Second, n)
	for i := range series {
		series[i] = result.Second{Second: i, Requests: 100, ThroughputOpsPerSec: 100, P99Ms: p99Ms}
	}
	return series
}
