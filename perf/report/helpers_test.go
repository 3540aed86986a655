package report

import (
	"bytes"
	"strings"
	"testing"

	"github.com/fatih/color"

	"github.com/m17/perfgate/perf/compare"
	"github.com/m17/perfgate/perf/config"
	"github.com/m17/perfgate/perf/internal/resulttest"
	"github.com/m17/perfgate/perf/result"
)

// setNoColor sets fatih/color's global switch for one test and restores
// it afterwards. Tests that use it must not run in parallel.
func setNoColor(t *testing.T, off bool) {
	t.Helper()

	saved := color.NoColor
	color.NoColor = off
	t.Cleanup(func() { color.NoColor = saved })
}

// spread returns n per-trial values spaced 0.2% of center apart around
// center, which is their median when n is odd.
func spread(center float64, n int) []float64 {
	values := make([]float64, n)
	for i := range values {
		values[i] = center * (1 + 0.002*float64(i-n/2))
	}
	return values
}

// compareP99 compares two results of task 001 whose trials have the given
// P99 values (ms) and an unchanged throughput.
func compareP99(beforeMs, afterMs []float64) compare.Report {
	b := resulttest.New("001", result.PhaseBefore, beforeMs, spread(1000, len(beforeMs)))
	a := resulttest.New("001", result.PhaseAfter, afterMs, spread(1000, len(afterMs)))
	return compare.Compare(b, a, compare.Options{Thresholds: config.Default().Thresholds})
}

func writeTable(rep compare.Report) string {
	var buf bytes.Buffer
	WriteTable(&buf, rep)
	return buf.String()
}

// lineStarting returns the first line of text that starts with prefix,
// failing the test when there is none.
func lineStarting(t *testing.T, text, prefix string) string {
	t.Helper()

	for _, line := range strings.Split(text, "\n") {
		if strings.HasPrefix(line, prefix) {
			return line
		}
	}
	t.Fatalf("no line starts with %q in:\n%s", prefix, text)
	return ""
}

// assertNoANSI fails the test when text contains an ANSI escape sequence.
func assertNoANSI(t *testing.T, text string) {
	t.Helper()

	if strings.Contains(text, "\x1b[") {
		t.Errorf("output has ANSI escape codes:\n%q", text)
	}
}
