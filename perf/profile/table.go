package profile

import (
	"bufio"
	"fmt"
	"io"
	"text/tabwriter"
)

// WriteTable prints the warnings and then one plain-text table per list:
// flat share grew, flat share shrank, cumulative share grew, cumulative
// share shrank. Each row has the function, its flat share before and after
// with the change, and the same for its cumulative share. Shares are
// percent of each profile's total, and changes are percentage points.
func (r DiffReport) WriteTable(w io.Writer) error {
	bw := bufio.NewWriter(w)
	fmt.Fprintf(bw, "CPU profile diff (%s): before %d, after %d in total\n", r.SampleType, r.BeforeTotal, r.AfterTotal)
	fmt.Fprintln(bw, "Shares are percent of each profile's total; changes are percentage points.")
	for _, warning := range r.Warnings {
		fmt.Fprintf(bw, "warning: %s\n", warning)
	}

	sections := []struct {
		heading string
		rows    []FunctionDiff
	}{
		{"Flat share grew most (own code)", r.FlatGrew},
		{"Flat share shrank most (own code)", r.FlatShrank},
		{"Cumulative share grew most (with callees)", r.CumGrew},
		{"Cumulative share shrank most (with callees)", r.CumShrank},
	}
	for _, section := range sections {
		fmt.Fprintf(bw, "\n%s:\n", section.heading)
		if len(section.rows) == 0 {
			fmt.Fprintln(bw, "  (none)")
			continue
		}
		writeRows(bw, section.rows)
	}
	return bw.Flush()
}

// writeRows prints one aligned table. Numbers have a fixed width, so they
// line up on the right although tabwriter aligns cells on the left.
func writeRows(w io.Writer, rows []FunctionDiff) {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "  function\tflat before\tflat after\tflat Δ\tcum before\tcum after\tcum Δ")
	for _, row := range rows {
		fmt.Fprintf(tw, "  %s\t%10.2f%%\t%9.2f%%\t%+7.2f\t%9.2f%%\t%8.2f%%\t%+7.2f\n",
			row.Function,
			row.Before.FlatPct, row.After.FlatPct, row.FlatDeltaPct(),
			row.Before.CumPct, row.After.CumPct, row.CumDeltaPct())
	}
	tw.Flush()
}
