package workflow

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"github.com/m17/perfgate/perf/calibrate"
	"github.com/m17/perfgate/perf/compare"
	"github.com/m17/perfgate/perf/config"
	"github.com/m17/perfgate/perf/phase"
	"github.com/m17/perfgate/perf/server"
)

// Calibration defaults: shorter phases than a real run, so that enough
// pairs fit in reasonable time. PERF_DURATION and PERF_WARMUP override them.
const (
	calibrationDuration = 10 * time.Second
	calibrationWarmup   = time.Second
	calibrationSlowdown = 10.0 // percent of P99
)

// Calibrate runs A/A and A/B pairs of phases on the reference server and
// prints the false-alarm and detection rates of the verdict and of the
// plain single-run rule. Results go to a calibration folder beside the
// results folder, so they never mix with a milestone's tasks.
func Calibrate(ctx context.Context, env Env) error {
	cfg := env.Config
	if cfg.Endpoint != "" {
		return exitError(ExitUsage, errors.New("perf:calibrate restarts the server with a slowdown flag, so it cannot use PERF_ENDPOINT; unset it"))
	}
	if _, err := phase.PinPlan(cfg); err != nil {
		return exitError(ExitUsage, err)
	}
	if cfg.Duration == 0 {
		cfg.Duration = calibrationDuration
	}
	if !cfg.WarmupSet {
		cfg.Warmup, cfg.WarmupSet = calibrationWarmup, true
	}
	cfg.ResultsDir = filepath.Join(filepath.Dir(cfg.ResultsDir), "calibration", time.Now().Format("20060102_150405"))

	ctx, stop := withSignals(ctx)
	defer stop()
	defer server.StopAll()

	order := "one after the other"
	if cfg.CalibrationInterleave {
		order = "interleaved trial by trial"
	}
	fmt.Fprintf(env.Stdout, "Calibrating: %d A/A and %d A/B pairs of %s phases, %s, results in %s\n", cfg.Pairs, cfg.Pairs, cfg.Duration, order, cfg.ResultsDir)
	pairs, cost, err := calibrate.Run(ctx, calibrate.Options{
		Phase: phase.Options{
			Config:  cfg,
			RepoDir: env.RepoDir,
			Logger:  env.Logger,
		},
		Pairs:       cfg.Pairs,
		SlowdownPct: calibrationSlowdown,
		Cost:        cfg.CalibrationCost,
		// A spin, unlike -delay's timer, adds an exact sub-millisecond cost.
		SlowdownFlag: "-spin",
		Interleave:   cfg.CalibrationInterleave,
		Log:          env.Stdout,
	})
	if errors.Is(err, phase.ErrInterrupted) {
		return exitError(ExitInterrupted, errors.New("calibration interrupted"))
	}
	if err != nil {
		return exitError(ExitFailure, err)
	}

	scores := calibrate.Score(pairs, compare.Options{Thresholds: cfg.Thresholds})
	fmt.Fprintf(env.Stdout, "\nCommand: %s go tool mage perf:calibrate\n", strings.Join(envAssignments(cfg), " "))
	host, _ := os.Hostname()
	fmt.Fprintf(env.Stdout, "Host: %s, %s\n\n", host, time.Now().Format("2006-01-02"))
	calibrate.WriteReport(env.Stdout, scores, cost)
	return nil
}

// envAssignments returns the PERF_* overrides in force as shell words,
// so the printed command reproduces the run.
func envAssignments(cfg config.Config) []string {
	words := make([]string, 0, len(cfg.Env))
	for name, value := range cfg.Env {
		words = append(words, name+"="+value)
	}
	sort.Strings(words)
	return words
}
