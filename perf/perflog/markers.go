package perflog

import (
	"fmt"
	"regexp"
	"strings"

	"github.com/m17/perfgate/perf/result"
	"github.com/m17/perfgate/perf/tasks"
)

// Marker lines delimit the generated blocks:
//
//	<!-- perf:task 001 begin -->
//	...
//	<!-- perf:task 001 end -->
//	<!-- perf:summary begin -->
//	...
//	<!-- perf:summary end -->
//
// A marker is a whole line (surrounding whitespace ignored), so a marker
// quoted inside a sentence or in inline code is plain text. Any other line
// whose trimmed text starts with "<!-- perf:" is rejected as a damaged
// marker.
const markerPrefix = "<!-- perf:"

var markerPattern = regexp.MustCompile(`^<!-- perf:(task (\S+)|summary) (begin|end) -->$`)

// summaryKey is the block key of the summary. Task blocks have the key
// "task <id>".
const summaryKey = "summary"

func taskKey(task string) string { return "task " + task }

func beginMarker(key string) string { return markerPrefix + key + " begin -->" }

func endMarker(key string) string { return markerPrefix + key + " end -->" }

// describeKey names a block in messages.
func describeKey(key string) string {
	if key == summaryKey {
		return "the summary"
	}
	return key
}

// MarkerError reports a damaged marker. Line is 1-based. Update writes
// nothing when it returns one.
type MarkerError struct {
	Path    string
	Line    int
	Message string
}

func (e *MarkerError) Error() string {
	if e.Path != "" {
		return fmt.Sprintf("%s:%d: %s", e.Path, e.Line, e.Message)
	}
	return fmt.Sprintf("line %d: %s", e.Line, e.Message)
}

func markerErrorf(index int, format string, args ...any) *MarkerError {
	return &MarkerError{Line: index + 1, Message: fmt.Sprintf(format, args...)}
}

// block is one generated block of a parsed log. Indexes are 0-based line
// indexes.
type block struct {
	key   string
	task  string // "" for the summary
	begin int
	end   int
	// heading is the index of the nearest "## " line above begin, not
	// crossing another marker or a "# " title, or -1 when there is none.
	heading int
}

// start returns the index where the block's section begins: its heading,
// or the begin marker when the section has no heading.
func (b block) start() int {
	if b.heading >= 0 {
		return b.heading
	}
	return b.begin
}

// Log is a parsed performance log: its lines and the generated blocks in
// document order. Lines outside the blocks are kept byte for byte.
type Log struct {
	// lines are the log's lines without their "\n" terminator. A CRLF log
	// keeps the "\r" at the end of each line.
	lines []string
	// finalNewline is true when the last line ends with "\n".
	finalNewline bool
	// lineEnd is appended to each generated line: "\r" in a CRLF log.
	lineEnd string
	blocks  []block
}

// Parse splits a log into lines and finds its generated blocks. It returns
// a *MarkerError naming the first damaged marker: an unrecognised marker,
// an end without a begin, a begin without an end, a block inside another
// block, or a second block for one task or for the summary.
func Parse(data []byte) (*Log, error) {
	l := &Log{}
	text := string(data)
	if text != "" {
		l.lines = strings.Split(text, "\n")
		if l.lines[len(l.lines)-1] == "" {
			l.lines = l.lines[:len(l.lines)-1]
			l.finalNewline = true
		}
	}

	if err := l.findBlocks(); err != nil {
		return nil, err
	}
	for i := range l.blocks {
		l.blocks[i].heading = l.findHeading(i)
	}
	l.lineEnd = l.detectLineEnd()
	return l, nil
}

// detectLineEnd returns "\r" when most terminated lines outside the blocks
// end with CRLF. Generated lines are not counted, and the lines Apply adds
// follow the majority, so a second Apply detects the same line end.
func (l *Log) detectLineEnd() string {
	crlf, lf := 0, 0
	next := 0 // index of the next block
	for i := 0; i < len(l.lines); i++ {
		if next < len(l.blocks) && i == l.blocks[next].begin+1 {
			i = l.blocks[next].end
			next++
		}
		if i == len(l.lines)-1 && !l.finalNewline {
			break
		}
		if strings.HasSuffix(l.lines[i], "\r") {
			crlf++
		} else {
			lf++
		}
	}
	if crlf > lf {
		return "\r"
	}
	return ""
}

// findBlocks pairs the marker lines and checks that blocks neither nest
// nor repeat.
func (l *Log) findBlocks() error {
	var open *block
	seen := map[string]block{}

	for i, line := range l.lines {
		key, task, isBegin, ok, err := parseMarker(i, line)
		if err != nil {
			return err
		}
		if !ok {
			continue
		}

		if isBegin {
			if open != nil {
				return markerErrorf(i, "begin marker of %s is inside the block of %s that begins at line %d; add %q above line %d or delete this marker",
					describeKey(key), describeKey(open.key), open.begin+1, endMarker(open.key), i+1)
			}
			if first, dup := seen[key]; dup {
				return markerErrorf(i, "second block of %s (the first is at lines %d-%d); delete one of the two blocks with its markers",
					describeKey(key), first.begin+1, first.end+1)
			}
			open = &block{key: key, task: task, begin: i}
			continue
		}

		if open == nil {
			return markerErrorf(i, "end marker of %s has no begin marker above it; add %q above the generated lines or delete this marker",
				describeKey(key), beginMarker(key))
		}
		if open.key != key {
			return markerErrorf(i, "end marker of %s is inside the block of %s that begins at line %d; change it to %q or add the missing markers",
				describeKey(key), describeKey(open.key), open.begin+1, endMarker(open.key))
		}
		open.end = i
		seen[key] = *open
		l.blocks = append(l.blocks, *open)
		open = nil
	}

	if open != nil {
		return markerErrorf(open.begin, "begin marker of %s has no end marker; add %q after the generated lines or delete this marker",
			describeKey(open.key), endMarker(open.key))
	}
	return nil
}

// parseMarker reports whether line is a marker and which. A line that
// starts with the marker prefix but is not a valid marker is an error.
func parseMarker(index int, line string) (key, task string, isBegin, ok bool, err error) {
	trimmed := strings.TrimSpace(line)
	if !strings.HasPrefix(trimmed, markerPrefix) {
		return "", "", false, false, nil
	}

	m := markerPattern.FindStringSubmatch(trimmed)
	if m == nil {
		return "", "", false, false, markerErrorf(index, "unrecognised marker %q; write %q, %q or the summary's %q, or delete the line",
			trimmed, beginMarker(taskKey("<id>")), endMarker(taskKey("<id>")), beginMarker(summaryKey))
	}
	if m[2] != "" {
		if verr := result.ValidateTask(m[2]); verr != nil {
			return "", "", false, false, markerErrorf(index, "marker names an invalid task: %v", verr)
		}
		task = m[2]
		key = taskKey(task)
	} else {
		key = summaryKey
	}
	return key, task, m[3] == "begin", true, nil
}

// findHeading returns the index of the section heading of block i: the
// nearest "## " line above its begin marker that lies below the previous
// marker and below any "# " title, or -1.
func (l *Log) findHeading(i int) int {
	floor := 0
	if i > 0 {
		floor = l.blocks[i-1].end + 1
	}
	for j := l.blocks[i].begin - 1; j >= floor; j-- {
		line := l.lines[j]
		if isTitle(line) {
			return -1
		}
		if isSectionHeading(line) {
			return j
		}
	}
	return -1
}

func isTitle(line string) bool { return strings.HasPrefix(line, "# ") }

func isSectionHeading(line string) bool { return strings.HasPrefix(line, "## ") }

func isBlank(line string) bool { return strings.TrimSpace(line) == "" }

// headingPrefix is the part of a task's heading before the name.
func headingPrefix(task string) string {
	if task == tasks.Baseline {
		return "Baseline"
	}
	return "Task " + task
}

// headingLine returns the generated heading of a task, without line end.
func headingLine(task, name string) string {
	if name == "" {
		return "## " + headingPrefix(task)
	}
	return "## " + headingPrefix(task) + ": " + name
}

// ownedHeadingName reports whether line is a generated heading of task
// ("## Task 001" or "## Task 001: name") and returns its name. A heading a
// person rewrote in another form is not generated, so it is never changed.
func ownedHeadingName(line, task string) (name string, owned bool) {
	content := strings.TrimRight(line, " \t\r")
	bare := "## " + headingPrefix(task)
	if content == bare {
		return "", true
	}
	if rest, found := strings.CutPrefix(content, bare+": "); found {
		return strings.TrimSpace(rest), true
	}
	return "", false
}

// TaskName returns the name in the generated heading of task's section, or
// "" when the section, its heading or the name is missing.
func (l *Log) TaskName(task string) string {
	b, ok := l.block(taskKey(task))
	if !ok || b.heading < 0 {
		return ""
	}
	name, _ := ownedHeadingName(l.lines[b.heading], task)
	return name
}

func (l *Log) block(key string) (block, bool) {
	for _, b := range l.blocks {
		if b.key == key {
			return b, true
		}
	}
	return block{}, false
}
