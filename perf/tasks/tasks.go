// Package tasks finds the results of tasks in a results folder: the newest
// before and after result of a task, and the list of measured tasks.
package tasks

import (
	"errors"
	"fmt"
	"os"
	"sort"
	"strconv"

	"github.com/m17/perfgate/perf/result"
)

// Baseline is the task id that holds the milestone's starting point.
const Baseline = "baseline"

// Side is one phase's newest result of a task.
type Side struct {
	Path   string
	Result *result.Result
	// Err is set when the result is missing (errors.Is(Err,
	// result.ErrNotFound)) or unreadable.
	Err error
}

// Pair is a task's newest before and after results.
type Pair struct {
	Task   string
	Before Side
	After  Side
}

// Load reads the newest before and after results of task in dir.
func Load(dir, task string) Pair {
	return Pair{
		Task:   task,
		Before: LoadSide(dir, task, result.PhaseBefore),
		After:  LoadSide(dir, task, result.PhaseAfter),
	}
}

// LoadSide reads the newest result of one phase of task in dir.
func LoadSide(dir, task, phase string) Side {
	path, err := result.Latest(dir, task, phase)
	if err != nil {
		return Side{Err: err}
	}
	r, err := result.Read(path)
	return Side{Path: path, Result: r, Err: err}
}

// LoadBaseline reads the baseline task's newest result, preferring its
// after phase. ok is false when no baseline was measured.
func LoadBaseline(dir string) (side Side, ok bool) {
	for _, phase := range []string{result.PhaseAfter, result.PhaseBefore} {
		s := LoadSide(dir, Baseline, phase)
		if s.Err == nil || !errors.Is(s.Err, result.ErrNotFound) {
			return s, true
		}
	}
	return Side{}, false
}

// IDs returns the ids of the tasks with at least one result in dir, in task
// order: numeric ids by value, then the others by name, with the baseline
// first.
func IDs(dir string) ([]string, error) {
	entries, err := os.ReadDir(dir)
	if errors.Is(err, os.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("list results in %s: %w", dir, err)
	}
	seen := map[string]bool{}
	var ids []string
	for _, e := range entries {
		task, _, _, ok := result.ParseName(e.Name())
		if ok && !seen[task] {
			seen[task] = true
			ids = append(ids, task)
		}
	}
	SortIDs(ids)
	return ids, nil
}

// SortIDs sorts task ids in task order: the baseline first, then numeric
// ids by value ("2" before "10"), then the others by name.
func SortIDs(ids []string) {
	sort.SliceStable(ids, func(i, j int) bool {
		return Less(ids[i], ids[j])
	})
}

// Less reports whether task a comes before task b in task order.
func Less(a, b string) bool {
	if a == Baseline || b == Baseline {
		return a == Baseline && b != Baseline
	}
	na, errA := strconv.ParseUint(a, 10, 64)
	nb, errB := strconv.ParseUint(b, 10, 64)
	switch {
	case errA == nil && errB == nil:
		if na != nb {
			return na < nb
		}
		return a < b
	case errA == nil:
		return true
	case errB == nil:
		return false
	default:
		return a < b
	}
}
