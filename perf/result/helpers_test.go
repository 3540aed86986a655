package result

import (
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"
)

// Timestamp of the results built by validResult.
const testTimestamp = "20250314_093000"

// validResult returns a complete result of task 001, phase before, with
// every section filled, so a round trip through JSON covers every field.
func validResult() *Result {
	start := time.Date(2025, 3, 14, 9, 30, 0, 0, time.UTC)
	trialStats := Stats{
		Requests: 5000, Successes: 4990,
		P50Ms: 1.2, P90Ms: 2.5, P95Ms: 3.1, P99Ms: 4.8, P999Ms: 9.7, MaxMs: 20.5, MeanMs: 1.4,
		ServiceP50Ms: 1.0, ServiceP99Ms: 4.0,
		ThroughputOpsPerSec: 499, SendRateOpsPerSec: 500, MeasuredSec: 10,
		LateSends: 3,
		Errors:    ErrorCounts{Timeout: 4, HTTP5xx: 6},
		ErrorRate: 0.002,
	}
	return &Result{
		SchemaVersion: SchemaVersion,
		Task:          "001",
		Phase:         PhaseBefore,
		Timestamp:     testTimestamp,
		Complete:      true,
		Provenance: Provenance{
			ScenarioName: "m17_baseline", ScenarioPath: "scenarios/m17_baseline.toml",
			ScenarioSHA256: "abc123", Seed: 7, WorkloadSHA256: "def456",
			RateOpsPerSec: 500, DurationSec: 10, WarmupSec: 2, TrialCount: 1, Arrival: "poisson",
			GitCommit: "0123456789abcdef", GitDirty: true,
			Host: Host{
				Hostname: "bench-1", CPUModel: "Test CPU", Cores: 8, Kernel: "6.1.0",
				OS: "linux", Arch: "amd64", GoVersion: "go1.26.0",
			},
			ServerCommand: "bin/refserver -addr 127.0.0.1:7432",
			Endpoint:      "http://127.0.0.1:7432",
			StartTime:     start,
			EndTime:       start.Add(12 * time.Second),
			Overrides:     map[string]string{"PERF_DURATION": "10s"},
		},
		Summary: trialStats,
		Trials: []Trial{{
			Index: 0, StartTime: start.Add(2 * time.Second), Stats: trialStats, HistogramHDR: "",
			Series: []Second{{Second: 0, Requests: 500, ThroughputOpsPerSec: 499, P99Ms: 4.8, Errors: 1}},
		}},
		Operations: []OpStats{{Name: "get_item", Stats: trialStats}},
		System: &SystemMetrics{
			IntervalSec: 1, PeakRSSBytes: 64 << 20, MeanRSSBytes: 60 << 20, MeanCPUPct: 55, CPUSecPerOp: 40e-6,
			Samples: []SystemSample{{Trial: 0, OffsetSec: 1, RSSBytes: 64 << 20, CPUPct: 55, Threads: 9, OpenFDs: 12, NumGC: 3}},
		},
		Diagnostics: &Diagnostics{ServerCommand: "bin/refserver", LastLogLines: []string{"listening"}, HealthPayload: "ok"},
		Profile:     &ProfileRef{Kind: "go-pprof", PProf: "001_before_20250314_093000_cpu.pprof"},
		Files:       map[string]string{"loadtest_log": "001_before_20250314_093000_loadtest.log"},
	}
}

// touch creates an empty file named name in dir and returns its path.
func touch(t *testing.T, dir, name string) string {
	t.Helper()

	path := filepath.Join(dir, name)
	if err := os.WriteFile(path, nil, 0o644); err != nil {
		t.Fatalf("create %s: %v", path, err)
	}
	return path
}

// dirNames returns the sorted names of the entries of dir.
func dirNames(t *testing.T, dir string) []string {
	t.Helper()

	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatalf("read folder %s: %v", dir, err)
	}
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	slices.Sort(names)
	return names
}
