package perflog

import (
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/m17/perfgate/perf/compare"
	"github.com/m17/perfgate/perf/config"
	"github.com/m17/perfgate/perf/result"
)

// run is the synthetic measurement of one phase: its P99 and throughput
// centres, around which the trials spread by ±2% and ±0.4%.
type run struct {
	task, phase string
	timestamp   string // YYYYMMDD_HHMMSS
	p99Ms       float64
	throughput  float64
	errors      int64
	trials      int
	rssMiB      float64 // 0 leaves out the system metrics
	seed        uint64
}

const testRequests = 10000

// makeResult builds a complete result whose trials differ clearly, so that
// five trials a side give the significance test a p-value below 0.01 when
// two runs differ by more than the spread.
func makeResult(t *testing.T, r run) *result.Result {
	t.Helper()
	if r.trials == 0 {
		r.trials = 5
	}
	if r.seed == 0 {
		r.seed = 0x2a
	}
	start, err := time.ParseInLocation(result.TimestampLayout, r.timestamp, time.UTC)
	if err != nil {
		t.Fatalf("test timestamp %s: %v", r.timestamp, err)
	}

	stats := func(p99Ms, throughput float64) result.Stats {
		return result.Stats{
			Requests:            testRequests,
			Successes:           testRequests - r.errors,
			P50Ms:               p99Ms * 0.4,
			P95Ms:               p99Ms * 0.7,
			P99Ms:               p99Ms,
			ThroughputOpsPerSec: throughput,
			Errors:              result.ErrorCounts{Timeout: r.errors},
			ErrorRate:           float64(r.errors) / testRequests,
		}
	}

	res := &result.Result{
		SchemaVersion: result.SchemaVersion,
		Task:          r.task,
		Phase:         r.phase,
		Timestamp:     r.timestamp,
		Complete:      true,
		Provenance: result.Provenance{
			ScenarioName:   "m17_baseline",
			ScenarioPath:   "scenarios/m17_baseline.toml",
			ScenarioSHA256: "5c3a0e",
			Seed:           r.seed,
			WorkloadSHA256: "9f1b77",
			RateOpsPerSec:  500,
			DurationSec:    30,
			TrialCount:     r.trials,
			Arrival:        "poisson",
			GitCommit:      "0123456789abcdef",
			Host:           result.Host{Hostname: "bench", CPUModel: "test CPU", Cores: 8, Kernel: "6.1", OS: "linux", Arch: "amd64", GoVersion: "go1.26.8"},
			StartTime:      start,
			EndTime:        start.Add(3 * time.Minute),
		},
		Summary: stats(r.p99Ms, r.throughput),
	}

	for i := range r.trials {
		offset := float64(i - r.trials/2)
		trial := result.Trial{Index: i, StartTime: start.Add(time.Duration(i) * 30 * time.Second)}
		trial.Stats = stats(r.p99Ms*(1+0.01*offset), r.throughput*(1+0.002*offset))
		res.Trials = append(res.Trials, trial)
	}

	if r.rssMiB > 0 {
		sys := &result.SystemMetrics{IntervalSec: 1, PeakRSSBytes: uint64(r.rssMiB * (1 << 20))}
		for i := range r.trials {
			rss := uint64(r.rssMiB * (1 - 0.001*float64(i)) * (1 << 20))
			sys.Samples = append(sys.Samples, result.SystemSample{Trial: i, RSSBytes: rss})
		}
		res.System = sys
	}
	return res
}

// writeRun writes the result of r into dir under its result file name and
// returns the path.
func writeRun(t *testing.T, dir string, r run) string {
	t.Helper()
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	res := makeResult(t, r)
	path := filepath.Join(dir, result.Stem(res.Task, res.Phase, res.Timestamp)+".json")
	if err := result.WriteJSON(path, res); err != nil {
		t.Fatal(err)
	}
	return path
}

// Runs used across the tests. Timestamps order them as a real milestone
// would: baseline, then each task's before and after.
var (
	baselineRun    = run{task: "baseline", phase: "before", timestamp: "20261201_090000", p99Ms: 12, throughput: 500, rssMiB: 40}
	passBefore     = run{task: "001", phase: "before", timestamp: "20261202_090000", p99Ms: 12, throughput: 500, rssMiB: 40}
	passAfter      = run{task: "001", phase: "after", timestamp: "20261202_150000", p99Ms: 10, throughput: 500, rssMiB: 41}
	regressBefore  = run{task: "002", phase: "before", timestamp: "20261203_090000", p99Ms: 10, throughput: 500, rssMiB: 41}
	regressAfter   = run{task: "002", phase: "after", timestamp: "20261203_150000", p99Ms: 12, throughput: 470, rssMiB: 41}
	waitingBefore  = run{task: "003", phase: "before", timestamp: "20261204_090000", p99Ms: 12, throughput: 470, rssMiB: 41}
	otherSeedAfter = run{task: "004", phase: "after", timestamp: "20261205_150000", p99Ms: 12, throughput: 470, seed: 0x2b}
	otherSeedStart = run{task: "004", phase: "before", timestamp: "20261205_090000", p99Ms: 12, throughput: 470}
)

func writeFile(t *testing.T, path string, data []byte) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, data, 0o644); err != nil {
		t.Fatal(err)
	}
}

func testCompareOptions() compare.Options {
	return compare.Options{Thresholds: config.Default().Thresholds}
}
