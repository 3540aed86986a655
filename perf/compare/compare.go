// Package compare decides whether a task's change is a regression, from two
// results. It is a pure function of result values, with no file or process
// I/O, so every rule is tested on synthetic results.
//
// Each phase is measured as several independent trials. Per metric, each
// side is summarised by the median of its trials with a confidence
// interval, and the two sides are compared with the Mann-Whitney U test of
// golang.org/x/perf/benchmath, as benchstat does. A change counts as a
// regression only when it is beyond its threshold and significant at
// alpha. A large change that the trials cannot tell from noise is reported
// as "~" with its p-value.
package compare

import (
	"fmt"
	"math"

	"github.com/m17/perfgate/perf/config"
	"github.com/m17/perfgate/perf/result"
)

// Verdict is the outcome of a comparison.
type Verdict string

const (
	VerdictOK         Verdict = "ok"
	VerdictRegression Verdict = "regression"
	VerdictInvalid    Verdict = "invalid"
)

// Exit statuses of perf:compare.
const (
	ExitOK         = 0
	ExitRegression = 1
	ExitInvalid    = 3
)

// ExitCode maps a verdict to the process exit status.
func (v Verdict) ExitCode() int {
	switch v {
	case VerdictOK:
		return ExitOK
	case VerdictRegression:
		return ExitRegression
	default:
		return ExitInvalid
	}
}

// Options are the comparison settings besides the thresholds.
type Options struct {
	// Task names the task in messages when neither result is present.
	Task       string
	Thresholds config.Thresholds
	// Strict turns host differences into an invalid comparison.
	Strict bool
	// AllowIncomplete accepts results of runs that stopped early.
	AllowIncomplete bool
}

// Report is a whole comparison.
type Report struct {
	Task    string  `json:"task"`
	Label   string  `json:"label"` // e.g. "before → after" or "baseline → after"
	Verdict Verdict `json:"verdict"`
	// Reasons explain a regression or an invalid comparison, one line each.
	Reasons []string `json:"reasons,omitempty"`
	// Warnings are facts that weaken the comparison without voiding it.
	Warnings []string `json:"warnings,omitempty"`

	Metrics []Metric  `json:"metrics"`
	Errors  ErrorsRow `json:"errors"`
	Memory  *Metric   `json:"peak_rss,omitempty"`
	CPU     *CPUPerOp `json:"cpu_per_op,omitempty"`
	Trials  [2]int    `json:"trials"`
	Files   [2]string `json:"files"`
}

// ErrorsRow compares failed requests. Errors are not sampled noise: any
// rise of the error rate beyond the threshold is a regression.
type ErrorsRow struct {
	Before     int64   `json:"before"`
	After      int64   `json:"after"`
	BeforeRate float64 `json:"before_rate"`
	AfterRate  float64 `json:"after_rate"`
	Regression bool    `json:"regression"`
}

// CPUPerOp is the server's CPU time per operation, before and after.
type CPUPerOp struct {
	BeforeSec float64 `json:"before_sec"`
	AfterSec  float64 `json:"after_sec"`
	ChangePct float64 `json:"change_pct"`
}

// Compare compares two results of one task. before and after may be nil
// when missing; the report is then invalid with a reason.
func Compare(before, after *result.Result, opts Options) Report {
	rep := Report{Label: "before → after"}
	if before != nil {
		rep.Task = before.Task
	} else if after != nil {
		rep.Task = after.Task
	}

	if reasons := checkComparable(before, after, opts); len(reasons) > 0 {
		rep.Verdict = VerdictInvalid
		rep.Reasons = reasons
		return rep
	}
	rep.Trials = [2]int{len(before.Trials), len(after.Trials)}
	rep.Warnings = append(rep.Warnings, hostWarnings(before, after)...)
	if opts.Strict && len(rep.Warnings) > 0 {
		rep.Verdict = VerdictInvalid
		rep.Reasons = append(rep.Reasons, "PERF_STRICT=1 and the two runs differ in their host or tree (see warnings); rerun both on one machine from clean trees")
		return rep
	}

	for _, r := range []*result.Result{before, after} {
		if !r.Complete {
			rep.Warnings = append(rep.Warnings, fmt.Sprintf("the %s result is incomplete (%s) and is compared only because PERF_ALLOW_INCOMPLETE=1", r.Phase, r.IncompleteReason))
		}
	}

	th := opts.Thresholds
	for _, def := range latencyMetrics {
		m := compareValues(def, trialValues(before, def.value), trialValues(after, def.value), th.Alpha)
		noisy := false
		switch def.key {
		case "p99_ms":
			noisy = gate(&m, th.P99IncreasePct, true)
		case "throughput_ops_per_sec":
			noisy = gate(&m, th.ThroughputDecreasePct, false)
		}
		if noisy {
			rep.Warnings = append(rep.Warnings, noiseWarning(m, rep.Task, before.Provenance.CPUPinning != ""))
		}
		rep.Metrics = append(rep.Metrics, m)
	}
	rep.Errors = compareErrors(before, after, th)
	rep.Memory, rep.CPU = compareSystem(before, after, th)

	rep.decide()
	return rep
}

// gate marks a metric as a regression when its change is beyond limitPct
// in the bad direction and significant. With too few trials for the test,
// the plain threshold decides and the report carries a warning. noisy is
// true for a change beyond the limit that the test did not find
// significant.
func gate(m *Metric, limitPct float64, worseUp bool) (noisy bool) {
	m.Gated = true
	change := m.ChangePct
	if math.IsNaN(change) {
		return false
	}
	beyond := change > limitPct
	if !worseUp {
		beyond = change < -limitPct
	}
	if !beyond {
		return false
	}
	if m.Tested && !m.Significant {
		return true
	}
	m.Regression = true
	m.Reason = fmt.Sprintf("%s %+.1f%% (limit %s%.0f%%, p=%.3f)", m.Name, change, signFor(worseUp), limitPct, m.P)
	if !m.Tested {
		m.Reason = fmt.Sprintf("%s %+.1f%% (limit %s%.0f%%, too few trials for a significance test)", m.Name, change, signFor(worseUp), limitPct)
	}
	return false
}

// noiseWarning explains that a change beyond its limit passed only because the
// trials could not tell it from noise, so the OK verdict is weak, and how
// to get a firmer one.
func noiseWarning(m Metric, task string, pinned bool) string {
	w := fmt.Sprintf("%s %+.1f%% is beyond its limit, but the trials cannot tell it from noise (p=%.2f), so it does not fail the check; "+
		"confirm with go tool mage perf:verify %s", m.Name, m.ChangePct, m.P, task)
	if !pinned {
		w += ", and on a small machine measure both phases with PERF_PIN_CPUS=1, which cuts the trial-to-trial noise"
	}
	return w
}

func signFor(worseUp bool) string {
	if worseUp {
		return "+"
	}
	return "-"
}

func compareErrors(before, after *result.Result, th config.Thresholds) ErrorsRow {
	row := ErrorsRow{
		Before:     before.Summary.Errors.Total(),
		After:      after.Summary.Errors.Total(),
		BeforeRate: before.Summary.ErrorRate,
		AfterRate:  after.Summary.ErrorRate,
	}
	row.Regression = row.AfterRate-row.BeforeRate > th.ErrorRateIncrease && row.After > row.Before
	return row
}

// decide sets the verdict from the gated rows.
func (rep *Report) decide() {
	rep.Verdict = VerdictOK
	for _, m := range rep.Metrics {
		if m.Regression {
			rep.Reasons = append(rep.Reasons, m.Reason)
		}
	}
	if rep.Errors.Regression {
		rep.Reasons = append(rep.Reasons, fmt.Sprintf("errors rose from %d (%.2f%%) to %d (%.2f%%)",
			rep.Errors.Before, 100*rep.Errors.BeforeRate, rep.Errors.After, 100*rep.Errors.AfterRate))
	}
	if rep.Memory != nil && rep.Memory.Regression {
		rep.Reasons = append(rep.Reasons, rep.Memory.Reason)
	}
	if len(rep.Reasons) > 0 {
		rep.Verdict = VerdictRegression
	}
	if rep.Trials[0] < minTrialsForTest || rep.Trials[1] < minTrialsForTest {
		rep.Warnings = append(rep.Warnings, fmt.Sprintf("only %d and %d trials: too few for a significance test, so the plain threshold rule decides and noise can trigger it; use at least %d trials (PERF_TRIALS)",
			rep.Trials[0], rep.Trials[1], minTrialsForTest))
	}
}

// Metric returns the row with the given key, or a zero Metric.
func (rep Report) Metric(key string) Metric {
	for _, m := range rep.Metrics {
		if m.Key == key {
			return m
		}
	}
	return Metric{ChangePct: math.NaN()}
}
