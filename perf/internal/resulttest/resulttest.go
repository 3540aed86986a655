// Package resulttest builds synthetic results for tests of the packages that
// read, compare and present them.
//
// Results built here have one trial per given value, identical provenance
// for every phase of a task (so two of them are comparable unless a test
// changes a field), no errors, and Complete set.
package resulttest

import (
	"fmt"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/m17/perfgate/perf/result"
)

// Timestamps of the results New builds, one per phase, so a before and an
// after result of one task can be written to one folder.
const (
	BeforeTimestamp = "20250101_120000"
	AfterTimestamp  = "20250101_130000"
)

// Provenance of every result New builds.
const (
	ScenarioName   = "m17_baseline"
	ScenarioSHA256 = "5c2d0b0f6f1a4b8e9d7c3a2b1e0f9d8c7b6a5f4e3d2c1b0a9f8e7d6c5b4a3f2e"
	WorkloadSHA256 = "0a1b2c3d4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f60718293a4b5c6d7e8f9"
	Seed           = uint64(0x5eed)
	RateOpsPerSec  = 500.0
	// TrialSec is the measured time of one trial; the phase's duration is
	// TrialSec times the number of trials.
	TrialSec = 10.0
)

// New returns a complete result of task and phase with one trial per
// element of p99sMs: trial i has P99 latency p99sMs[i] (milliseconds) and
// throughput throughputsOpsPerSec[i]. The other percentiles are fixed
// fractions and multiples of the P99. The summary holds the medians.
//
// New panics when the two slices differ in length, because that is a
// mistake in the calling test, not a case to test.
func New(task, phase string, p99sMs, throughputsOpsPerSec []float64) *result.Result {
	if len(p99sMs) != len(throughputsOpsPerSec) {
		panic(fmt.Sprintf("resulttest.New: %d P99 values but %d throughputs", len(p99sMs), len(throughputsOpsPerSec)))
	}

	timestamp := BeforeTimestamp
	if phase == result.PhaseAfter {
		timestamp = AfterTimestamp
	}
	start, err := time.ParseInLocation(result.TimestampLayout, timestamp, time.UTC)
	if err != nil {
		panic(fmt.Sprintf("resulttest.New: parse timestamp %q: %v", timestamp, err))
	}

	r := &result.Result{
		SchemaVersion: result.SchemaVersion,
		Task:          task,
		Phase:         phase,
		Timestamp:     timestamp,
		Complete:      true,
		Provenance:    provenance(len(p99sMs), start),
		Files:         map[string]string{},
	}
	for i := range p99sMs {
		trialStart := start.Add(time.Duration(i) * 15 * time.Second)
		r.Trials = append(r.Trials, result.Trial{
			Index:     i,
			StartTime: trialStart,
			Stats:     stats(p99sMs[i], throughputsOpsPerSec[i]),
		})
	}
	r.Summary = summary(r.Trials, p99sMs, throughputsOpsPerSec)
	r.Provenance.EndTime = start.Add(time.Duration(len(p99sMs)) * 15 * time.Second)
	return r
}

func provenance(trials int, start time.Time) result.Provenance {
	return result.Provenance{
		ScenarioName:         ScenarioName,
		ScenarioPath:         "scenarios/m17_baseline.toml",
		ScenarioSHA256:       ScenarioSHA256,
		Seed:                 Seed,
		WorkloadSHA256:       WorkloadSHA256,
		RateOpsPerSec:        RateOpsPerSec,
		DurationSec:          TrialSec * float64(trials),
		WarmupSec:            2,
		TrialCount:           trials,
		Arrival:              "poisson",
		LoadGeneratorVersion: 2,
		GitCommit:            "3f2a9c1d0e8b7a6954321fedcba9876543210abc",
		Host: result.Host{
			Hostname:  "bench-1",
			CPUModel:  "Test CPU @ 3.00GHz",
			Cores:     8,
			Kernel:    "6.1.0-test",
			OS:        "linux",
			Arch:      "amd64",
			GoVersion: "go1.26.0",
		},
		ServerCommand: "bin/refserver -addr 127.0.0.1:7432",
		Endpoint:      "http://127.0.0.1:7432",
		StartTime:     start,
	}
}

// stats returns one trial's figures with no errors.
func stats(p99Ms, throughputOpsPerSec float64) result.Stats {
	successes := int64(throughputOpsPerSec * TrialSec)
	return result.Stats{
		Requests:            successes,
		Successes:           successes,
		P50Ms:               p99Ms / 4,
		P90Ms:               p99Ms / 2,
		P95Ms:               p99Ms * 0.8,
		P99Ms:               p99Ms,
		P999Ms:              p99Ms * 1.5,
		MaxMs:               p99Ms * 2,
		MeanMs:              p99Ms / 3,
		ServiceP50Ms:        p99Ms / 5,
		ServiceP99Ms:        p99Ms * 0.9,
		ThroughputOpsPerSec: throughputOpsPerSec,
		SendRateOpsPerSec:   throughputOpsPerSec,
		MeasuredSec:         TrialSec,
	}
}

// summary adds up the trials' counts and takes the medians of their P99
// and throughput.
func summary(trials []result.Trial, p99sMs, throughputsOpsPerSec []float64) result.Stats {
	var st result.Stats
	for _, tr := range trials {
		st.Requests += tr.Requests
		st.Successes += tr.Successes
	}
	p99 := median(p99sMs)
	st.P50Ms = p99 / 4
	st.P90Ms = p99 / 2
	st.P95Ms = p99 * 0.8
	st.P99Ms = p99
	st.P999Ms = p99 * 1.5
	st.ThroughputOpsPerSec = median(throughputsOpsPerSec)
	st.SendRateOpsPerSec = st.ThroughputOpsPerSec
	st.MeasuredSec = TrialSec * float64(len(trials))
	return st
}

func median(values []float64) float64 {
	if len(values) == 0 {
		return 0
	}
	sorted := slices.Clone(values)
	slices.Sort(sorted)
	n := len(sorted)
	if n%2 == 1 {
		return sorted[n/2]
	}
	return (sorted[n/2-1] + sorted[n/2]) / 2
}

// SetErrors gives r's summary n failed requests (HTTP 5xx) and the
// matching error rate, and returns r.
func SetErrors(r *result.Result, n int64) *result.Result {
	r.Summary.Errors = result.ErrorCounts{HTTP5xx: n}
	r.Summary.Successes = r.Summary.Requests - n
	r.Summary.ErrorRate = 0
	if r.Summary.Requests > 0 {
		r.Summary.ErrorRate = float64(n) / float64(r.Summary.Requests)
	}
	return r
}

// SetPeakRSS gives r system metrics whose trial i peaks at
// peaksMiB[i] MiB (two samples per trial), and returns r.
func SetPeakRSS(r *result.Result, peaksMiB []float64) *result.Result {
	sys := &result.SystemMetrics{IntervalSec: 1, CPUSecPerOp: 50e-6}
	for trial, peak := range peaksMiB {
		peakBytes := uint64(peak * (1 << 20))
		sys.PeakRSSBytes = max(sys.PeakRSSBytes, peakBytes)
		sys.Samples = append(sys.Samples,
			result.SystemSample{Trial: trial, OffsetSec: 0, RSSBytes: peakBytes / 2, CPUPct: 40},
			result.SystemSample{Trial: trial, OffsetSec: 1, RSSBytes: peakBytes, CPUPct: 60},
		)
	}
	r.System = sys
	return r
}

// Write stores r in dir under its standard name (task, phase and
// timestamp from r) and returns the path.
func Write(tb testing.TB, dir string, r *result.Result) string {
	tb.Helper()

	path := filepath.Join(dir, result.Stem(r.Task, r.Phase, r.Timestamp)+".json")
	if err := result.WriteJSON(path, r); err != nil {
		tb.Fatalf("write result %s: %v", path, err)
	}
	return path
}
