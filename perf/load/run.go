// Package load runs one trial of a scenario against a server over HTTP.
//
// It is an open-model load generator: each request has an intended send
// time from the pacer, fixed before the run, and latency is measured from
// that time. When the server stalls, requests queue in the client and their
// waiting time counts, so the stall shows in the percentiles instead of
// hiding behind a client that waits (coordinated omission). The number of
// requests in flight is bounded. A request that cannot be handed to a
// sender on time is counted as late, and one whose turn never comes before
// the window closes is counted as unsent.
package load

import (
	"context"
	"errors"
	"fmt"
	"io"
	"sync"
	"time"

	"github.com/m17/perfgate/perf/scenario"
	"github.com/m17/perfgate/perf/wire"
)

// LateThreshold is how far behind its intended time a request may be sent
// before it counts as a late send. Runtime timer wake-ups alone made about
// 9% of sends more than 1 ms late on an idle 2-core VM. The Linux timerfd
// pacer is tighter (about 0.2 ms at P99), but other systems still use
// runtime timers. 5 ms late means the client could not keep up.
const LateThreshold = 5 * time.Millisecond

// Config describes one trial.
type Config struct {
	Scenario *scenario.Scenario
	// BaseURL is the server's address, such as http://127.0.0.1:7432. It
	// is used when Client is nil.
	BaseURL string
	// Warmup runs before Measure; its requests are sent but not recorded.
	Warmup  time.Duration
	Measure time.Duration
	// UseFallback names the operations whose fallback is sent in their
	// place, as found by Preflight.
	UseFallback map[string]bool
	Client      *wire.Client
	// Stream is the request stream to continue after Preload; nil starts
	// a new one.
	Stream *scenario.Stream

	// Progress receives the live line; nil disables it.
	Progress io.Writer
	// Terminal selects a redrawn progress bar instead of a line every
	// few seconds.
	Terminal bool
	// ProgressLog receives a plain progress line every few seconds, for
	// the load-test log; nil disables it.
	ProgressLog io.Writer
	// Label prefixes the live line, such as "before 2/5".
	Label string
}

type job struct {
	req      scenario.Request
	intended time.Time
}

// Run sends the scenario's stream for Warmup+Measure and returns what was
// recorded in the measured window. When ctx is cancelled (Ctrl-C, server
// crash) it stops at once and returns the partial recording with Stopped
// set and the cancellation cause in StopCause.
func Run(ctx context.Context, cfg Config) (*Recording, error) {
	sc := cfg.Scenario
	if sc == nil || cfg.Measure <= 0 {
		return nil, errors.New("load: scenario and a positive measured duration are required")
	}
	client := cfg.Client
	if client == nil {
		var err error
		if client, err = NewClient(cfg.BaseURL, sc.MaxInFlight); err != nil {
			return nil, err
		}
		defer client.CloseIdleConnections()
	}

	runCtx, cancelRun := context.WithCancel(ctx)
	defer cancelRun()

	start := time.Now()
	measureStart := start.Add(cfg.Warmup)
	end := measureStart.Add(cfg.Measure)
	rec := newRecorder(len(sc.Operations), measureStart, cfg.Measure)
	stream := cfg.Stream
	if stream == nil {
		stream = scenario.NewStream(sc)
	}
	opIndex := make(map[string]int, len(sc.Operations))
	for i, op := range sc.Operations {
		opIndex[op.Name] = i
	}

	jobs := make(chan job)
	pool := &workerPool{jobs: jobs, max: sc.MaxInFlight, work: func(j job) {
		rec.observe(perform(runCtx, client, cfg, j, opIndex))
	}}
	stopProgress := startProgress(cfg, rec, start, end)
	schedule(runCtx, cfg, stream, rec, pool, start, end)
	pool.close()
	stopped := time.Now()
	stopProgress()
	rec.finish(stopped)

	cause := context.Cause(ctx)
	window := cfg.Measure
	if cause != nil {
		// A stopped run is judged over the time it actually measured.
		window = max(stopped.Sub(measureStart), time.Millisecond)
		window = min(window, cfg.Measure)
	}
	recording := rec.recording(sc, stream.Digest(), window)
	if cause != nil {
		recording.Stopped = true
		recording.StopCause = cause
		recording.StoppedAfter = stopped.Sub(measureStart)
	}
	return recording, nil
}

// schedule hands each request to a worker at its intended time until end.
func schedule(ctx context.Context, cfg Config, stream *scenario.Stream, rec *recorder, pool *workerPool, start, end time.Time) {
	pacer := NewPacer(cfg.Scenario.Arrival, cfg.Scenario.Rate, cfg.Scenario.Seed)
	sleeper := newSleeper(ctx)
	defer sleeper.close()

	for {
		intended := start.Add(pacer.Next())
		if !intended.Before(end) {
			return
		}
		if wait := time.Until(intended); wait > 0 && !sleeper.sleep(wait) {
			return
		}

		j := job{req: stream.Next(), intended: intended}
		if pool.tryHandOff(j) {
			continue
		}

		// Every sender is busy and the pool is at its bound: wait for one,
		// but not past the window.
		deadline := time.NewTimer(time.Until(end))
		select {
		case pool.jobs <- j:
			deadline.Stop()
		case <-deadline.C:
			rec.countUnsent(1 + drainRemaining(pacer, stream, start, end))
			return
		case <-ctx.Done():
			deadline.Stop()
			return
		}
	}
}

// workerPool runs requests on up to max goroutines. Workers start on
// demand, so a fast server is served by a few hot goroutines (and
// connections) instead of max cold ones, which keeps the generator's own
// CPU low. A slow server still gets up to max requests in flight.
type workerPool struct {
	jobs    chan job
	max     int
	work    func(job)
	started int
	wg      sync.WaitGroup
}

// tryHandOff gives j to an idle worker, or to a new one while the pool is
// below its bound. It returns false when every worker is busy and the pool
// is full.
func (p *workerPool) tryHandOff(j job) bool {
	select {
	case p.jobs <- j:
		return true
	default:
	}
	if p.started >= p.max {
		return false
	}
	p.started++
	p.wg.Add(1)
	go func() {
		defer p.wg.Done()
		p.work(j)
		for next := range p.jobs {
			p.work(next)
		}
	}()
	return true
}

// close stops the workers after their current requests.
func (p *workerPool) close() {
	close(p.jobs)
	p.wg.Wait()
}

// drainRemaining counts the requests the pacer still intends before end
// and draws them from the stream unsent, so the workload digest covers the
// whole intended stream however many requests the server let through.
func drainRemaining(p Pacer, stream *scenario.Stream, start, end time.Time) int64 {
	var n int64
	for start.Add(p.Next()).Before(end) {
		stream.Next()
		n++
	}
	return n
}

// perform sends one request, switching to the fallback when the operation
// is known to lack support or the server responds with 404/501.
func perform(ctx context.Context, client *wire.Client, cfg Config, j job, opIndex map[string]int) observation {
	req := &j.req
	o := observation{op: opIndex[req.Op], intended: j.intended}
	timeout := cfg.Scenario.RequestTimeout

	o.sent = time.Now()
	o.late = o.sent.Sub(j.intended) > LateThreshold
	if req.Fallback != nil && cfg.UseFallback[req.Op] {
		o.fallback = true
		req = req.Fallback
	}

	status, err := send(ctx, client, req, timeout)
	if err == nil && !o.fallback && req.Fallback != nil && needsFallback(status) {
		o.fallback = true
		req = req.Fallback
		status, err = send(ctx, client, req, timeout)
	}

	o.done = time.Now()
	o.outcome = classify(ctx, status, err, req.ExpectStatus)
	return o
}

// Preflight sends each operation once and decides which need their
// fallback. An operation whose response status is not the expected one
// stops the run before any load is offered, unless it is 404/501 and the
// operation has a fallback.
func Preflight(ctx context.Context, sc *scenario.Scenario, client *wire.Client) (map[string]bool, error) {
	useFallback := map[string]bool{}
	for _, req := range scenario.Preflight(sc) {
		status, err := send(ctx, client, &req, sc.RequestTimeout)
		if err != nil {
			return nil, fmt.Errorf("preflight %s %s %s: %w; check that the server is running at %s", req.Op, req.Method, req.Path, err, client.URL())
		}
		if status == req.ExpectStatus {
			continue
		}
		if needsFallback(status) && req.Fallback != nil {
			useFallback[req.Op] = true
			continue
		}
		return nil, fmt.Errorf("preflight: operation %s (%s %s) responded with status %d, expected %d; fix the scenario's method or path, or add a fallback operation",
			req.Op, req.Method, req.Path, status, req.ExpectStatus)
	}
	return useFallback, nil
}

// preloadWorkers is how many preload requests are in flight at once.
const preloadWorkers = 8

// Preload sends the scenario's preload requests as fast as the server takes
// them, before the timed run. Any failure stops the run, because a
// half-filled store would change what is measured.
func Preload(ctx context.Context, sc *scenario.Scenario, stream *scenario.Stream, client *wire.Client) error {
	reqs := make(chan scenario.Request)
	errs := make(chan error, preloadWorkers)
	var wg sync.WaitGroup
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()

	for range preloadWorkers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for req := range reqs {
				status, err := send(ctx, client, &req, sc.RequestTimeout)
				if err == nil && status != req.ExpectStatus {
					err = fmt.Errorf("responded with status %d, expected %d", status, req.ExpectStatus)
				}
				if err != nil {
					errs <- fmt.Errorf("preload request %d (%s %s): %w", req.Seq, req.Method, req.Path, err)
					cancel()
					return
				}
			}
		}()
	}

feed:
	for {
		req, ok := stream.NextPreload()
		if !ok {
			break
		}
		select {
		case reqs <- req:
		case <-ctx.Done():
			break feed
		}
	}
	close(reqs)
	wg.Wait()

	select {
	case err := <-errs:
		return err
	default:
		return ctx.Err()
	}
}
