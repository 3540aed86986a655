//go:build mage

package main

import (
	"context"

	"github.com/magefile/mage/mg"

	"github.com/m17/perfgate/perf/result"
	"github.com/m17/perfgate/perf/workflow"
)

// Perf groups the before/after/compare workflow of a task.
type Perf mg.Namespace

// Before measures the server before the task's change: build, start, load, save.
//
// It builds and starts the server, runs the scenario's deterministic load
// (by default 1000 ops/s for 60 s in 8 trials, each after a restart and a
// warmup), stops the server and writes
// tmp/m17_performance/<task>_before_<timestamp>.json with its side files.
// Exit status: 0 done, 1 failed (a result marked incomplete may still be
// written), 2 invalid input, 130 interrupted.
func (Perf) Before(ctx context.Context, task string) error {
	return measure(ctx, task, result.PhaseBefore)
}

// After measures the server after the task's change, like perf:before.
//
// Run it once the change is in place; perf:compare then compares the newest
// before and after results of the task.
func (Perf) After(ctx context.Context, task string) error {
	return measure(ctx, task, result.PhaseAfter)
}

// Compare prints the before/after table and verdict; exit 0 ok, 1 regression, 3 invalid.
//
// Exit 2 means invalid input (such as a bad task id).
//
// It takes the newest before and after results of the task, compares each
// metric's per-trial medians with the Mann-Whitney U test and counts a
// change as a regression only when it is beyond its threshold (P99 +5%,
// throughput -5%, any new error) and significant. When a task named
// "baseline" has results, the after result is also compared with it, and a
// cumulative regression fails too. PERF_FORMAT=json prints JSON.
func (Perf) Compare(task string) error {
	env, err := workflow.NewEnv(perfConfig())
	if err != nil {
		return err
	}
	return workflow.Compare(env, task)
}

func measure(ctx context.Context, task, phase string) error {
	env, err := workflow.NewEnv(perfConfig())
	if err != nil {
		return err
	}
	return workflow.Measure(ctx, env, task, phase)
}

// Verify re-measures the task's before and after commits, alternating trials A, B, A, B.
//
// It checks out the commits recorded in the task's newest before and after
// results into temporary git worktrees, builds the server in each, and runs
// their trials alternately on this machine in one session, so slow drifts
// of the machine fall on both sides alike. It prints the same table and
// verdict as perf:compare and exits like it. It refuses results without a
// recorded commit or taken from a tree with uncommitted changes, and always
// removes its worktrees.
func (Perf) Verify(ctx context.Context, task string) error {
	env, err := workflow.NewEnv(perfConfig())
	if err != nil {
		return err
	}
	return workflow.Verify(ctx, env, task)
}

// Calibrate measures the verdict's false-alarm and detection rates on this machine.
//
// It runs PERF_PAIRS (default 10) A/A pairs of the reference server and as
// many A/B pairs where the after build burns a fixed CPU time per request (-spin) that raises P99 by
// about 10%, with 10 s phases unless PERF_DURATION sets another duration, and
// prints a Markdown table of how often the noise-aware verdict and the
// plain single-run 5% rule raised an alarm. PERF_CALIBRATION_INTERLEAVE=1
// alternates each pair's trials A, B, A, B, as perf:verify does.
// docs/benchmarks.md records its output.
func (Perf) Calibrate(ctx context.Context) error {
	env, err := workflow.NewEnv(perfConfig())
	if err != nil {
		return err
	}
	return workflow.Calibrate(ctx, env)
}

// Flamegraph profiles the server under the task's load and draws its flame graph.
//
// It runs the task's scenario for one phase (PERF_PHASE, "after" by
// default) while capturing a CPU profile: over /debug/pprof for a Go server
// (Server.GoPprof), with Linux perf record -g otherwise. It writes
// <task>_<phase>_<timestamp>_cpu.pprof, _cpu.folded and _flame.svg under
// the results folder's profiles/ subfolder, which compare never reads as a
// phase result. When both phases have a profile, it prints the 15 functions
// whose share grew and shrank the most and writes a differential flame
// graph.
func (Perf) Flamegraph(ctx context.Context, task string) error {
	env, err := workflow.NewEnv(perfConfig())
	if err != nil {
		return err
	}
	return workflow.Flamegraph(ctx, env, task)
}

// Log records the task's result in the performance log and recomputes its summary.
//
// It creates or updates the task's section of
// roadmap/milestone-17/PERFORMANCE_LOG.md (PERF_LOG) between its markers:
// before and after figures, change, verdict with its reason, result files,
// plots and date, titled from PERF_TASK_NAME or a roadmap file
// <id>_<name>_<status>.md. The summary is recomputed from all result files.
// Text outside the markers is kept byte for byte; damaged markers stop it
// with the line number and nothing is written. Running it twice changes
// nothing the second time.
func (Perf) Log(task string) error {
	env, err := workflow.NewEnv(perfConfig())
	if err != nil {
		return err
	}
	return workflow.Log(env, task)
}
