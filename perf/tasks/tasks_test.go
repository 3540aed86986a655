package tasks

import (
	"errors"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/m17/perfgate/perf/internal/resulttest"
	"github.com/m17/perfgate/perf/result"
)

// writeResult stores a result of task and phase stamped timestamp in dir
// and returns its path.
func writeResult(t *testing.T, dir, task, phase, timestamp string) string {
	t.Helper()

	r := resulttest.New(task, phase, []float64{10, 10, 10}, []float64{500, 500, 500})
	r.Timestamp = timestamp
	return resulttest.Write(t, dir, r)
}

// writeRaw stores content under a result file name, for unreadable results.
func writeRaw(t *testing.T, dir, task, phase, timestamp, content string) string {
	t.Helper()

	path := filepath.Join(dir, result.Stem(task, phase, timestamp)+".json")
	if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
		t.Fatalf("write %s: %v", path, err)
	}
	return path
}

func touch(t *testing.T, path string) {
	t.Helper()

	if err := os.WriteFile(path, nil, 0o644); err != nil {
		t.Fatalf("create %s: %v", path, err)
	}
}

func TestSortIDs(t *testing.T) {
	ids := []string{"beta", "10", "017-index", "baseline", "2", "alpha", "1", "01", "100"}

	SortIDs(ids)

	want := []string{"baseline", "01", "1", "2", "10", "100", "017-index", "alpha", "beta"}
	if !slices.Equal(ids, want) {
		t.Errorf("SortIDs = %q, want %q (baseline, numbers by value, then names)", ids, want)
	}
}

func TestLess(t *testing.T) {
	cases := []struct {
		a, b string
		want bool
	}{
		{"baseline", "001", true},
		{"001", "baseline", false},
		{"baseline", "baseline", false},
		{"2", "10", true},
		{"10", "2", false},
		{"002", "10", true},
		{"01", "1", true}, // equal values fall back to the name
		{"1", "01", false},
		{"999", "017-index", true},
		{"017-index", "999", false},
		{"alpha", "beta", true},
		{"beta", "alpha", false},
		{"7", "7", false},
		{"18446744073709551616", "2", false}, // beyond uint64: a name
	}
	for _, c := range cases {
		if got := Less(c.a, c.b); got != c.want {
			t.Errorf("Less(%q, %q) = %v, want %v", c.a, c.b, got, c.want)
		}
	}
}

func TestIDs(t *testing.T) {
	dir := t.TempDir()
	writeResult(t, dir, "10", result.PhaseBefore, "20250101_100000")
	writeResult(t, dir, "10", result.PhaseAfter, "20250101_110000")
	writeResult(t, dir, "2", result.PhaseBefore, "20250101_100000")
	writeResult(t, dir, "2", result.PhaseBefore, "20250102_100000")
	writeResult(t, dir, "017-index", result.PhaseAfter, "20250101_100000")
	writeResult(t, dir, Baseline, result.PhaseAfter, "20250101_090000")
	writeRaw(t, dir, "3", result.PhaseBefore, "20250101_100000", "not JSON")
	touch(t, filepath.Join(dir, "4_before_20250101_100000_sys.txt"))
	touch(t, filepath.Join(dir, "README.md"))

	got, err := IDs(dir)

	if err != nil {
		t.Fatalf("IDs: %v", err)
	}
	// Task 3 is listed although its file is unreadable: it was measured.
	want := []string{Baseline, "2", "3", "10", "017-index"}
	if !slices.Equal(got, want) {
		t.Errorf("IDs = %q, want %q (each task once, in task order)", got, want)
	}
}

func TestIDsMissingFolder(t *testing.T) {
	got, err := IDs(filepath.Join(t.TempDir(), "missing"))

	if err != nil {
		t.Errorf("IDs of a missing folder = %v, want no error", err)
	}
	if len(got) != 0 {
		t.Errorf("IDs of a missing folder = %q, want none", got)
	}
}

func TestIDsNotAFolder(t *testing.T) {
	file := filepath.Join(t.TempDir(), "file")
	touch(t, file)

	_, err := IDs(file)

	if err == nil {
		t.Error("IDs of a regular file = nil error, want one")
	}
}

func TestLoadNewestPair(t *testing.T) {
	dir := t.TempDir()
	writeResult(t, dir, "001", result.PhaseBefore, "20250101_100000")
	newestBefore := writeResult(t, dir, "001", result.PhaseBefore, "20250102_100000")
	newestAfter := writeResult(t, dir, "001", result.PhaseAfter, "20250103_100000")
	writeResult(t, dir, "001", result.PhaseAfter, "20250101_120000")
	writeResult(t, dir, "002", result.PhaseBefore, "20250105_100000")

	pair := Load(dir, "001")

	if pair.Task != "001" {
		t.Errorf("task = %q, want 001", pair.Task)
	}
	if pair.Before.Err != nil {
		t.Fatalf("before: %v", pair.Before.Err)
	}
	if pair.After.Err != nil {
		t.Fatalf("after: %v", pair.After.Err)
	}
	if pair.Before.Path != newestBefore {
		t.Errorf("before path = %q, want the newest %q", pair.Before.Path, newestBefore)
	}
	if pair.After.Path != newestAfter {
		t.Errorf("after path = %q, want the newest %q", pair.After.Path, newestAfter)
	}
	if pair.Before.Result.Timestamp != "20250102_100000" {
		t.Errorf("before result timestamp = %q, want 20250102_100000", pair.Before.Result.Timestamp)
	}
	if pair.After.Result.Phase != result.PhaseAfter {
		t.Errorf("after result phase = %q, want after", pair.After.Result.Phase)
	}
}

func TestLoadMissingAfter(t *testing.T) {
	dir := t.TempDir()
	writeResult(t, dir, "001", result.PhaseBefore, "20250101_100000")

	pair := Load(dir, "001")

	if pair.Before.Result == nil {
		t.Errorf("before result missing: %v", pair.Before.Err)
	}
	if !errors.Is(pair.After.Err, result.ErrNotFound) {
		t.Errorf("after error = %v, want ErrNotFound", pair.After.Err)
	}
	if pair.After.Result != nil {
		t.Errorf("after result = %+v, want nil", pair.After.Result)
	}
	if pair.After.Path != "" {
		t.Errorf("after path = %q, want empty", pair.After.Path)
	}
}

func TestLoadSideUnreadable(t *testing.T) {
	dir := t.TempDir()
	path := writeRaw(t, dir, "001", result.PhaseAfter, "20250101_100000", `{"schema_version": 1, "task": "001"`)

	side := LoadSide(dir, "001", result.PhaseAfter)

	if side.Err == nil {
		t.Fatal("LoadSide of a truncated file = nil error, want one")
	}
	if errors.Is(side.Err, result.ErrNotFound) {
		t.Errorf("error %v is ErrNotFound; an unreadable result must not pass for a missing one", side.Err)
	}
	if side.Path != path {
		t.Errorf("path = %q, want %q so the message can name the file", side.Path, path)
	}
	if side.Result != nil {
		t.Errorf("result = %+v, want nil", side.Result)
	}
}

func TestLoadBaseline(t *testing.T) {
	cases := []struct {
		name      string
		write     func(t *testing.T, dir string)
		wantOK    bool
		wantPhase string
		wantErr   bool
	}{
		{
			name: "prefers after",
			write: func(t *testing.T, dir string) {
				writeResult(t, dir, Baseline, result.PhaseBefore, "20250102_100000")
				writeResult(t, dir, Baseline, result.PhaseAfter, "20250101_100000")
			},
			wantOK: true, wantPhase: result.PhaseAfter,
		},
		{
			name: "falls back to before",
			write: func(t *testing.T, dir string) {
				writeResult(t, dir, Baseline, result.PhaseBefore, "20250101_100000")
				writeResult(t, dir, "001", result.PhaseAfter, "20250101_100000")
			},
			wantOK: true, wantPhase: result.PhaseBefore,
		},
		{
			name: "none",
			write: func(t *testing.T, dir string) {
				writeResult(t, dir, "001", result.PhaseBefore, "20250101_100000")
				writeResult(t, dir, "001", result.PhaseAfter, "20250101_100000")
			},
			wantOK: false,
		},
		{
			name: "after unreadable",
			write: func(t *testing.T, dir string) {
				writeResult(t, dir, Baseline, result.PhaseBefore, "20250101_100000")
				writeRaw(t, dir, Baseline, result.PhaseAfter, "20250101_100000", "")
			},
			wantOK: true, wantErr: true,
		},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			dir := t.TempDir()
			c.write(t, dir)

			side, ok := LoadBaseline(dir)

			if ok != c.wantOK {
				t.Fatalf("ok = %v, want %v (side %+v)", ok, c.wantOK, side)
			}
			if !ok {
				return
			}
			if c.wantErr {
				if side.Err == nil {
					t.Error("unreadable baseline after result gives no error; it must not be skipped for the before result")
				}
				if errors.Is(side.Err, result.ErrNotFound) {
					t.Errorf("error %v is ErrNotFound, want the read error", side.Err)
				}
				return
			}
			if side.Err != nil {
				t.Fatalf("baseline error: %v", side.Err)
			}
			if side.Result.Phase != c.wantPhase {
				t.Errorf("baseline phase = %q, want %q", side.Result.Phase, c.wantPhase)
			}
			if side.Result.Task != Baseline {
				t.Errorf("baseline task = %q, want %q", side.Result.Task, Baseline)
			}
		})
	}
}
