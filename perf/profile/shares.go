package profile

import (
	"github.com/google/pprof/profile"
)

// Share is a function's part of a profile's total, in percent.
type Share struct {
	// FlatPct counts the samples in which the function is the leaf frame,
	// the time spent in its own code.
	FlatPct float64
	// CumPct counts the samples in which the function is anywhere on the
	// stack, the time spent in it and in what it called. A recursive
	// function counts once per sample.
	CumPct float64
}

// Shares returns the flat and cumulative share of every function in p,
// keyed by the frame name that Folded writes, and the total of value
// sampleIndex over all samples. Samples with a zero or negative value are
// skipped. An empty profile, a nil one or a sampleIndex outside p's sample
// types returns an empty map and a total of 0.
func Shares(p *profile.Profile, sampleIndex int) (map[string]Share, int64) {
	shares := map[string]Share{}
	if p == nil || sampleIndex < 0 || sampleIndex >= len(p.SampleType) {
		return shares, 0
	}

	flat := map[string]int64{}
	cum := map[string]int64{}
	var total int64
	var frames []string
	seen := map[string]bool{}
	for _, s := range p.Sample {
		if s == nil || sampleIndex >= len(s.Value) || s.Value[sampleIndex] <= 0 {
			continue
		}
		frames = stackFrames(frames[:0], s)
		if len(frames) == 0 {
			continue
		}
		value := s.Value[sampleIndex]
		total += value

		flat[frames[len(frames)-1]] += value
		clear(seen)
		for _, name := range frames {
			if !seen[name] {
				seen[name] = true
				cum[name] += value
			}
		}
	}

	for name, value := range cum {
		shares[name] = Share{
			FlatPct: percent(flat[name], total),
			CumPct:  percent(value, total),
		}
	}
	return shares, total
}

// percent returns part as a percentage of total, or 0 when total is 0.
func percent(part, total int64) float64 {
	if total == 0 {
		return 0
	}
	return 100 * float64(part) / float64(total)
}
