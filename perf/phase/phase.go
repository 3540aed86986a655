// Package phase measures one phase (before or after) of a task: it builds
// the server, then for each trial starts it, checks every operation once,
// preloads data, offers the scenario's load, and stops it; finally it
// writes the result files. Every process it starts is stopped on every
// path, including errors, a server crash and Ctrl-C, and a run that ends
// early still leaves a result marked incomplete.
package phase

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"time"

	pprofile "github.com/google/pprof/profile"

	"github.com/m17/perfgate/perf/config"
	"github.com/m17/perfgate/perf/cpupin"
	"github.com/m17/perfgate/perf/load"
	"github.com/m17/perfgate/perf/profile"
	"github.com/m17/perfgate/perf/result"
	"github.com/m17/perfgate/perf/scenario"
	"github.com/m17/perfgate/perf/server"
	"github.com/m17/perfgate/perf/wire"
)

// DefaultTrials is the number of trials a phase is split into when neither
// the scenario nor PERF_TRIALS sets it. With five trials a side, one
// outlier trial (a brief stall of the machine) left a +19% slowdown
// insignificant (p = 0.15) in one of ten calibration pairs; with eight, a
// single outlier still allows p < 0.05, and six or more trials also give
// the median a finite 95% confidence interval. At 60 s, eight trials
// measure 7.5 s each.
const DefaultTrials = 8

// minTrialMeasure is the shortest measured time of one trial.
const minTrialMeasure = time.Second

// ErrInterrupted is returned when the run was stopped by Ctrl-C or SIGTERM.
var ErrInterrupted = errors.New("interrupted")

// Options selects what Run measures.
type Options struct {
	Config config.Config
	Task   string
	Phase  string
	// RepoDir is the repository root: the git provenance is read there.
	RepoDir string

	// Progress receives the live line and status messages (stderr).
	Progress io.Writer
	Terminal bool
	Logger   *slog.Logger

	// Profile captures the server's CPU profile during each trial.
	Profile bool
}

// Outcome is the files a phase produced.
type Outcome struct {
	Result *result.Result
	// Path is the JSON result file; Files the side files by kind.
	Path  string
	Files map[string]string
}

// Run measures one phase. When it stops early (server crash, interrupt)
// the result is still written, marked incomplete, and the error gives the reason.
func Run(ctx context.Context, opts Options) (*Outcome, error) {
	outs, err := RunInterleaved(ctx, opts)
	if len(outs) == 0 {
		return nil, err
	}
	return outs[0], err
}

// RunInterleaved measures several phases trial by trial in turn: trial 1 of
// each, then trial 2 of each, and so on. Alternating A, B, A, B on one
// machine in one session spreads slow drifts of the machine evenly over
// both sides. All phases must share one results folder. Each phase's
// result is written, marked incomplete when the run stopped early.
func RunInterleaved(ctx context.Context, phases ...Options) ([]*Outcome, error) {
	if len(phases) == 0 {
		return nil, errors.New("no phase to run")
	}
	runners := make([]*runner, 0, len(phases))
	for _, opts := range phases {
		if err := result.ValidateTask(opts.Task); err != nil {
			return nil, err
		}
		if err := result.ValidatePhase(opts.Phase); err != nil {
			return nil, err
		}
		if opts.Config.ResultsDir != phases[0].Config.ResultsDir {
			return nil, fmt.Errorf("interleaved phases must share one results folder, got %s and %s", phases[0].Config.ResultsDir, opts.Config.ResultsDir)
		}
		sc, trials, err := LoadScenario(opts.Config)
		if err != nil {
			return nil, err
		}
		runners = append(runners, newRunner(opts, sc, trials))
	}

	lock, err := result.AcquireLock(phases[0].Config.ResultsDir)
	if err != nil {
		return nil, err
	}
	defer lock.Release()

	for _, r := range runners {
		defer r.closeLogs()
		if err := r.prepare(ctx); err != nil {
			return nil, err
		}
	}

	unpin, err := pinCPUs(runners)
	if err != nil {
		return nil, err
	}
	defer unpin()

	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(clientProcs(runners)))
	runErr := runAll(ctx, runners)
	var outs []*Outcome
	for _, r := range runners {
		out, writeErr := r.write()
		if writeErr != nil {
			return outs, errors.Join(runErr, writeErr)
		}
		if out != nil {
			outs = append(outs, out)
		}
	}
	return outs, runErr
}

// opsPerClientProc is the offered load one processor of the load generator
// is given. Fewer processors than cores cut the Go scheduler's idle
// spinning: at 1000 ops/s the generator used about 0.06 of a core with
// one processor and about 0.09 with two, and one processor kept 10000
// ops/s on time with 0.46 of a core (BenchmarkLoadGenerator1000 on a
// 2-core VM, docs/benchmarks.md). One processor also leaves the other
// cores to the server.
const opsPerClientProc = 5000

// clientProcs returns how many processors the load generator needs for the
// highest rate among runners.
func clientProcs(runners []*runner) int {
	rate := 0.0
	for _, r := range runners {
		rate = max(rate, r.sc.Rate)
	}
	return min(max(1, int(math.Ceil(rate/opsPerClientProc))), runtime.NumCPU())
}

// runAll runs trial i of every runner before trial i+1 of any, and stops
// every runner at the first failure, marking the others incomplete too.
func runAll(ctx context.Context, runners []*runner) error {
	for i := range runners[0].trials {
		for _, r := range runners {
			if i >= r.trials {
				continue
			}
			err := r.runTrialStep(ctx, i)
			if err == nil {
				continue
			}
			for _, other := range runners {
				if other.incomplete == "" {
					other.incomplete = fmt.Sprintf("stopped after trial %d because another interleaved phase failed: %v", i, err)
				}
			}
			return err
		}
	}
	return nil
}

// LoadScenario reads the configured scenario, applies the overrides and
// returns it with the number of trials to run.
func LoadScenario(cfg config.Config) (*scenario.Scenario, int, error) {
	sc, err := scenario.Load(cfg.Scenario)
	if errors.Is(err, os.ErrNotExist) {
		return nil, 0, fmt.Errorf("scenario file %s not found; set PERF_SCENARIO (or Config.Scenario) to an existing file, such as scenarios/m17_baseline.toml", cfg.Scenario)
	}
	if err != nil {
		return nil, 0, err
	}
	if cfg.Duration > 0 {
		sc.Duration = cfg.Duration
	}
	if cfg.Rate > 0 {
		sc.Rate = cfg.Rate
	}
	if cfg.WarmupSet {
		sc.Warmup = cfg.Warmup
	}
	trials := TrialCount(sc.Trials, cfg.Trials, sc.Duration)
	sc.Trials = trials
	if err := sc.Validate(); err != nil {
		return nil, 0, fmt.Errorf("scenario %s with overrides: %w", cfg.Scenario, err)
	}
	return sc, trials, nil
}

// TrialCount picks the number of trials: PERF_TRIALS, else the scenario's,
// else DefaultTrials reduced so each trial measures at least a second.
func TrialCount(fromScenario, fromEnv int, duration time.Duration) int {
	if fromEnv > 0 {
		return fromEnv
	}
	if fromScenario > 0 {
		return fromScenario
	}
	n := DefaultTrials
	if maxTrials := int(duration / minTrialMeasure); maxTrials < n {
		n = max(maxTrials, 1)
	}
	return n
}

// runner holds the state of one phase run.
type runner struct {
	opts   Options
	cfg    config.Config
	sc     *scenario.Scenario
	trials int
	stem   string
	start  time.Time
	log    *slog.Logger

	loadLog   *os.File
	serverLog string
	client    *wire.Client

	recordings []*load.Recording
	trialStart []time.Time
	incomplete string
	diag       *result.Diagnostics
	system     []result.SystemSample
	cpuSec     float64
	// cpus is the CPU plan when PinCPUs is set, else empty.
	cpus     cpupin.Plan
	profiles []*pprofile.Profile
	// profiledCPU is the server's CPU time over each capture in profiles,
	// 0 where unknown.
	profiledCPU []time.Duration
	digest      string
}

func newRunner(opts Options, sc *scenario.Scenario, trials int) *runner {
	logger := opts.Logger
	if logger == nil {
		logger = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	return &runner{opts: opts, cfg: opts.Config, sc: sc, trials: trials, log: logger}
}

// prepare names the files, opens the load-test log and builds the server.
func (r *runner) prepare(ctx context.Context) error {
	if r.cfg.Endpoint == "" {
		if err := server.CheckPort(r.cfg.Server.Port); err != nil {
			return fmt.Errorf("%w (PERF_PORT sets the port)", err)
		}
	}
	r.start = time.Now()
	r.stem = result.NewStem(r.cfg.ResultsDir, r.opts.Task, r.opts.Phase, r.start)

	f, err := os.Create(r.sidePath("_loadtest.log"))
	if err != nil {
		return fmt.Errorf("results folder %s is not writable: %w; fix its permissions or set PERF_RESULTS_DIR", r.cfg.ResultsDir, err)
	}
	r.loadLog = f
	r.serverLog = r.sidePath("_server.log")
	r.noteHostBefore()
	r.logf("%s %s of task %s: scenario %s, %.0f ops/s for %s in %d trials (warmup %s each)",
		time.Now().Format(time.RFC3339), r.opts.Phase, r.opts.Task, r.sc.Name, r.sc.Rate, r.sc.Duration, r.trials, r.sc.Warmup)

	if r.opts.Profile {
		if err := profile.Available(r.cfg.Server.GoPprof); err != nil {
			return fmt.Errorf("%s: %w", r.cfg.Server.Name, err)
		}
	}
	if r.cfg.Endpoint != "" {
		r.logf("using the running server at %s: no build, start or stop", r.cfg.Endpoint)
		return nil
	}
	if len(r.cfg.Server.BuildCmd) == 0 {
		return nil
	}
	r.status("building %s: %s", r.cfg.Server.Name, strings.Join(r.cfg.Server.BuildCmd, " "))
	return server.Build(ctx, r.spec())
}

func (r *runner) closeLogs() {
	if r.loadLog != nil {
		r.loadLog.Close()
	}
	if r.client != nil {
		r.client.CloseIdleConnections()
	}
}

func (r *runner) sidePath(suffix string) string {
	return filepath.Join(r.cfg.ResultsDir, r.stem+suffix)
}

// logf writes a line to the load-test log.
func (r *runner) logf(format string, args ...any) {
	if r.loadLog != nil {
		fmt.Fprintf(r.loadLog, format+"\n", args...)
	}
}

// status writes a line to the user and to the load-test log.
func (r *runner) status(format string, args ...any) {
	if r.opts.Progress != nil {
		fmt.Fprintf(r.opts.Progress, format+"\n", args...)
	}
	r.logf(format, args...)
}

func (r *runner) spec() server.Spec {
	s := r.cfg.Server
	return server.Spec{
		Name:            s.Name,
		Dir:             s.Dir,
		BuildCmd:        s.BuildCmd,
		Binary:          s.Binary,
		Args:            s.Args,
		Env:             s.Env,
		Port:            s.Port,
		HealthPath:      s.HealthPath,
		HealthTimeout:   s.HealthTimeout,
		EarlyExitWindow: earlyExitWindow,
		StopTimeout:     s.StopTimeout,
		LogPath:         r.serverLog,
		CPUs:            r.cpus.Server,
	}
}

// earlyExitWindow is how long Start watches a healthy server before
// trusting it; a later crash is caught by the trial's crash watch.
const earlyExitWindow = 300 * time.Millisecond
