package perflog

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// fuzzSections are applied to every fuzzed log: the baseline, two tasks
// with names and one without, so headings are both refreshed and kept.
var fuzzSections = []Section{
	{Task: "baseline", Block: "- Status: baseline measured"},
	{Task: "001", Name: "hnsw index", Block: "- Status: before and after measured\n\n| Metric | Before |\n|---|---:|\n| P99 latency | 1.00 ms |"},
	{Task: "002", Block: "- Verdict: ✓ within target"},
	{Task: "010", Name: "late task", Block: ""},
}

const fuzzSummary = "- Tasks measured before and after: 2 of 3\n- Regressions: none"

func FuzzApply(f *testing.F) {
	logs, err := filepath.Glob(filepath.Join("testdata", "*.md"))
	if err != nil {
		f.Fatal(err)
	}
	for _, path := range logs {
		data, err := os.ReadFile(path)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
		f.Add(bytes.ReplaceAll(data, []byte("\n"), []byte("\r\n")))
	}
	f.Add([]byte(""))
	f.Add([]byte("no final newline"))
	f.Add([]byte("## Task 001\n<!-- perf:task 001 begin -->\nx\n<!-- perf:task 001 end -->"))
	f.Add([]byte("<!-- perf:task 001 end -->\n"))

	names := namedTasks(fuzzSections)
	f.Fuzz(func(t *testing.T, log []byte) {
		out, err := Apply(log, fuzzSections, fuzzSummary)
		if err != nil {
			var markerErr *MarkerError
			if !errors.As(err, &markerErr) {
				t.Fatalf("Apply returned %v, want a *MarkerError", err)
			}
			if strings.Contains(err.Error(), "\n") {
				t.Fatalf("error %q spans several lines", err)
			}
			return
		}

		if missing := missingLines(keptLines(string(log), names), string(out)); missing != "" {
			t.Fatalf("line %q outside the blocks was lost or reordered\ninput:\n%q\noutput:\n%q", missing, log, out)
		}

		again, err := Apply(out, fuzzSections, fuzzSummary)
		if err != nil {
			t.Fatalf("Apply rejected its own output: %v\noutput:\n%q", err, out)
		}
		if !bytes.Equal(again, out) {
			t.Fatalf("second Apply changed the output\nfirst:\n%q\nsecond:\n%q", out, again)
		}

		checkBlocks(t, out)
	})
}

// checkBlocks checks that each section's block in out is its generated
// text, and that the summary is there.
func checkBlocks(t *testing.T, out []byte) {
	t.Helper()
	l, err := Parse(out)
	if err != nil {
		t.Fatalf("output does not parse: %v", err)
	}
	for _, s := range fuzzSections {
		b, ok := l.block(taskKey(s.Task))
		if !ok {
			t.Fatalf("output has no block of task %s:\n%q", s.Task, out)
		}
		got := strings.Join(trimCR(l.lines[b.begin+1:b.end]), "\n")
		if got != s.Block {
			t.Fatalf("block of task %s = %q, want %q", s.Task, got, s.Block)
		}
	}
	if _, ok := l.block(summaryKey); !ok {
		t.Fatalf("output has no summary block:\n%q", out)
	}
}

func trimCR(lines []string) []string {
	out := make([]string, len(lines))
	for i, line := range lines {
		out[i] = strings.TrimSuffix(line, "\r")
	}
	return out
}

func namedTasks(sections []Section) []string {
	var names []string
	for _, s := range sections {
		if s.Name != "" {
			names = append(names, s.Task)
		}
	}
	return names
}

// keptLines returns the lines of a valid log that Apply must keep: every
// line outside the generated blocks and their markers, except headings of
// the generated form for the tasks in renamed, which Apply may rename.
// It recognises markers on its own, so it checks Parse as well as Apply.
func keptLines(log string, renamed []string) []string {
	var kept []string
	inside := false
	for _, line := range strings.Split(log, "\n") {
		trimmed := strings.TrimSpace(line)
		if strings.HasPrefix(trimmed, "<!-- perf:") {
			inside = strings.HasSuffix(trimmed, " begin -->")
			continue
		}
		if inside || isRenamedHeading(line, renamed) {
			continue
		}
		kept = append(kept, line)
	}
	return kept
}

func isRenamedHeading(line string, renamed []string) bool {
	content := strings.TrimRight(line, " \t\r")
	for _, task := range renamed {
		heading := "## Task " + task
		if task == "baseline" {
			heading = "## Baseline"
		}
		if content == heading || strings.HasPrefix(content, heading+": ") {
			return true
		}
	}
	return false
}
