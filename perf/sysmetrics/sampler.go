// Package sysmetrics samples the server process while the load runs: its
// resident memory (RSS), CPU use, threads and open file descriptors, and for
// a Go server the heap and GC figures that expvar publishes.
//
// One Sampler covers one trial. The caller joins the trials' series and
// passes them to Summarize, which computes the figures that compare reads.
package sysmetrics

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"math"
	"net/http"
	"slices"
	"sync"
	"time"

	"github.com/shirou/gopsutil/v4/process"

	"github.com/m17/perfgate/perf/result"
)

// DefaultInterval is the time between samples when Options.Interval is 0.
const DefaultInterval = time.Second

// ErrProcessExited is the cause returned by Sampler.Err when the sampled
// process ended, became a zombie, had its pid reused, or was not running at
// Start.
var ErrProcessExited = errors.New("process exited")

// Options configures a Sampler.
type Options struct {
	// Interval is the time between samples. Zero or negative means
	// DefaultInterval.
	Interval time.Duration

	// Trial is copied into every sample, so that the joined series of a
	// phase can be split by trial again.
	Trial int

	// ExpvarURL is the server's expvar endpoint, such as
	// http://127.0.0.1:7432/debug/vars, or "" when the server is not a Go
	// program that publishes expvar.
	ExpvarURL string
}

// Sampler reads one process once per interval until Stop is called, the
// context ends or the process exits.
type Sampler struct {
	pid    int
	opts   Options
	proc   *process.Process
	client *http.Client

	cancel   context.CancelFunc
	done     chan struct{}
	stopOnce sync.Once

	// start is the time of the first sample, offset 0 of the series. Like
	// the failure logs, it is used by Start and then by run, never at once.
	start time.Time

	readFailures   failureLog
	countFailures  failureLog // threads and open file descriptors
	expvarFailures failureLog

	mu        sync.Mutex
	samples   []result.SystemSample
	firstCPU  float64 // user+system CPU seconds at the first sample
	latestCPU float64 // user+system CPU seconds at the latest sample
	err       error   // cause of the end of sampling before Stop
}

// reading is the CPU time of the process at one moment, the base of the next
// sample's CPU percentage.
type reading struct {
	at     time.Time
	cpuSec float64
}

// Start takes a first sample of process pid at once, then one per interval in
// the background. It returns no error: when the process cannot be read at
// Start, Stop returns no samples and Err returns the cause.
func Start(ctx context.Context, pid int, opts Options) *Sampler {
	// A non-positive interval would make the ticker panic, so it falls back
	// to the default.
	if opts.Interval <= 0 {
		opts.Interval = DefaultInterval
	}

	ctx, cancel := context.WithCancel(ctx)
	s := &Sampler{
		pid:    pid,
		opts:   opts,
		cancel: cancel,
		done:   make(chan struct{}),
		client: newExpvarClient(opts.Interval),

		readFailures:   failureLog{what: "read server process", pid: pid},
		countFailures:  failureLog{what: "read server threads or open file descriptors", pid: pid},
		expvarFailures: failureLog{what: "fetch server expvar", pid: pid},
	}

	if err := s.open(ctx); err != nil {
		s.err = err
		s.finish()
		return s
	}

	first, ended := s.step(ctx, nil)
	if ended {
		s.finish()
		return s
	}

	go s.run(ctx, first)
	return s
}

// Stop ends sampling and returns the samples taken so far. It may be called
// more than once and after the process died.
func (s *Sampler) Stop() []result.SystemSample {
	s.stopOnce.Do(s.cancel)
	<-s.done

	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.samples)
}

// CPUSeconds returns the user and system CPU time the process consumed
// between the first sample and the latest one. After Stop this covers the
// whole sampled window, up to the last sample before an exit.
func (s *Sampler) CPUSeconds() float64 {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.latestCPU - s.firstCPU
}

// Err returns the error that ended sampling before Stop, or nil. The error
// wraps ErrProcessExited when the process went away.
func (s *Sampler) Err() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.err
}

// open attaches to the process.
func (s *Sampler) open(ctx context.Context) error {
	// Linux pids fit in 32 bits, and gopsutil takes an int32.
	if s.pid <= 0 || s.pid > math.MaxInt32 {
		return fmt.Errorf("sample process: pid %d is invalid; pass the pid of the running server", s.pid)
	}

	proc, err := process.NewProcessWithContext(ctx, int32(s.pid))
	if errors.Is(err, process.ErrorProcessNotRunning) {
		return fmt.Errorf("sample pid %d: %w before sampling started", s.pid, ErrProcessExited)
	}
	if err != nil {
		return fmt.Errorf("sample pid %d: %w", s.pid, err)
	}
	s.proc = proc
	return nil
}

// run takes a sample per tick until the context ends or the process exits.
func (s *Sampler) run(ctx context.Context, prev *reading) {
	defer s.finish()

	ticker := time.NewTicker(s.opts.Interval)
	defer ticker.Stop()

	for {
		select {
		case <-ctx.Done():
			return
		case <-ticker.C:
		}

		var ended bool
		prev, ended = s.step(ctx, prev)
		if ended {
			return
		}
	}
}

// step takes one sample and returns the reading that the next sample's CPU
// percentage starts from: the new one, or prev when the read failed. It
// reports ended once the process has exited, and records why in s.err.
func (s *Sampler) step(ctx context.Context, prev *reading) (next *reading, ended bool) {
	cur, err := s.take(ctx, prev)
	if errors.Is(err, ErrProcessExited) {
		s.mu.Lock()
		s.err = err
		s.mu.Unlock()
		return prev, true
	}
	if err != nil {
		// Stop can interrupt a read, which is no failure.
		if ctx.Err() == nil {
			s.readFailures.record(err)
		}
		return prev, false
	}
	return &cur, false
}

// finish releases the expvar connection, logs the failure counts and lets
// Stop return.
func (s *Sampler) finish() {
	s.client.CloseIdleConnections()
	s.readFailures.flush()
	s.countFailures.flush()
	s.expvarFailures.flush()
	close(s.done)
}

// take reads the process and appends one sample. The CPU percentage covers
// the time since prev. The first sample (prev nil) has no such interval, so
// it sets offset 0 and the CPU baseline, its CPU percentage is 0, and
// Summarize leaves it out of the mean.
func (s *Sampler) take(ctx context.Context, prev *reading) (reading, error) {
	if err := s.checkRunning(ctx); err != nil {
		return reading{}, err
	}

	times, err := s.proc.TimesWithContext(ctx)
	if err != nil {
		return reading{}, s.explain(ctx, "read CPU times", err)
	}
	cur := reading{at: time.Now(), cpuSec: times.User + times.System}

	mem, err := s.proc.MemoryInfoWithContext(ctx)
	if err != nil {
		return reading{}, s.explain(ctx, "read memory", err)
	}

	sample := result.SystemSample{
		Trial:    s.opts.Trial,
		RSSBytes: mem.RSS,
	}
	if prev == nil {
		s.start = cur.at
	} else {
		sample.OffsetSec = cur.at.Sub(s.start).Seconds()
		sample.CPUPct = cpuPercent(*prev, cur)
	}

	// Threads and descriptors are secondary figures: a failed read leaves
	// them at 0 rather than dropping the sample's memory and CPU.
	sample.Threads, err = s.proc.NumThreadsWithContext(ctx)
	if err != nil && ctx.Err() == nil {
		s.countFailures.record(fmt.Errorf("read threads: %w", err))
	}
	sample.OpenFDs, err = s.proc.NumFDsWithContext(ctx)
	if err != nil && ctx.Err() == nil {
		s.countFailures.record(fmt.Errorf("read open file descriptors: %w", err))
	}

	s.addGoFigures(ctx, &sample)

	s.mu.Lock()
	s.samples = append(s.samples, sample)
	if prev == nil {
		s.firstCPU = cur.cpuSec
	}
	s.latestCPU = cur.cpuSec
	s.mu.Unlock()
	return cur, nil
}

// cpuPercent returns the CPU use between two readings, where 100 is one core
// busy for the whole interval: Δ(user+system CPU seconds) / Δ(wall seconds)
// × 100.
func cpuPercent(prev, cur reading) float64 {
	wallSec := cur.at.Sub(prev.at).Seconds()
	if wallSec <= 0 {
		return 0
	}
	return (cur.cpuSec - prev.cpuSec) / wallSec * 100
}

// checkRunning returns an error wrapping ErrProcessExited when the process
// has ended. A zombie counts as ended, because its memory is already freed
// and it will not run again. A pid reused by a new process counts as ended
// too, because gopsutil's IsRunning compares creation times.
func (s *Sampler) checkRunning(ctx context.Context) error {
	running, err := s.proc.IsRunningWithContext(ctx)
	if err != nil {
		// The /proc entry can vanish between IsRunning's steps.
		exists, existsErr := process.PidExistsWithContext(ctx, int32(s.pid))
		if existsErr == nil && !exists {
			return fmt.Errorf("sample pid %d: %w", s.pid, ErrProcessExited)
		}
		return fmt.Errorf("check that pid %d is running: %w", s.pid, err)
	}
	if !running {
		return fmt.Errorf("sample pid %d: %w", s.pid, ErrProcessExited)
	}

	status, err := s.proc.StatusWithContext(ctx)
	if err == nil && slices.Contains(status, process.Zombie) {
		return fmt.Errorf("sample pid %d: %w (zombie, not yet reaped)", s.pid, ErrProcessExited)
	}
	return nil
}

// explain turns a failed read into ErrProcessExited when the process ended
// in the meantime, and otherwise names the step and the pid.
func (s *Sampler) explain(ctx context.Context, step string, err error) error {
	if ctx.Err() == nil {
		if runErr := s.checkRunning(ctx); errors.Is(runErr, ErrProcessExited) {
			return runErr
		}
	}
	return fmt.Errorf("sample pid %d: %s: %w", s.pid, step, err)
}

// addGoFigures fills the Go heap and GC fields from the server's expvar
// endpoint. A failed fetch leaves them at 0, so the JSON omits them.
func (s *Sampler) addGoFigures(ctx context.Context, sample *result.SystemSample) {
	if s.opts.ExpvarURL == "" {
		return
	}

	stats, err := fetchMemStats(ctx, s.client, s.opts.ExpvarURL)
	if err != nil {
		// Stop can interrupt a fetch, which is no failure.
		if ctx.Err() == nil {
			s.expvarFailures.record(err)
		}
		return
	}

	sample.HeapAlloc = stats.HeapAlloc
	sample.HeapSys = stats.HeapSys
	sample.NumGC = stats.NumGC
	sample.PauseTotalSec = float64(stats.PauseTotalNs) / 1e9
}

// failureLog logs the first failure of a repeated step and counts the rest,
// so that a step failing every interval logs two lines, not one per sample.
type failureLog struct {
	what  string
	pid   int
	count int
}

func (f *failureLog) record(err error) {
	f.count++
	if f.count == 1 {
		slog.Warn(f.what+" failed; later failures are counted, not logged", "pid", f.pid, "err", err)
	}
}

func (f *failureLog) flush() {
	if f.count > 1 {
		slog.Warn(f.what+" failed repeatedly", "pid", f.pid, "failures", f.count)
	}
}

// CPUTime returns the user and system CPU time that process pid has used
// so far.
func CPUTime(ctx context.Context, pid int) (time.Duration, error) {
	if pid <= 0 || pid > math.MaxInt32 {
		return 0, fmt.Errorf("read CPU time: pid %d is invalid; pass the pid of the running server", pid)
	}
	proc, err := process.NewProcessWithContext(ctx, int32(pid))
	if err != nil {
		return 0, fmt.Errorf("read CPU time of pid %d: %w", pid, err)
	}
	times, err := proc.TimesWithContext(ctx)
	if err != nil {
		return 0, fmt.Errorf("read CPU time of pid %d: %w", pid, err)
	}
	return time.Duration((times.User + times.System) * float64(time.Second)), nil
}
