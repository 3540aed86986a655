// Package config holds the typed configuration of the workflow: which
// server to build and start, where results and the log go, and the
// thresholds of the verdict. Defaults target the reference server in
// cmd/refserver; a project points the workflow at its own server by
// changing the Config its magefile builds, and one-off runs adjust it with
// PERF_* environment variables (see FromEnv).
package config

import (
	"strconv"
	"time"
)

// Config is everything a phase, compare or log run needs to know.
type Config struct {
	Server Server

	// Endpoint, when set, is an already running server (PERF_ENDPOINT):
	// build, start and stop are skipped, and trials are not isolated by
	// restarts.
	Endpoint string

	// Scenario is the path of the scenario TOML file.
	Scenario string
	// ResultsDir receives the result files.
	ResultsDir string
	// LogPath is the performance log updated by perf:log.
	LogPath string

	// Overrides of the scenario for one-off runs; zero keeps the
	// scenario's value.
	Duration time.Duration
	Rate     float64
	Trials   int
	// Warmup overrides the per-trial warmup when WarmupSet is true
	// (PERF_WARMUP; "0s" disables warmup).
	Warmup    time.Duration
	WarmupSet bool

	Thresholds Thresholds

	// Strict makes host differences between before and after an invalid
	// comparison instead of a warning (PERF_STRICT=1).
	Strict bool
	// AllowIncomplete lets compare use results of runs that stopped early
	// (PERF_ALLOW_INCOMPLETE=1).
	AllowIncomplete bool
	// Format is "text" or "json" for compare's output (PERF_FORMAT).
	Format string
	// Profile captures a CPU profile during perf:before and perf:after
	// (PERF_PROFILE=1).
	Profile bool
	// PinCPUs runs the server on the first half of the CPUs and the load
	// generator on the rest (PERF_PIN_CPUS=1, Linux only).
	PinCPUs bool
	// Phase selects the phase flamegraph measures (PERF_PHASE).
	Phase string
	// Pairs is the number of A/A and of A/B pairs perf:calibrate runs
	// (PERF_PAIRS).
	Pairs int
	// CalibrationCost fixes the per-request cost of perf:calibrate's B
	// build instead of sizing it with probe phases
	// (PERF_CALIBRATION_COST, such as 120us).
	CalibrationCost time.Duration
	// CalibrationInterleave measures each calibration pair's two phases
	// trial by trial in turn, as perf:verify does, instead of one after
	// the other (PERF_CALIBRATION_INTERLEAVE=1).
	CalibrationInterleave bool
	// TaskName titles the task's section in the log (PERF_TASK_NAME).
	TaskName string

	// Env records the PERF_* overrides in force, for the result's
	// provenance.
	Env map[string]string
}

// Server describes how to build, start and check the system under test.
type Server struct {
	Name string
	// Dir is the working directory of the build and start commands
	// ("" = the repository root, where mage runs).
	Dir      string
	BuildCmd []string
	Binary   string
	Args     []string
	Env      []string
	Port     int
	// HealthPath is the path that returns 2xx once the server is ready.
	HealthPath    string
	HealthTimeout time.Duration
	StopTimeout   time.Duration
	// GoPprof is true when the server serves net/http/pprof, so profiles and
	// runtime metrics can be read over HTTP.
	GoPprof bool
}

// Thresholds decide the verdict. Percentages are relative changes of the
// median across trials; a change counts only when it is also significant.
type Thresholds struct {
	P99IncreasePct        float64
	ThroughputDecreasePct float64
	// ErrorRateIncrease is the largest allowed rise of the error rate
	// (a fraction; 0 means no new errors).
	ErrorRateIncrease  float64
	PeakRSSIncreasePct float64
	// Alpha is the significance level of the Mann-Whitney U test.
	Alpha float64
	// MaxErrorRate makes a comparison meaningless when either side fails
	// more often than this.
	MaxErrorRate float64
}

// DefaultPort is the reference server's TCP port.
const DefaultPort = 7432

// Default returns the configuration for the reference server and the
// milestone's default scenario.
func Default() Config {
	return Config{
		Server: Server{
			Name:          "refserver",
			BuildCmd:      []string{"go", "build", "-o", "bin/refserver", "./cmd/refserver"},
			Binary:        "bin/refserver",
			Args:          []string{"-addr", "127.0.0.1:" + strconv.Itoa(DefaultPort)},
			Port:          DefaultPort,
			HealthPath:    "/health",
			HealthTimeout: 10 * time.Second,
			StopTimeout:   5 * time.Second,
			GoPprof:       true,
		},
		Scenario:   "scenarios/m17_baseline.toml",
		ResultsDir: "tmp/m17_performance",
		LogPath:    "roadmap/milestone-17/PERFORMANCE_LOG.md",
		Thresholds: Thresholds{
			P99IncreasePct:        5,
			ThroughputDecreasePct: 5,
			ErrorRateIncrease:     0,
			PeakRSSIncreasePct:    10,
			Alpha:                 0.05,
			MaxErrorRate:          0.10,
		},
		Format: "text",
		Pairs:  10,
		Phase:  "after",
	}
}

// BaseURL returns the server's address: the endpoint when one is set,
// otherwise loopback at the configured port.
func (c Config) BaseURL() string {
	if c.Endpoint != "" {
		return c.Endpoint
	}
	return "http://127.0.0.1:" + strconv.Itoa(c.Server.Port)
}
