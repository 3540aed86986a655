package compare

import (
	"fmt"

	"github.com/m17/perfgate/perf/config"
	"github.com/m17/perfgate/perf/result"
)

// compareSystem compares the server's peak RSS per trial and its CPU time
// per operation, when both results carry system metrics.
func compareSystem(before, after *result.Result, th config.Thresholds) (*Metric, *CPUPerOp) {
	if before.System == nil || after.System == nil {
		return nil, nil
	}

	def := metricDef{name: "Peak RSS", key: "peak_rss_bytes", unit: "MiB", worseUp: true}
	m := compareValues(def, peakRSSPerTrial(before), peakRSSPerTrial(after), th.Alpha)
	gate(&m, th.PeakRSSIncreasePct, true)

	cpu := &CPUPerOp{
		BeforeSec: before.System.CPUSecPerOp,
		AfterSec:  after.System.CPUSecPerOp,
		ChangePct: changePct(before.System.CPUSecPerOp, after.System.CPUSecPerOp),
	}
	return &m, cpu
}

// peakRSSPerTrial returns each trial's highest RSS sample in MiB, or the
// result's overall peak when samples lack trial numbers.
func peakRSSPerTrial(r *result.Result) []float64 {
	peaks := map[int]uint64{}
	for _, s := range r.System.Samples {
		peaks[s.Trial] = max(peaks[s.Trial], s.RSSBytes)
	}
	if len(peaks) == 0 {
		return []float64{float64(r.System.PeakRSSBytes) / (1 << 20)}
	}
	values := make([]float64, 0, len(peaks))
	for trial := range len(r.Trials) + 1 {
		if p, ok := peaks[trial]; ok {
			values = append(values, float64(p)/(1<<20))
		}
	}
	return values
}

// String renders a CPU-per-op row for messages.
func (c CPUPerOp) String() string {
	return fmt.Sprintf("%.1f µs → %.1f µs (%+.1f%%)", c.BeforeSec*1e6, c.AfterSec*1e6, c.ChangePct)
}
