// Package verify re-measures a task's before and after commits side by
// side. Results taken days apart differ for reasons that are not the code
// (machine load, thermal state, kernel updates), so verify builds the
// server at both recorded commits in temporary git worktrees and runs their
// trials alternately, A, B, A, B, on one machine in one session.
package verify

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"

	"github.com/m17/perfgate/perf/phase"
	"github.com/m17/perfgate/perf/result"
	"github.com/m17/perfgate/perf/tasks"
)

// Suffix is appended to the task id to name the re-measured results, so
// they sit beside the originals and perf:compare can read them.
const Suffix = ".verify"

// TaskID returns the id under which verify stores its results for task.
func TaskID(task string) (string, error) {
	id := task + Suffix
	if err := result.ValidateTask(id); err != nil {
		return "", fmt.Errorf("task id %q is too long to verify (its re-measurement is stored as %q, at most 64 characters); use a shorter task id", task, id)
	}
	return id, nil
}

// Commits returns the before and after commits recorded in task's newest
// results, or an error when either is missing, unreadable, has no commit
// or was measured from a tree with uncommitted changes.
func Commits(resultsDir, task string) (before, after string, err error) {
	pair := tasks.Load(resultsDir, task)
	var errs []error
	commit := func(name string, side tasks.Side) string {
		switch {
		case side.Err != nil && errors.Is(side.Err, result.ErrNotFound):
			errs = append(errs, fmt.Errorf("task %s has no %s result; run go tool mage perf:%s %s first", task, name, name, task))
		case side.Err != nil:
			errs = append(errs, side.Err)
		case side.Result.Provenance.GitCommit == "":
			errs = append(errs, fmt.Errorf("the %s result %s records no git commit (it was measured outside a git repository), so it cannot be rebuilt", name, side.Path))
		case side.Result.Provenance.GitDirty:
			errs = append(errs, fmt.Errorf("the %s result %s was measured from a tree with uncommitted changes, so commit %.12s does not reproduce it; measure %s again from a clean tree",
				name, side.Path, side.Result.Provenance.GitCommit, name))
		default:
			return side.Result.Provenance.GitCommit
		}
		return ""
	}
	before = commit(result.PhaseBefore, pair.Before)
	after = commit(result.PhaseAfter, pair.After)
	return before, after, errors.Join(errs...)
}

// Run builds the server at the before and after commits of task and
// measures them alternately. base is the options of an ordinary phase; the
// server's working directory is moved into each worktree. The worktrees
// are removed on every path.
func Run(ctx context.Context, base phase.Options) ([]*phase.Outcome, error) {
	task := base.Task
	id, err := TaskID(task)
	if err != nil {
		return nil, err
	}
	resultsDir, err := filepath.Abs(base.Config.ResultsDir)
	if err != nil {
		return nil, err
	}
	beforeCommit, afterCommit, err := Commits(resultsDir, task)
	if err != nil {
		return nil, err
	}

	trees, err := AddWorktrees(ctx, base.RepoDir, beforeCommit, afterCommit)
	if err != nil {
		return nil, err
	}
	defer trees.Remove()

	scenarioPath := base.Config.Scenario
	if !filepath.IsAbs(scenarioPath) {
		scenarioPath = filepath.Join(base.RepoDir, scenarioPath)
	}
	optsFor := func(phaseName, dir string) phase.Options {
		o := base
		o.Task = id
		o.Phase = phaseName
		o.RepoDir = dir
		o.Config.ResultsDir = resultsDir
		o.Config.Scenario = scenarioPath
		o.Config.Server.Dir = dir
		return o
	}
	return phase.RunInterleaved(ctx,
		optsFor(result.PhaseBefore, trees.Dirs[0]),
		optsFor(result.PhaseAfter, trees.Dirs[1]))
}
