package perflog

import (
	"fmt"
	"math"
	"strings"
	"unicode"

	"github.com/m17/perfgate/perf/compare"
	"github.com/m17/perfgate/perf/tasks"
)

// summaryInput is the input of the summary: the newest results of every
// task in the results folder.
type summaryInput struct {
	// pairs holds every task except the baseline, in task order.
	pairs       []tasks.Pair
	baseline    tasks.Side
	hasBaseline bool
}

// loadSummaryInput reads the newest results of every task in resultsDir.
func loadSummaryInput(resultsDir string) (summaryInput, error) {
	ids, err := tasks.IDs(resultsDir)
	if err != nil {
		return summaryInput{}, err
	}

	var in summaryInput
	for _, id := range ids {
		if id != tasks.Baseline {
			in.pairs = append(in.pairs, tasks.Load(resultsDir, id))
		}
	}
	in.baseline, in.hasBaseline = tasks.LoadBaseline(resultsDir)
	return in, nil
}

// renderSummary returns the Markdown of the summary block: how many tasks
// are measured, which pass and which fail, the worst P99 change, the
// cumulative change since the baseline and the tasks still missing a
// measurement.
func renderSummary(in summaryInput, opts compare.Options) string {
	var (
		measured                 int
		pass, fail, invalid      []string
		afterMissing, beforeMiss []string
		worstTask                string
		worstP99                 = math.Inf(-1)
	)
	for _, pair := range in.pairs {
		a := assess(pair, opts)
		if a.compared {
			measured++
		}
		switch a.outcome {
		case outcomeOK:
			pass = append(pass, pair.Task)
		case outcomeRegression:
			fail = append(fail, pair.Task+" ("+regressionDetail(a.report)+")")
		case outcomeInvalid:
			invalid = append(invalid, pair.Task+" ("+firstReason(a.reasons)+")")
		case outcomeAfterMissing:
			afterMissing = append(afterMissing, pair.Task)
		case outcomeBeforeMissing:
			beforeMiss = append(beforeMiss, pair.Task)
		}

		if a.valid() {
			if change := a.report.Metric("p99_ms").ChangePct; change > worstP99 {
				worstP99, worstTask = change, pair.Task
			}
		}
	}

	var b strings.Builder
	fmt.Fprintf(&b, "- Tasks measured before and after: %d of %d\n", measured, len(in.pairs))
	fmt.Fprintf(&b, "- Within target: %s\n", listOrNone(pass))
	fmt.Fprintf(&b, "- Regressions: %s\n", listOrNone(fail))
	if len(invalid) > 0 {
		fmt.Fprintf(&b, "- Invalid comparisons: %s\n", strings.Join(invalid, ", "))
	}
	if worstTask != "" {
		fmt.Fprintf(&b, "- Worst P99 change: task %s, %+.1f%%\n", worstTask, worstP99)
	} else {
		b.WriteString("- Worst P99 change: no task compared yet\n")
	}
	if in.hasBaseline {
		b.WriteString(cumulativeChange(in, opts))
	}
	fmt.Fprintf(&b, "- Missing an after measurement: %s\n", listOrNone(afterMissing))
	if len(beforeMiss) > 0 {
		fmt.Fprintf(&b, "- Missing a before measurement: %s\n", strings.Join(beforeMiss, ", "))
	}
	return b.String()
}

// regressionDetail lists the metrics that made a comparison a regression,
// with their change.
func regressionDetail(rep compare.Report) string {
	var parts []string
	for _, m := range rep.Metrics {
		if m.Regression {
			parts = append(parts, fmt.Sprintf("%s %+.1f%%", lowerFirst(m.Name), m.ChangePct))
		}
	}
	if rep.Errors.Regression {
		parts = append(parts, fmt.Sprintf("errors %+d", rep.Errors.After-rep.Errors.Before))
	}
	if rep.Memory != nil && rep.Memory.Regression {
		parts = append(parts, fmt.Sprintf("peak RSS %+.1f%%", rep.Memory.ChangePct))
	}
	return strings.Join(parts, ", ")
}

// cumulativeChange returns the list item that compares the baseline with
// the after result of the last task, in task order, that has one.
func cumulativeChange(in summaryInput, opts compare.Options) string {
	const item = "- Cumulative change since the baseline: "
	if in.baseline.Err != nil {
		return item + "the baseline result is unreadable: " + shortReason(oneLine(in.baseline.Err.Error())) + "\n"
	}

	var newest *tasks.Pair
	for i := range in.pairs {
		if in.pairs[i].After.Result != nil {
			newest = &in.pairs[i]
		}
	}
	if newest == nil {
		return item + "no task has an after measurement yet\n"
	}

	base := in.baseline.Result
	rep := compare.Compare(base, newest.After.Result, opts)
	label := fmt.Sprintf("baseline %s → task %s after", base.Phase, newest.Task)
	if len(rep.Metrics) == 0 {
		return fmt.Sprintf("%s%s not comparable: %s\n", item, label, firstReason(rep.Reasons))
	}

	p99 := rep.Metric("p99_ms")
	throughput := rep.Metric("throughput_ops_per_sec")
	return fmt.Sprintf("%s%s\n  - P99 latency: %s → %s, %s\n  - Throughput: %s → %s, %s\n",
		item, label,
		formatMs(p99.Before.Median), formatMs(p99.After.Median), changeCell(p99),
		formatOps(throughput.Before.Median), formatOps(throughput.After.Median), changeCell(throughput))
}

func listOrNone(items []string) string {
	if len(items) == 0 {
		return "none"
	}
	return strings.Join(items, ", ")
}

// lowerFirst lowercases a metric name for use inside a sentence
// ("Throughput" becomes "throughput"), but keeps "P99 latency" as it is.
func lowerFirst(name string) string {
	if len(name) < 2 || !unicode.IsUpper(rune(name[0])) || !unicode.IsLower(rune(name[1])) {
		return name
	}
	return strings.ToLower(name[:1]) + name[1:]
}
