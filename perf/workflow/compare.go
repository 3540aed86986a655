package workflow

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"

	"github.com/m17/perfgate/perf/compare"
	"github.com/m17/perfgate/perf/plot"
	"github.com/m17/perfgate/perf/report"
	"github.com/m17/perfgate/perf/result"
	"github.com/m17/perfgate/perf/tasks"
)

// Comparison is the JSON output of perf:compare (PERF_FORMAT=json).
type Comparison struct {
	Task       string          `json:"task"`
	Verdict    compare.Verdict `json:"verdict"`
	ExitCode   int             `json:"exit_code"`
	Report     compare.Report  `json:"report"`
	Cumulative *compare.Report `json:"cumulative,omitempty"`
	Trailer    string          `json:"trailer"`
	Files      []string        `json:"files"`
	Plots      []string        `json:"plots,omitempty"`
}

// Compare compares the newest before and after results of task, and the
// after result against the milestone baseline when one exists. Its error
// carries exit status 1 for a regression and 3 for an invalid comparison.
func Compare(env Env, task string) error {
	if err := result.ValidateTask(task); err != nil {
		return exitError(ExitUsage, err)
	}
	pair := tasks.Load(env.Config.ResultsDir, task)
	cmp := Build(env, pair)
	var plotErr error
	cmp.Plots, plotErr = writePlots(env.Config.ResultsDir, task, pair)
	if plotErr != nil {
		fmt.Fprintf(env.Stderr, "warning: plots not written: %v\n", plotErr)
	}
	if path := os.Getenv("GITHUB_STEP_SUMMARY"); path != "" {
		if err := appendStepSummary(path, cmp); err != nil {
			fmt.Fprintf(env.Stderr, "warning: %v\n", err)
		}
	}

	if env.Config.Format == "json" {
		enc := json.NewEncoder(env.Stdout)
		enc.SetIndent("", "  ")
		if err := enc.Encode(cmp); err != nil {
			return exitError(ExitFailure, err)
		}
	} else {
		writeText(env.Stdout, env, cmp)
	}

	if cmp.ExitCode == compare.ExitOK {
		return nil
	}
	// The error repeats the verdict line with its reasons, so a CI log that
	// shows only the failing command's last line still gives the reason.
	return exitError(cmp.ExitCode, errors.New(report.VerdictLine(*verdictSource(cmp), false)))
}

// Build compares a task's results, and its after result with the
// milestone baseline when one exists.
func Build(env Env, pair tasks.Pair) Comparison {
	task := pair.Task
	opts := compareOptions(env)
	opts.Task = task
	rep := compareSides(pair.Before, pair.After, opts)
	rep.Task = task
	cmp := Comparison{Task: task, Report: rep, Files: []string{pair.Before.Path, pair.After.Path}}

	if task != tasks.Baseline && pair.After.Result != nil {
		if base, ok := tasks.LoadBaseline(env.Config.ResultsDir); ok {
			cum := compareSides(base, pair.After, opts)
			cum.Task = task
			cum.Label = "baseline → after (cumulative)"
			cmp.Cumulative = &cum
		}
	}

	cmp.Verdict = verdictSource(cmp).Verdict
	cmp.ExitCode = cmp.Verdict.ExitCode()
	cmp.Trailer = report.Trailer(rep, env.Config.Thresholds.P99IncreasePct)
	return cmp
}

// verdictSource is the report that decides the exit status: the task's own
// comparison, unless that is fine and the cumulative one is not.
func verdictSource(cmp Comparison) *compare.Report {
	if cmp.Report.Verdict == compare.VerdictOK && cmp.Cumulative != nil && cmp.Cumulative.Verdict == compare.VerdictRegression {
		return cmp.Cumulative
	}
	return &cmp.Report
}

// compareSides turns unreadable results into an invalid report that names
// the file, and compares the rest.
func compareSides(before, after tasks.Side, opts compare.Options) compare.Report {
	var unreadable []string
	for _, s := range []struct {
		name string
		side tasks.Side
	}{{"before", before}, {"after", after}} {
		if s.side.Err != nil && !errors.Is(s.side.Err, result.ErrNotFound) {
			unreadable = append(unreadable, fmt.Sprintf("the %s result is unreadable: %v", s.name, s.side.Err))
		}
	}
	if len(unreadable) > 0 {
		return compare.Report{Verdict: compare.VerdictInvalid, Reasons: unreadable}
	}
	rep := compare.Compare(before.Result, after.Result, opts)
	rep.Files = [2]string{before.Path, after.Path}
	return rep
}

// writePlots draws the before/after plots next to the results and returns
// their paths; with no readable result there is nothing to draw.
func writePlots(dir, task string, pair tasks.Pair) ([]string, error) {
	if pair.Before.Result == nil && pair.After.Result == nil {
		return nil, nil
	}
	files, err := plot.WriteCompare(dir, task, pair.Before.Result, pair.After.Result)
	if err != nil {
		return nil, err
	}
	return []string{files.Spectrum, files.SpectrumPNG, files.LatencyOverTime, files.ThroughputOverTime}, nil
}

// appendStepSummary adds the comparison to the GitHub Actions job summary.
func appendStepSummary(path string, cmp Comparison) error {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o644)
	if err != nil {
		return fmt.Errorf("GITHUB_STEP_SUMMARY=%s cannot be opened (%v); unset it or point it at a writable file", path, err)
	}
	defer f.Close()
	reports := []compare.Report{cmp.Report}
	if cmp.Cumulative != nil {
		reports = append(reports, *cmp.Cumulative)
	}
	report.WriteMarkdown(f, reports, cmp.Trailer, cmp.Plots)
	return nil
}

func writeText(w io.Writer, env Env, cmp Comparison) {
	report.WriteTable(w, cmp.Report)
	if cmp.Cumulative != nil {
		fmt.Fprintln(w)
		report.WriteTable(w, *cmp.Cumulative)
		if cmp.Cumulative.Verdict == compare.VerdictRegression {
			fmt.Fprintln(w, "The regression above is cumulative: the milestone has drifted more than its target since the baseline, even if this task alone is within it.")
		}
	}
	if cmp.Verdict == compare.VerdictRegression {
		files, _, err := WriteProfileDiff(env.Config.ResultsDir, cmp.Task)
		fmt.Fprintln(w)
		if err == nil {
			fmt.Fprintf(w, "Where the time went: %s\n  differential flame graph: %s\n", files[0], files[1])
		} else {
			fmt.Fprintf(w, "Where the time went: no profiles to compare yet (%v).\n", err)
		}
	}
	if len(cmp.Plots) > 0 {
		fmt.Fprintln(w)
		fmt.Fprintln(w, "Plots:")
		for _, p := range cmp.Plots {
			fmt.Fprintln(w, "  "+p)
		}
	}
	if cmp.Verdict == compare.VerdictInvalid {
		return // nothing was compared: no log block or trailer to offer
	}
	if block, err := logBlock(env, cmp.Task); err == nil {
		fmt.Fprintln(w)
		fmt.Fprintln(w, "Summary for PERFORMANCE_LOG.md (go tool mage perf:log "+cmp.Task+" writes it):")
		fmt.Fprintln(w)
		fmt.Fprint(w, block)
	}
	fmt.Fprintln(w)
	fmt.Fprintln(w, "Commit trailer:")
	fmt.Fprintln(w, "  "+cmp.Trailer)
}
