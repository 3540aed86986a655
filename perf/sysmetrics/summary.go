package sysmetrics

import (
	"math"
	"slices"
	"time"

	"github.com/m17/perfgate/perf/result"
)

// Summarize computes the figures of a sampled series: peak and mean RSS,
// mean CPU percentage, and CPU seconds per operation (cpuSec / ops, 0 when
// ops is not positive). samples may join several trials' series.
//
// The mean CPU percentage is the plain mean of the per-interval values. It
// leaves out each series' first sample (offset 0), which covers no interval.
// It returns nil when there are no samples, so that a result without
// readings carries no system metrics rather than zeros.
func Summarize(samples []result.SystemSample, interval time.Duration, cpuSec float64, ops int64) *result.SystemMetrics {
	if len(samples) == 0 {
		return nil
	}

	m := &result.SystemMetrics{
		IntervalSec: interval.Seconds(),
		Samples:     slices.Clone(samples),
	}

	var rssSum, cpuSum float64
	var cpuCount int
	for _, s := range samples {
		m.PeakRSSBytes = max(m.PeakRSSBytes, s.RSSBytes)
		rssSum += float64(s.RSSBytes)
		if s.OffsetSec > 0 {
			cpuSum += s.CPUPct
			cpuCount++
		}
	}

	m.MeanRSSBytes = uint64(math.Round(rssSum / float64(len(samples))))
	if cpuCount > 0 {
		m.MeanCPUPct = cpuSum / float64(cpuCount)
	}
	if ops > 0 {
		m.CPUSecPerOp = cpuSec / float64(ops)
	}
	return m
}
