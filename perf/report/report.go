// Package report presents comparisons to people: the before/after table,
// the verdict line, the commit trailer and the Markdown for CI summaries.
// It is the one place that decides colour: colour is used only on a
// terminal and never when NO_COLOR is set (fatih/color checks both).
package report

import (
	"fmt"
	"io"
	"math"
	"strings"
	"text/tabwriter"

	"github.com/fatih/color"

	"github.com/m17/perfgate/perf/compare"
)

var (
	red    = color.New(color.FgRed, color.Bold).SprintFunc()
	green  = color.New(color.FgGreen, color.Bold).SprintFunc()
	yellow = color.New(color.FgYellow).SprintFunc()
	bold   = color.New(color.Bold).SprintFunc()
)

// WriteTable prints the comparison table, warnings and the verdict line.
func WriteTable(w io.Writer, rep compare.Report) {
	fmt.Fprintf(w, "%s  task %s: %s\n", bold("Comparison"), rep.Task, rep.Label)
	if rep.Verdict == compare.VerdictInvalid {
		for _, reason := range rep.Reasons {
			fmt.Fprintf(w, "  %s %s\n", red("invalid:"), reason)
		}
		writeWarnings(w, rep.Warnings)
		fmt.Fprintf(w, "%s the results cannot be compared (exit %d)\n", red("Verdict: INVALID —"), compare.ExitInvalid)
		return
	}
	fmt.Fprintf(w, "  %d vs %d trials; median ± 95%% confidence interval; p from the Mann-Whitney U test; ~ means no significant change\n\n",
		rep.Trials[0], rep.Trials[1])

	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "  metric\tbefore\tafter\tchange\tp\t")
	for _, m := range rep.Metrics {
		writeMetric(tw, m)
	}
	if rep.Memory != nil {
		writeMetric(tw, *rep.Memory)
	}
	if rep.CPU != nil {
		fmt.Fprintf(tw, "  CPU per op\t%.1f µs\t%.1f µs\t%s\t\t\n", rep.CPU.BeforeSec*1e6, rep.CPU.AfterSec*1e6, formatPct(rep.CPU.ChangePct))
	}
	e := rep.Errors
	errMark := ""
	if e.Regression {
		errMark = red("regression")
	}
	fmt.Fprintf(tw, "  Errors\t%d (%.2f%%)\t%d (%.2f%%)\t%+d\t\t%s\n", e.Before, 100*e.BeforeRate, e.After, 100*e.AfterRate, e.After-e.Before, errMark)
	tw.Flush()
	fmt.Fprintln(w)

	writeWarnings(w, rep.Warnings)
	fmt.Fprintln(w, VerdictLine(rep, true))
}

func writeWarnings(w io.Writer, warnings []string) {
	for _, warning := range warnings {
		fmt.Fprintf(w, "  %s %s\n", yellow("warning:"), warning)
	}
}

func writeMetric(tw io.Writer, m compare.Metric) {
	change := formatChange(m)
	p := "—"
	if m.Tested {
		p = fmt.Sprintf("p=%.3f", m.P)
	}
	mark := ""
	if m.Regression {
		mark = red("regression")
	}
	fmt.Fprintf(tw, "  %s\t%s\t%s\t%s\t%s\t%s\n", m.Name, formatSummary(m.Before, m.Unit), formatSummary(m.After, m.Unit), change, p, mark)
}

// formatChange shows the change of the medians, or "~" when the test found
// no significant difference, as benchstat does.
func formatChange(m compare.Metric) string {
	if m.Tested && !m.Significant {
		return "~"
	}
	return formatPct(m.ChangePct)
}

func formatPct(pct float64) string {
	if math.IsNaN(pct) {
		return "n/a"
	}
	return fmt.Sprintf("%+.1f%%", pct)
}

func formatSummary(s compare.Summary, unit string) string {
	if math.IsNaN(s.Median) {
		return "n/a"
	}
	value := formatValue(s.Median, unit)
	ci := s.IntervalPct()
	switch {
	case math.IsInf(ci, 0):
		// Too few trials for a 95% interval of the median (benchstat needs
		// six); benchstat shows the same sign.
		return value + " ± ∞"
	case !math.IsNaN(ci):
		return fmt.Sprintf("%s ± %.0f%%", value, ci)
	}
	return value
}

func formatValue(v float64, unit string) string {
	switch unit {
	case "ms":
		return fmt.Sprintf("%.3f ms", v)
	case "ops/s":
		return fmt.Sprintf("%.1f ops/s", v)
	case "MiB":
		return fmt.Sprintf("%.1f MiB", v)
	}
	return fmt.Sprintf("%g %s", v, unit)
}

// VerdictLine is the one-line verdict, coloured when colour is on and
// coloured is true.
func VerdictLine(rep compare.Report, coloured bool) string {
	paint := func(f func(...any) string, s string) string {
		if coloured {
			return f(s)
		}
		return s
	}
	prefix := ""
	if rep.Label != "" && strings.HasPrefix(rep.Label, "baseline") {
		prefix = "cumulative "
	}
	switch rep.Verdict {
	case compare.VerdictOK:
		return paint(green, "Verdict: OK") + " — " + prefix + changeSummary(rep) + " (within target)"
	case compare.VerdictRegression:
		return paint(red, "Verdict: REGRESSION") + " — " + prefix + strings.Join(rep.Reasons, "; ")
	default:
		return paint(red, "Verdict: INVALID") + " — " + strings.Join(rep.Reasons, "; ")
	}
}

// changeSummary names the gated changes, "~" for those not significant.
func changeSummary(rep compare.Report) string {
	p99 := rep.Metric("p99_ms")
	tput := rep.Metric("throughput_ops_per_sec")
	return fmt.Sprintf("P99 latency %s, throughput %s, errors %+d", formatChange(p99), formatChange(tput), rep.Errors.After-rep.Errors.Before)
}

// Trailer returns the commit trailer line, such as
// "Performance: P99 latency +2.3%, throughput -0.8% (within 5% target)".
// It shows the measured change even when it is not significant, with "~"
// in brackets, so the number in the history is the one measured.
func Trailer(rep compare.Report, p99LimitPct float64) string {
	if rep.Verdict == compare.VerdictInvalid {
		return "Performance: not compared (" + strings.Join(rep.Reasons, "; ") + ")"
	}
	p99 := rep.Metric("p99_ms")
	tput := rep.Metric("throughput_ops_per_sec")
	status := fmt.Sprintf("within %.0f%% target", p99LimitPct)
	if rep.Verdict == compare.VerdictRegression {
		status = fmt.Sprintf("regression, target %.0f%%", p99LimitPct)
	}
	return fmt.Sprintf("Performance: P99 latency %s, throughput %s (%s)", trailerChange(p99), trailerChange(tput), status)
}

// trailerChange shows the measured change. A change the test did not find
// significant is marked so, with its p-value, because a bare "+15.7%" next
// to "within target" would read as a contradiction in the history.
func trailerChange(m compare.Metric) string {
	s := formatPct(m.ChangePct)
	if m.Tested && !m.Significant {
		s = fmt.Sprintf("%s (not significant, p=%.2f)", s, m.P)
	}
	return s
}
