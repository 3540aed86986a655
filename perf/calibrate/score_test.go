package calibrate

import (
	"testing"

	"github.com/m17/perfgate/perf/compare"
	"github.com/m17/perfgate/perf/config"
	"github.com/m17/perfgate/perf/result"
)

// phaseResult builds a complete result whose trials have the given P99s
// and whose merged P99 is their mean.
func phaseResult(phase string, p99s ...float64) *result.Result {
	r := &result.Result{SchemaVersion: result.SchemaVersion, Task: "cal", Phase: phase, Complete: true}
	r.Provenance = result.Provenance{ScenarioName: "s", ScenarioSHA256: "h", WorkloadSHA256: "w", RateOpsPerSec: 1000, DurationSec: 10, TrialCount: len(p99s)}
	sum := 0.0
	for i, p := range p99s {
		r.Trials = append(r.Trials, result.Trial{Index: i, Stats: result.Stats{P99Ms: p, ThroughputOpsPerSec: 1000, Requests: 1000, Successes: 1000}})
		sum += p
	}
	r.Summary = result.Stats{P99Ms: sum / float64(len(p99s)), Requests: 5000, Successes: 5000}
	return r
}

func TestScoreCountsBothRules(t *testing.T) {
	opts := compare.Options{Thresholds: config.Default().Thresholds}
	pairs := []Pair{
		// Noise: one slow trial lifts the merged P99 by 10%, the medians agree.
		{Kind: KindAA, Before: phaseResult("before", 2.0, 2.0, 2.0, 2.0, 2.0), After: phaseResult("after", 2.0, 2.01, 1.99, 2.0, 3.0), WallSec: 30},
		{Kind: KindAA, Before: phaseResult("before", 2.0, 2.1, 1.9, 2.0, 2.0), After: phaseResult("after", 2.0, 2.1, 1.9, 2.0, 2.0), WallSec: 30},
		// A clear, consistent 15% slowdown.
		{Kind: KindAB, Before: phaseResult("before", 2.0, 2.01, 2.02, 2.03, 2.04), After: phaseResult("after", 2.3, 2.31, 2.32, 2.33, 2.34), WallSec: 30},
	}
	s := Score(pairs, opts)

	if s.AAPairs != 2 || s.ABPairs != 1 {
		t.Fatalf("pairs = %d A/A, %d A/B; want 2 and 1", s.AAPairs, s.ABPairs)
	}
	if s.FalseAlarmsPlain != 1 {
		t.Errorf("plain false alarms = %d, want 1 (the noisy pair)", s.FalseAlarmsPlain)
	}
	if s.FalseAlarmsVerdict != 0 {
		t.Errorf("verdict false alarms = %d, want 0", s.FalseAlarmsVerdict)
	}
	if s.DetectionsVerdict != 1 || s.DetectionsPlain != 1 {
		t.Errorf("detections = %d (verdict), %d (plain); want 1 and 1", s.DetectionsVerdict, s.DetectionsPlain)
	}
	if s.WallRatio != 1.5 {
		t.Errorf("wall ratio = %.2f, want 1.5 (30 s of wall for 20 s measured)", s.WallRatio)
	}
}

func TestPlainAlarmThreshold(t *testing.T) {
	before := phaseResult("before", 2.0)
	for _, tc := range []struct {
		after float64
		want  bool
	}{{2.09, false}, {2.11, true}, {1.5, false}} {
		if got := PlainAlarm(before, phaseResult("after", tc.after), 5); got != tc.want {
			t.Errorf("P99 2.0 → %.2f: alarm = %v, want %v", tc.after, got, tc.want)
		}
	}
}
