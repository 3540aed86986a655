package perflog

import (
	"math"
	"slices"

	"golang.org/x/perf/benchmath"

	"github.com/m17/perfgate/perf/result"
)

// figures are one result's numbers as the log shows them. Latency and
// throughput are medians over the trials, computed like package compare
// computes them, so a change in the table matches the figures beside it.
type figures struct {
	trials              int
	p50Ms, p95Ms, p99Ms float64
	throughputOpsPerSec float64
	errors              int64
	errorRate           float64
	peakRSSMiB          float64
	hasRSS              bool
}

func figuresOf(r *result.Result) figures {
	f := figures{
		trials:    len(r.Trials),
		errors:    r.Summary.Errors.Total(),
		errorRate: r.Summary.ErrorRate,
	}
	f.p50Ms = trialMedian(r, func(s result.Stats) float64 { return s.P50Ms })
	f.p95Ms = trialMedian(r, func(s result.Stats) float64 { return s.P95Ms })
	f.p99Ms = trialMedian(r, func(s result.Stats) float64 { return s.P99Ms })
	f.throughputOpsPerSec = trialMedian(r, func(s result.Stats) float64 { return s.ThroughputOpsPerSec })

	if r.System != nil {
		f.peakRSSMiB = median(peakRSSPerTrialMiB(r))
		f.hasRSS = true
	}
	return f
}

func trialMedian(r *result.Result, value func(result.Stats) float64) float64 {
	values := make([]float64, 0, len(r.Trials))
	for _, t := range r.Trials {
		values = append(values, value(t.Stats))
	}
	return median(values)
}

// median returns the sample median as benchmath's AssumeNothing reports it
// (the summary statistic of package compare), or NaN for no values.
func median(values []float64) float64 {
	if len(values) == 0 {
		return math.NaN()
	}
	values = slices.Clone(values) // NewSample sorts in place
	th := benchmath.DefaultThresholds
	return benchmath.AssumeNothing.Summary(benchmath.NewSample(values, &th), 0.95).Center
}

// peakRSSPerTrialMiB returns each trial's highest RSS sample in MiB, or the
// run's peak when no sample belongs to a trial. It reads the samples as package
// compare does, which gates peak RSS on the median of these values.
func peakRSSPerTrialMiB(r *result.Result) []float64 {
	peaks := map[int]uint64{}
	for _, s := range r.System.Samples {
		peaks[s.Trial] = max(peaks[s.Trial], s.RSSBytes)
	}

	values := make([]float64, 0, len(peaks))
	for trial := range len(r.Trials) + 1 {
		if peak, ok := peaks[trial]; ok {
			values = append(values, float64(peak)/(1<<20))
		}
	}
	if len(values) == 0 {
		return []float64{float64(r.System.PeakRSSBytes) / (1 << 20)}
	}
	return values
}
