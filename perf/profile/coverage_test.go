package profile

import (
	"strings"
	"testing"
	"time"

	"github.com/google/pprof/profile"
)

func TestSampleCountAndSampledCPU(t *testing.T) {
	p := buildProfile(t, []stackCount{{"main;a", 3}, {"main;b", 4}})
	if got := SampleCount(p); got != 7 {
		t.Errorf("SampleCount = %d, want 7", got)
	}
	sampled, ok := SampledCPU(p)
	if !ok || sampled != 70*time.Millisecond {
		t.Errorf("SampledCPU = %v, %v; want 70ms, true", sampled, ok)
	}

	// A profile that counts events, not CPU time, has no sampled CPU.
	events := &profile.Profile{
		SampleType: []*profile.ValueType{{Type: "samples", Unit: "count"}, {Type: "cycles", Unit: "events"}},
		Sample:     []*profile.Sample{{Value: []int64{2, 5000}}},
	}
	if _, ok := SampledCPU(events); ok {
		t.Error("SampledCPU of an events profile reports CPU time")
	}
	if got := SampleCount(events); got != 2 {
		t.Errorf("SampleCount of the events profile = %d, want 2", got)
	}
	if got, ok := SampledCPU(nil); ok || got != 0 {
		t.Errorf("SampledCPU(nil) = %v, %v; want 0, false", got, ok)
	}
}

func TestCoverageWarning(t *testing.T) {
	tests := []struct {
		name          string
		sampled, used time.Duration
		want          string // "" for no warning
	}{
		{"most sampled", 900 * time.Millisecond, time.Second, ""},
		{"exactly half", 500 * time.Millisecond, time.Second, ""},
		{"a quarter", 250 * time.Millisecond, time.Second, "sampled 0.25 s of the 1.00 s of CPU time the server used while it was captured (25%)"},
		{"nothing sampled", 0, 2 * time.Second, "(0%)"},
		{"too little CPU to judge", 0, 100 * time.Millisecond, ""},
	}
	for _, tt := range tests {
		got := CoverageWarning(tt.sampled, tt.used)
		if tt.want == "" && got != "" {
			t.Errorf("%s: warning %q, want none", tt.name, got)
		}
		if tt.want != "" && !strings.Contains(got, tt.want) {
			t.Errorf("%s: warning %q, want it to contain %q", tt.name, got, tt.want)
		}
		if strings.Contains(got, "\n") {
			t.Errorf("%s: warning %q is not one line", tt.name, got)
		}
	}
}
