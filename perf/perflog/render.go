package perflog

import (
	"fmt"
	"math"
	"path/filepath"
	"strings"

	"github.com/m17/perfgate/perf/compare"
	"github.com/m17/perfgate/perf/tasks"
)

// Entry is the input of RenderBlock: one task's results, the settings of
// its verdict and the files to link.
type Entry struct {
	// Pair is the task's newest before and after results (tasks.Load).
	Pair tasks.Pair
	// Compare is the verdict's settings, as perf:compare uses them.
	Compare compare.Options
	// RoadmapStatus is the status part of the task's roadmap file name,
	// or "" when there is no roadmap file.
	RoadmapStatus string
	// LinkDir is the folder that links are relative to: the log's folder.
	// Empty leaves the paths as they are.
	LinkDir string
	// Plots are the task's plot files that exist (see FindPlots).
	Plots []Plot
}

// Plot is a plot file of a task.
type Plot struct {
	Title string
	Path  string
}

// RenderBlock returns the Markdown of a task's block, without its markers
// or heading: status, date, verdict, the before and after figures with
// their change, and links to the result files and plots. perf:compare
// prints it as the summary for the performance log.
func RenderBlock(e Entry) string {
	a := assess(e.Pair, e.Compare)
	var b strings.Builder

	fmt.Fprintf(&b, "- Status: %s\n", statusText(e, a))
	if date := measuredDate(e.Pair); date != "" {
		fmt.Fprintf(&b, "- Date: %s\n", date)
	}
	writeVerdict(&b, e.Pair.Task, a)

	if a.outcome != outcomeNoResult {
		b.WriteString("\n")
		writeTable(&b, e.Pair, a)
		if note := tableNote(e.Pair, a, e.Compare.Thresholds.Alpha); note != "" {
			b.WriteString("\n" + note + "\n")
		}
	}

	links := fileLinks(e)
	if len(links) > 0 {
		b.WriteString("\n" + strings.Join(links, "\n") + "\n")
	}
	return b.String()
}

func statusText(e Entry, a assessment) string {
	var status string
	switch {
	case a.outcome == outcomeNoResult:
		status = "not measured"
	case a.outcome == outcomeInvalid && !a.compared:
		status = "a result is unreadable"
	case a.outcome == outcomeAfterMissing:
		status = "after measurement needed"
	case a.outcome == outcomeBeforeMissing:
		status = "before measurement needed"
	case a.outcome == outcomeReference:
		status = "baseline measured"
	default:
		status = "before and after measured"
	}
	if e.RoadmapStatus != "" {
		status += " · roadmap: " + e.RoadmapStatus
	}
	return status
}

// measuredDate returns the date the newest run of the task ended, from the
// after result when there is one. It comes from the result files, not the
// clock, so rendering the same results twice gives the same text.
func measuredDate(pair tasks.Pair) string {
	for _, side := range []tasks.Side{pair.After, pair.Before} {
		if side.Result == nil {
			continue
		}
		if end := side.Result.Provenance.EndTime; !end.IsZero() {
			return end.Format("2006-01-02")
		}
		if ts := side.Result.Timestamp; len(ts) >= 8 {
			return ts[0:4] + "-" + ts[4:6] + "-" + ts[6:8]
		}
	}
	return ""
}

func writeVerdict(b *strings.Builder, task string, a assessment) {
	switch a.outcome {
	case outcomeNoResult:
		fmt.Fprintf(b, "- Verdict: not measured yet (run `go tool mage perf:before %s`)\n", task)
	case outcomeOK:
		b.WriteString("- Verdict: ✓ within target\n")
	case outcomeRegression:
		b.WriteString("- Verdict: ⚠️ regression\n")
	case outcomeInvalid:
		b.WriteString("- Verdict: invalid comparison\n")
	case outcomeAfterMissing:
		fmt.Fprintf(b, "- Verdict: after measurement needed (run `go tool mage perf:after %s`)\n", task)
	case outcomeBeforeMissing:
		fmt.Fprintf(b, "- Verdict: before measurement needed (run `go tool mage perf:before %s`)\n", task)
	case outcomeReference:
		b.WriteString("- Verdict: none, because the baseline is the reference of the cumulative change\n")
	}
	for _, reason := range a.reasons {
		fmt.Fprintf(b, "  - %s\n", oneLine(reason))
	}

	if len(a.warnings) > 0 {
		b.WriteString("- Warnings:\n")
		for _, w := range a.warnings {
			fmt.Fprintf(b, "  - %s\n", oneLine(w))
		}
	}
}

// writeTable writes the before and after figures, and their change when
// the comparison is valid.
func writeTable(b *strings.Builder, pair tasks.Pair, a assessment) {
	var before, after *figures
	if r := pair.Before.Result; r != nil {
		f := figuresOf(r)
		before = &f
	}
	if r := pair.After.Result; r != nil {
		f := figuresOf(r)
		after = &f
	}

	change := func(key string) string {
		if !a.valid() {
			return "—"
		}
		return changeCell(a.report.Metric(key))
	}

	b.WriteString("| Metric | Before | After | Change |\n")
	b.WriteString("|---|---:|---:|---:|\n")
	row := func(name string, value func(figures) string, changeText string) {
		fmt.Fprintf(b, "| %s | %s | %s | %s |\n", name, cell(before, value), cell(after, value), changeText)
	}
	row("P50 latency", func(f figures) string { return formatMs(f.p50Ms) }, change("p50_ms"))
	row("P95 latency", func(f figures) string { return formatMs(f.p95Ms) }, change("p95_ms"))
	row("P99 latency", func(f figures) string { return formatMs(f.p99Ms) }, change("p99_ms"))
	row("Throughput", func(f figures) string { return formatOps(f.throughputOpsPerSec) }, change("throughput_ops_per_sec"))
	row("Errors", func(f figures) string { return fmt.Sprintf("%d (%.2f%%)", f.errors, 100*f.errorRate) }, errorsChange(a))

	if (before != nil && before.hasRSS) || (after != nil && after.hasRSS) {
		rssChange := "—"
		if a.valid() && a.report.Memory != nil {
			rssChange = changeCell(*a.report.Memory)
		}
		row("Peak RSS", func(f figures) string {
			if !f.hasRSS {
				return "—"
			}
			return fmt.Sprintf("%.1f MiB", f.peakRSSMiB)
		}, rssChange)
	}
}

func cell(f *figures, value func(figures) string) string {
	if f == nil {
		return "—"
	}
	return value(*f)
}

// changeCell formats a metric's change as benchstat does: "~" marks a
// change the significance test cannot tell from noise.
func changeCell(m compare.Metric) string {
	if math.IsNaN(m.ChangePct) {
		return "n/a"
	}
	text := fmt.Sprintf("%+.1f%%", m.ChangePct)
	switch {
	case !m.Tested:
		text += " (untested)"
	case m.Significant:
		text += fmt.Sprintf(" (p=%.3f)", m.P)
	default:
		text = fmt.Sprintf("~ %s (p=%.3f)", text, m.P)
	}
	if m.Regression {
		text = "⚠️ " + text
	}
	return text
}

func errorsChange(a assessment) string {
	if !a.valid() {
		return "—"
	}
	row := a.report.Errors
	switch {
	case row.Regression:
		return fmt.Sprintf("⚠️ %+d", row.After-row.Before)
	case row.After > row.Before:
		return fmt.Sprintf("%+d (within limit)", row.After-row.Before)
	default:
		return "no new errors"
	}
}

// tableNote explains the figures and the change markers below the table.
func tableNote(pair tasks.Pair, a assessment, alpha float64) string {
	counts := []string{}
	if r := pair.Before.Result; r != nil {
		counts = append(counts, fmt.Sprintf("%d before", len(r.Trials)))
	}
	if r := pair.After.Result; r != nil {
		counts = append(counts, fmt.Sprintf("%d after", len(r.Trials)))
	}
	if len(counts) == 0 {
		return ""
	}
	note := fmt.Sprintf("Latency, throughput and peak RSS are medians over %s trials, and errors are totals.", strings.Join(counts, " and "))
	if !a.valid() {
		return note
	}

	note += fmt.Sprintf(" A change marked ~ is within noise (Mann-Whitney U test, p ≥ %g).", alpha)
	if a.report.Metric("p99_ms").Tested {
		return note
	}
	return note + " An untested change had too few trials for the test, so the plain threshold decided."
}

// fileLinks returns the list items that link the result files and plots.
func fileLinks(e Entry) []string {
	var results []string
	for _, side := range []tasks.Side{e.Pair.Before, e.Pair.After} {
		if side.Path != "" {
			results = append(results, markdownLink(filepath.Base(side.Path), relativeLink(e.LinkDir, side.Path)))
		}
	}

	var plots []string
	for _, p := range e.Plots {
		plots = append(plots, markdownLink(p.Title, relativeLink(e.LinkDir, p.Path)))
	}

	var items []string
	if len(results) > 0 {
		items = append(items, "- Result files: "+strings.Join(results, ", "))
	}
	if len(plots) > 0 {
		items = append(items, "- Plots: "+strings.Join(plots, ", "))
	}
	return items
}

// relativeLink returns path relative to dir, with forward slashes, or path
// itself when no relative form exists (another drive on Windows).
func relativeLink(dir, path string) string {
	if dir == "" {
		return filepath.ToSlash(path)
	}
	absDir, errDir := filepath.Abs(dir)
	absPath, errPath := filepath.Abs(path)
	if errDir != nil || errPath != nil {
		return filepath.ToSlash(path)
	}
	rel, err := filepath.Rel(absDir, absPath)
	if err != nil {
		return filepath.ToSlash(path)
	}
	return filepath.ToSlash(rel)
}

// markdownLink writes a link, in angle brackets when the target has
// characters that end a bare link destination.
func markdownLink(text, target string) string {
	if strings.ContainsAny(target, " ()<>") {
		target = "<" + strings.NewReplacer("<", "%3C", ">", "%3E").Replace(target) + ">"
	}
	return "[" + text + "](" + target + ")"
}

func formatMs(ms float64) string {
	switch {
	case math.IsNaN(ms):
		return "—"
	case ms < 10:
		return fmt.Sprintf("%.2f ms", ms)
	case ms < 100:
		return fmt.Sprintf("%.1f ms", ms)
	default:
		return fmt.Sprintf("%.0f ms", ms)
	}
}

func formatOps(opsPerSec float64) string {
	if math.IsNaN(opsPerSec) {
		return "—"
	}
	return fmt.Sprintf("%.1f ops/s", opsPerSec)
}
