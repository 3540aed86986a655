package calibrate

import (
	"context"
	"fmt"
	"io"
	"math"
	"sort"
	"time"

	"github.com/m17/perfgate/perf/phase"
	"github.com/m17/perfgate/perf/result"
)

// Options configure a calibration run.
type Options struct {
	// Phase is the template of every phase: config, repository, output.
	Phase phase.Options
	// Pairs is the number of A/A pairs and of A/B pairs.
	Pairs int
	// SlowdownPct is the P99 rise the A/B pairs should show; the slowdown
	// flag is set to that share of the first A phase's P99.
	SlowdownPct float64
	// Cost, when positive, is the B build's per-request cost as given,
	// and the probe that sizes it is skipped.
	Cost time.Duration
	// SlowdownFlag is the server flag that adds a fixed cost per request,
	// such as the reference server's -spin.
	SlowdownFlag string
	// Interleave runs each pair's two phases trial by trial in turn (A, B,
	// A, B), as perf:verify does, instead of one after the other.
	Interleave bool
	// Log receives a line per finished pair.
	Log io.Writer
}

// Run measures the pairs and returns them with the per-request cost of the
// B build. Two probe phases size that cost: a first guess of SlowdownPct of
// the A build's P99, then scaled by the P99 rise it actually caused, since
// queueing makes P99 rise more than the cost itself. Pairs then alternate
// A/A and A/B, so slow drifts of the machine fall on both kinds alike.
func Run(ctx context.Context, opts Options) ([]Pair, time.Duration, error) {
	cost := opts.Cost
	needBuild := cost > 0 // otherwise the probe builds the server
	if cost <= 0 {
		var err error
		if cost, err = probeCost(ctx, opts); err != nil {
			return nil, 0, err
		}
	}
	slowArgs := []string{opts.SlowdownFlag, cost.String()}

	var pairs []Pair
	for i := range opts.Pairs {
		for _, kind := range []string{KindAA, KindAB} {
			task := fmt.Sprintf("cal-%s-%02d", map[string]string{KindAA: "aa", KindAB: "ab"}[kind], i+1)
			var afterArgs []string
			if kind == KindAB {
				afterArgs = slowArgs
			}
			before, after, wall, err := measurePair(ctx, opts, task, afterArgs, needBuild)
			needBuild = false
			if err != nil {
				return pairs, cost, err
			}
			p := Pair{Kind: kind, Before: before, After: after, WallSec: wall.Seconds()}
			pairs = append(pairs, p)
			fmt.Fprintf(opts.Log, "%s %s: P99 %.3f → %.3f ms (%+.1f%%)\n", task, kind, before.Summary.P99Ms, after.Summary.P99Ms,
				100*(after.Summary.P99Ms-before.Summary.P99Ms)/math.Max(before.Summary.P99Ms, 1e-9))
		}
	}
	return pairs, cost, nil
}

// probeCost sizes the B build's per-request cost with two probe phases.
func probeCost(ctx context.Context, opts Options) (time.Duration, error) {
	probeA, _, err := measure(ctx, opts.Phase, "cal-probe", result.PhaseBefore, nil, true)
	if err != nil {
		return 0, fmt.Errorf("probe phase: %w", err)
	}
	guess := roundCost(time.Duration(medianP99(probeA) * opts.SlowdownPct / 100 * float64(time.Millisecond)))
	probeB, _, err := measure(ctx, opts.Phase, "cal-probe", result.PhaseAfter, []string{opts.SlowdownFlag, guess.String()}, false)
	if err != nil {
		return 0, fmt.Errorf("probe phase: %w", err)
	}
	rise := 100 * (medianP99(probeB) - medianP99(probeA)) / medianP99(probeA)
	cost := guess
	if rise > 0 {
		cost = roundCost(time.Duration(float64(guess) * opts.SlowdownPct / rise))
	}
	fmt.Fprintf(opts.Log, "probe: P99 %.3f ms; %s %s raised it %+.1f%%, so the B build adds %s per request\n",
		medianP99(probeA), opts.SlowdownFlag, guess, rise, cost)
	return cost, nil
}

// roundCost rounds a per-request cost to 10 µs, at least 10 µs.
func roundCost(d time.Duration) time.Duration {
	return max(d.Round(10*time.Microsecond), 10*time.Microsecond)
}

// medianP99 is the median of a result's per-trial P99s, the figure the
// verdict compares.
func medianP99(r *result.Result) float64 {
	values := make([]float64, 0, len(r.Trials))
	for _, t := range r.Trials {
		values = append(values, t.P99Ms)
	}
	if len(values) == 0 {
		return r.Summary.P99Ms
	}
	sort.Float64s(values)
	return values[len(values)/2]
}

// measurePair runs a pair's before phase with the server's own flags and
// its after phase with afterArgs added, in turn or interleaved.
func measurePair(ctx context.Context, opts Options, task string, afterArgs []string, build bool) (before, after *result.Result, wall time.Duration, err error) {
	if !opts.Interleave {
		var wallBefore, wallAfter time.Duration
		if before, wallBefore, err = measure(ctx, opts.Phase, task, result.PhaseBefore, nil, build); err != nil {
			return nil, nil, 0, err
		}
		if after, wallAfter, err = measure(ctx, opts.Phase, task, result.PhaseAfter, afterArgs, false); err != nil {
			return nil, nil, 0, err
		}
		return before, after, wallBefore + wallAfter, nil
	}

	began := time.Now()
	outs, err := phase.RunInterleaved(ctx,
		phaseOptions(opts.Phase, task, result.PhaseBefore, nil, build),
		phaseOptions(opts.Phase, task, result.PhaseAfter, afterArgs, false))
	if err != nil {
		return nil, nil, 0, err
	}
	return outs[0].Result, outs[1].Result, time.Since(began), nil
}

// measure runs one phase with extra server flags.
func measure(ctx context.Context, base phase.Options, task, phaseName string, extraArgs []string, build bool) (*result.Result, time.Duration, error) {
	began := time.Now()
	out, err := phase.Run(ctx, phaseOptions(base, task, phaseName, extraArgs, build))
	if err != nil {
		return nil, 0, err
	}
	return out.Result, time.Since(began), nil
}

// phaseOptions returns base for one phase with extra server flags. Only
// the first phase of a calibration builds the server, and the others reuse
// its binary.
func phaseOptions(base phase.Options, task, phaseName string, extraArgs []string, build bool) phase.Options {
	o := base
	o.Task = task
	o.Phase = phaseName
	o.Config.Server.Args = append(append([]string(nil), base.Config.Server.Args...), extraArgs...)
	if !build {
		o.Config.Server.BuildCmd = nil
	}
	return o
}

// WriteReport prints the scores as a Markdown table.
func WriteReport(w io.Writer, s Scores, cost time.Duration) {
	fmt.Fprintf(w, "| rule | false alarms (A/A) | detections (A/B, P99 %+.1f%% on average, added cost %s per request) |\n", s.MeanABChangePct, cost)
	fmt.Fprintln(w, "|---|---:|---:|")
	fmt.Fprintf(w, "| noise-aware verdict (trials + Mann-Whitney U) | %d/%d (%.0f%%) | %d/%d (%.0f%%) |\n",
		s.FalseAlarmsVerdict, s.AAPairs, 100*Rate(s.FalseAlarmsVerdict, s.AAPairs), s.DetectionsVerdict, s.ABPairs, 100*Rate(s.DetectionsVerdict, s.ABPairs))
	fmt.Fprintf(w, "| plain single-run rule (P99 > +5%%) | %d/%d (%.0f%%) | %d/%d (%.0f%%) |\n",
		s.FalseAlarmsPlain, s.AAPairs, 100*Rate(s.FalseAlarmsPlain, s.AAPairs), s.DetectionsPlain, s.ABPairs, 100*Rate(s.DetectionsPlain, s.ABPairs))
	fmt.Fprintf(w, "\nPhase wall time / measured time: %.2f×. Invalid pairs: %d.\n", s.WallRatio, s.Invalid)
}
