package result

import (
	"errors"
	"fmt"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
)

func TestValidateTaskValid(t *testing.T) {
	for _, task := range []string{"001", "017-index", "a.b_c", "baseline", "A-9", strings.Repeat("x", 64)} {
		if err := ValidateTask(task); err != nil {
			t.Errorf("ValidateTask(%q) = %v, want nil", task, err)
		}
	}
}

func TestValidateTaskInvalid(t *testing.T) {
	cases := []struct {
		name string
		task string
		// wantValue is how the message shows the task id.
		wantValue string
		// wantFix is part of the advice the message gives.
		wantFix string
	}{
		{"empty", "", "empty", "such as 001"},
		{"65 characters", strings.Repeat("a", 65), `"aaaaaaaaaaaaaaaaaaaa"`, "at most 64"},
		{"slash", "a/b", `"a/b"`, "such as 001"},
		{"only slash", "/", `"/"`, "such as 001"},
		{"dot dot", "..", `".."`, "letters, digits"},
		{"single dot", ".", `"."`, "such as 001"},
		{"dot dot inside", "a..b", `"a..b"`, "letters, digits"},
		{"path traversal", "a/../b", `"a/../b"`, "letters, digits"},
		{"space", "my task", `"my task"`, "such as 001"},
		{"leading space", " 001", `" 001"`, "such as 001"},
		{"NUL", "a\x00b", `"a\x00b"`, "such as 001"},
		{"newline", "001\n", `"001\n"`, "such as 001"},
		{"tab", "0\t1", `"0\t1"`, "such as 001"},
		{"accented letter", "tâche", `"tâche"`, "such as 001"},
		{"CJK letters", "任务", `"任务"`, "such as 001"},
		{"backslash", `a\b`, `"a\\b"`, "such as 001"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			err := ValidateTask(c.task)

			if err == nil {
				t.Fatalf("ValidateTask(%q) = nil, want an error", c.task)
			}
			msg := err.Error()
			if !strings.Contains(msg, c.wantValue) {
				t.Errorf("message %q does not show the task id as %s", msg, c.wantValue)
			}
			if !strings.Contains(msg, c.wantFix) {
				t.Errorf("message %q does not give the fix %q", msg, c.wantFix)
			}
			if strings.ContainsAny(msg, "\n\r\x00") {
				t.Errorf("message %q contains a line break or NUL; it must be one printable line", msg)
			}
		})
	}
}

// A task id that is rejected must say why in terms that hold for that id.
func TestValidateTaskSingleDotMessage(t *testing.T) {
	err := ValidateTask(".")

	if err == nil {
		t.Fatal(`ValidateTask(".") = nil, want an error`)
	}
	if strings.Contains(err.Error(), `contains ".."`) {
		t.Errorf(`message %q claims "." contains ".."`, err)
	}
}

func TestValidateTaskLengthMessage(t *testing.T) {
	err := ValidateTask(strings.Repeat("a", 65))

	if err == nil {
		t.Fatal("ValidateTask of 65 characters = nil, want an error")
	}
	if !strings.Contains(err.Error(), "65 characters") {
		t.Errorf("message %q does not give the length 65", err)
	}
}

func TestValidatePhase(t *testing.T) {
	for _, phase := range []string{PhaseBefore, PhaseAfter} {
		if err := ValidatePhase(phase); err != nil {
			t.Errorf("ValidatePhase(%q) = %v, want nil", phase, err)
		}
	}
	for _, phase := range []string{"", "Before", "during", "after "} {
		err := ValidatePhase(phase)
		if err == nil {
			t.Errorf("ValidatePhase(%q) = nil, want an error", phase)
			continue
		}
		if !strings.Contains(err.Error(), fmt.Sprintf("%q", phase)) {
			t.Errorf("message %q does not name the phase %q", err, phase)
		}
		if !strings.Contains(err.Error(), `"before" or "after"`) {
			t.Errorf("message %q does not list the valid phases", err)
		}
	}
}

func TestStem(t *testing.T) {
	got := Stem("017-index", PhaseAfter, "20250102_030405")

	if want := "017-index_after_20250102_030405"; got != want {
		t.Errorf("Stem = %q, want %q", got, want)
	}
}

func TestParseName(t *testing.T) {
	cases := []struct {
		name                           string
		file                           string
		wantTask, wantPhase, wantStamp string
		wantOK                         bool
	}{
		{"plain", "001_before_20250102_030405.json", "001", "before", "20250102_030405", true},
		{"with folder", "tmp/results/017-index_after_20250102_030405.json", "017-index", "after", "20250102_030405", true},
		{"underscore in task", "a.b_c_after_20250102_030405.json", "a.b_c", "after", "20250102_030405", true},
		{"side file", "001_before_20250102_030405_sys.txt", "", "", "", false},
		{"unknown phase", "001_during_20250102_030405.json", "", "", "", false},
		{"short timestamp", "001_before_2025_030405.json", "", "", "", false},
		{"no task", "_before_20250102_030405.json", "", "", "", false},
		{"temp file", ".001_before_20250102_030405.json.tmp-123", "", "", "", false},
		{"other JSON", "summary.json", "", "", "", false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			task, phase, stamp, ok := ParseName(c.file)

			if ok != c.wantOK {
				t.Fatalf("ParseName(%q) ok = %v, want %v", c.file, ok, c.wantOK)
			}
			if task != c.wantTask || phase != c.wantPhase || stamp != c.wantStamp {
				t.Errorf("ParseName(%q) = %q, %q, %q; want %q, %q, %q",
					c.file, task, phase, stamp, c.wantTask, c.wantPhase, c.wantStamp)
			}
		})
	}
}

func TestParseNameInvertsStem(t *testing.T) {
	stem := Stem("a.b_c", PhaseBefore, "20251231_235959")

	task, phase, stamp, ok := ParseName(stem + ".json")

	if !ok || task != "a.b_c" || phase != PhaseBefore || stamp != "20251231_235959" {
		t.Errorf("ParseName(Stem(...)+\".json\") = %q, %q, %q, %v; want the stem's parts", task, phase, stamp, ok)
	}
}

func TestNewStemFreeName(t *testing.T) {
	now := time.Date(2025, 1, 2, 3, 4, 5, 0, time.Local)

	got := NewStem(t.TempDir(), "001", PhaseBefore, now)

	if want := "001_before_20250102_030405"; got != want {
		t.Errorf("NewStem in an empty folder = %q, want %q", got, want)
	}
}

func TestNewStemSkipsTakenSeconds(t *testing.T) {
	dir := t.TempDir()
	touch(t, dir, "001_before_20250102_030405.json")
	touch(t, dir, "001_before_20250102_030406.json")
	// Results of another phase or task at the same second are no conflict.
	touch(t, dir, "001_after_20250102_030407.json")
	touch(t, dir, "002_before_20250102_030407.json")
	now := time.Date(2025, 1, 2, 3, 4, 5, 0, time.Local)

	got := NewStem(dir, "001", PhaseBefore, now)

	if want := "001_before_20250102_030407"; got != want {
		t.Errorf("NewStem with two taken seconds = %q, want %q", got, want)
	}
}

// NewStem must return even when the folder cannot be read; the write that
// follows reports the problem.
func TestNewStemUnreadableFolder(t *testing.T) {
	notADir := touch(t, t.TempDir(), "file")
	now := time.Date(2025, 1, 2, 3, 4, 5, 0, time.Local)

	done := make(chan string, 1)
	go func() { done <- NewStem(notADir, "001", PhaseBefore, now) }()

	select {
	case got := <-done:
		if want := "001_before_20250102_030405"; got != want {
			t.Errorf("NewStem under a regular file = %q, want %q", got, want)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("NewStem under a regular file did not return within 5 s; it loops over the seconds")
	}
}

func TestListFiltersAndSorts(t *testing.T) {
	dir := t.TempDir()
	// Written out of order; the year boundary checks that name order is
	// time order.
	newest := touch(t, dir, "001_before_20250101_000000.json")
	oldest := touch(t, dir, "001_before_20241231_120000.json")
	middle := touch(t, dir, "001_before_20241231_235959.json")
	touch(t, dir, "001_after_20250102_000000.json")
	touch(t, dir, "0010_before_20250102_000000.json")
	touch(t, dir, "01_before_20250102_000000.json")
	touch(t, dir, "001_before_20250102_000000_sys.txt")
	touch(t, dir, "notes.txt")

	got, err := List(dir, "001", PhaseBefore)

	if err != nil {
		t.Fatalf("List: %v", err)
	}
	want := []string{oldest, middle, newest}
	if !slices.Equal(got, want) {
		t.Errorf("List = %q\nwant %q (only task 001 before, oldest first)", got, want)
	}
}

func TestListMissingFolder(t *testing.T) {
	got, err := List(filepath.Join(t.TempDir(), "missing"), "001", PhaseBefore)

	if err != nil {
		t.Errorf("List of a missing folder = %v, want no error (no results yet)", err)
	}
	if len(got) != 0 {
		t.Errorf("List of a missing folder = %q, want none", got)
	}
}

func TestListUnreadableFolder(t *testing.T) {
	notADir := touch(t, t.TempDir(), "file")

	_, err := List(notADir, "001", PhaseBefore)

	if err == nil {
		t.Fatal("List of a regular file = nil error, want one")
	}
	if !strings.Contains(err.Error(), notADir) {
		t.Errorf("error %q does not name the folder %s", err, notADir)
	}
}

func TestLatestNewest(t *testing.T) {
	dir := t.TempDir()
	touch(t, dir, "001_after_20241231_235959.json")
	want := touch(t, dir, "001_after_20250101_000001.json")
	touch(t, dir, "001_after_20250101_000000.json")
	touch(t, dir, "001_before_20250201_000000.json")
	touch(t, dir, "002_after_20250201_000000.json")

	got, err := Latest(dir, "001", PhaseAfter)

	if err != nil {
		t.Fatalf("Latest: %v", err)
	}
	if got != want {
		t.Errorf("Latest = %q, want %q (newest of task 001 after)", got, want)
	}
}

func TestLatestNone(t *testing.T) {
	dir := t.TempDir()
	touch(t, dir, "001_before_20250101_000000.json")

	_, err := Latest(dir, "001", PhaseAfter)

	if !errors.Is(err, ErrNotFound) {
		t.Fatalf("Latest without an after result = %v, want ErrNotFound", err)
	}
	for _, part := range []string{"task 001", "phase after", dir} {
		if !strings.Contains(err.Error(), part) {
			t.Errorf("error %q does not contain %q", err, part)
		}
	}
}

// FuzzValidateTask checks that ValidateTask never panics, that what it
// accepts cannot leave the results folder, and that every rejection is one
// line.
func FuzzValidateTask(f *testing.F) {
	for _, seed := range []string{"001", "017-index", "", ".", "..", "a/../b", "a\x00b", "tâche", strings.Repeat("9", 65)} {
		f.Add(seed)
	}

	f.Fuzz(func(t *testing.T, task string) {
		err := ValidateTask(task)

		if err != nil {
			if strings.ContainsAny(err.Error(), "\n\r") {
				t.Errorf("ValidateTask(%q) message spans several lines: %q", task, err)
			}
			return
		}
		if filepath.Base(task) != task {
			t.Errorf("ValidateTask accepted %q, which is not a single path element", task)
		}
		if strings.Contains(task, "..") {
			t.Errorf("ValidateTask accepted %q, which contains \"..\"", task)
		}
		if len(task) > 64 {
			t.Errorf("ValidateTask accepted %q of %d bytes", task, len(task))
		}
	})
}
