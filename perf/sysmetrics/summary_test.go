package sysmetrics

import (
	"math"
	"testing"
	"time"

	"github.com/m17/perfgate/perf/result"
)

// syntheticSeries is two trials of three samples each. Each trial's first
// sample has offset 0 and carries a CPU value that Summarize must ignore.
func syntheticSeries() []result.SystemSample {
	return []result.SystemSample{
		{Trial: 1, OffsetSec: 0, RSSBytes: 100 * mib, CPUPct: 999},
		{Trial: 1, OffsetSec: 1, RSSBytes: 200 * mib, CPUPct: 50},
		{Trial: 1, OffsetSec: 2, RSSBytes: 300 * mib, CPUPct: 70},
		{Trial: 2, OffsetSec: 0, RSSBytes: 120 * mib, CPUPct: 999},
		{Trial: 2, OffsetSec: 1, RSSBytes: 180 * mib, CPUPct: 90},
		{Trial: 2, OffsetSec: 2, RSSBytes: 260 * mib, CPUPct: 110},
	}
}

func TestSummarizeSyntheticSeries(t *testing.T) {
	samples := syntheticSeries()
	m := Summarize(samples, 500*time.Millisecond, 3.0, 1500)

	if m == nil {
		t.Fatal("Summarize returned nil, want metrics")
	}
	if m.IntervalSec != 0.5 {
		t.Errorf("IntervalSec = %g, want 0.5", m.IntervalSec)
	}
	if m.PeakRSSBytes != 300*mib {
		t.Errorf("PeakRSSBytes = %d, want %d", m.PeakRSSBytes, 300*mib)
	}
	// (100+200+300+120+180+260) / 6 = 1160/6 MiB, rounded to the byte.
	if want := uint64(202724693); m.MeanRSSBytes != want {
		t.Errorf("MeanRSSBytes = %d, want %d", m.MeanRSSBytes, want)
	}
	// (50+70+90+110) / 4: equal steps, and no offset-0 samples.
	if m.MeanCPUPct != 80 {
		t.Errorf("MeanCPUPct = %g, want 80", m.MeanCPUPct)
	}
	if m.CPUSecPerOp != 0.002 {
		t.Errorf("CPUSecPerOp = %g, want 0.002", m.CPUSecPerOp)
	}
	if len(m.Samples) != len(samples) {
		t.Errorf("len(Samples) = %d, want %d", len(m.Samples), len(samples))
	}

	samples[1].RSSBytes = 1
	if m.Samples[1].RSSBytes != 200*mib {
		t.Error("Samples shares the caller's slice, want a copy")
	}
}

func TestSummarizeWeightsCPUByInterval(t *testing.T) {
	// The second trial's middle sample came 3 s late, as on a loaded host.
	samples := []result.SystemSample{
		{Trial: 1, OffsetSec: 0, CPUPct: 999},
		{Trial: 1, OffsetSec: 1, CPUPct: 100},
		{Trial: 1, OffsetSec: 2, CPUPct: 100},
		{Trial: 2, OffsetSec: 0, CPUPct: 999},
		{Trial: 2, OffsetSec: 4, CPUPct: 25},
		{Trial: 2, OffsetSec: 5, CPUPct: 100},
	}
	m := Summarize(samples, time.Second, 0, 0)

	// (100×1 + 100×1 + 25×4 + 100×1) / 7 s = 400/7.
	if want := 400.0 / 7; math.Abs(m.MeanCPUPct-want) > 1e-9 {
		t.Errorf("MeanCPUPct = %g, want %g", m.MeanCPUPct, want)
	}
}

func TestSummarizeEdgeCases(t *testing.T) {
	if m := Summarize(nil, time.Second, 1, 10); m != nil {
		t.Errorf("Summarize(no samples) = %+v, want nil", m)
	}

	m := Summarize(syntheticSeries(), time.Second, 3.0, 0)
	if m.CPUSecPerOp != 0 {
		t.Errorf("CPUSecPerOp with 0 ops = %g, want 0", m.CPUSecPerOp)
	}

	only := []result.SystemSample{{OffsetSec: 0, RSSBytes: 10 * mib, CPUPct: 40}}
	m = Summarize(only, time.Second, 0, 5)
	if m.MeanCPUPct != 0 {
		t.Errorf("MeanCPUPct of a lone first sample = %g, want 0", m.MeanCPUPct)
	}
	if m.PeakRSSBytes != 10*mib || m.MeanRSSBytes != 10*mib {
		t.Errorf("peak %d, mean %d; want both %d", m.PeakRSSBytes, m.MeanRSSBytes, 10*mib)
	}
}
