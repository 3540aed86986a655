package compare

import (
	"math"
	"slices"
	"strings"
	"testing"

	"github.com/m17/perfgate/perf/internal/resulttest"
	"github.com/m17/perfgate/perf/result"
)

func TestVerdictExitCode(t *testing.T) {
	cases := []struct {
		verdict Verdict
		want    int
	}{
		{VerdictOK, 0},
		{VerdictRegression, 1},
		{VerdictInvalid, 3},
		{Verdict(""), 3},
		{Verdict("unknown"), 3},
	}
	for _, c := range cases {
		if got := c.verdict.ExitCode(); got != c.want {
			t.Errorf("Verdict(%q).ExitCode() = %d, want %d", c.verdict, got, c.want)
		}
	}
}

func TestCompareVerdicts(t *testing.T) {
	const n = 5
	withErrors := func(r *result.Result, errors int64) *result.Result {
		return resulttest.SetErrors(r, errors)
	}
	incomplete := func(r *result.Result) *result.Result {
		r.Complete = false
		r.IncompleteReason = "server exited during the run"
		return r
	}
	allowIncomplete := defaultOptions()
	allowIncomplete.AllowIncomplete = true

	cases := []struct {
		name          string
		before, after *result.Result
		opts          Options
		want          Verdict
		// wantReasons and wantWarnings are parts of the expected lines.
		wantReasons  []string
		wantWarnings []string
	}{
		{
			name:        "P99 +20% separated",
			before:      before(tight(10, n), steadyThroughput(n)),
			after:       after(tight(12, n), steadyThroughput(n)),
			want:        VerdictRegression,
			wantReasons: []string{"P99 latency +20.0% (limit +5%, p=0.008)"},
		},
		{
			name:   "P99 -20% separated",
			before: before(tight(10, n), steadyThroughput(n)),
			after:  after(tight(8, n), steadyThroughput(n)),
			want:   VerdictOK,
		},
		{
			name:         "P99 +8% overlapping",
			before:       before([]float64{8, 9, 10, 12, 14}, steadyThroughput(n)),
			after:        after([]float64{8.5, 9.5, 10.8, 13, 15}, steadyThroughput(n)),
			want:         VerdictOK,
			wantWarnings: []string{"cannot tell it from noise"},
		},
		{
			name:   "P99 +2% separated",
			before: before(tight(10, n), steadyThroughput(n)),
			after:  after(tight(10.2, n), steadyThroughput(n)),
			want:   VerdictOK,
		},
		{
			name:   "identical samples",
			before: before(tight(10, n), steadyThroughput(n)),
			after:  after(tight(10, n), steadyThroughput(n)),
			want:   VerdictOK,
		},
		{
			name:        "throughput -10% separated",
			before:      before(tight(10, n), tight(1000, n)),
			after:       after(tight(10, n), tight(900, n)),
			want:        VerdictRegression,
			wantReasons: []string{"Throughput -10.0% (limit -5%, p=0.008)"},
		},
		{
			name:   "throughput +10% separated",
			before: before(tight(10, n), tight(1000, n)),
			after:  after(tight(10, n), tight(1100, n)),
			want:   VerdictOK,
		},
		{
			name:        "P99 and throughput both worse",
			before:      before(tight(10, n), tight(1000, n)),
			after:       after(tight(12, n), tight(900, n)),
			want:        VerdictRegression,
			wantReasons: []string{"P99 latency +20.0%", "Throughput -10.0%"},
		},
		{
			name:        "errors from 0 to 3",
			before:      before(tight(10, n), steadyThroughput(n)),
			after:       withErrors(after(tight(10, n), steadyThroughput(n)), 3),
			want:        VerdictRegression,
			wantReasons: []string{"errors rose from 0 (0.00%) to 3"},
		},
		{
			name:   "errors from 3 to 0",
			before: withErrors(before(tight(10, n), steadyThroughput(n)), 3),
			after:  after(tight(10, n), steadyThroughput(n)),
			want:   VerdictOK,
		},
		{
			name:        "before error rate above 10%",
			before:      withErrors(before(tight(10, n), steadyThroughput(n)), 6000),
			after:       after(tight(10, n), steadyThroughput(n)),
			want:        VerdictInvalid,
			wantReasons: []string{"the before result has an error rate of 12.0% (above 10%)", "fix the errors first"},
		},
		{
			name:        "after error rate above 10%",
			before:      before(tight(10, n), steadyThroughput(n)),
			after:       withErrors(after(tight(10, n), steadyThroughput(n)), 25000),
			want:        VerdictInvalid,
			wantReasons: []string{"the after result has an error rate of 50.0% (above 10%)"},
		},
		{
			name:         "3 vs 3 trials +20%",
			before:       before(tight(10, 3), steadyThroughput(3)),
			after:        after(tight(12, 3), steadyThroughput(3)),
			want:         VerdictRegression,
			wantReasons:  []string{"P99 latency +20.0% (limit +5%, too few trials for a significance test)"},
			wantWarnings: []string{"only 3 and 3 trials", "plain threshold", "PERF_TRIALS"},
		},
		{
			name:         "3 vs 3 trials +2%",
			before:       before(tight(10, 3), steadyThroughput(3)),
			after:        after(tight(10.2, 3), steadyThroughput(3)),
			want:         VerdictOK,
			wantWarnings: []string{"only 3 and 3 trials"},
		},
		{
			name:        "4 vs 4 trials +20%",
			before:      before(tight(10, 4), steadyThroughput(4)),
			after:       after(tight(12, 4), steadyThroughput(4)),
			want:        VerdictRegression,
			wantReasons: []string{"P99 latency", "p=0.029"},
		},
		{
			name:        "before missing",
			before:      nil,
			after:       after(tight(10, n), steadyThroughput(n)),
			want:        VerdictInvalid,
			wantReasons: []string{"the before result is missing; run: go tool mage perf:before"},
		},
		{
			name:        "after missing",
			before:      before(tight(10, n), steadyThroughput(n)),
			after:       nil,
			want:        VerdictInvalid,
			wantReasons: []string{"the after result is missing; run: go tool mage perf:after"},
		},
		{
			name:        "both missing",
			want:        VerdictInvalid,
			wantReasons: []string{"perf:before", "perf:after"},
		},
		{
			name:        "after incomplete",
			before:      before(tight(10, n), steadyThroughput(n)),
			after:       incomplete(after(tight(10, n), steadyThroughput(n))),
			want:        VerdictInvalid,
			wantReasons: []string{"the after result is incomplete (server exited during the run)", "PERF_ALLOW_INCOMPLETE=1"},
		},
		{
			name:        "before incomplete",
			before:      incomplete(before(tight(10, n), steadyThroughput(n))),
			after:       after(tight(10, n), steadyThroughput(n)),
			want:        VerdictInvalid,
			wantReasons: []string{"the before result is incomplete"},
		},
		{
			name:         "incomplete allowed",
			before:       before(tight(10, n), steadyThroughput(n)),
			after:        incomplete(after(tight(10, n), steadyThroughput(n))),
			opts:         allowIncomplete,
			want:         VerdictOK,
			wantWarnings: []string{"after result is incomplete"},
		},
		{
			name:   "incomplete allowed, stream cut short",
			before: before(tight(10, n), steadyThroughput(n)),
			after: func() *result.Result {
				r := incomplete(after(tight(10, n), steadyThroughput(n)))
				r.Provenance.WorkloadSHA256 = "digest of the part of the stream sent before the crash"
				return r
			}(),
			opts:         allowIncomplete,
			want:         VerdictOK,
			wantWarnings: []string{"after result is incomplete"},
		},
		{
			name:        "no trials",
			before:      before(nil, nil),
			after:       after(tight(10, n), steadyThroughput(n)),
			want:        VerdictInvalid,
			wantReasons: []string{"the before result has no measured trial"},
		},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			opts := c.opts
			if opts == (Options{}) {
				opts = defaultOptions()
			}

			rep := Compare(c.before, c.after, opts)

			if rep.Verdict != c.want {
				t.Errorf("verdict = %s, want %s; reasons %q", rep.Verdict, c.want, rep.Reasons)
			}
			if got, want := rep.Verdict.ExitCode(), c.want.ExitCode(); got != want {
				t.Errorf("exit code = %d, want %d", got, want)
			}
			for _, part := range c.wantReasons {
				if !containsAny(rep.Reasons, part) {
					t.Errorf("no reason contains %q; reasons %q", part, rep.Reasons)
				}
			}
			if c.want == VerdictOK && len(rep.Reasons) > 0 {
				t.Errorf("an ok report has reasons %q", rep.Reasons)
			}
			for _, part := range c.wantWarnings {
				if !containsAny(rep.Warnings, part) {
					t.Errorf("no warning contains %q; warnings %q", part, rep.Warnings)
				}
			}
			if len(c.wantWarnings) == 0 && len(rep.Warnings) > 0 {
				t.Errorf("unexpected warnings %q", rep.Warnings)
			}
		})
	}
}

func TestCompareRegressionRow(t *testing.T) {
	rep := Compare(before(tight(10, 5), steadyThroughput(5)), after(tight(12, 5), steadyThroughput(5)), defaultOptions())

	p99 := metricOf(t, rep, "p99_ms")
	if !p99.Tested {
		t.Error("P99 with 5 vs 5 trials is not tested")
	}
	if !p99.Significant {
		t.Errorf("P99 of separated samples is not significant (p=%g)", p99.P)
	}
	if want := 2.0 / 252; !approx(p99.P, want) {
		t.Errorf("p = %g, want %g (smallest two-sided U-test p for 5 vs 5)", p99.P, want)
	}
	if !approx(p99.ChangePct, 20) {
		t.Errorf("change = %g%%, want +20%%", p99.ChangePct)
	}
	if !p99.Gated {
		t.Error("P99 row is not gated")
	}
	if !p99.Regression {
		t.Error("P99 row is not marked as a regression")
	}
	if p99.Before.Median != 10 {
		t.Errorf("before median = %g ms, want 10", p99.Before.Median)
	}
	if p99.After.Median != 12 {
		t.Errorf("after median = %g ms, want 12", p99.After.Median)
	}
	if p99.Before.N != 5 {
		t.Errorf("before sample size = %d, want 5", p99.Before.N)
	}
	if p99.After.N != 5 {
		t.Errorf("after sample size = %d, want 5", p99.After.N)
	}
	if rep.Trials != [2]int{5, 5} {
		t.Errorf("trials = %v, want [5 5]", rep.Trials)
	}
	if rep.Task != "001" {
		t.Errorf("task = %q, want 001", rep.Task)
	}

	// P50, P95 and P99.9 rose as much but are shown, not gated.
	for _, key := range []string{"p50_ms", "p95_ms", "p999_ms"} {
		m := metricOf(t, rep, key)
		if m.Gated {
			t.Errorf("%s is gated; only P99 and throughput are", key)
		}
		if m.Regression {
			t.Errorf("%s is marked as a regression; only P99 and throughput can be", key)
		}
	}
	if len(rep.Reasons) != 1 {
		t.Errorf("reasons = %q, want only the P99 one", rep.Reasons)
	}
}

func TestCompareRowsInOrder(t *testing.T) {
	rep := Compare(before(tight(10, 5), steadyThroughput(5)), after(tight(10, 5), steadyThroughput(5)), defaultOptions())

	var keys []string
	for _, m := range rep.Metrics {
		keys = append(keys, m.Key)
	}
	want := []string{"p50_ms", "p95_ms", "p99_ms", "p999_ms", "throughput_ops_per_sec"}
	if !slices.Equal(keys, want) {
		t.Errorf("rows = %q, want %q", keys, want)
	}
}

func TestCompareImprovementNotRegression(t *testing.T) {
	rep := Compare(before(tight(10, 5), tight(1000, 5)), after(tight(8, 5), tight(1100, 5)), defaultOptions())

	for _, key := range []string{"p99_ms", "throughput_ops_per_sec"} {
		m := metricOf(t, rep, key)
		if !m.Significant {
			t.Errorf("%s improvement is not significant (p=%g)", key, m.P)
		}
		if m.Regression {
			t.Errorf("%s improvement of %+.1f%% is a regression", key, m.ChangePct)
		}
	}
}

// A large change that the trials cannot tell from noise is shown as not
// significant and does not fail the check.
func TestCompareLargeChangeNotSignificant(t *testing.T) {
	rep := Compare(
		before([]float64{8, 9, 10, 12, 14}, steadyThroughput(5)),
		after([]float64{8.5, 9.5, 10.8, 13, 15}, steadyThroughput(5)),
		defaultOptions())

	p99 := metricOf(t, rep, "p99_ms")
	if !approx(p99.ChangePct, 8) {
		t.Errorf("change = %g%%, want +8%% (median 10 → 10.8)", p99.ChangePct)
	}
	if !p99.Tested {
		t.Error("P99 with 5 vs 5 trials is not tested")
	}
	if p99.Significant {
		t.Errorf("overlapping samples are significant (p=%g)", p99.P)
	}
	if p99.P < 0.2 {
		t.Errorf("p = %g for heavily overlapping samples, want well above alpha", p99.P)
	}
	if p99.Regression {
		t.Error("a change that is not significant is a regression")
	}
	if !containsAny(rep.Warnings, "P99 latency +8.0% is beyond its limit, but the trials cannot tell it from noise") {
		t.Errorf("warnings %q do not say that the +8%% passed only as noise", rep.Warnings)
	}
	if !containsAny(rep.Warnings, "PERF_PIN_CPUS=1") {
		t.Errorf("warnings %q do not suggest pinning for unpinned results", rep.Warnings)
	}

	pinnedBefore := before([]float64{8, 9, 10, 12, 14}, steadyThroughput(5))
	pinnedAfter := after([]float64{8.5, 9.5, 10.8, 13, 15}, steadyThroughput(5))
	pinnedBefore.Provenance.CPUPinning = "server 0, load generator 1"
	pinnedAfter.Provenance.CPUPinning = "server 0, load generator 1"
	rep = Compare(pinnedBefore, pinnedAfter, defaultOptions())
	if !containsAny(rep.Warnings, "cannot tell it from noise") || containsAny(rep.Warnings, "PERF_PIN_CPUS") {
		t.Errorf("warnings for pinned results %q: want the noise warning without the pinning hint", rep.Warnings)
	}
}

func TestCompareSmallSignificantChange(t *testing.T) {
	rep := Compare(before(tight(10, 5), steadyThroughput(5)), after(tight(10.2, 5), steadyThroughput(5)), defaultOptions())

	p99 := metricOf(t, rep, "p99_ms")
	if !p99.Significant {
		t.Errorf("separated samples +2%% apart are not significant (p=%g)", p99.P)
	}
	if !approx(p99.ChangePct, 2) {
		t.Errorf("change = %g%%, want +2%%", p99.ChangePct)
	}
	if p99.Regression {
		t.Error("a significant +2% change under the 5% limit is a regression")
	}
}

func TestCompareIdenticalSamples(t *testing.T) {
	rep := Compare(before(tight(10, 5), steadyThroughput(5)), after(tight(10, 5), steadyThroughput(5)), defaultOptions())

	for _, m := range rep.Metrics {
		if m.P != 1 {
			t.Errorf("%s p = %g for identical samples, want 1", m.Key, m.P)
		}
		if m.ChangePct != 0 {
			t.Errorf("%s change = %g%% for identical samples, want 0", m.Key, m.ChangePct)
		}
		if m.Significant {
			t.Errorf("%s identical samples are significant", m.Key)
		}
	}
}

// A before P99 of 0 (no latency data) has no relative change, so the
// change is NaN, and Compare must neither panic nor fail the check.
func TestCompareZeroBefore(t *testing.T) {
	rep := Compare(before(make([]float64, 5), steadyThroughput(5)), after(tight(10, 5), steadyThroughput(5)), defaultOptions())

	p99 := metricOf(t, rep, "p99_ms")
	if !math.IsNaN(p99.ChangePct) {
		t.Errorf("change from 0 = %g%%, want NaN", p99.ChangePct)
	}
	if p99.Regression {
		t.Error("a change from 0 that has no percentage is a regression")
	}
	if !math.IsNaN(p99.Before.IntervalPct()) {
		t.Errorf("interval of a zero median = %g%%, want NaN", p99.Before.IntervalPct())
	}
	if rep.Verdict != VerdictOK {
		t.Errorf("verdict = %s, want ok; reasons %q", rep.Verdict, rep.Reasons)
	}
}

func TestCompareZeroBothSides(t *testing.T) {
	rep := Compare(before(make([]float64, 5), steadyThroughput(5)), after(make([]float64, 5), steadyThroughput(5)), defaultOptions())

	if got := metricOf(t, rep, "p99_ms").ChangePct; got != 0 {
		t.Errorf("change from 0 to 0 = %g%%, want 0", got)
	}
}

func TestCompareTooFewTrialsUntested(t *testing.T) {
	rep := Compare(before(tight(10, 3), steadyThroughput(3)), after(tight(12, 3), steadyThroughput(3)), defaultOptions())

	p99 := metricOf(t, rep, "p99_ms")
	if p99.Tested {
		t.Error("P99 with 3 vs 3 trials is tested; the U test cannot reach p < 0.05 there")
	}
	if p99.P != 1 {
		t.Errorf("untested p = %g, want 1", p99.P)
	}
	if !p99.Regression {
		t.Error("+20% with 3 vs 3 trials is not a regression; the plain threshold must decide")
	}
}

// Too few trials on one side is enough for the warning.
func TestCompareTooFewTrialsOneSide(t *testing.T) {
	b := before(tight(10, 5), steadyThroughput(5))
	a := after(tight(10, 3), steadyThroughput(3))
	a.Provenance.TrialCount = 5 // as when the run was cut short
	a.Provenance.DurationSec = b.Provenance.DurationSec
	opts := defaultOptions()

	rep := Compare(b, a, opts)

	if !containsAny(rep.Warnings, "only 5 and 3 trials") {
		t.Errorf("no warning about 5 and 3 trials; warnings %q", rep.Warnings)
	}
	if metricOf(t, rep, "p99_ms").Tested {
		t.Error("P99 with 5 vs 3 trials is tested")
	}
}

func TestCompareMissingNamesTask(t *testing.T) {
	rep := Compare(nil, after(tight(10, 5), steadyThroughput(5)), defaultOptions())

	if rep.Task != "001" {
		t.Errorf("task = %q, want 001 from the after result", rep.Task)
	}
	if len(rep.Metrics) != 0 {
		t.Errorf("an invalid report has %d metric rows, want none", len(rep.Metrics))
	}
}

func TestCompareErrorsRow(t *testing.T) {
	b := before(tight(10, 5), steadyThroughput(5))
	a := resulttest.SetErrors(after(tight(10, 5), steadyThroughput(5)), 3)

	rep := Compare(b, a, defaultOptions())

	if rep.Errors.Before != 0 {
		t.Errorf("before errors = %d, want 0", rep.Errors.Before)
	}
	if rep.Errors.After != 3 {
		t.Errorf("after errors = %d, want 3", rep.Errors.After)
	}
	if rep.Errors.AfterRate != a.Summary.ErrorRate {
		t.Errorf("after rate = %g, want the result's %g", rep.Errors.AfterRate, a.Summary.ErrorRate)
	}
	if !rep.Errors.Regression {
		t.Error("errors rising from 0 to 3 is not a regression")
	}
}

// A higher allowed error-rate rise lets a few new errors pass.
func TestCompareErrorRateThreshold(t *testing.T) {
	opts := defaultOptions()
	opts.Thresholds.ErrorRateIncrease = 0.001
	a := resulttest.SetErrors(after(tight(10, 5), steadyThroughput(5)), 3) // 3 of 50000

	rep := Compare(before(tight(10, 5), steadyThroughput(5)), a, opts)

	if rep.Errors.Regression {
		t.Errorf("error rate +%g is a regression under a 0.001 allowance", a.Summary.ErrorRate)
	}
	if rep.Verdict != VerdictOK {
		t.Errorf("verdict = %s, want ok", rep.Verdict)
	}
}

// Summary values are the per-trial values in trial order, so a drift
// across trials stays visible in the JSON report.
func TestCompareSummaryValuesInTrialOrder(t *testing.T) {
	p99s := []float64{10.3, 9.9, 10.1, 9.8, 10.0}
	b := before(p99s, steadyThroughput(5))

	rep := Compare(b, after(tight(10, 5), steadyThroughput(5)), defaultOptions())

	got := metricOf(t, rep, "p99_ms").Before.Values
	if !slices.Equal(got, p99s) {
		t.Errorf("before values = %v, want the trials' %v in order", got, p99s)
	}
	for i, tr := range b.Trials {
		if tr.P99Ms != p99s[i] {
			t.Errorf("Compare changed trial %d's P99 to %g, want %g", i, tr.P99Ms, p99s[i])
		}
	}
}

func TestSummaryIntervalPct(t *testing.T) {
	cases := []struct {
		name    string
		summary Summary
		want    float64
	}{
		{"symmetric", Summary{Median: 10, Lo: 9, Hi: 11, N: 5}, 10},
		{"wider above", Summary{Median: 10, Lo: 9.5, Hi: 12, N: 5}, 20},
		{"wider below", Summary{Median: 10, Lo: 7, Hi: 10.5, N: 5}, 30},
		{"negative median", Summary{Median: -10, Lo: -11, Hi: -9, N: 5}, 10},
		{"unbounded interval", Summary{Median: 10, Lo: math.Inf(-1), Hi: math.Inf(1), N: 5}, math.Inf(1)},
		{"zero median", Summary{Median: 0, Lo: -1, Hi: 1, N: 5}, math.NaN()},
		{"one value", Summary{Median: 10, Lo: 10, Hi: 10, N: 1}, math.NaN()},
	}
	for _, c := range cases {
		got := c.summary.IntervalPct()
		if math.IsNaN(c.want) {
			if !math.IsNaN(got) {
				t.Errorf("%s: IntervalPct = %g, want NaN", c.name, got)
			}
			continue
		}
		if got != c.want && !approx(got, c.want) {
			t.Errorf("%s: IntervalPct = %g, want %g", c.name, got, c.want)
		}
	}
}

func TestReportMetricUnknownKey(t *testing.T) {
	rep := Compare(before(tight(10, 5), steadyThroughput(5)), after(tight(10, 5), steadyThroughput(5)), defaultOptions())

	if got := rep.Metric("p99_ms"); got.Key != "p99_ms" {
		t.Errorf("Metric(p99_ms) returned row %q", got.Key)
	}
	missing := rep.Metric("no_such_metric")
	if missing.Key != "" {
		t.Errorf("Metric of an unknown key returned row %q", missing.Key)
	}
	if !math.IsNaN(missing.ChangePct) {
		t.Errorf("Metric of an unknown key has change %g, want NaN", missing.ChangePct)
	}
}

func TestCompareLabel(t *testing.T) {
	rep := Compare(before(tight(10, 5), steadyThroughput(5)), after(tight(10, 5), steadyThroughput(5)), defaultOptions())

	if !strings.Contains(rep.Label, "before") || !strings.Contains(rep.Label, "after") {
		t.Errorf("label = %q, want it to name before and after", rep.Label)
	}
}
