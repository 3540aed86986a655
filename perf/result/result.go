// Package result defines the result file of one measured phase and reads
// and writes it.
//
// A result is what a later compare, log or plot trusts, so it carries its
// provenance (what was measured, on which host, from which commit), the
// encoded HDR histograms (so any percentile can be recomputed) and a
// Complete flag that is false whenever the run ended early. The JSON keys
// carry their units; docs/results.md documents the schema.
package result

import "time"

// SchemaVersion is the version of the JSON layout written by this package.
// Read rejects other versions, because a silently misread field would make a
// verdict wrong.
const SchemaVersion = 1

// Phases of a task. A task is measured before and after its change.
const (
	PhaseBefore = "before"
	PhaseAfter  = "after"
)

// Result is the content of one <task>_<phase>_<timestamp>.json file.
type Result struct {
	SchemaVersion int    `json:"schema_version"`
	Task          string `json:"task"`
	Phase         string `json:"phase"`
	// Timestamp is the one in the file name (YYYYMMDD_HHMMSS, local time),
	// kept in the content so a renamed file can be detected.
	Timestamp string `json:"timestamp"`

	// Complete is false when the run stopped early (server crash, Ctrl-C,
	// load error). IncompleteReason then gives the reason.
	Complete         bool   `json:"complete"`
	IncompleteReason string `json:"incomplete_reason,omitempty"`

	Provenance Provenance `json:"provenance"`

	// Summary covers all measured trials together: percentiles come from
	// the merged histogram, not from averaging per-trial percentiles.
	Summary Stats `json:"summary"`
	// Trials holds each independent trial's figures, the samples of the
	// significance test.
	Trials     []Trial   `json:"trials"`
	Operations []OpStats `json:"operations"`

	// HistogramHDR is the merged latency histogram of all trials and
	// operations, in HdrHistogram's compressed base64 encoding (values in
	// microseconds, measured from the intended send time).
	HistogramHDR string `json:"histogram_hdr"`

	System      *SystemMetrics `json:"system,omitempty"`
	Diagnostics *Diagnostics   `json:"diagnostics,omitempty"`
	Profile     *ProfileRef    `json:"profile,omitempty"`

	// Files lists the files written next to the JSON, by kind
	// ("loadtest_log", "sys", "diag", "cpu_pprof", ...), as base names.
	Files map[string]string `json:"files,omitempty"`
}

// Provenance records what was measured and where, so that compare can refuse
// or warn about results that are not comparable.
type Provenance struct {
	ScenarioName   string  `json:"scenario_name"`
	ScenarioPath   string  `json:"scenario_path"`
	ScenarioSHA256 string  `json:"scenario_sha256"`
	Seed           uint64  `json:"seed"`
	WorkloadSHA256 string  `json:"workload_sha256"`
	RateOpsPerSec  float64 `json:"rate_ops_per_sec"`
	DurationSec    float64 `json:"duration_sec"`
	WarmupSec      float64 `json:"warmup_sec"`
	TrialCount     int     `json:"trial_count"`
	Arrival        string  `json:"arrival"`

	// LoadGeneratorVersion is load.Version of the generator that measured
	// the result. Results written before it was recorded read 0.
	LoadGeneratorVersion int `json:"load_generator_version"`

	GitCommit string `json:"git_commit"`
	GitDirty  bool   `json:"git_dirty"`

	Host Host `json:"host"`

	// ServerCommand is the command line the harness started, or empty when
	// the server was already running (Endpoint set by PERF_ENDPOINT).
	ServerCommand string `json:"server_command,omitempty"`
	Endpoint      string `json:"endpoint"`
	External      bool   `json:"external_server"`

	// CPUPinning describes the CPUs of the server and of the load
	// generator when PERF_PIN_CPUS kept them apart, such as "server 0,
	// load generator 1". It is empty when they shared every CPU.
	CPUPinning string `json:"cpu_pinning,omitempty"`

	StartTime time.Time `json:"start_time"`
	EndTime   time.Time `json:"end_time"`
	// Overrides lists the PERF_* environment overrides in force, so a
	// shortened CI run cannot pass for a full one.
	Overrides map[string]string `json:"overrides,omitempty"`
}

// Host describes the machine that ran the load and the server.
type Host struct {
	Hostname  string `json:"hostname"`
	CPUModel  string `json:"cpu_model"`
	Cores     int    `json:"cores"`
	Kernel    string `json:"kernel"`
	OS        string `json:"os"`
	Arch      string `json:"arch"`
	GoVersion string `json:"go_version"`
}

// Stats are the figures of one trial, one operation or a whole phase.
// Latency is measured from the intended send time, so a stalled server
// cannot hide behind a waiting client; service time is measured from the
// actual send.
type Stats struct {
	Requests  int64 `json:"requests"`
	Successes int64 `json:"successes"`

	P50Ms  float64 `json:"p50_ms"`
	P90Ms  float64 `json:"p90_ms"`
	P95Ms  float64 `json:"p95_ms"`
	P99Ms  float64 `json:"p99_ms"`
	P999Ms float64 `json:"p999_ms"`
	MaxMs  float64 `json:"max_ms"`
	MeanMs float64 `json:"mean_ms"`

	ServiceP50Ms float64 `json:"service_p50_ms"`
	ServiceP99Ms float64 `json:"service_p99_ms"`

	// Sent counts requests whose actual send time fell in the measured
	// window; a sender that falls behind sends fewer than were intended.
	Sent int64 `json:"sent"`

	// ThroughputOpsPerSec counts successful operations over the measured
	// window; SendRateOpsPerSec is Sent over the window, the achieved
	// offered load.
	ThroughputOpsPerSec float64 `json:"throughput_ops_per_sec"`
	SendRateOpsPerSec   float64 `json:"send_rate_ops_per_sec"`
	MeasuredSec         float64 `json:"measured_sec"`

	// LateSends counts requests sent more than the late threshold after
	// their intended time; Unsent counts requests whose intended time fell
	// in the window but that could not be sent before it closed.
	LateSends int64 `json:"late_sends"`
	Unsent    int64 `json:"unsent"`

	Errors    ErrorCounts `json:"errors"`
	ErrorRate float64     `json:"error_rate"`
	Fallbacks int64       `json:"fallbacks"`
}

// ErrorCounts classifies failed requests.
type ErrorCounts struct {
	Timeout    int64 `json:"timeout"`
	Connection int64 `json:"connection"`
	HTTP4xx    int64 `json:"http_4xx"`
	HTTP5xx    int64 `json:"http_5xx"`
	// Unexpected counts 2xx/3xx responses other than the expected status.
	Unexpected int64 `json:"unexpected_status"`
	// Unsent counts requests that never left the client (see Stats.Unsent).
	Unsent int64 `json:"unsent"`
}

// Total returns the number of failed requests of every class.
func (e ErrorCounts) Total() int64 {
	return e.Timeout + e.Connection + e.HTTP4xx + e.HTTP5xx + e.Unexpected + e.Unsent
}

// Add returns the class-wise sum of e and o.
func (e ErrorCounts) Add(o ErrorCounts) ErrorCounts {
	return ErrorCounts{
		Timeout:    e.Timeout + o.Timeout,
		Connection: e.Connection + o.Connection,
		HTTP4xx:    e.HTTP4xx + o.HTTP4xx,
		HTTP5xx:    e.HTTP5xx + o.HTTP5xx,
		Unexpected: e.Unexpected + o.Unexpected,
		Unsent:     e.Unsent + o.Unsent,
	}
}

// Trial is one independent measurement: the server restarted, warmed up,
// then measured for the trial's share of the phase duration.
type Trial struct {
	Index     int       `json:"index"`
	StartTime time.Time `json:"start_time"`
	Stats
	HistogramHDR string   `json:"histogram_hdr"`
	Series       []Second `json:"series"`
}

// Second is one point of a per-second series, by completion time within the
// trial's measured window.
type Second struct {
	Second              int     `json:"second"`
	Requests            int64   `json:"requests"`
	ThroughputOpsPerSec float64 `json:"throughput_ops_per_sec"`
	P99Ms               float64 `json:"p99_ms"`
	Errors              int64   `json:"errors"`
}

// OpStats holds one operation's figures over all trials.
type OpStats struct {
	Name string `json:"name"`
	Stats
	HistogramHDR string `json:"histogram_hdr"`
}

// SystemMetrics is the server process sampled during the load.
type SystemMetrics struct {
	IntervalSec  float64        `json:"interval_sec"`
	PeakRSSBytes uint64         `json:"peak_rss_bytes"`
	MeanRSSBytes uint64         `json:"mean_rss_bytes"`
	MeanCPUPct   float64        `json:"mean_cpu_pct"`
	CPUSecPerOp  float64        `json:"cpu_sec_per_op"`
	Samples      []SystemSample `json:"samples"`
}

// SystemSample is one reading of the server process.
type SystemSample struct {
	Trial         int     `json:"trial"`
	OffsetSec     float64 `json:"offset_sec"`
	RSSBytes      uint64  `json:"rss_bytes"`
	CPUPct        float64 `json:"cpu_pct"`
	Threads       int32   `json:"threads"`
	OpenFDs       int32   `json:"open_fds"`
	HeapAlloc     uint64  `json:"go_heap_alloc_bytes,omitempty"`
	HeapSys       uint64  `json:"go_heap_sys_bytes,omitempty"`
	NumGC         uint32  `json:"go_num_gc,omitempty"`
	PauseTotalSec float64 `json:"go_gc_pause_total_sec,omitempty"`
}

// Diagnostics are the facts a user needs to understand a failed or odd run.
type Diagnostics struct {
	ServerCommand  string   `json:"server_command"`
	ExitCode       int      `json:"exit_code"`
	ExitSignal     string   `json:"exit_signal,omitempty"`
	ExitUnexpected bool     `json:"exit_unexpected"`
	CrashedAt      string   `json:"crashed_at,omitempty"`
	LastLogLines   []string `json:"last_log_lines"`
	HealthPayload  string   `json:"health_payload"`
	PortListeners  []string `json:"port_listeners,omitempty"`
	LoadAvgBefore  float64  `json:"load_avg_before"`
	LoadAvgAfter   float64  `json:"load_avg_after"`
	CPUGovernor    string   `json:"cpu_governor,omitempty"`
}

// ProfileRef points at the CPU profile captured during the run.
type ProfileRef struct {
	Kind     string `json:"kind"` // "go-pprof" or "linux-perf"
	PProf    string `json:"pprof"`
	Folded   string `json:"folded"`
	FlameSVG string `json:"flame_svg"`
	// Samples is the number of samples in the merged profile.
	Samples int64 `json:"samples"`
	// SampledCPUSec is the CPU time the samples stand for and ServerCPUSec
	// the CPU time the server used while the profile was captured. Both
	// are 0 when unknown (a server the harness did not start).
	SampledCPUSec float64 `json:"sampled_cpu_sec,omitempty"`
	ServerCPUSec  float64 `json:"server_cpu_sec,omitempty"`
}
