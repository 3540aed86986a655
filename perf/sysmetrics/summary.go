package sysmetrics

import (
	"math"
	"slices"
	"time"

	"github.com/m17/perfgate/perf/result"
)

// Summarize computes the figures of a sampled series: peak and mean RSS,
// mean CPU percentage, and CPU seconds per operation (cpuSec / ops, 0 when
// ops is not positive). It returns nil when there are no samples, so that a
// result without readings carries no system metrics rather than zeros.
//
// samples may join several series, each in time order and starting with its
// offset-0 sample, as Sampler.Stop returns them. The mean CPU percentage
// weights each sample by the interval it covers, so it equals CPU seconds
// over sampled seconds even when a loaded host delays some samples. The
// offset-0 samples cover no interval and are left out of it.
func Summarize(samples []result.SystemSample, interval time.Duration, cpuSec float64, ops int64) *result.SystemMetrics {
	if len(samples) == 0 {
		return nil
	}

	m := &result.SystemMetrics{
		IntervalSec: interval.Seconds(),
		Samples:     slices.Clone(samples),
	}

	var rssSum float64
	for _, s := range samples {
		m.PeakRSSBytes = max(m.PeakRSSBytes, s.RSSBytes)
		rssSum += float64(s.RSSBytes)
	}
	m.MeanRSSBytes = uint64(math.Round(rssSum / float64(len(samples))))

	m.MeanCPUPct = meanCPUPct(samples)
	if ops > 0 {
		m.CPUSecPerOp = cpuSec / float64(ops)
	}
	return m
}

// meanCPUPct returns the time-weighted mean CPU percentage:
// Σ(CPU %ᵢ × Δtᵢ) / ΣΔtᵢ, where Δtᵢ is the offset step from the previous
// sample of the same series. A sample whose step is not positive is skipped.
func meanCPUPct(samples []result.SystemSample) float64 {
	var weighted, totalSec, prevOffset float64
	for _, s := range samples {
		step := s.OffsetSec - prevOffset
		prevOffset = s.OffsetSec
		if s.OffsetSec == 0 || step <= 0 {
			continue
		}
		weighted += s.CPUPct * step
		totalSec += step
	}

	if totalSec == 0 {
		return 0
	}
	return weighted / totalSec
}
