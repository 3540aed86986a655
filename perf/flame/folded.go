// Package flame renders folded stacks as self-contained SVG flame graphs.
//
// The graphs are classic flame graphs: the root frame ("all") is at the
// bottom and callees are stacked above their callers. A frame's width is
// proportional to its samples, frames with the same stack prefix are
// merged into one, and siblings are ordered by name, as flamegraph.pl
// does, so the x axis is not time. Each frame has a <title> tooltip with
// its full name, sample count and share. The SVG contains no script and
// references nothing outside itself, so opening it fetches nothing.
//
// No maintained Go module renders flame-graph SVG (go-torch calls
// flamegraph.pl and is archived, and pprof's own flame graph is an HTML
// page), so this package draws the SVG itself.
package flame

import (
	"bytes"
	"fmt"
	"math"
	"strconv"
	"strings"
)

// unknownFrame is the name drawn for an empty frame name ("a;;b").
const unknownFrame = "[unknown]"

// node is one frame of the merged call tree: every stack that starts with
// the same frames passes through the same node.
type node struct {
	name string
	// value is the samples of all stacks through this node.
	value    int64
	children []*node
	// index finds a child by name once there are more than
	// maxLinearChildren, because most frames have a few callees and a
	// linear search of a few is faster than a map.
	index map[string]*node
}

const maxLinearChildren = 8

// child returns the child called name, adding it when missing.
func (n *node) child(name string) *node {
	if c := n.find(name); c != nil {
		return c
	}

	c := &node{name: name}
	n.children = append(n.children, c)
	if n.index != nil {
		n.index[name] = c
	} else if len(n.children) > maxLinearChildren {
		n.index = make(map[string]*node, 2*len(n.children))
		for _, existing := range n.children {
			n.index[existing.name] = existing
		}
	}
	return c
}

// find returns the child called name, or nil.
func (n *node) find(name string) *node {
	if n.index != nil {
		return n.index[name]
	}
	for _, c := range n.children {
		if c.name == name {
			return c
		}
	}
	return nil
}

// parseFolded builds the call tree of folded stacks, one
// "root;caller;leaf COUNT" per line. Blank lines and lines with a count of
// 0 are skipped, and repeated stacks add up. The returned root is named
// "all" and its value is the total.
func parseFolded(folded []byte) (*node, error) {
	root := &node{name: "all"}
	lineNumber := 0
	for len(folded) > 0 {
		lineNumber++
		var line []byte
		line, folded, _ = bytes.Cut(folded, []byte{'\n'})
		line = bytes.TrimRight(line, "\r \t")
		if len(bytes.TrimSpace(line)) == 0 {
			continue
		}

		stack, count, err := parseLine(line)
		if err != nil {
			return nil, fmt.Errorf("folded stacks line %d %q: %w", lineNumber, truncateForError(line), err)
		}
		if count == 0 {
			continue
		}
		if root.value > math.MaxInt64-count {
			return nil, fmt.Errorf("folded stacks line %d: the total exceeds %d samples; scale the counts down", lineNumber, int64(math.MaxInt64))
		}

		root.value += count
		n := root
		for name := range strings.SplitSeq(stack, ";") {
			if name == "" {
				name = unknownFrame
			}
			n = n.child(name)
			n.value += count
		}
	}
	return root, nil
}

// parseLine splits a folded line at its last space into the stack and the
// sample count.
func parseLine(line []byte) (stack string, count int64, err error) {
	space := bytes.LastIndexByte(line, ' ')
	if space < 0 {
		return "", 0, fmt.Errorf("no sample count; each line must be \"root;caller;leaf COUNT\"")
	}
	stack = strings.TrimSpace(string(line[:space]))
	if stack == "" {
		return "", 0, fmt.Errorf("the stack is empty; each line must be \"root;caller;leaf COUNT\"")
	}
	count, err = strconv.ParseInt(string(line[space+1:]), 10, 64)
	if err != nil || count < 0 {
		return "", 0, fmt.Errorf("sample count %q is not a whole number ≥ 0", line[space+1:])
	}
	return stack, count, nil
}

// truncateForError shortens a line quoted in an error message.
func truncateForError(line []byte) string {
	const maxBytes = 80
	if len(line) <= maxBytes {
		return string(line)
	}
	return string(line[:maxBytes]) + "..."
}
