package workflow

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"

	pprofile "github.com/google/pprof/profile"

	"github.com/m17/perfgate/perf/flame"
	"github.com/m17/perfgate/perf/phase"
	"github.com/m17/perfgate/perf/profile"
	"github.com/m17/perfgate/perf/result"
	"github.com/m17/perfgate/perf/server"
)

// profilesSubdir holds the results of flamegraph runs. They are kept apart
// from the task's results because profiling costs the server some CPU, so
// they must not become the newest before or after result that compare
// reads.
const profilesSubdir = "profiles"

// diffTopFunctions is how many functions the differential lists each way.
const diffTopFunctions = 15

// Flamegraph runs a phase of task (PERF_PHASE, after by default) while
// profiling the server, writes the pprof file, folded stacks and flame
// graph, and, when the other phase also has a profile, the differential.
func Flamegraph(ctx context.Context, env Env, task string) error {
	if err := result.ValidateTask(task); err != nil {
		return exitError(ExitUsage, err)
	}
	if err := checkSettings(env.Config); err != nil {
		return err
	}
	ctx, stop := withSignals(ctx)
	defer stop()
	defer server.StopAll()

	cfg := env.Config
	cfg.ResultsDir = filepath.Join(env.Config.ResultsDir, profilesSubdir)
	out, err := phase.Run(ctx, phase.Options{
		Config:   cfg,
		Task:     task,
		Phase:    cfg.Phase,
		RepoDir:  env.RepoDir,
		Progress: env.Stderr,
		Terminal: env.Terminal,
		Logger:   env.Logger,
		Profile:  true,
	})
	switch {
	case errors.Is(err, phase.ErrInterrupted):
		return exitError(ExitInterrupted, fmt.Errorf("flamegraph %s interrupted", task))
	case err != nil:
		return exitError(ExitFailure, err)
	}
	if out.Result.Profile == nil {
		return exitError(ExitFailure, errors.New("no CPU profile was captured; see the warnings above and the _loadtest.log"))
	}

	fmt.Fprintf(env.Stdout, "CPU profile of %s %s:\n", cfg.Phase, task)
	for _, kind := range []string{"cpu_pprof", "cpu_folded", "flame_svg"} {
		fmt.Fprintf(env.Stdout, "  %s\n", out.Files[kind])
	}
	fmt.Fprintf(env.Stdout, "  open with: go tool pprof -http=127.0.0.1:0 %s\n\n", out.Files["cpu_pprof"])

	files, rep, err := WriteProfileDiff(env.Config.ResultsDir, task)
	switch {
	case errors.Is(err, errNoProfilePair):
		fmt.Fprintf(env.Stdout, "No differential: %v.\n", err)
	case err != nil:
		return exitError(ExitFailure, err)
	default:
		rep.WriteTable(env.Stdout)
		fmt.Fprintf(env.Stdout, "\nDifferential: %s\n  %s\n", files[0], files[1])
	}
	return nil
}

var errNoProfilePair = errors.New("a CPU profile of both phases is needed; run flamegraph with PERF_PHASE=before and with PERF_PHASE=after, or measure with PERF_PROFILE=1")

// WriteProfileDiff compares the newest before and after CPU profiles of
// task and writes <task>_profile_diff.txt and <task>_diff_flame.svg into
// dir. It returns errNoProfilePair when either profile is missing.
func WriteProfileDiff(dir, task string) ([2]string, profile.DiffReport, error) {
	var files [2]string
	beforePath, errB := newestProfile(dir, task, result.PhaseBefore)
	afterPath, errA := newestProfile(dir, task, result.PhaseAfter)
	if errB != nil || errA != nil {
		return files, profile.DiffReport{}, errNoProfilePair
	}
	before, err := readProfile(beforePath)
	if err != nil {
		return files, profile.DiffReport{}, err
	}
	after, err := readProfile(afterPath)
	if err != nil {
		return files, profile.DiffReport{}, err
	}

	rep := profile.Diff(before, after, diffTopFunctions)
	var table bytes.Buffer
	fmt.Fprintf(&table, "CPU profile differential of task %s\nbefore: %s\nafter:  %s\n\n", task, beforePath, afterPath)
	if err := rep.WriteTable(&table); err != nil {
		return files, rep, err
	}
	files[0] = filepath.Join(dir, task+"_profile_diff.txt")
	if err := result.WriteFile(files[0], table.Bytes()); err != nil {
		return files, rep, err
	}

	svg, err := flame.RenderDiffSVG(profile.Folded(before, profile.DefaultSampleIndex(before)),
		profile.Folded(after, profile.DefaultSampleIndex(after)),
		fmt.Sprintf("Task %s: after's CPU profile, red grew and blue shrank since before", task))
	if err != nil {
		return files, rep, err
	}
	files[1] = filepath.Join(dir, task+"_diff_flame.svg")
	return files, rep, result.WriteFile(files[1], svg)
}

// newestProfile finds the newest <task>_<phase>_<timestamp>_cpu.pprof in
// dir or its profiles subfolder, by the timestamp in the name.
func newestProfile(dir, task, phaseName string) (string, error) {
	var found []string
	for _, d := range []string{dir, filepath.Join(dir, profilesSubdir)} {
		matches, _ := filepath.Glob(filepath.Join(d, task+"_"+phaseName+"_*_cpu.pprof"))
		found = append(found, matches...)
	}
	if len(found) == 0 {
		return "", result.ErrNotFound
	}
	sort.Slice(found, func(i, j int) bool { return filepath.Base(found[i]) < filepath.Base(found[j]) })
	return found[len(found)-1], nil
}

func readProfile(path string) (*pprofile.Profile, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	p, err := pprofile.Parse(f)
	if err != nil {
		return nil, fmt.Errorf("read CPU profile %s: %w; delete it and capture it again", path, err)
	}
	return p, nil
}
