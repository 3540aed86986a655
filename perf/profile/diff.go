package profile

import (
	"cmp"
	"fmt"
	"slices"

	"github.com/google/pprof/profile"
)

// deltaEpsilonPct is the smallest change of a share, in percentage points,
// that counts as growth or shrinkage. It only absorbs rounding error.
const deltaEpsilonPct = 1e-9

// FunctionDiff is one function's shares before and after a change.
type FunctionDiff struct {
	Function string
	Before   Share
	After    Share
}

// FlatDeltaPct returns the change of the flat share in percentage points.
func (f FunctionDiff) FlatDeltaPct() float64 { return f.After.FlatPct - f.Before.FlatPct }

// CumDeltaPct returns the change of the cumulative share in percentage
// points.
func (f FunctionDiff) CumDeltaPct() float64 { return f.After.CumPct - f.Before.CumPct }

// DiffReport compares where two CPU profiles spend their samples. Shares,
// not absolute counts, are compared, because the two phases rarely run for
// the same time or at the same rate.
type DiffReport struct {
	// SampleType is the compared value, such as "samples/count".
	SampleType  string
	BeforeTotal int64
	AfterTotal  int64

	// Functions lists every function of either profile, by name.
	Functions []FunctionDiff

	// FlatGrew and FlatShrank are the functions whose flat share grew or
	// shrank the most, largest change first; CumGrew and CumShrank are the
	// same for the cumulative share. A function with no change is in none.
	FlatGrew   []FunctionDiff
	FlatShrank []FunctionDiff
	CumGrew    []FunctionDiff
	CumShrank  []FunctionDiff

	// Warnings lists what makes the comparison weak, such as a profile
	// without samples, for the caller to show.
	Warnings []string
}

// Diff compares the function shares of before and after (see Shares). For
// each of the flat and the cumulative share, it keeps the n functions that
// grew the most and the n that shrank the most, or all of them when n ≤ 0.
// Each profile is read at its DefaultSampleIndex. Nil or empty profiles
// give zero shares and a warning.
func Diff(before, after *profile.Profile, n int) DiffReport {
	beforeIndex := DefaultSampleIndex(before)
	afterIndex := DefaultSampleIndex(after)
	beforeShares, beforeTotal := Shares(before, beforeIndex)
	afterShares, afterTotal := Shares(after, afterIndex)

	report := DiffReport{
		SampleType:  sampleTypeName(after, afterIndex),
		BeforeTotal: beforeTotal,
		AfterTotal:  afterTotal,
		Functions:   joinShares(beforeShares, afterShares),
	}
	if report.SampleType == "" {
		report.SampleType = sampleTypeName(before, beforeIndex)
	}
	report.Warnings = diffWarnings(before, after, beforeIndex, afterIndex, beforeTotal, afterTotal)

	report.FlatGrew = topChanges(report.Functions, n, FunctionDiff.FlatDeltaPct, 1)
	report.FlatShrank = topChanges(report.Functions, n, FunctionDiff.FlatDeltaPct, -1)
	report.CumGrew = topChanges(report.Functions, n, FunctionDiff.CumDeltaPct, 1)
	report.CumShrank = topChanges(report.Functions, n, FunctionDiff.CumDeltaPct, -1)
	return report
}

// joinShares pairs the shares of each function, sorted by name.
func joinShares(before, after map[string]Share) []FunctionDiff {
	diffs := make([]FunctionDiff, 0, len(after))
	for name, share := range after {
		diffs = append(diffs, FunctionDiff{Function: name, Before: before[name], After: share})
	}
	for name, share := range before {
		if _, ok := after[name]; !ok {
			diffs = append(diffs, FunctionDiff{Function: name, Before: share})
		}
	}
	slices.SortFunc(diffs, func(a, b FunctionDiff) int { return cmp.Compare(a.Function, b.Function) })
	return diffs
}

// topChanges returns up to n functions whose delta has the given sign
// (1 for growth, -1 for shrinkage), largest change first and by name on
// ties. n ≤ 0 returns all of them.
func topChanges(diffs []FunctionDiff, n int, delta func(FunctionDiff) float64, sign float64) []FunctionDiff {
	var picked []FunctionDiff
	for _, d := range diffs {
		if sign*delta(d) > deltaEpsilonPct {
			picked = append(picked, d)
		}
	}
	slices.SortStableFunc(picked, func(a, b FunctionDiff) int {
		return cmp.Compare(sign*delta(b), sign*delta(a))
	})
	if n > 0 && len(picked) > n {
		picked = picked[:n]
	}
	return picked
}

func diffWarnings(before, after *profile.Profile, beforeIndex, afterIndex int, beforeTotal, afterTotal int64) []string {
	var warnings []string
	if beforeTotal == 0 {
		warnings = append(warnings, "the before profile has no samples, so every before share is 0%; profile the before phase under load")
	}
	if afterTotal == 0 {
		warnings = append(warnings, "the after profile has no samples, so every after share is 0%; profile the after phase under load")
	}
	beforeType := sampleTypeName(before, beforeIndex)
	afterType := sampleTypeName(after, afterIndex)
	if beforeType != "" && afterType != "" && beforeType != afterType {
		warnings = append(warnings, fmt.Sprintf("the profiles count different values (before %s, after %s); capture both phases with the same profiler", beforeType, afterType))
	}
	return warnings
}

// sampleTypeName returns "type/unit" of p's sample type i, or "".
func sampleTypeName(p *profile.Profile, i int) string {
	if p == nil || i < 0 || i >= len(p.SampleType) || p.SampleType[i] == nil {
		return ""
	}
	return p.SampleType[i].Type + "/" + p.SampleType[i].Unit
}
