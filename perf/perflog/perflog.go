// Package perflog creates and updates the Markdown performance log from
// result files, so no figure is copied by hand.
//
// Each task has a section: a "## Task <id>: <name>" heading, a generated
// block between the marker lines "<!-- perf:task <id> begin -->" and
// "<!-- perf:task <id> end -->", and whatever a person wrote around it. A
// summary block between "<!-- perf:summary begin -->" and
// "<!-- perf:summary end -->" is recomputed from every result file on each
// update. Update rewrites only the blocks and the generated headings, and
// keeps every other line byte for byte.
//
// Apply is the text transformation, without file I/O. Update reads the
// results and the log, calls Apply and writes the log atomically.
package perflog

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/m17/perfgate/perf/compare"
	"github.com/m17/perfgate/perf/config"
	"github.com/m17/perfgate/perf/result"
	"github.com/m17/perfgate/perf/tasks"
)

// Options are the inputs of Update.
type Options struct {
	// ResultsDir is the folder of the result files (config ResultsDir).
	ResultsDir string
	// LogPath is the performance log (config LogPath). Links in the log
	// are relative to its folder.
	LogPath string
	// RoadmapDir is searched for "<task>_<name>_<status>.md" files that
	// name the task. Empty means the log's folder.
	RoadmapDir string
	// Task is the id of the task whose section is updated.
	Task string
	// TaskName titles the task's section (PERF_TASK_NAME). It wins over the
	// name in the log's heading, which wins over the roadmap file's name.
	TaskName string
	// Compare is the verdict's settings, as perf:compare uses them.
	Compare compare.Options
	// Scenario and Seed are written in the header of a new log. An empty
	// Scenario takes both from the task's results.
	Scenario string
	Seed     uint64
}

func (o Options) validate() error {
	if o.ResultsDir == "" {
		return errors.New("results folder is empty; set Options.ResultsDir (config ResultsDir or PERF_RESULTS_DIR)")
	}
	if o.LogPath == "" {
		return errors.New("performance log path is empty; set Options.LogPath (config LogPath or PERF_LOG)")
	}
	if err := result.ValidateTask(o.Task); err != nil {
		return err
	}
	if alpha := o.Compare.Thresholds.Alpha; !(alpha > 0 && alpha < 1) {
		return fmt.Errorf("significance level alpha %g is invalid; use a value between 0 and 1 such as 0.05 (config.Default().Thresholds)", alpha)
	}
	return nil
}

// Update creates or updates the section of opts.Task in the log at
// opts.LogPath, the baseline's section when the baseline has results, and
// the summary. changed is false when the log already had this content, in
// which case the file is not written. A damaged marker returns a
// *MarkerError naming the line, and the file is not written.
//
// NOTE: two Updates of one log at the same time can lose one of the two
// changes. The atomic write keeps the file whole, but nothing locks it.
func Update(opts Options) (changed bool, err error) {
	if err := opts.validate(); err != nil {
		return false, err
	}

	original, err := os.ReadFile(opts.LogPath)
	if err != nil && !errors.Is(err, os.ErrNotExist) {
		return false, fmt.Errorf("read performance log: %w", err)
	}
	log, err := Parse(original)
	if err != nil {
		return false, markerErrorIn(opts.LogPath, err)
	}

	pair := tasks.Load(opts.ResultsDir, opts.Task)
	if errors.Is(pair.Before.Err, result.ErrNotFound) && errors.Is(pair.After.Err, result.ErrNotFound) {
		return false, fmt.Errorf("no result of task %s in %s; run go tool mage perf:before %s first, or check PERF_RESULTS_DIR",
			opts.Task, opts.ResultsDir, opts.Task)
	}

	sections, err := buildSections(opts, log, pair)
	if err != nil {
		return false, err
	}
	in, err := loadSummaryInput(opts.ResultsDir)
	if err != nil {
		return false, err
	}
	summary := renderSummary(in, opts.Compare)

	if len(original) == 0 {
		log, err = Parse([]byte(renderHeader(opts, pair)))
		if err != nil {
			return false, fmt.Errorf("header of a new log: %w", err)
		}
	}
	out, err := log.Apply(sections, summary)
	if err != nil {
		return false, err
	}
	if len(original) > 0 && bytes.Equal(out, original) {
		return false, nil
	}

	if err := os.MkdirAll(filepath.Dir(opts.LogPath), 0o755); err != nil {
		return false, fmt.Errorf("create the folder of the performance log: %w", err)
	}
	if err := result.WriteFile(opts.LogPath, out); err != nil {
		return false, err
	}
	return true, nil
}

// markerErrorIn names the log file in a *MarkerError.
func markerErrorIn(path string, err error) error {
	var markerErr *MarkerError
	if errors.As(err, &markerErr) {
		markerErr.Path = path
		return fmt.Errorf("%w (the log was not changed)", markerErr)
	}
	return err
}

// buildSections renders the task's section and, when the baseline has
// results, the baseline's section too, so the reference point stays
// current. Other tasks' sections are left as they are, because their
// results may no longer be in the results folder.
func buildSections(opts Options, log *Log, pair tasks.Pair) ([]Section, error) {
	section, err := buildSection(opts, log, pair, opts.TaskName)
	if err != nil {
		return nil, err
	}
	sections := []Section{section}
	if opts.Task == tasks.Baseline {
		return sections, nil
	}

	base := tasks.Load(opts.ResultsDir, tasks.Baseline)
	if errors.Is(base.Before.Err, result.ErrNotFound) && errors.Is(base.After.Err, result.ErrNotFound) {
		return sections, nil
	}
	baseSection, err := buildSection(opts, log, base, "")
	if err != nil {
		return nil, err
	}
	return append(sections, baseSection), nil
}

func buildSection(opts Options, log *Log, pair tasks.Pair, explicitName string) (Section, error) {
	entry, road, err := newEntry(opts, pair)
	if err != nil {
		return Section{}, err
	}

	name := oneLine(explicitName)
	if name == "" {
		name = log.TaskName(pair.Task)
	}
	if name == "" {
		name = road.name
	}
	return Section{Task: pair.Task, Name: name, Block: RenderBlock(entry)}, nil
}

// NewEntry reads what the block of opts.Task shows: the task's newest
// results, its roadmap status and its plots. perf:compare renders it with
// RenderBlock to print the block the log will get.
func NewEntry(opts Options) (Entry, error) {
	if err := opts.validate(); err != nil {
		return Entry{}, err
	}
	entry, _, err := newEntry(opts, tasks.Load(opts.ResultsDir, opts.Task))
	return entry, err
}

func newEntry(opts Options, pair tasks.Pair) (Entry, roadmapEntry, error) {
	roadmapDir := opts.RoadmapDir
	if roadmapDir == "" {
		roadmapDir = filepath.Dir(opts.LogPath)
	}
	road, _, err := findRoadmap(roadmapDir, pair.Task)
	if err != nil {
		return Entry{}, roadmapEntry{}, err
	}

	entry := Entry{
		Pair:          pair,
		Compare:       opts.Compare,
		RoadmapStatus: road.status,
		LinkDir:       filepath.Dir(opts.LogPath),
		Plots:         FindPlots(opts.ResultsDir, pair.Task),
	}
	return entry, road, nil
}

// renderHeader returns the start of a new log: its title, the regression
// target, the scenario and a note on what is generated.
func renderHeader(opts Options, pair tasks.Pair) string {
	scenario, seed := opts.Scenario, opts.Seed
	if scenario == "" {
		for _, side := range []tasks.Side{pair.Before, pair.After} {
			if side.Result != nil {
				scenario, seed = side.Result.Provenance.ScenarioName, side.Result.Provenance.Seed
				break
			}
		}
	}

	var b strings.Builder
	b.WriteString("# Performance log\n\n")
	fmt.Fprintf(&b, "Regression target: %s. %s\n\n", targetText(opts.Compare.Thresholds), significanceText(opts.Compare.Thresholds))
	if scenario != "" {
		fmt.Fprintf(&b, "Scenario: `%s`, seed %#x.\n\n", scenario, seed)
	}
	b.WriteString("`go tool mage perf:log` generates the lines between `<!-- perf:… begin -->` and `<!-- perf:… end -->` markers from the result files, " +
		"and refreshes headings of the form `## Task <id>: <name>`. Everything else is kept as written, so write notes outside the markers.\n")
	return b.String()
}

func targetText(th config.Thresholds) string {
	parts := []string{
		fmt.Sprintf("P99 +%g%%", th.P99IncreasePct),
		fmt.Sprintf("throughput −%g%%", th.ThroughputDecreasePct),
	}
	if th.ErrorRateIncrease == 0 {
		parts = append(parts, "no new errors")
	} else {
		parts = append(parts, fmt.Sprintf("error rate +%g percentage points", 100*th.ErrorRateIncrease))
	}
	parts = append(parts, fmt.Sprintf("peak RSS +%g%%", th.PeakRSSIncreasePct))
	return strings.Join(parts, ", ")
}

func significanceText(th config.Thresholds) string {
	return fmt.Sprintf("A change beyond its limit counts only when the Mann-Whitney U test over the trials finds it significant at alpha %g.", th.Alpha)
}
