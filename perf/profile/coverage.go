package profile

import (
	"fmt"
	"time"

	"github.com/google/pprof/profile"
)

// MinCoverage is the share of the process's CPU time below which a profile
// is reported as thin: it sampled too little of the work for its shares to
// be trusted without care.
const MinCoverage = 0.5

// minJudgedCPU is the CPU time under which coverage is not judged: an idle
// server gives a handful of samples whatever the profiler does.
const minJudgedCPU = 200 * time.Millisecond

// SampleCount returns the number of samples in p: the sum of its
// samples/count values, or of its first value when it has no such type.
func SampleCount(p *profile.Profile) int64 {
	if p == nil {
		return 0
	}
	index := valueIndex(p, "samples", "count")
	if index < 0 {
		index = 0
	}
	return sumValues(p, index)
}

// SampledCPU returns the CPU time that p's samples stand for: the sum of
// its cpu/nanoseconds values, which both Go's profiler and perf's
// cpu-clock event record. ok is false when p counts something else.
func SampledCPU(p *profile.Profile) (sampled time.Duration, ok bool) {
	index := valueIndex(p, "cpu", "nanoseconds")
	if index < 0 {
		return 0, false
	}
	return time.Duration(sumValues(p, index)), true
}

// valueIndex returns the index of p's sample type typ/unit, or -1.
func valueIndex(p *profile.Profile, typ, unit string) int {
	if p == nil {
		return -1
	}
	for i, st := range p.SampleType {
		if st != nil && st.Type == typ && st.Unit == unit {
			return i
		}
	}
	return -1
}

// sumValues adds up the positive values at index over p's samples.
func sumValues(p *profile.Profile, index int) int64 {
	var sum int64
	for _, s := range p.Sample {
		if s != nil && index < len(s.Value) && s.Value[index] > 0 {
			sum += s.Value[index]
		}
	}
	return sum
}

// CoverageWarning returns a one-line warning when a profile sampled less
// than MinCoverage of the CPU time the process used while it was captured,
// or "" when the coverage is fine or too little CPU was used to judge it.
//
// Go's profiler counts a thread's CPU time through a timer that the kernel
// checks on its scheduler tick. On a mostly idle machine many of a
// server's sub-millisecond bursts of work start and end between two ticks,
// so the profile contains a fraction of the real CPU time (golang/go#13405). The
// fraction changes from run to run, so the warning gives both figures.
func CoverageWarning(sampled, used time.Duration) string {
	if used < minJudgedCPU || sampled >= time.Duration(MinCoverage*float64(used)) {
		return ""
	}
	return fmt.Sprintf("the CPU profile sampled %.2f s of the %.2f s of CPU time the server used while it was captured (%.0f%%); "+
		"the profiler missed short bursts of work, so read the flame graph's small shares as rough; "+
		"for a fuller profile, profile with Linux perf (set Server.GoPprof = false in magefiles/config.go)",
		sampled.Seconds(), used.Seconds(), 100*sampled.Seconds()/used.Seconds())
}
