package compare

import (
	"math"
	"slices"

	"golang.org/x/perf/benchmath"

	"github.com/m17/perfgate/perf/result"
)

// minTrialsForTest is the smallest number of trials per side at which the
// Mann-Whitney U test can reach p < 0.05 (its smallest p-value for 4 vs 4
// samples is 2/70 ≈ 0.029; for 3 vs 3 it is 0.1).
const minTrialsForTest = 4

// confidence is the level of the intervals shown next to each median.
const confidence = 0.95

// metricDef describes how to read a metric from a trial and which way is worse.
type metricDef struct {
	name    string
	key     string
	unit    string
	worseUp bool // true when a rise is worse (latency), false for throughput
	value   func(result.Stats) float64
}

var latencyMetrics = []metricDef{
	{"P50 latency", "p50_ms", "ms", true, func(s result.Stats) float64 { return s.P50Ms }},
	{"P95 latency", "p95_ms", "ms", true, func(s result.Stats) float64 { return s.P95Ms }},
	{"P99 latency", "p99_ms", "ms", true, func(s result.Stats) float64 { return s.P99Ms }},
	{"P99.9 latency", "p999_ms", "ms", true, func(s result.Stats) float64 { return s.P999Ms }},
	{"Throughput", "throughput_ops_per_sec", "ops/s", false, func(s result.Stats) float64 { return s.ThroughputOpsPerSec }},
}

// Metric is one row of the comparison.
type Metric struct {
	Name string `json:"name"`
	Key  string `json:"key"`
	Unit string `json:"unit"`

	Before Summary `json:"before"`
	After  Summary `json:"after"`

	// ChangePct is the relative change of the medians, in percent; NaN
	// when the before median is zero.
	ChangePct float64 `json:"change_pct"`
	// P is the Mann-Whitney U test's p-value; Significant is P < alpha.
	// With fewer than four trials a side the test cannot be significant
	// and Tested is false.
	P           float64 `json:"p_value"`
	Tested      bool    `json:"tested"`
	Significant bool    `json:"significant"`

	// Gated metrics can make the verdict a regression.
	Gated      bool   `json:"gated"`
	Regression bool   `json:"regression"`
	Reason     string `json:"reason,omitempty"`
}

// Summary is the median of the per-trial values with its confidence
// interval, as benchstat reports it. Values are in trial order.
type Summary struct {
	Median float64   `json:"median"`
	Lo     float64   `json:"lo"`
	Hi     float64   `json:"hi"`
	N      int       `json:"n"`
	Values []float64 `json:"values"`
}

// IntervalPct returns the half-width of the interval as a percentage of
// the median (the "± x%" of benchstat), or NaN when it is undefined.
func (s Summary) IntervalPct() float64 {
	if s.Median == 0 || s.N < 2 {
		return math.NaN()
	}
	return 100 * math.Max(s.Hi-s.Median, s.Median-s.Lo) / math.Abs(s.Median)
}

func summarize(values []float64, th *benchmath.Thresholds) Summary {
	if len(values) == 0 {
		return Summary{Median: math.NaN(), Lo: math.NaN(), Hi: math.NaN()}
	}
	// NewSample sorts values in place, so Values keeps a copy in trial
	// order.
	inTrialOrder := slices.Clone(values)
	s := benchmath.AssumeNothing.Summary(benchmath.NewSample(values, th), confidence)
	return Summary{Median: s.Center, Lo: s.Lo, Hi: s.Hi, N: len(values), Values: inTrialOrder}
}

// compareValues fills a Metric from the two sides' per-trial values.
func compareValues(def metricDef, before, after []float64, alpha float64) Metric {
	th := benchmath.DefaultThresholds
	th.CompareAlpha = alpha

	m := Metric{Name: def.name, Key: def.key, Unit: def.unit}
	m.Before = summarize(before, &th)
	m.After = summarize(after, &th)
	m.ChangePct = changePct(m.Before.Median, m.After.Median)

	m.P = 1
	if len(before) >= minTrialsForTest && len(after) >= minTrialsForTest {
		c := benchmath.AssumeNothing.Compare(benchmath.NewSample(before, &th), benchmath.NewSample(after, &th))
		m.P = c.P
		m.Tested = true
		m.Significant = c.P < alpha
	}
	return m
}

// changePct returns the relative change from a to b in percent.
func changePct(a, b float64) float64 {
	if a == 0 {
		if b == 0 {
			return 0
		}
		return math.NaN()
	}
	return 100 * (b - a) / a
}

func trialValues(r *result.Result, value func(result.Stats) float64) []float64 {
	values := make([]float64, 0, len(r.Trials))
	for _, t := range r.Trials {
		values = append(values, value(t.Stats))
	}
	return values
}
