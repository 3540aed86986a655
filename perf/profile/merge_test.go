package profile

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/pprof/profile"
)

func TestMergeAddsStacks(t *testing.T) {
	a := buildProfile(t, []stackCount{{"main;work", 3}, {"main;io", 1}})
	b := buildProfile(t, []stackCount{{"main;work", 2}})

	merged, err := Merge([]*profile.Profile{a, b})
	if err != nil {
		t.Fatalf("Merge: %v", err)
	}
	if got, want := string(Folded(merged, 0)), "main;io 1\nmain;work 5\n"; got != want {
		t.Errorf("merged folded = %q, want %q", got, want)
	}
}

func TestMergeRejectsOddInput(t *testing.T) {
	a := buildProfile(t, []stackCount{{"main", 1}})
	heap := &profile.Profile{SampleType: []*profile.ValueType{{Type: "inuse_space", Unit: "bytes"}}}
	noPeriod := buildProfile(t, []stackCount{{"main", 2}})
	noPeriod.PeriodType = nil
	cases := []struct {
		name     string
		ps       []*profile.Profile
		wantText string
	}{
		{"none", nil, "no profiles given"},
		{"nil entry", []*profile.Profile{a, nil}, "profile 2 of 2 is nil"},
		{"different kinds", []*profile.Profile{a, heap}, "of one kind"},
		{"no period type", []*profile.Profile{a, noPeriod}, "incompatible period types"},
	}
	for _, c := range cases {
		_, err := Merge(c.ps)
		if err == nil || !strings.Contains(err.Error(), c.wantText) {
			t.Errorf("%s: error = %v, want one containing %q", c.name, err, c.wantText)
		}
	}
}

func TestMergeWithoutPeriodTypes(t *testing.T) {
	a := buildProfile(t, []stackCount{{"main", 1}})
	b := buildProfile(t, []stackCount{{"main", 2}})
	a.PeriodType = nil
	b.PeriodType = nil

	merged, err := Merge([]*profile.Profile{a, b})
	if err != nil {
		t.Fatalf("Merge: %v", err)
	}
	if got := string(Folded(merged, 0)); got != "main 3\n" {
		t.Errorf("merged folded = %q, want %q", got, "main 3\n")
	}
	if a.PeriodType != nil {
		t.Error("Merge changed the caller's profile")
	}
}

func TestWriteRoundTrip(t *testing.T) {
	p := buildProfile(t, []stackCount{{"main;work", 3}})
	path := filepath.Join(t.TempDir(), "cpu.pb.gz")

	if err := Write(path, p); err != nil {
		t.Fatalf("Write: %v", err)
	}
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	got, err := profile.Parse(f)
	if err != nil {
		t.Fatalf("parse written profile: %v", err)
	}
	if folded := string(Folded(got, 0)); folded != "main;work 3\n" {
		t.Errorf("written profile folds to %q, want %q", folded, "main;work 3\n")
	}

	if err := Write(path, nil); err == nil {
		t.Error("Write of a nil profile succeeded")
	}
	if err := Write(filepath.Join(t.TempDir(), "missing", "cpu.pb.gz"), p); err == nil {
		t.Error("Write into a missing folder succeeded")
	}
}
