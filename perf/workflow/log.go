package workflow

import (
	"fmt"

	"github.com/m17/perfgate/perf/compare"
	"github.com/m17/perfgate/perf/perflog"
	"github.com/m17/perfgate/perf/result"
)

// logOptions are the performance-log settings of env for task.
func logOptions(env Env, task string) perflog.Options {
	return perflog.Options{
		ResultsDir: env.Config.ResultsDir,
		LogPath:    env.Config.LogPath,
		Task:       task,
		TaskName:   env.Config.TaskName,
		Compare:    compareOptions(env),
	}
}

func compareOptions(env Env) compare.Options {
	return compare.Options{
		Thresholds:      env.Config.Thresholds,
		Strict:          env.Config.Strict,
		AllowIncomplete: env.Config.AllowIncomplete,
	}
}

// Log creates or updates task's section of the performance log and its
// summary, from the result files.
func Log(env Env, task string) error {
	if err := result.ValidateTask(task); err != nil {
		return exitError(ExitUsage, err)
	}
	changed, err := perflog.Update(logOptions(env, task))
	if err != nil {
		return exitError(ExitFailure, err)
	}
	if changed {
		fmt.Fprintf(env.Stdout, "updated %s (task %s and the summary)\n", env.Config.LogPath, task)
	} else {
		fmt.Fprintf(env.Stdout, "%s is up to date for task %s\n", env.Config.LogPath, task)
	}
	return nil
}

// logBlock returns the Markdown that perf:log would write for task, or an
// empty string with the reason when it cannot be rendered.
func logBlock(env Env, task string) (string, error) {
	entry, err := perflog.NewEntry(logOptions(env, task))
	if err != nil {
		return "", err
	}
	return perflog.RenderBlock(entry), nil
}
