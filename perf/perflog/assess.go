package perflog

import (
	"errors"
	"fmt"
	"strings"

	"github.com/m17/perfgate/perf/compare"
	"github.com/m17/perfgate/perf/result"
	"github.com/m17/perfgate/perf/tasks"
)

// outcome is a task's state as the log reports it.
type outcome int

const (
	outcomeNoResult outcome = iota
	outcomeOK
	outcomeRegression
	outcomeInvalid
	outcomeAfterMissing
	outcomeBeforeMissing
	// outcomeReference is a baseline measured in one phase only: it is the
	// reference point of the cumulative change, so it needs no verdict.
	outcomeReference
)

// assessment is a task's outcome with the comparison behind it.
type assessment struct {
	outcome outcome
	// compared is true when both results were read and compared; report
	// is then set, and its Metrics are empty when it is invalid.
	compared bool
	report   compare.Report
	// reasons explain a regression or an invalid outcome, one line each.
	reasons  []string
	warnings []string
}

// assess compares a task's newest results, or reports which one is missing
// or unreadable.
func assess(pair tasks.Pair, opts compare.Options) assessment {
	beforeMissing := errors.Is(pair.Before.Err, result.ErrNotFound)
	afterMissing := errors.Is(pair.After.Err, result.ErrNotFound)

	var unreadable []string
	for _, side := range []struct {
		phase string
		side  tasks.Side
	}{{result.PhaseBefore, pair.Before}, {result.PhaseAfter, pair.After}} {
		if side.side.Err != nil && !errors.Is(side.side.Err, result.ErrNotFound) {
			unreadable = append(unreadable, fmt.Sprintf("the %s result is unreadable: %s", side.phase, oneLine(side.side.Err.Error())))
		}
	}

	switch {
	case beforeMissing && afterMissing:
		return assessment{outcome: outcomeNoResult}
	case len(unreadable) > 0:
		return assessment{outcome: outcomeInvalid, reasons: unreadable}
	case pair.Task == tasks.Baseline && (beforeMissing || afterMissing):
		return assessment{outcome: outcomeReference}
	case afterMissing:
		return assessment{outcome: outcomeAfterMissing}
	case beforeMissing:
		return assessment{outcome: outcomeBeforeMissing}
	}

	rep := compare.Compare(pair.Before.Result, pair.After.Result, opts)
	a := assessment{compared: true, report: rep, reasons: rep.Reasons, warnings: rep.Warnings}
	switch rep.Verdict {
	case compare.VerdictOK:
		a.outcome = outcomeOK
	case compare.VerdictRegression:
		a.outcome = outcomeRegression
	default:
		a.outcome = outcomeInvalid
	}
	return a
}

// valid reports whether the comparison produced metrics.
func (a assessment) valid() bool {
	return a.compared && len(a.report.Metrics) > 0
}

// oneLine collapses line breaks and runs of spaces, so a message read from
// a file cannot break the Markdown structure of the log.
func oneLine(s string) string {
	return strings.Join(strings.Fields(s), " ")
}

// shortReason returns the part of a compare reason before its advice:
// compare writes "<what is wrong>; <what to do>".
func shortReason(reason string) string {
	what, _, _ := strings.Cut(reason, "; ")
	return what
}

// firstReason returns the short form of the first reason, for one-line
// lists.
func firstReason(reasons []string) string {
	if len(reasons) == 0 {
		return "no reason given"
	}
	return shortReason(oneLine(reasons[0]))
}
