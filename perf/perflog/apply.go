package perflog

import (
	"fmt"
	"slices"
	"strings"

	"github.com/m17/perfgate/perf/result"
	"github.com/m17/perfgate/perf/tasks"
)

// Section is the generated part of one task's section: its heading and
// the block between its markers.
type Section struct {
	Task string
	// Name titles the heading ("## Task 001: <Name>"). An empty Name keeps
	// the heading the log has, or writes "## Task 001" for a new section.
	Name string
	// Block is the Markdown between the markers, without the markers.
	Block string
}

// Apply parses log and returns it with each section's block replaced, or
// inserted in task order when the log has none, and the summary block
// replaced or appended at the end. An empty summary leaves the summary as
// it is. Lines outside the blocks are kept byte for byte. The one
// exception is the generated heading of a section whose Name differs from
// the heading's name. A damaged marker makes Apply return a *MarkerError
// and no output.
func Apply(log []byte, sections []Section, summary string) ([]byte, error) {
	l, err := Parse(log)
	if err != nil {
		return nil, err
	}
	return l.Apply(sections, summary)
}

// edits are the changes Apply makes, by line index of the parsed log.
type edits struct {
	// bodies replaces the lines between a block's markers, by begin index.
	bodies map[int][]string
	// headings replaces a heading line.
	headings map[int]string
	// inserts adds new sections before a line. Index len(lines) is the end
	// of the log.
	inserts map[int][][]string
}

// Apply returns the log with the sections and the summary applied. See the
// package-level Apply.
func (l *Log) Apply(sections []Section, summary string) ([]byte, error) {
	sorted, err := checkSections(sections, summary)
	if err != nil {
		return nil, err
	}

	e := edits{bodies: map[int][]string{}, headings: map[int]string{}, inserts: map[int][][]string{}}
	for _, s := range sorted {
		l.planSection(&e, s)
	}
	if summary != "" {
		l.planSummary(&e, summary)
	}
	return l.render(e), nil
}

// checkSections validates the sections and returns them in task order, so
// new sections that share an insertion point keep that order.
func checkSections(sections []Section, summary string) ([]Section, error) {
	seen := map[string]bool{}
	for _, s := range sections {
		if err := result.ValidateTask(s.Task); err != nil {
			return nil, fmt.Errorf("section: %w", err)
		}
		if seen[s.Task] {
			return nil, fmt.Errorf("two sections for task %s; pass one section per task", s.Task)
		}
		seen[s.Task] = true
		if strings.ContainsAny(s.Name, "\r\n") {
			return nil, fmt.Errorf("name %q of task %s contains a line break; use a one-line name", s.Name, s.Task)
		}
		if err := checkBody(s.Block); err != nil {
			return nil, fmt.Errorf("block of task %s: %w", s.Task, err)
		}
	}
	if err := checkBody(summary); err != nil {
		return nil, fmt.Errorf("summary block: %w", err)
	}

	sorted := slices.Clone(sections)
	slices.SortStableFunc(sorted, func(a, b Section) int {
		switch {
		case tasks.Less(a.Task, b.Task):
			return -1
		case tasks.Less(b.Task, a.Task):
			return 1
		}
		return 0
	})
	return sorted, nil
}

// checkBody rejects generated text with a marker line, which would make
// the written log unreadable by the next run.
func checkBody(body string) error {
	for i, line := range bodyLines(body) {
		if strings.HasPrefix(strings.TrimSpace(line), markerPrefix) {
			return fmt.Errorf("line %d %q looks like a marker; generated text must not contain marker lines", i+1, line)
		}
	}
	return nil
}

// bodyLines splits a generated block into lines, without trailing empty
// lines.
func bodyLines(body string) []string {
	body = strings.TrimRight(strings.ReplaceAll(body, "\r\n", "\n"), "\n")
	if body == "" {
		return nil
	}
	return strings.Split(body, "\n")
}

// planSection replaces the section's block and refreshes its generated
// heading, or plans a new section at its place in task order.
func (l *Log) planSection(e *edits, s Section) {
	key := taskKey(s.Task)
	body := l.generated(bodyLines(s.Block))

	b, ok := l.block(key)
	if !ok {
		lines := []string{l.generatedLine(headingLine(s.Task, s.Name)), l.lineEnd, l.generatedLine(beginMarker(key))}
		lines = append(lines, body...)
		lines = append(lines, l.generatedLine(endMarker(key)))
		at := l.insertionPoint(s.Task)
		e.inserts[at] = append(e.inserts[at], lines)
		return
	}

	e.bodies[b.begin] = body
	if s.Name == "" || b.heading < 0 {
		return
	}
	current := l.lines[b.heading]
	if name, owned := ownedHeadingName(current, s.Task); owned && name != s.Name {
		// Keep the line's own "\r", if any, rather than the log's majority.
		lineEnd := ""
		if strings.HasSuffix(current, "\r") {
			lineEnd = "\r"
		}
		e.headings[b.heading] = headingLine(s.Task, s.Name) + lineEnd
	}
}

// planSummary replaces the summary block, or appends a summary section at
// the end of the log.
func (l *Log) planSummary(e *edits, summary string) {
	body := l.generated(bodyLines(summary))
	if b, ok := l.block(summaryKey); ok {
		e.bodies[b.begin] = body
		return
	}

	lines := []string{l.generatedLine("## Summary"), l.lineEnd, l.generatedLine(beginMarker(summaryKey))}
	lines = append(lines, body...)
	lines = append(lines, l.generatedLine(endMarker(summaryKey)))
	end := len(l.lines)
	e.inserts[end] = append(e.inserts[end], lines)
}

// insertionPoint returns the line index before which a new section of
// task goes: before the first section of a later task, else after the
// last task section, else before the summary, else at the end of the log.
func (l *Log) insertionPoint(task string) int {
	last := -1
	for i, b := range l.blocks {
		if b.task == "" {
			continue
		}
		if tasks.Less(task, b.task) {
			return b.start()
		}
		last = i
	}
	if last >= 0 {
		return l.sectionEnd(last)
	}
	if b, ok := l.block(summaryKey); ok {
		return b.start()
	}
	return len(l.lines)
}

// sectionEnd returns the index just past the section of block i: the next
// "# " or "## " heading or begin marker after the block, or the end of the
// log. Notes a person wrote below the block stay in its section.
func (l *Log) sectionEnd(i int) int {
	nextBegin := len(l.lines)
	if i+1 < len(l.blocks) {
		nextBegin = l.blocks[i+1].begin
	}
	for j := l.blocks[i].end + 1; j < nextBegin; j++ {
		if isTitle(l.lines[j]) || isSectionHeading(l.lines[j]) {
			return j
		}
	}
	return nextBegin
}

func (l *Log) generatedLine(line string) string { return line + l.lineEnd }

func (l *Log) generated(lines []string) []string {
	out := make([]string, len(lines))
	for i, line := range lines {
		out[i] = l.generatedLine(line)
	}
	return out
}

// render writes the log with the edits applied. A new section is set off
// by a blank line from the lines around it.
func (l *Log) render(e edits) []byte {
	var out []string
	insert := func(at int) {
		for _, lines := range e.inserts[at] {
			if len(out) > 0 && !isBlank(out[len(out)-1]) {
				out = append(out, l.lineEnd)
			}
			out = append(out, lines...)
			if at < len(l.lines) && !isBlank(l.lines[at]) {
				out = append(out, l.lineEnd)
			}
		}
	}

	for i := 0; i < len(l.lines); i++ {
		insert(i)

		if heading, ok := e.headings[i]; ok {
			out = append(out, heading)
			continue
		}
		body, ok := e.bodies[i]
		if !ok {
			out = append(out, l.lines[i])
			continue
		}
		b, _ := l.blockAt(i)
		out = append(out, l.lines[b.begin])
		out = append(out, body...)
		out = append(out, l.lines[b.end])
		i = b.end
	}
	insert(len(l.lines))

	if len(out) == 0 {
		return nil
	}
	text := strings.Join(out, "\n")
	if l.finalNewline || len(e.inserts[len(l.lines)]) > 0 {
		text += "\n"
	}
	return []byte(text)
}

func (l *Log) blockAt(begin int) (block, bool) {
	for _, b := range l.blocks {
		if b.begin == begin {
			return b, true
		}
	}
	return block{}, false
}
