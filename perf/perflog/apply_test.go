package perflog

import (
	"errors"
	"strings"
	"testing"
)

func TestApplyEmptyLog(t *testing.T) {
	sections := []Section{
		{Task: "002", Block: "two"},
		{Task: "baseline", Block: "base"},
		{Task: "001", Name: "first", Block: "one\n"},
	}
	got, err := Apply(nil, sections, "sum")
	if err != nil {
		t.Fatal(err)
	}

	want := `## Baseline

<!-- perf:task baseline begin -->
base
<!-- perf:task baseline end -->

## Task 001: first

<!-- perf:task 001 begin -->
one
<!-- perf:task 001 end -->

## Task 002

<!-- perf:task 002 begin -->
two
<!-- perf:task 002 end -->

## Summary

<!-- perf:summary begin -->
sum
<!-- perf:summary end -->
`
	if string(got) != want {
		t.Errorf("Apply on an empty log:\n%s", lineDiff(want, string(got)))
	}
}

func TestApplyInsertsInTaskOrder(t *testing.T) {
	log := `# Log

## Task 001

<!-- perf:task 001 begin -->
one
<!-- perf:task 001 end -->

Note on 001.

## Task 010

<!-- perf:task 010 begin -->
ten
<!-- perf:task 010 end -->

## Appendix

Hand-written appendix.
`
	sections := []Section{{Task: "2", Block: "two"}, {Task: "011", Block: "eleven"}, {Task: "baseline", Block: "base"}}
	got, err := Apply([]byte(log), sections, "")
	if err != nil {
		t.Fatal(err)
	}

	order := []string{"# Log", "## Baseline", "## Task 001", "Note on 001.", "## Task 2", "## Task 010", "## Task 011", "## Appendix", "Hand-written appendix."}
	if missing := missingLines(order, string(got)); missing != "" {
		t.Errorf("line %q is missing or out of order:\n%s", missing, got)
	}
	if strings.Contains(string(got), "## Summary") {
		t.Errorf("an empty summary added a summary section:\n%s", got)
	}
}

func TestApplyNewTaskBeforeSummary(t *testing.T) {
	log := "## Task 001\n<!-- perf:task 001 begin -->\n<!-- perf:task 001 end -->\nNote.\n\n## Summary\n<!-- perf:summary begin -->\nold\n<!-- perf:summary end -->\nAfter the summary.\n"
	got, err := Apply([]byte(log), []Section{{Task: "002", Block: "two"}}, "new")
	if err != nil {
		t.Fatal(err)
	}

	want := "## Task 001\n<!-- perf:task 001 begin -->\n<!-- perf:task 001 end -->\nNote.\n\n" +
		"## Task 002\n\n<!-- perf:task 002 begin -->\ntwo\n<!-- perf:task 002 end -->\n\n" +
		"## Summary\n<!-- perf:summary begin -->\nnew\n<!-- perf:summary end -->\nAfter the summary.\n"
	if string(got) != want {
		t.Errorf("Apply:\n%s", lineDiff(want, string(got)))
	}
}

func TestApplyKeepsCRLF(t *testing.T) {
	log := "# Log\r\n\r\n## Task 001\r\n<!-- perf:task 001 begin -->\r\nold\r\n<!-- perf:task 001 end -->\r\nNote.\r\n"
	got, err := Apply([]byte(log), []Section{{Task: "001", Name: "x", Block: "a\nb"}, {Task: "002", Block: "c"}}, "s")
	if err != nil {
		t.Fatal(err)
	}

	text := string(got)
	if bare := strings.Count(text, "\n") - strings.Count(text, "\r\n"); bare != 0 {
		t.Errorf("output of a CRLF log has %d bare LF line ends:\n%q", bare, text)
	}
	if !strings.Contains(text, "## Task 001: x\r\n<!-- perf:task 001 begin -->\r\na\r\nb\r\n") {
		t.Errorf("updated block or heading lost its CRLF:\n%q", text)
	}
}

func TestApplyNoFinalNewline(t *testing.T) {
	log := "<!-- perf:task 001 begin -->\nold\n<!-- perf:task 001 end -->"
	got, err := Apply([]byte(log), []Section{{Task: "001", Block: "new"}}, "")
	if err != nil {
		t.Fatal(err)
	}
	if want := "<!-- perf:task 001 begin -->\nnew\n<!-- perf:task 001 end -->"; string(got) != want {
		t.Errorf("Apply = %q, want %q", got, want)
	}

	got, err = Apply([]byte("Last line"), []Section{{Task: "001", Block: "new"}}, "")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(string(got), "Last line\n\n## Task 001\n") {
		t.Errorf("section appended after a line without newline: %q", got)
	}
}

func TestApplyMarkerForms(t *testing.T) {
	log := "Write `<!-- perf:task 001 begin -->` to start a block.\n  <!-- perf:task 001 begin -->  \nold\n\t<!-- perf:task 001 end -->\n"
	got, err := Apply([]byte(log), []Section{{Task: "001", Block: "new"}}, "")
	if err != nil {
		t.Fatal(err)
	}

	want := "Write `<!-- perf:task 001 begin -->` to start a block.\n  <!-- perf:task 001 begin -->  \nnew\n\t<!-- perf:task 001 end -->\n"
	if string(got) != want {
		t.Errorf("Apply:\n%s", lineDiff(want, string(got)))
	}
}

func TestApplyNameKeptWhenEmpty(t *testing.T) {
	log := "## Task 001: named by hand\n<!-- perf:task 001 begin -->\n<!-- perf:task 001 end -->\n"
	got, err := Apply([]byte(log), []Section{{Task: "001", Block: "x"}}, "")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(string(got), "## Task 001: named by hand\n") {
		t.Errorf("an empty Name changed the heading: %q", got)
	}

	l, err := Parse(got)
	if err != nil {
		t.Fatal(err)
	}
	if name := l.TaskName("001"); name != "named by hand" {
		t.Errorf("TaskName = %q, want %q", name, "named by hand")
	}
}

func TestApplyRejectsInvalidSections(t *testing.T) {
	cases := []struct {
		name     string
		sections []Section
		summary  string
		contains string
	}{
		{"duplicate task", []Section{{Task: "001"}, {Task: "001"}}, "", "two sections for task 001"},
		{"invalid task", []Section{{Task: "a b"}}, "", "task id"},
		{"marker in block", []Section{{Task: "001", Block: "x\n<!-- perf:task 002 end -->"}}, "", "looks like a marker"},
		{"marker in summary", nil, "<!-- perf:summary end -->", "summary block"},
		{"line break in name", []Section{{Task: "001", Name: "a\nb"}}, "", "line break"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Apply(nil, tc.sections, tc.summary)
			if err == nil || !strings.Contains(err.Error(), tc.contains) {
				t.Errorf("Apply error = %v, want one containing %q", err, tc.contains)
			}
		})
	}
}

func TestParseMarkerErrorLine(t *testing.T) {
	_, err := Parse([]byte("a\nb\n<!-- perf:summary end -->\n"))
	var markerErr *MarkerError
	if !errors.As(err, &markerErr) {
		t.Fatalf("Parse error = %v, want a *MarkerError", err)
	}
	if markerErr.Line != 3 {
		t.Errorf("Line = %d, want 3", markerErr.Line)
	}
	if want := "line 3: end marker of the summary has no begin marker above it"; !strings.HasPrefix(err.Error(), want) {
		t.Errorf("error = %q, want prefix %q", err, want)
	}
}
