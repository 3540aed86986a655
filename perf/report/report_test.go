package report

import (
	"bytes"
	"math"
	"slices"
	"strings"
	"testing"

	"github.com/m17/perfgate/perf/compare"
	"github.com/m17/perfgate/perf/config"
	"github.com/m17/perfgate/perf/internal/resulttest"
	"github.com/m17/perfgate/perf/result"
)

func TestWriteTableNotSignificant(t *testing.T) {
	setNoColor(t, true)
	rep := compareP99([]float64{8, 9, 10, 12, 14}, []float64{8.5, 9.5, 10.8, 13, 15})

	out := writeTable(rep)

	assertNoANSI(t, out)
	if !strings.HasPrefix(out, "Comparison  task 001: before → after\n") {
		t.Errorf("output does not start with the title line:\n%s", out)
	}
	if !strings.Contains(out, "5 vs 5 trials") {
		t.Errorf("output does not give the trial counts:\n%s", out)
	}
	for _, prefix := range []string{"  metric ", "  P50 latency ", "  P95 latency ", "  P99.9 latency ", "  Throughput ", "  Errors "} {
		lineStarting(t, out, prefix)
	}
	p99 := lineStarting(t, out, "  P99 latency ")
	if !slices.Contains(strings.Fields(p99), "~") {
		t.Errorf("P99 row %q has no ~ for a change that is not significant", p99)
	}
	if !strings.Contains(p99, "10.000 ms") {
		t.Errorf("P99 row %q does not show the before median 10.000 ms", p99)
	}
	if !strings.Contains(p99, "10.800 ms") {
		t.Errorf("P99 row %q does not show the after median 10.800 ms", p99)
	}
	if !strings.Contains(p99, "p=0.") {
		t.Errorf("P99 row %q does not show the p-value", p99)
	}
	if strings.Contains(p99, "regression") {
		t.Errorf("P99 row %q is marked as a regression", p99)
	}
	errorsRow := lineStarting(t, out, "  Errors ")
	if n := strings.Count(errorsRow, "0 (0.00%)"); n != 2 {
		t.Errorf("errors row %q shows 0 (0.00%%) %d times, want once per side", errorsRow, n)
	}
	if !slices.Contains(strings.Fields(errorsRow), "+0") {
		t.Errorf("errors row %q does not show the change +0", errorsRow)
	}
	verdict := lineStarting(t, out, "Verdict:")
	if want := "Verdict: OK — P99 latency ~, throughput ~, errors +0 (within target)"; verdict != want {
		t.Errorf("verdict line = %q, want %q", verdict, want)
	}
}

func TestWriteTableRegression(t *testing.T) {
	setNoColor(t, true)
	rep := compareP99(spread(10, 5), spread(12, 5))

	out := writeTable(rep)

	assertNoANSI(t, out)
	p99 := lineStarting(t, out, "  P99 latency ")
	for _, part := range []string{"+20.0%", "p=0.008", "regression"} {
		if !strings.Contains(p99, part) {
			t.Errorf("P99 row %q does not contain %q", p99, part)
		}
	}
	throughput := lineStarting(t, out, "  Throughput ")
	if strings.Contains(throughput, "regression") {
		t.Errorf("throughput row %q is marked as a regression", throughput)
	}
	verdict := lineStarting(t, out, "Verdict:")
	if want := "Verdict: REGRESSION — P99 latency +20.0% (limit +5%, p=0.008)"; verdict != want {
		t.Errorf("verdict line = %q, want %q", verdict, want)
	}
}

func TestWriteTableInvalid(t *testing.T) {
	setNoColor(t, true)
	a := resulttest.New("001", result.PhaseAfter, spread(10, 5), spread(1000, 5))
	rep := compare.Compare(nil, a, compare.Options{Thresholds: config.Default().Thresholds})

	out := writeTable(rep)

	assertNoANSI(t, out)
	if !strings.Contains(out, "  invalid: the before result is missing; run: go tool mage perf:before") {
		t.Errorf("output does not print the reason:\n%s", out)
	}
	if !strings.Contains(out, "Verdict: INVALID — the results cannot be compared (exit 3)") {
		t.Errorf("output has no invalid verdict with exit 3:\n%s", out)
	}
	if strings.Contains(out, "metric") {
		t.Errorf("an invalid comparison prints the table header:\n%s", out)
	}
	if strings.Contains(out, "Errors") {
		t.Errorf("an invalid comparison prints the errors row:\n%s", out)
	}
}

// Under PERF_STRICT=1 the reason points to the warnings, so an invalid
// table must print them.
func TestWriteTableStrictPrintsWarnings(t *testing.T) {
	setNoColor(t, true)
	b := resulttest.New("001", result.PhaseBefore, spread(10, 5), spread(1000, 5))
	a := resulttest.New("001", result.PhaseAfter, spread(10, 5), spread(1000, 5))
	a.Provenance.Host.Kernel = "6.8.0"
	rep := compare.Compare(b, a, compare.Options{Thresholds: config.Default().Thresholds, Strict: true})

	out := writeTable(rep)

	if !strings.Contains(out, "invalid: PERF_STRICT=1") {
		t.Errorf("output does not print the strict reason:\n%s", out)
	}
	warning := lineStarting(t, out, "  warning: ")
	if !strings.Contains(warning, `different kernel: before "6.1.0-test", after "6.8.0"`) {
		t.Errorf("warning line %q does not name the two kernels", warning)
	}
}

func TestWriteTableWarningsAndSystemRows(t *testing.T) {
	setNoColor(t, true)
	b := resulttest.SetPeakRSS(resulttest.New("001", result.PhaseBefore, spread(10, 5), spread(1000, 5)), spread(100, 5))
	a := resulttest.SetPeakRSS(resulttest.New("001", result.PhaseAfter, spread(10, 5), spread(1000, 5)), spread(100, 5))
	b.System.CPUSecPerOp = 50e-6
	a.System.CPUSecPerOp = 55e-6
	a.Provenance.Host.Hostname = "bench-2"
	rep := compare.Compare(b, a, compare.Options{Thresholds: config.Default().Thresholds})

	out := writeTable(rep)

	assertNoANSI(t, out)
	rss := lineStarting(t, out, "  Peak RSS ")
	if !strings.Contains(rss, "100.0 MiB") {
		t.Errorf("peak RSS row %q does not show 100.0 MiB", rss)
	}
	cpu := lineStarting(t, out, "  CPU per op ")
	for _, part := range []string{"50.0 µs", "55.0 µs", "+10.0%"} {
		if !strings.Contains(cpu, part) {
			t.Errorf("CPU row %q does not contain %q", cpu, part)
		}
	}
	warning := lineStarting(t, out, "  warning: ")
	if !strings.Contains(warning, `different host: before "bench-1", after "bench-2"`) {
		t.Errorf("warning line %q does not name the two hosts", warning)
	}
}

func TestWriteTableErrorsRegression(t *testing.T) {
	setNoColor(t, true)
	b := resulttest.New("001", result.PhaseBefore, spread(10, 5), spread(1000, 5))
	a := resulttest.SetErrors(resulttest.New("001", result.PhaseAfter, spread(10, 5), spread(1000, 5)), 3)
	rep := compare.Compare(b, a, compare.Options{Thresholds: config.Default().Thresholds})

	out := writeTable(rep)

	errorsRow := lineStarting(t, out, "  Errors ")
	for _, part := range []string{"0 (0.00%)", "3 (0.01%)", "+3", "regression"} {
		if !strings.Contains(errorsRow, part) {
			t.Errorf("errors row %q does not contain %q", errorsRow, part)
		}
	}
	verdict := lineStarting(t, out, "Verdict:")
	if !strings.HasPrefix(verdict, "Verdict: REGRESSION — errors rose from 0") {
		t.Errorf("verdict line = %q, want the error regression", verdict)
	}
}

// With colour on, the output is painted, which shows that the checks for
// ANSI codes above can fail.
func TestWriteTableColour(t *testing.T) {
	setNoColor(t, false)
	rep := compareP99(spread(10, 5), spread(12, 5))

	out := writeTable(rep)

	if !strings.Contains(out, "\x1b[") {
		t.Errorf("output has no ANSI escape codes although colour is on:\n%q", out)
	}
}

func TestVerdictLine(t *testing.T) {
	setNoColor(t, true)
	ok := compareP99(spread(10, 5), spread(10.2, 5))
	cumulative := ok
	cumulative.Label = "baseline → after (cumulative)"
	regression := compareP99(spread(10, 5), spread(12, 5))
	regression.Reasons = append(regression.Reasons, "errors rose from 0 (0.00%) to 3 (0.01%)")
	cumulativeRegression := regression
	cumulativeRegression.Label = "baseline → after (cumulative)"
	invalid := compare.Report{Verdict: compare.VerdictInvalid, Reasons: []string{"different seeds", "different load"}}

	cases := []struct {
		name string
		rep  compare.Report
		want string
	}{
		{"ok", ok, "Verdict: OK — P99 latency +2.0%, throughput ~, errors +0 (within target)"},
		{"cumulative ok", cumulative, "Verdict: OK — cumulative P99 latency +2.0%, throughput ~, errors +0 (within target)"},
		{"regression", regression, "Verdict: REGRESSION — P99 latency +20.0% (limit +5%, p=0.008); errors rose from 0 (0.00%) to 3 (0.01%)"},
		{"cumulative regression", cumulativeRegression, "Verdict: REGRESSION — cumulative P99 latency +20.0% (limit +5%, p=0.008); errors rose from 0 (0.00%) to 3 (0.01%)"},
		{"invalid", invalid, "Verdict: INVALID — different seeds; different load"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if got := VerdictLine(c.rep, false); got != c.want {
				t.Errorf("VerdictLine = %q\nwant %q", got, c.want)
			}
			// With colour off globally, asking for colour changes nothing.
			if got := VerdictLine(c.rep, true); got != c.want {
				t.Errorf("VerdictLine(coloured) with NoColor = %q\nwant %q", got, c.want)
			}
		})
	}
}

func TestVerdictLinePlainWithColourOn(t *testing.T) {
	setNoColor(t, false)
	rep := compareP99(spread(10, 5), spread(12, 5))

	plain := VerdictLine(rep, false)
	coloured := VerdictLine(rep, true)

	assertNoANSI(t, plain)
	if !strings.Contains(coloured, "\x1b[") {
		t.Errorf("VerdictLine(coloured) with colour on = %q, want ANSI codes", coloured)
	}
}

func TestTrailer(t *testing.T) {
	row := func(key string, changePct float64, tested, significant bool) compare.Metric {
		return compare.Metric{Key: key, ChangePct: changePct, Tested: tested, Significant: significant}
	}
	okReport := func(p99, throughput compare.Metric) compare.Report {
		return compare.Report{Verdict: compare.VerdictOK, Metrics: []compare.Metric{p99, throughput}}
	}

	cases := []struct {
		name     string
		rep      compare.Report
		limitPct float64
		want     string
	}{
		{
			name:     "significant within target",
			rep:      okReport(row("p99_ms", 2.3, true, true), row("throughput_ops_per_sec", -0.8, true, true)),
			limitPct: 5,
			want:     "Performance: P99 latency +2.3%, throughput -0.8% (within 5% target)",
		},
		{
			name:     "untested",
			rep:      okReport(row("p99_ms", 2.3, false, false), row("throughput_ops_per_sec", -0.8, false, false)),
			limitPct: 5,
			want:     "Performance: P99 latency +2.3%, throughput -0.8% (within 5% target)",
		},
		{
			name:     "not significant",
			rep:      okReport(row("p99_ms", 8, true, false), row("throughput_ops_per_sec", 0, true, false)),
			limitPct: 5,
			want:     "Performance: P99 latency +8.0% (not significant, p=0.00), throughput +0.0% (not significant, p=0.00) (within 5% target)",
		},
		{
			name:     "other limit",
			rep:      okReport(row("p99_ms", -4.25, true, true), row("throughput_ops_per_sec", 1.04, true, true)),
			limitPct: 10,
			want:     "Performance: P99 latency -4.2%, throughput +1.0% (within 10% target)",
		},
		{
			name:     "no change figure",
			rep:      okReport(row("p99_ms", math.NaN(), true, true), row("throughput_ops_per_sec", 1, true, true)),
			limitPct: 5,
			want:     "Performance: P99 latency n/a, throughput +1.0% (within 5% target)",
		},
		{
			name:     "missing rows",
			rep:      compare.Report{Verdict: compare.VerdictOK},
			limitPct: 5,
			want:     "Performance: P99 latency n/a, throughput n/a (within 5% target)",
		},
		{
			name: "regression",
			rep: compare.Report{
				Verdict: compare.VerdictRegression,
				Reasons: []string{"P99 latency +20.0% (limit +5%, p=0.008)"},
				Metrics: []compare.Metric{row("p99_ms", 20, true, true), row("throughput_ops_per_sec", -0.1, true, false)},
			},
			limitPct: 5,
			want:     "Performance: P99 latency +20.0%, throughput -0.1% (not significant, p=0.00) (regression, target 5%)",
		},
		{
			name:     "invalid",
			rep:      compare.Report{Verdict: compare.VerdictInvalid, Reasons: []string{"the before result is missing", "different seeds"}},
			limitPct: 5,
			want:     "Performance: not compared (the before result is missing; different seeds)",
		},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if got := Trailer(c.rep, c.limitPct); got != c.want {
				t.Errorf("Trailer = %q\nwant %q", got, c.want)
			}
		})
	}
}

func TestTrailerFromCompare(t *testing.T) {
	rep := compareP99(spread(10, 5), spread(10.2, 5))

	got := Trailer(rep, config.Default().Thresholds.P99IncreasePct)

	if want := "Performance: P99 latency +2.0%, throughput +0.0% (not significant, p=1.00) (within 5% target)"; got != want {
		t.Errorf("Trailer = %q, want %q", got, want)
	}
}

func TestFormatSummary(t *testing.T) {
	cases := []struct {
		name    string
		summary compare.Summary
		unit    string
		want    string
	}{
		{"ms with interval", compare.Summary{Median: 10, Lo: 9.5, Hi: 10.4, N: 8}, "ms", "10.000 ms ± 5%"},
		{"unbounded interval", compare.Summary{Median: 10, Lo: math.Inf(-1), Hi: math.Inf(1), N: 5}, "ms", "10.000 ms ± ∞"},
		{"one value", compare.Summary{Median: 10, Lo: 10, Hi: 10, N: 1}, "ms", "10.000 ms"},
		{"throughput", compare.Summary{Median: 999.95, Lo: 999.95, Hi: 999.95, N: 1}, "ops/s", "1000.0 ops/s"},
		{"memory", compare.Summary{Median: 64.25, Lo: 64.25, Hi: 64.25, N: 1}, "MiB", "64.2 MiB"},
		{"other unit", compare.Summary{Median: 3, Lo: 3, Hi: 3, N: 1}, "threads", "3 threads"},
		{"no values", compare.Summary{Median: math.NaN(), Lo: math.NaN(), Hi: math.NaN()}, "ms", "n/a"},
	}
	for _, c := range cases {
		if got := formatSummary(c.summary, c.unit); got != c.want {
			t.Errorf("%s: formatSummary = %q, want %q", c.name, got, c.want)
		}
	}
}

// Markdown goes to a file, so it is never painted, even with colour on.
func TestWriteMarkdown(t *testing.T) {
	setNoColor(t, false)
	rep := compareP99(spread(10, 5), spread(12, 5))
	invalid := compare.Report{Task: "001", Label: "baseline → after (cumulative)", Verdict: compare.VerdictInvalid, Reasons: []string{"different seeds"}}
	var buf bytes.Buffer

	WriteMarkdown(&buf, []compare.Report{rep, invalid}, "Performance: trailer", []string{"tmp/m17/001_p99.svg"})

	out := buf.String()
	assertNoANSI(t, out)
	for _, part := range []string{
		"### Performance: task 001, before → after\n",
		"**Verdict: REGRESSION — P99 latency +20.0% (limit +5%, p=0.008)**",
		"| metric | before | after | change | p | |",
		"| P99 latency | 10.000 ms ± ∞ | 12.000 ms ± ∞ | +20.0% | 0.008 | ⚠️ regression |",
		"| Errors | 0 (0.00%) | 0 (0.00%) | +0 | |  |",
		"### Performance: task 001, baseline → after (cumulative)\n",
		"**Verdict: INVALID — different seeds**",
		"`Performance: trailer`",
		"- `tmp/m17/001_p99.svg`",
	} {
		if !strings.Contains(out, part) {
			t.Errorf("Markdown does not contain %q:\n%s", part, out)
		}
	}
	if n := strings.Count(out, "| metric |"); n != 1 {
		t.Errorf("Markdown has %d tables, want 1 (none for the invalid comparison)", n)
	}
}
