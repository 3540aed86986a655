package profile

import (
	"bytes"
	"math"
	"strings"
	"testing"
)

// diffProfiles returns a before profile (100 samples) and an after profile
// (300 samples) in which main.slow grew from 10% to 40% of all samples.
func diffProfiles(t *testing.T) (before, after []stackCount) {
	t.Helper()
	before = []stackCount{
		{"main.main;main.handler;main.slow", 10},
		{"main.main;main.handler;main.fast", 50},
		{"main.main;main.io", 30},
		{"main.main;main.legacy", 10},
	}
	after = []stackCount{
		{"main.main;main.handler;main.slow", 120},
		{"main.main;main.handler;main.fast", 75},
		{"main.main;main.io", 90},
		{"main.main;main.json", 15},
	}
	return before, after
}

func functionNames(diffs []FunctionDiff) []string {
	names := make([]string, len(diffs))
	for i, d := range diffs {
		names[i] = d.Function
	}
	return names
}

func closeTo(a, b float64) bool { return math.Abs(a-b) < 1e-9 }

func TestDiffTopEntries(t *testing.T) {
	beforeStacks, afterStacks := diffProfiles(t)
	report := Diff(buildProfile(t, beforeStacks), buildProfile(t, afterStacks), 0)

	if report.BeforeTotal != 100 || report.AfterTotal != 300 {
		t.Errorf("totals = %d, %d, want 100, 300", report.BeforeTotal, report.AfterTotal)
	}
	if report.SampleType != "samples/count" {
		t.Errorf("sample type = %q, want samples/count", report.SampleType)
	}
	if len(report.Warnings) != 0 {
		t.Errorf("warnings = %q, want none", report.Warnings)
	}

	cases := []struct {
		list string
		got  []FunctionDiff
		want []string
	}{
		{"FlatGrew", report.FlatGrew, []string{"main.slow", "main.json"}},
		{"FlatShrank", report.FlatShrank, []string{"main.fast", "main.legacy"}},
		// main.handler and main.json both grew by 5 points; ties go by name.
		{"CumGrew", report.CumGrew, []string{"main.slow", "main.handler", "main.json"}},
		{"CumShrank", report.CumShrank, []string{"main.fast", "main.legacy"}},
	}
	for _, c := range cases {
		if got := strings.Join(functionNames(c.got), ","); got != strings.Join(c.want, ",") {
			t.Errorf("%s = %s, want %s", c.list, got, strings.Join(c.want, ","))
		}
	}

	slow := report.FlatGrew[0]
	if !closeTo(slow.Before.FlatPct, 10) || !closeTo(slow.After.FlatPct, 40) || !closeTo(slow.FlatDeltaPct(), 30) {
		t.Errorf("main.slow flat = %.2f%% → %.2f%% (%+.2f), want 10%% → 40%% (+30)", slow.Before.FlatPct, slow.After.FlatPct, slow.FlatDeltaPct())
	}
	legacy := report.FlatShrank[1]
	if !closeTo(legacy.Before.CumPct, 10) || legacy.After.CumPct != 0 {
		t.Errorf("main.legacy cum = %.2f%% → %.2f%%, want 10%% → 0%%", legacy.Before.CumPct, legacy.After.CumPct)
	}
	if got := len(report.Functions); got != 7 {
		t.Errorf("report lists %d functions, want 7 (every function of either profile)", got)
	}
}

func TestDiffLimitsTopN(t *testing.T) {
	beforeStacks, afterStacks := diffProfiles(t)
	report := Diff(buildProfile(t, beforeStacks), buildProfile(t, afterStacks), 1)

	if got := strings.Join(functionNames(report.FlatGrew), ","); got != "main.slow" {
		t.Errorf("FlatGrew with n=1 = %s, want main.slow", got)
	}
	if got := strings.Join(functionNames(report.CumShrank), ","); got != "main.fast" {
		t.Errorf("CumShrank with n=1 = %s, want main.fast", got)
	}
}

func TestSharesFlatAndCumulative(t *testing.T) {
	p := buildProfile(t, []stackCount{
		{"main;rec;rec;leaf", 3},
		{"main;rec", 1},
	})
	shares, total := Shares(p, 0)
	if total != 4 {
		t.Errorf("total = %d, want 4", total)
	}
	want := map[string]Share{
		"main": {FlatPct: 0, CumPct: 100},
		"rec":  {FlatPct: 25, CumPct: 100}, // recursion counts once per sample
		"leaf": {FlatPct: 75, CumPct: 75},
	}
	for name, w := range want {
		got, ok := shares[name]
		if !ok {
			t.Errorf("no share for %s", name)
			continue
		}
		if !closeTo(got.FlatPct, w.FlatPct) || !closeTo(got.CumPct, w.CumPct) {
			t.Errorf("share of %s = %+v, want %+v", name, got, w)
		}
	}
}

func TestDiffEmptyProfiles(t *testing.T) {
	empty := buildProfile(t, nil)
	report := Diff(nil, empty, 5)
	if len(report.Warnings) != 2 {
		t.Errorf("warnings = %q, want one for each empty profile", report.Warnings)
	}
	if len(report.Functions) != 0 || len(report.FlatGrew) != 0 {
		t.Errorf("report of empty profiles lists functions: %+v", report)
	}

	var out bytes.Buffer
	if err := report.WriteTable(&out); err != nil {
		t.Fatalf("WriteTable: %v", err)
	}
	if !strings.Contains(out.String(), "warning: the before profile has no samples") {
		t.Errorf("table does not show the warning:\n%s", out.String())
	}
}

func TestDiffWriteTable(t *testing.T) {
	beforeStacks, afterStacks := diffProfiles(t)
	report := Diff(buildProfile(t, beforeStacks), buildProfile(t, afterStacks), 2)

	var out bytes.Buffer
	if err := report.WriteTable(&out); err != nil {
		t.Fatalf("WriteTable: %v", err)
	}
	text := out.String()
	for _, want := range []string{
		"CPU profile diff (samples/count): before 100, after 300 in total",
		"Flat share grew most",
		"function",
		"flat before",
		"cum Δ",
	} {
		if !strings.Contains(text, want) {
			t.Errorf("table does not contain %q:\n%s", want, text)
		}
	}

	// The first row after the first heading is main.slow: 10% → 40%.
	lines := strings.Split(text, "\n")
	var slowRow string
	for i, line := range lines {
		if strings.HasPrefix(line, "Flat share grew most") && i+2 < len(lines) {
			slowRow = lines[i+2]
		}
	}
	fields := strings.Fields(slowRow)
	wantFields := []string{"main.slow", "10.00%", "40.00%", "+30.00", "10.00%", "40.00%", "+30.00"}
	if strings.Join(fields, " ") != strings.Join(wantFields, " ") {
		t.Errorf("first row = %q, want fields %q", slowRow, wantFields)
	}
}
