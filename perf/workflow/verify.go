package workflow

import (
	"context"
	"errors"
	"fmt"

	"github.com/m17/perfgate/perf/phase"
	"github.com/m17/perfgate/perf/result"
	"github.com/m17/perfgate/perf/server"
	"github.com/m17/perfgate/perf/verify"
)

// Verify rebuilds the server at the commits recorded in task's before and
// after results, measures them alternately and prints the comparison of
// the re-measurement. Its error carries compare's exit status.
func Verify(ctx context.Context, env Env, task string) error {
	if err := result.ValidateTask(task); err != nil {
		return exitError(ExitUsage, err)
	}
	if env.Config.Endpoint != "" {
		return exitError(ExitUsage, errors.New("perf:verify builds and starts the server at two commits, so it cannot use PERF_ENDPOINT; unset it"))
	}
	if _, err := phase.PinPlan(env.Config); err != nil {
		return exitError(ExitUsage, err)
	}
	ctx, stop := withSignals(ctx)
	defer stop()
	defer server.StopAll()

	outs, err := verify.Run(ctx, phase.Options{
		Config:   env.Config,
		Task:     task,
		RepoDir:  env.RepoDir,
		Progress: env.Stderr,
		Terminal: env.Terminal,
		Logger:   env.Logger,
	})
	for _, out := range outs {
		printOutcome(env.Stdout, out)
	}
	switch {
	case errors.Is(err, phase.ErrInterrupted):
		return exitError(ExitInterrupted, fmt.Errorf("verify %s interrupted; the partial results are marked incomplete", task))
	case err != nil:
		return exitError(ExitFailure, err)
	}

	id, _ := verify.TaskID(task)
	fmt.Fprintf(env.Stdout, "\nRe-measured %s at its before and after commits, trials alternating:\n\n", task)
	return Compare(env, id)
}
