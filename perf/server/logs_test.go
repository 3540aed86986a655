package server

import (
	"fmt"
	"strings"
	"testing"
)

func TestLineRingKeepsLastLines(t *testing.T) {
	var ring lineRing
	for i := range maxLogLines + 50 {
		fmt.Fprintf(&ring, "line %d\n", i)
	}

	got := ring.last(maxLogLines + 10)

	if len(got) != maxLogLines {
		t.Fatalf("last returned %d lines, want %d", len(got), maxLogLines)
	}
	if got[0] != "line 50" {
		t.Errorf("oldest kept line = %q, want %q", got[0], "line 50")
	}
	if got[len(got)-1] != fmt.Sprintf("line %d", maxLogLines+49) {
		t.Errorf("newest line = %q, want line %d", got[len(got)-1], maxLogLines+49)
	}
}

func TestLineRingFewerLinesThanRequested(t *testing.T) {
	var ring lineRing
	ring.Write([]byte("a\nb\n"))

	if got := ring.last(5); strings.Join(got, ",") != "a,b" {
		t.Errorf("last(5) = %q, want [a b]", got)
	}
	if got := ring.last(0); got != nil {
		t.Errorf("last(0) = %q, want nil", got)
	}
}

func TestLineRingJoinsSplitWrites(t *testing.T) {
	var ring lineRing
	ring.Write([]byte("hel"))
	ring.Write([]byte("lo\r\nwor"))
	ring.Write([]byte("ld"))
	ring.flush()

	if got := ring.last(5); strings.Join(got, ",") != "hello,world" {
		t.Errorf("last(5) = %q, want [hello world]", got)
	}
}

func TestLineRingSplitsLongLines(t *testing.T) {
	var ring lineRing
	ring.Write([]byte(strings.Repeat("x", 2*maxLineBytes+10) + "\n"))

	got := ring.last(5)

	if len(got) != 3 {
		t.Fatalf("last(5) returned %d lines, want 3 pieces", len(got))
	}
	if len(got[0]) != maxLineBytes || len(got[2]) != 10 {
		t.Errorf("piece lengths = %d, %d, %d, want %d, %d, 10", len(got[0]), len(got[1]), len(got[2]), maxLineBytes, maxLineBytes)
	}
}
