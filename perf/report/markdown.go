package report

import (
	"fmt"
	"io"
	"path/filepath"

	"github.com/m17/perfgate/perf/compare"
)

// WriteMarkdown writes a comparison as GitHub-flavoured Markdown, for the
// CI job summary (GITHUB_STEP_SUMMARY): the verdict, the table, warnings,
// the commit trailer and links to the plots.
func WriteMarkdown(w io.Writer, reports []compare.Report, trailer string, plots []string) {
	for _, rep := range reports {
		fmt.Fprintf(w, "### Performance: task %s, %s\n\n", rep.Task, rep.Label)
		fmt.Fprintf(w, "**%s**\n\n", VerdictLine(rep, false))
		if rep.Verdict != compare.VerdictInvalid {
			writeMarkdownTable(w, rep)
		}
		for _, warning := range rep.Warnings {
			fmt.Fprintf(w, "> ⚠️ %s\n", warning)
		}
		fmt.Fprintln(w)
	}
	fmt.Fprintf(w, "`%s`\n\n", trailer)
	if len(plots) > 0 {
		fmt.Fprintln(w, "Plots (in the results folder):")
		for _, p := range plots {
			fmt.Fprintf(w, "- `%s`\n", filepath.ToSlash(p))
		}
		fmt.Fprintln(w)
	}
}

func writeMarkdownTable(w io.Writer, rep compare.Report) {
	fmt.Fprintf(w, "%d vs %d trials, median ± 95%% CI, Mann-Whitney U p-value\n\n", rep.Trials[0], rep.Trials[1])
	fmt.Fprintln(w, "| metric | before | after | change | p | |")
	fmt.Fprintln(w, "|---|---:|---:|---:|---:|---|")
	rows := append([]compare.Metric(nil), rep.Metrics...)
	if rep.Memory != nil {
		rows = append(rows, *rep.Memory)
	}
	for _, m := range rows {
		p := "—"
		if m.Tested {
			p = fmt.Sprintf("%.3f", m.P)
		}
		mark := ""
		if m.Regression {
			mark = "⚠️ regression"
		}
		fmt.Fprintf(w, "| %s | %s | %s | %s | %s | %s |\n", m.Name, formatSummary(m.Before, m.Unit), formatSummary(m.After, m.Unit), formatChange(m), p, mark)
	}
	e := rep.Errors
	mark := ""
	if e.Regression {
		mark = "⚠️ regression"
	}
	fmt.Fprintf(w, "| Errors | %d (%.2f%%) | %d (%.2f%%) | %+d | | %s |\n\n", e.Before, 100*e.BeforeRate, e.After, 100*e.AfterRate, e.After-e.Before, mark)
}
