// Package workflow implements the Mage targets: each function takes the
// task id, runs the packages that do the work and returns an error that
// carries the process exit status, so the magefile stays a thin layer.
package workflow

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"syscall"
	"time"

	"golang.org/x/term"

	"github.com/m17/perfgate/perf/config"
	"github.com/m17/perfgate/perf/phase"
	"github.com/m17/perfgate/perf/result"
	"github.com/m17/perfgate/perf/server"
)

// Exit statuses shared by the targets. Compare adds 1 (regression) and
// 3 (invalid comparison); see package compare.
const (
	ExitFailure     = 1
	ExitUsage       = 2
	ExitInterrupted = 130
)

// ExitError is an error with a process exit status. Mage exits with the
// status of an error that has an ExitStatus method.
type ExitError struct {
	Code int
	Err  error
}

func (e *ExitError) Error() string   { return e.Err.Error() }
func (e *ExitError) Unwrap() error   { return e.Err }
func (e *ExitError) ExitStatus() int { return e.Code }

func exitError(code int, err error) error {
	if err == nil {
		return nil
	}
	return &ExitError{Code: code, Err: err}
}

// Env is the context of every target: the configuration and the output streams.
type Env struct {
	Config  config.Config
	RepoDir string
	Stdout  io.Writer
	Stderr  io.Writer
	// Terminal is true when stderr is a terminal: the live line is then a
	// redrawn progress bar.
	Terminal bool
	Logger   *slog.Logger
}

// NewEnv returns the environment of a target run from a shell: the given
// configuration with the PERF_* overrides applied, stdout and stderr.
func NewEnv(base config.Config) (Env, error) {
	cfg, err := config.FromEnv(base)
	if err != nil {
		return Env{}, exitError(ExitUsage, err)
	}
	dir, _ := os.Getwd()
	return Env{
		Config:   cfg,
		RepoDir:  dir,
		Stdout:   os.Stdout,
		Stderr:   os.Stderr,
		Terminal: term.IsTerminal(int(os.Stderr.Fd())),
		Logger:   slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn})),
	}, nil
}

// withSignals returns a context cancelled on SIGINT or SIGTERM, or when the
// process that started this one exits. Mage itself cancels its context on
// SIGINT only, so catching SIGTERM here too lets CI stop a run and still
// get the partial result and a stopped server.
func withSignals(ctx context.Context) (context.Context, context.CancelFunc) {
	askForSignalOnParentExit()
	ctx, stopSignals := signal.NotifyContext(ctx, os.Interrupt, syscall.SIGTERM)
	ctx, cancel := context.WithCancel(ctx)
	go watchParent(ctx, cancel)
	return ctx, func() {
		cancel()
		stopSignals()
	}
}

// parentPollInterval is how often watchParent checks for an orphaned run.
const parentPollInterval = time.Second

// watchParent cancels the run when this process is orphaned (its parent
// pid changes), which happens when a runner above it is killed.
func watchParent(ctx context.Context, cancel context.CancelFunc) {
	parent := os.Getppid()
	ticker := time.NewTicker(parentPollInterval)
	defer ticker.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-ticker.C:
			if os.Getppid() != parent {
				cancel()
				return
			}
		}
	}
}

// checkSettings reports an invalid scenario or an impossible CPU pinning
// as invalid input, like an invalid task id, before anything is built.
func checkSettings(cfg config.Config) error {
	if _, _, err := phase.LoadScenario(cfg); err != nil {
		return exitError(ExitUsage, err)
	}
	if _, err := phase.PinPlan(cfg); err != nil {
		return exitError(ExitUsage, err)
	}
	return nil
}

// Measure runs one phase of task and prints where the result went.
func Measure(ctx context.Context, env Env, task, phaseName string) error {
	if err := result.ValidateTask(task); err != nil {
		return exitError(ExitUsage, err)
	}
	if err := checkSettings(env.Config); err != nil {
		return err
	}
	ctx, stop := withSignals(ctx)
	defer stop()
	defer server.StopAll()

	out, err := phase.Run(ctx, phase.Options{
		Config:   env.Config,
		Task:     task,
		Phase:    phaseName,
		RepoDir:  env.RepoDir,
		Progress: env.Stderr,
		Terminal: env.Terminal,
		Logger:   env.Logger,
		Profile:  env.Config.Profile,
	})
	if out != nil {
		printOutcome(env.Stdout, out)
	}
	switch {
	case err == nil:
		return nil
	case errors.Is(err, phase.ErrInterrupted) && out != nil:
		return exitError(ExitInterrupted, fmt.Errorf("%s %s interrupted; the partial result is marked incomplete", phaseName, task))
	case ctx.Err() != nil:
		// Interrupted during the build, or while the result was written.
		return exitError(ExitInterrupted, fmt.Errorf("%s %s interrupted; no result was written: %w", phaseName, task, err))
	default:
		return exitError(ExitFailure, err)
	}
}

func printOutcome(w io.Writer, out *phase.Outcome) {
	r := out.Result
	s := r.Summary
	state := "complete"
	if !r.Complete {
		state = "INCOMPLETE: " + r.IncompleteReason
	}
	fmt.Fprintf(w, "%s %s: %d trials, p50 %.3f ms, p99 %.3f ms, p99.9 %.3f ms, throughput %.1f ops/s, errors %d (%.2f%%), late sends %d, unsent %d (%s)\n",
		r.Phase, r.Task, len(r.Trials), s.P50Ms, s.P99Ms, s.P999Ms, s.ThroughputOpsPerSec, s.Errors.Total(), 100*s.ErrorRate, s.LateSends, s.Unsent, state)
	fmt.Fprintf(w, "result: %s\n", out.Path)
}
