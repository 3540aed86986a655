package compare

import (
	"slices"
	"strings"
	"testing"

	"github.com/m17/perfgate/perf/internal/resulttest"
)

func TestComparePeakRSS(t *testing.T) {
	cases := []struct {
		name           string
		beforeMiB      []float64
		afterMiB       []float64
		wantRegression bool
		wantReason     string
	}{
		{"+20% separated", tight(100, 5), tight(120, 5), true, "Peak RSS +20.0% (limit +10%, p=0.008)"},
		{"+5% separated", tight(100, 5), tight(105, 5), false, ""},
		{"-20% separated", tight(100, 5), tight(80, 5), false, ""},
		{"+20% overlapping", []float64{80, 90, 100, 130, 140}, []float64{85, 95, 120, 135, 145}, false, ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			b := resulttest.SetPeakRSS(before(tight(10, 5), steadyThroughput(5)), c.beforeMiB)
			a := resulttest.SetPeakRSS(after(tight(10, 5), steadyThroughput(5)), c.afterMiB)

			rep := Compare(b, a, defaultOptions())

			if rep.Memory == nil {
				t.Fatal("no peak RSS row although both results have system metrics")
			}
			if rep.Memory.Regression != c.wantRegression {
				t.Errorf("peak RSS regression = %v, want %v (change %+.1f%%, p=%g)",
					rep.Memory.Regression, c.wantRegression, rep.Memory.ChangePct, rep.Memory.P)
			}
			wantVerdict := VerdictOK
			if c.wantRegression {
				wantVerdict = VerdictRegression
			}
			if rep.Verdict != wantVerdict {
				t.Errorf("verdict = %s, want %s; reasons %q", rep.Verdict, wantVerdict, rep.Reasons)
			}
			if c.wantReason != "" && !containsAny(rep.Reasons, c.wantReason) {
				t.Errorf("no reason contains %q; reasons %q", c.wantReason, rep.Reasons)
			}
		})
	}
}

func TestComparePeakRSSRow(t *testing.T) {
	b := resulttest.SetPeakRSS(before(tight(10, 5), steadyThroughput(5)), []float64{100, 101, 99, 102, 98})
	a := resulttest.SetPeakRSS(after(tight(10, 5), steadyThroughput(5)), tight(120, 5))

	rep := Compare(b, a, defaultOptions())

	m := rep.Memory
	if m == nil {
		t.Fatal("no peak RSS row")
	}
	if m.Unit != "MiB" {
		t.Errorf("unit = %q, want MiB", m.Unit)
	}
	if !m.Gated {
		t.Error("peak RSS row is not gated")
	}
	if m.Before.N != 5 {
		t.Errorf("before has %d values, want one peak per trial (5)", m.Before.N)
	}
	if want := []float64{100, 101, 99, 102, 98}; !slices.Equal(m.Before.Values, want) {
		t.Errorf("before peaks = %v MiB, want %v (the highest sample of each trial)", m.Before.Values, want)
	}
	if !approx(m.Before.Median, 100) {
		t.Errorf("before median = %g MiB, want 100", m.Before.Median)
	}
}

func TestCompareSystemMissingOneSide(t *testing.T) {
	b := before(tight(10, 5), steadyThroughput(5))
	a := resulttest.SetPeakRSS(after(tight(10, 5), steadyThroughput(5)), tight(200, 5))

	rep := Compare(b, a, defaultOptions())

	if rep.Memory != nil {
		t.Errorf("peak RSS row %+v without before system metrics, want none", rep.Memory)
	}
	if rep.CPU != nil {
		t.Errorf("CPU row %+v without before system metrics, want none", rep.CPU)
	}
	if rep.Verdict != VerdictOK {
		t.Errorf("verdict = %s, want ok", rep.Verdict)
	}
}

// Without samples, each side has only its overall peak, so the plain
// threshold decides.
func TestComparePeakRSSWithoutSamples(t *testing.T) {
	b := resulttest.SetPeakRSS(before(tight(10, 5), steadyThroughput(5)), tight(100, 5))
	a := resulttest.SetPeakRSS(after(tight(10, 5), steadyThroughput(5)), tight(130, 5))
	b.System.Samples = nil
	a.System.Samples = nil

	rep := Compare(b, a, defaultOptions())

	if rep.Memory == nil {
		t.Fatal("no peak RSS row")
	}
	if rep.Memory.Before.N != 1 {
		t.Errorf("before has %d values, want the single overall peak", rep.Memory.Before.N)
	}
	if rep.Memory.Tested {
		t.Error("one value a side is tested")
	}
	if !rep.Memory.Regression {
		t.Errorf("overall peak +%.1f%% is not a regression under a 10%% limit", rep.Memory.ChangePct)
	}
	if !containsAny(rep.Reasons, "too few trials for a significance test") {
		t.Errorf("reason does not say the test was skipped; reasons %q", rep.Reasons)
	}
}

func TestCompareCPUPerOp(t *testing.T) {
	b := resulttest.SetPeakRSS(before(tight(10, 5), steadyThroughput(5)), tight(100, 5))
	a := resulttest.SetPeakRSS(after(tight(10, 5), steadyThroughput(5)), tight(100, 5))
	b.System.CPUSecPerOp = 50e-6
	a.System.CPUSecPerOp = 60e-6

	rep := Compare(b, a, defaultOptions())

	if rep.CPU == nil {
		t.Fatal("no CPU row although both results have system metrics")
	}
	if !approx(rep.CPU.ChangePct, 20) {
		t.Errorf("CPU per op change = %g%%, want +20%%", rep.CPU.ChangePct)
	}
	if got := rep.CPU.String(); !strings.Contains(got, "50.0 µs → 60.0 µs (+20.0%)") {
		t.Errorf("CPU row text = %q, want 50.0 µs → 60.0 µs (+20.0%%)", got)
	}
	if rep.Verdict != VerdictOK {
		t.Errorf("verdict = %s, want ok: CPU per op is shown, not gated", rep.Verdict)
	}
}
