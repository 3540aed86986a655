package phase

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/m17/perfgate/perf/load"
	"github.com/m17/perfgate/perf/result"
	"github.com/m17/perfgate/perf/scenario"
	"github.com/m17/perfgate/perf/server"
	"github.com/m17/perfgate/perf/wire"
)

// errServerExited is the cancellation cause when the server dies mid-run.
var errServerExited = errors.New("server exited during the run")

// runTrialStep runs trial i and turns its failure into the reason the
// result is incomplete. It returns ErrInterrupted on Ctrl-C or SIGTERM.
func (r *runner) runTrialStep(ctx context.Context, i int) error {
	if r.client == nil {
		client, err := load.NewClient(r.cfg.BaseURL(), r.sc.MaxInFlight)
		if err != nil {
			r.incomplete = err.Error()
			return err
		}
		r.client = client
	}
	err := r.runTrial(ctx, i, r.client)
	if err == nil {
		return nil
	}
	if ctx.Err() != nil {
		r.incomplete = fmt.Sprintf("interrupted during trial %d of %d", i+1, r.trials)
		r.status("%s; saving the partial result", r.incomplete)
		return ErrInterrupted
	}
	r.incomplete = fmt.Sprintf("trial %d of %d: %v", i+1, r.trials, err)
	return err
}

// runTrial starts the server (unless one is already running), checks each
// operation, preloads, offers the load and stops the server.
func (r *runner) runTrial(ctx context.Context, index int, client *wire.Client) (err error) {
	label := fmt.Sprintf("%s %d/%d", r.opts.Phase, index+1, r.trials)

	trialCtx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)

	var proc *server.Process
	if r.cfg.Endpoint == "" {
		proc, err = server.Start(ctx, r.spec())
		if err != nil {
			return err
		}
		defer func() {
			// Idle keep-alive connections would make the server's graceful
			// shutdown wait for them and log a timeout on every stop.
			client.CloseIdleConnections()
			stopErr := r.stopServer(ctx, proc)
			r.recordExit(proc)
			if err == nil {
				err = stopErr
			}
		}()
		go watchCrash(trialCtx, proc, cancel)
	}

	useFallback, err := load.Preflight(trialCtx, r.sc, client)
	if err != nil {
		return r.trialError(trialCtx, err)
	}
	if index == 0 {
		for op := range useFallback {
			r.status("operation %s is not served (404/501); its fallback is used instead", op)
		}
	}

	stream := scenario.NewStream(r.sc)
	if err := load.Preload(trialCtx, r.sc, stream, client); err != nil {
		return r.trialError(trialCtx, err)
	}

	monitors := r.startMonitors(trialCtx, proc, index)
	r.trialStart = append(r.trialStart, time.Now())
	rec, err := load.Run(trialCtx, load.Config{
		Scenario:    r.sc,
		Warmup:      r.sc.Warmup,
		Measure:     r.measurePerTrial(),
		UseFallback: useFallback,
		Client:      client,
		Stream:      stream,
		Progress:    r.opts.Progress,
		Terminal:    r.opts.Terminal,
		ProgressLog: r.loadLog,
		Label:       label,
	})
	monitors.stop(r, rec)
	if err != nil {
		return err
	}

	r.recordings = append(r.recordings, rec)
	r.digest = rec.Digest
	r.logTrial(label, rec)
	if rec.Stopped {
		return r.trialError(trialCtx, rec.StopCause)
	}
	return nil
}

// measurePerTrial is the measured time of one trial.
func (r *runner) measurePerTrial() time.Duration {
	return r.sc.Duration / time.Duration(r.trials)
}

// trialError prefers the cancellation cause (a crash) over the error it
// provoked (a failed request).
func (r *runner) trialError(ctx context.Context, err error) error {
	if cause := context.Cause(ctx); cause != nil && errors.Is(cause, errServerExited) {
		return cause
	}
	return err
}

// watchCrash cancels the trial when the server exits before it is stopped.
func watchCrash(ctx context.Context, proc *server.Process, cancel context.CancelCauseFunc) {
	select {
	case <-ctx.Done():
	case <-proc.Done():
		info := proc.Exit()
		// One line, because it becomes the result's incomplete_reason;
		// the last 200 log lines go to the diagnostics.
		cancel(fmt.Errorf("%w at %s (%s); its last log line: %s", errServerExited,
			info.At.Format(time.RFC3339), describeExit(info), lastLine(proc)))
	}
}

// interruptStopTimeout bounds the graceful stop of the server after
// Ctrl-C or SIGTERM. Mage (v1.17) exits 5 s after Ctrl-C whether or not
// its target has returned, and the partial result has to be written
// before that.
const interruptStopTimeout = 2 * time.Second

func (r *runner) stopServer(ctx context.Context, proc *server.Process) error {
	var info server.ExitInfo
	var err error
	if ctx.Err() != nil {
		info, err = proc.StopWithin(interruptStopTimeout)
	} else {
		info, err = proc.Stop()
	}
	if err != nil {
		return fmt.Errorf("stop %s (pid %d): %w", r.cfg.Server.Name, proc.Pid(), err)
	}
	r.logf("server stopped: %s", describeExit(info))
	return nil
}

func (r *runner) logTrial(label string, rec *load.Recording) {
	s := rec.Stats
	r.logf("%s: %d requests, p50 %.3fms p99 %.3fms p99.9 %.3fms max %.3fms, %.1f ops/s, errors %d, late %d, unsent %d, fallbacks %d",
		label, s.Requests, s.P50Ms, s.P99Ms, s.P999Ms, s.MaxMs, s.ThroughputOpsPerSec, s.Errors.Total(), s.LateSends, s.Unsent, s.Fallbacks)
}

func describeExit(info server.ExitInfo) string {
	switch {
	case !info.Exited:
		return "still running"
	case info.Signal != "":
		return "killed by " + info.Signal
	default:
		return fmt.Sprintf("exit status %d", info.Code)
	}
}

// lastLine returns the server's last log line, or "(no output)".
func lastLine(proc *server.Process) string {
	lines := proc.LastLines(1)
	if len(lines) == 0 {
		return "(no output)"
	}
	return strings.TrimSpace(lines[0])
}

// recordExit keeps the last trial's process facts for the diagnostics.
func (r *runner) recordExit(proc *server.Process) {
	d := r.diagnostics()
	d.ServerCommand = proc.CommandLine()
	d.HealthPayload = proc.HealthPayload()
	d.LastLogLines = proc.LastLines(200)
	select {
	case <-proc.Done():
		info := proc.Exit()
		d.ExitCode = info.Code
		d.ExitSignal = info.Signal
		d.ExitUnexpected = info.Unexpected
		if info.Unexpected {
			d.CrashedAt = info.At.Format(time.RFC3339Nano)
		}
	default:
	}
}

func (r *runner) diagnostics() *result.Diagnostics {
	if r.diag == nil {
		r.diag = &result.Diagnostics{}
	}
	return r.diag
}
