// Package calibrate measures how trustworthy the verdict is on this
// machine: it runs pairs of phases of the same build (A/A, where any alarm
// is false) and pairs where the second build is known to be slower (A/B,
// where an alarm is a detection), and scores the noise-aware verdict and
// the plain single-run rule on the same pairs.
package calibrate

import (
	"github.com/m17/perfgate/perf/compare"
	"github.com/m17/perfgate/perf/result"
)

// Kinds of pairs.
const (
	KindAA = "A/A"
	KindAB = "A/B"
)

// Pair is one before/after comparison of the calibration.
type Pair struct {
	Kind          string
	Before, After *result.Result
	// WallSec is the wall time of both phases together.
	WallSec float64
}

// Scores are the rates of the two rules over a set of pairs.
type Scores struct {
	AAPairs, ABPairs int
	// FalseAlarms counts A/A pairs called a regression; Detections counts
	// A/B pairs called a regression.
	FalseAlarmsVerdict, FalseAlarmsPlain int
	DetectionsVerdict, DetectionsPlain   int
	// MeanABChangePct is the mean change of the A/B pairs' median trial
	// P99: the size of the slowdown that was to be detected.
	MeanABChangePct float64
	// WallRatio is the mean wall time of a phase over its measured time.
	WallRatio float64
	// Invalid counts pairs that could not be compared at all.
	Invalid int
}

// Rate returns n/d, or 0 when d is 0.
func Rate(n, d int) float64 {
	if d == 0 {
		return 0
	}
	return float64(n) / float64(d)
}

// PlainAlarm applies the plain single-run rule: the P99 of the whole phase
// (the merged histogram, as one long run would report it) rose by more
// than limitPct.
func PlainAlarm(before, after *result.Result, limitPct float64) bool {
	b, a := before.Summary.P99Ms, after.Summary.P99Ms
	return b > 0 && 100*(a-b)/b > limitPct
}

// Score compares every pair with both rules.
func Score(pairs []Pair, opts compare.Options) Scores {
	var s Scores
	var abChange, wall, measured float64
	for _, p := range pairs {
		rep := compare.Compare(p.Before, p.After, opts)
		if rep.Verdict == compare.VerdictInvalid {
			s.Invalid++
			continue
		}
		ours := rep.Verdict == compare.VerdictRegression
		plain := PlainAlarm(p.Before, p.After, opts.Thresholds.P99IncreasePct)
		switch p.Kind {
		case KindAA:
			s.AAPairs++
			s.FalseAlarmsVerdict += b2i(ours)
			s.FalseAlarmsPlain += b2i(plain)
		case KindAB:
			s.ABPairs++
			s.DetectionsVerdict += b2i(ours)
			s.DetectionsPlain += b2i(plain)
			abChange += 100 * (medianP99(p.After) - medianP99(p.Before)) / medianP99(p.Before)
		}
		wall += p.WallSec
		measured += p.Before.Provenance.DurationSec + p.After.Provenance.DurationSec
	}
	if s.ABPairs > 0 {
		s.MeanABChangePct = abChange / float64(s.ABPairs)
	}
	if measured > 0 {
		s.WallRatio = wall / measured
	}
	return s
}

func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}
