package compare

import (
	"math"
	"strings"
	"testing"

	"github.com/m17/perfgate/perf/config"
	"github.com/m17/perfgate/perf/internal/resulttest"
	"github.com/m17/perfgate/perf/result"
)

// tight returns n per-trial values spaced 0.2% of center apart around
// center, which is their median when n is odd. Two sets of n ≤ 5 values
// whose centers differ by 1% or more do not overlap.
func tight(center float64, n int) []float64 {
	values := make([]float64, n)
	for i := range values {
		values[i] = center * (1 + 0.002*float64(i-n/2))
	}
	return values
}

// steadyThroughput is a per-trial throughput that is the same on both
// sides, so only the metric a case changes moves.
func steadyThroughput(n int) []float64 {
	return tight(1000, n)
}

// before and after build the two results of task 001 with the given
// per-trial P99 (ms) and throughput (ops/s).
func before(p99sMs, throughputs []float64) *result.Result {
	return resulttest.New("001", result.PhaseBefore, p99sMs, throughputs)
}

func after(p99sMs, throughputs []float64) *result.Result {
	return resulttest.New("001", result.PhaseAfter, p99sMs, throughputs)
}

// defaultOptions are the options perf:compare uses without PERF_*
// overrides.
func defaultOptions() Options {
	return Options{Thresholds: config.Default().Thresholds}
}

// approx reports whether got is within 1e-9 of want; NaN is never close.
func approx(got, want float64) bool {
	return math.Abs(got-want) <= 1e-9
}

// containsAny reports whether one of lines contains part.
func containsAny(lines []string, part string) bool {
	for _, line := range lines {
		if strings.Contains(line, part) {
			return true
		}
	}
	return false
}

// metricOf returns the row with key, failing the test when it is absent.
func metricOf(t *testing.T, rep Report, key string) Metric {
	t.Helper()

	for _, m := range rep.Metrics {
		if m.Key == key {
			return m
		}
	}
	t.Fatalf("report has no %s row; rows: %+v", key, rep.Metrics)
	return Metric{}
}
