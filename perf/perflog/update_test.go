package perflog

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/m17/perfgate/perf/compare"
	"github.com/m17/perfgate/perf/config"
)

// workspace is a temporary repository layout: results folder, roadmap
// folder and log path as config.Default lays them out.
type workspace struct {
	root, results, roadmap, log string
}

func newWorkspace(t *testing.T) workspace {
	t.Helper()
	root := t.TempDir()
	w := workspace{
		root:    root,
		results: filepath.Join(root, "tmp", "m17_performance"),
		roadmap: filepath.Join(root, "roadmap", "milestone-17"),
	}
	w.log = filepath.Join(w.roadmap, "PERFORMANCE_LOG.md")
	return w
}

func (w workspace) options(task string) Options {
	return Options{
		ResultsDir: w.results,
		LogPath:    w.log,
		Task:       task,
		Compare:    compare.Options{Thresholds: config.Default().Thresholds},
	}
}

func (w workspace) write(t *testing.T, runs ...run) {
	t.Helper()
	for _, r := range runs {
		writeRun(t, w.results, r)
	}
}

func (w workspace) update(t *testing.T, opts Options) bool {
	t.Helper()
	changed, err := Update(opts)
	if err != nil {
		t.Fatalf("Update(%s): %v", opts.Task, err)
	}
	return changed
}

func (w workspace) readLog(t *testing.T) string {
	t.Helper()
	data, err := os.ReadFile(w.log)
	if err != nil {
		t.Fatal(err)
	}
	return string(data)
}

func TestUpdateNewLog(t *testing.T) {
	w := newWorkspace(t)
	w.write(t, baselineRun, passBefore, passAfter)

	if !w.update(t, w.options("001")) {
		t.Error("Update of a missing log returned changed = false")
	}
	checkGolden(t, "new_log.golden.md", w.readLog(t))
}

func TestUpdateExistingSection(t *testing.T) {
	w := newWorkspace(t)
	w.write(t, baselineRun, regressBefore)
	w.update(t, w.options("002"))
	checkGolden(t, "after_missing.golden.md", w.readLog(t))

	w.write(t, regressAfter)
	if !w.update(t, w.options("002")) {
		t.Error("Update after a new after result returned changed = false")
	}
	got := w.readLog(t)
	checkGolden(t, "update_section.golden.md", got)

	if n := strings.Count(got, beginMarker(taskKey("002"))); n != 1 {
		t.Errorf("log has %d blocks of task 002, want 1", n)
	}
}

func TestUpdateKeepsNotes(t *testing.T) {
	w := newWorkspace(t)
	w.write(t, baselineRun, passBefore, passAfter, regressBefore, regressAfter, waitingBefore)
	input, err := os.ReadFile(filepath.Join("testdata", "notes_input.md"))
	if err != nil {
		t.Fatal(err)
	}
	writeFile(t, w.log, input)
	writeFile(t, filepath.Join(w.roadmap, "001_hnsw_index_complete.md"), []byte("# HNSW index\n"))

	w.update(t, w.options("001"))
	w.update(t, w.options("002"))
	got := w.readLog(t)
	checkGolden(t, "notes.golden.md", got)

	// The heading "## Task 001" is generated and gains the roadmap's name.
	kept := keptLines(string(input), []string{"001", "002", "baseline"})
	if missing := missingLines(kept, got); missing != "" {
		t.Errorf("a hand-written line was lost or reordered: %q", missing)
	}
	if !strings.Contains(got, "## Task 001: hnsw index\n") {
		t.Error("heading of task 001 did not take the roadmap name")
	}
	if !strings.Contains(got, "- Status: kept as is, because this run updates 001 and 002 only\n") {
		t.Error("block of task 003, which was not updated, changed")
	}
	if strings.Contains(got, "stale") {
		t.Error("a stale generated line survived in an updated block")
	}
}

func TestUpdateTwiceChangesNothing(t *testing.T) {
	cases := []struct {
		name  string
		runs  []run
		input string // "" starts without a log
		task  string
	}{
		{name: "new log", runs: []run{baselineRun, passBefore, passAfter}, task: "001"},
		{name: "after missing", runs: []run{regressBefore}, task: "002"},
		{name: "notes", runs: []run{baselineRun, passBefore, passAfter, waitingBefore}, input: "notes_input.md", task: "003"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			w := newWorkspace(t)
			w.write(t, tc.runs...)
			if tc.input != "" {
				data, err := os.ReadFile(filepath.Join("testdata", tc.input))
				if err != nil {
					t.Fatal(err)
				}
				writeFile(t, w.log, data)
			}
			writeFile(t, filepath.Join(w.results, tc.task+"_spectrum.svg"), []byte("<svg/>"))

			w.update(t, w.options(tc.task))
			first := w.readLog(t)
			old := setOldModTime(t, w.log)

			if w.update(t, w.options(tc.task)) {
				t.Error("second Update returned changed = true")
			}
			if second := w.readLog(t); second != first {
				t.Errorf("second Update changed the log:\n%s", lineDiff(first, second))
			}
			if info, err := os.Stat(w.log); err != nil || !info.ModTime().Equal(old) {
				t.Errorf("second Update rewrote the file (mtime %v, want %v)", info.ModTime(), old)
			}
		})
	}
}

func TestUpdateDamagedMarkers(t *testing.T) {
	section := func(lines ...string) string {
		return "# Performance log\n\n## Task 001\n\n" + strings.Join(lines, "\n") + "\n"
	}
	cases := []struct {
		name     string
		log      string
		line     string // expected "path:line:" prefix part
		contains string
	}{
		{
			name:     "end without begin",
			log:      section("text", "<!-- perf:task 001 end -->"),
			line:     ":6:",
			contains: "end marker of task 001 has no begin marker",
		},
		{
			name:     "begin without end",
			log:      section("<!-- perf:task 001 begin -->", "text"),
			line:     ":5:",
			contains: "begin marker of task 001 has no end marker",
		},
		{
			name:     "block duplicated",
			log:      section("<!-- perf:task 001 begin -->", "a", "<!-- perf:task 001 end -->", "<!-- perf:task 001 begin -->", "b", "<!-- perf:task 001 end -->"),
			line:     ":8:",
			contains: "second block of task 001 (the first is at lines 5-7)",
		},
		{
			name:     "nested blocks",
			log:      section("<!-- perf:task 001 begin -->", "<!-- perf:task 002 begin -->", "<!-- perf:task 002 end -->", "<!-- perf:task 001 end -->"),
			line:     ":6:",
			contains: "begin marker of task 002 is inside the block of task 001 that begins at line 5",
		},
		{
			name:     "other task's end inside",
			log:      section("<!-- perf:task 001 begin -->", "text", "<!-- perf:task 002 end -->"),
			line:     ":7:",
			contains: "end marker of task 002 is inside the block of task 001",
		},
		{
			name:     "summary duplicated",
			log:      section("<!-- perf:summary begin -->", "<!-- perf:summary end -->", "<!-- perf:summary begin -->", "<!-- perf:summary end -->"),
			line:     ":7:",
			contains: "second block of the summary",
		},
		{
			name:     "misspelled marker",
			log:      section("<!-- perf:task 001 begn -->", "<!-- perf:task 001 end -->"),
			line:     ":5:",
			contains: "unrecognised marker",
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			w := newWorkspace(t)
			w.write(t, passBefore, passAfter)
			writeFile(t, w.log, []byte(tc.log))
			old := setOldModTime(t, w.log)

			changed, err := Update(w.options("001"))
			if err == nil {
				t.Fatal("Update accepted a damaged log")
			}
			var markerErr *MarkerError
			if !errors.As(err, &markerErr) {
				t.Errorf("error %v is not a *MarkerError", err)
			}
			msg := err.Error()
			if !strings.HasPrefix(msg, w.log+tc.line) {
				t.Errorf("error %q does not start with %q", msg, w.log+tc.line)
			}
			if !strings.Contains(msg, tc.contains) {
				t.Errorf("error %q does not contain %q", msg, tc.contains)
			}
			if strings.Contains(msg, "\n") {
				t.Errorf("error %q spans several lines", msg)
			}
			if changed {
				t.Error("changed = true on error")
			}
			if got := w.readLog(t); got != tc.log {
				t.Errorf("damaged log was rewritten:\n%s", lineDiff(tc.log, got))
			}
			if info, err := os.Stat(w.log); err != nil || !info.ModTime().Equal(old) {
				t.Error("damaged log's mtime changed")
			}
			assertNoTempFiles(t, w.roadmap)
		})
	}
}

func TestUpdateTaskNameFromRoadmap(t *testing.T) {
	w := newWorkspace(t)
	w.write(t, passBefore, passAfter)

	w.update(t, w.options("001"))
	if got := w.readLog(t); !strings.Contains(got, "\n## Task 001\n") {
		t.Errorf("without a name the heading is not \"## Task 001\":\n%s", got)
	}

	writeFile(t, filepath.Join(w.roadmap, "001_hnsw_index_complete.md"), []byte("# HNSW\n"))
	if !w.update(t, w.options("001")) {
		t.Error("a new roadmap name did not change the log")
	}
	got := w.readLog(t)
	if !strings.Contains(got, "\n## Task 001: hnsw index\n") {
		t.Errorf("heading did not take the roadmap name:\n%s", got)
	}
	if !strings.Contains(got, "- Status: before and after measured · roadmap: complete\n") {
		t.Errorf("status line lacks the roadmap status:\n%s", got)
	}
	if strings.Count(got, "## Task 001") != 1 {
		t.Errorf("log has more than one heading of task 001:\n%s", got)
	}
}

func TestUpdateTaskNameOptionWins(t *testing.T) {
	w := newWorkspace(t)
	w.write(t, passBefore, passAfter)
	writeFile(t, filepath.Join(w.roadmap, "001_hnsw_index_complete.md"), []byte("# HNSW\n"))

	opts := w.options("001")
	opts.TaskName = "Faster HNSW"
	w.update(t, opts)
	if got := w.readLog(t); !strings.Contains(got, "\n## Task 001: Faster HNSW\n") {
		t.Errorf("TaskName did not win over the roadmap name:\n%s", got)
	}

	// A later run without PERF_TASK_NAME keeps the name the log has.
	if w.update(t, w.options("001")) {
		t.Error("Update without TaskName changed the log")
	}
	if got := w.readLog(t); !strings.Contains(got, "\n## Task 001: Faster HNSW\n") {
		t.Errorf("name from the earlier TaskName was replaced:\n%s", got)
	}
}

func TestUpdateCustomHeadingKept(t *testing.T) {
	w := newWorkspace(t)
	w.write(t, passBefore, passAfter)
	log := "# Log\n\n## HNSW, first try (task 001)\n\n<!-- perf:task 001 begin -->\nold\n<!-- perf:task 001 end -->\n"
	writeFile(t, w.log, []byte(log))

	opts := w.options("001")
	opts.TaskName = "hnsw"
	w.update(t, opts)
	got := w.readLog(t)
	if !strings.Contains(got, "\n## HNSW, first try (task 001)\n") {
		t.Errorf("a heading a person wrote was changed:\n%s", got)
	}
	if strings.Contains(got, "## Task 001") {
		t.Errorf("a second heading was added:\n%s", got)
	}
}

func TestUpdateTwoRoadmapFiles(t *testing.T) {
	w := newWorkspace(t)
	w.write(t, passBefore)
	writeFile(t, filepath.Join(w.roadmap, "001_hnsw_wip.md"), nil)
	writeFile(t, filepath.Join(w.roadmap, "001_hnsw_complete.md"), nil)

	_, err := Update(w.options("001"))
	if err == nil || !strings.Contains(err.Error(), "2 files for task 001") {
		t.Errorf("Update error = %v, want one naming the two roadmap files", err)
	}
	if _, statErr := os.Stat(w.log); !errors.Is(statErr, os.ErrNotExist) {
		t.Error("Update wrote a log despite the error")
	}
}

func TestUpdateNoResult(t *testing.T) {
	w := newWorkspace(t)
	w.write(t, passBefore)

	_, err := Update(w.options("007"))
	if err == nil || !strings.Contains(err.Error(), "no result of task 007") {
		t.Errorf("Update error = %v, want one saying task 007 has no result", err)
	}
	if _, statErr := os.Stat(w.log); !errors.Is(statErr, os.ErrNotExist) {
		t.Error("Update wrote a log for a task without results")
	}
}

func TestUpdateInvalidOptions(t *testing.T) {
	w := newWorkspace(t)
	cases := []struct {
		name     string
		edit     func(*Options)
		contains string
	}{
		{"empty results folder", func(o *Options) { o.ResultsDir = "" }, "results folder is empty"},
		{"empty log path", func(o *Options) { o.LogPath = "" }, "log path is empty"},
		{"invalid task", func(o *Options) { o.Task = "../x" }, "task id"},
		{"zero alpha", func(o *Options) { o.Compare = compare.Options{} }, "alpha 0 is invalid"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			opts := w.options("001")
			tc.edit(&opts)
			_, err := Update(opts)
			if err == nil || !strings.Contains(err.Error(), tc.contains) {
				t.Errorf("Update error = %v, want one containing %q", err, tc.contains)
			}
		})
	}
}

func TestUpdateHeaderFromOptions(t *testing.T) {
	w := newWorkspace(t)
	w.write(t, passBefore)
	opts := w.options("001")
	opts.Scenario = "custom_scenario"
	opts.Seed = 0xbeef
	opts.Compare.Thresholds = config.Default().Thresholds
	opts.Compare.Thresholds.P99IncreasePct = 3

	w.update(t, opts)
	got := w.readLog(t)
	if !strings.Contains(got, "Scenario: `custom_scenario`, seed 0xbeef.") {
		t.Errorf("header lacks the scenario and seed of the options:\n%s", got)
	}
	if !strings.Contains(got, "Regression target: P99 +3%, throughput −5%, no new errors") {
		t.Errorf("header lacks the thresholds of the options:\n%s", got)
	}
}

func TestSummaryGolden(t *testing.T) {
	cases := []struct {
		golden string
		runs   []run
	}{
		{"summary_pass.golden.md", []run{baselineRun, passBefore, passAfter}},
		{"summary_fail.golden.md", []run{baselineRun, passBefore, passAfter, regressBefore, regressAfter}},
		{"summary_missing_after.golden.md", []run{baselineRun, passBefore, passAfter, regressBefore, regressAfter, waitingBefore}},
		{"summary_invalid.golden.md", []run{passBefore, passAfter, otherSeedStart, otherSeedAfter}},
	}
	for _, tc := range cases {
		t.Run(tc.golden, func(t *testing.T) {
			w := newWorkspace(t)
			w.write(t, tc.runs...)
			in, err := loadSummaryInput(w.results)
			if err != nil {
				t.Fatal(err)
			}
			checkGolden(t, tc.golden, renderSummary(in, w.options("001").Compare))
		})
	}
}

// setOldModTime sets the file's mtime an hour back and returns it, so a
// rewrite shows even on file systems with coarse timestamps.
func setOldModTime(t *testing.T, path string) time.Time {
	t.Helper()
	old := time.Now().Add(-time.Hour).Truncate(time.Second)
	if err := os.Chtimes(path, old, old); err != nil {
		t.Fatal(err)
	}
	return old
}

func assertNoTempFiles(t *testing.T, dir string) {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		if strings.Contains(e.Name(), ".tmp-") {
			t.Errorf("temporary file %s left in %s", e.Name(), dir)
		}
	}
}

func TestFindRoadmapName(t *testing.T) {
	dir := t.TempDir()
	for _, name := range []string{"001_hnsw_index_complete.md", "0011_other_wip.md", "002_done.md", "003_notes.txt"} {
		writeFile(t, filepath.Join(dir, name), nil)
	}
	cases := []struct {
		task, name, status string
		ok                 bool
	}{
		{"001", "hnsw index", "complete", true},
		{"002", "", "done", true},
		{"003", "", "", false},
		{"004", "", "", false},
	}
	for _, tc := range cases {
		entry, ok, err := findRoadmap(dir, tc.task)
		if err != nil {
			t.Fatalf("findRoadmap(%s): %v", tc.task, err)
		}
		if ok != tc.ok || entry.name != tc.name || entry.status != tc.status {
			t.Errorf("findRoadmap(%s) = %q, %q, %v; want %q, %q, %v", tc.task, entry.name, entry.status, ok, tc.name, tc.status, tc.ok)
		}
	}
}

func TestNewEntryMatchesLogBlock(t *testing.T) {
	w := newWorkspace(t)
	w.write(t, passBefore, passAfter)
	writeFile(t, filepath.Join(w.roadmap, "001_hnsw_index_wip.md"), nil)
	writeFile(t, filepath.Join(w.results, "001_latency_over_time.svg"), []byte("<svg/>"))

	entry, err := NewEntry(w.options("001"))
	if err != nil {
		t.Fatal(err)
	}
	if entry.RoadmapStatus != "wip" {
		t.Errorf("RoadmapStatus = %q, want %q", entry.RoadmapStatus, "wip")
	}
	if len(entry.Plots) != 1 || entry.Plots[0].Title != "latency over time" {
		t.Errorf("Plots = %+v, want the latency-over-time plot only", entry.Plots)
	}

	block := RenderBlock(entry)
	w.update(t, w.options("001"))
	want := beginMarker(taskKey("001")) + "\n" + block + endMarker(taskKey("001"))
	if got := w.readLog(t); !strings.Contains(got, want) {
		t.Errorf("log block differs from RenderBlock(NewEntry):\nblock:\n%s\nlog:\n%s", block, got)
	}
}
