package sysmetrics

import (
	"strings"
	"testing"
	"time"

	"github.com/m17/perfgate/perf/result"
)

func TestWriteTableLines(t *testing.T) {
	samples := []result.SystemSample{
		{Trial: 1, OffsetSec: 0, RSSBytes: 100 * mib, Threads: 7, OpenFDs: 9},
		{Trial: 1, OffsetSec: 1.02, RSSBytes: 300 * mib, CPUPct: 87.5, Threads: 8, OpenFDs: 12,
			HeapAlloc: 50 * mib, HeapSys: 72 * mib, NumGC: 17},
	}
	m := Summarize(samples, time.Second, 0.25, 2000)

	var out strings.Builder
	if err := WriteTable(&out, m); err != nil {
		t.Fatalf("WriteTable: %v", err)
	}
	text := out.String()

	wantLines := []string{
		"Server process, sampled every 1 s",
		"  Peak RSS:         300.0 MiB",
		"  Mean RSS:         200.0 MiB",
		"  Mean CPU:          87.5 % (100 % = one core)",
		"  CPU per op:       125.0 µs",
		"trial     t(s)   RSS MiB   CPU % threads    fds  heap MiB    GCs",
		"    1      0.0     100.0       -       7      9         -      -",
		"    1      1.0     300.0    87.5       8     12      50.0     17",
	}
	lines := strings.Split(text, "\n")
	for _, want := range wantLines {
		if !containsLine(lines, want) {
			t.Errorf("table has no line %q; got:\n%s", want, text)
		}
	}
}

func TestWriteTableNoSamples(t *testing.T) {
	for _, m := range []*result.SystemMetrics{nil, {}} {
		var out strings.Builder
		if err := WriteTable(&out, m); err != nil {
			t.Fatalf("WriteTable: %v", err)
		}
		if !strings.Contains(out.String(), "no samples were taken") {
			t.Errorf("output %q does not say that no samples were taken", out.String())
		}
	}
}

func containsLine(lines []string, want string) bool {
	for _, line := range lines {
		if line == want {
			return true
		}
	}
	return false
}
