package profile

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/google/pprof/profile"
)

// perfFrequencyHz is the sampling rate of perf record. 99 Hz rather than
// 100 Hz keeps the sampling out of lockstep with work done on timers.
const perfFrequencyHz = 99

// perfStopGrace is how long perf gets to write its data file after an
// interrupt when ctx ends early.
const perfStopGrace = 5 * time.Second

// ErrPerfNotPermitted is wrapped by CapturePerf when perf is installed but
// the kernel or a sandbox does not permit it to record.
var ErrPerfNotPermitted = errors.New("perf is not permitted to record")

// CapturePerf records process pid with Linux perf for duration d, rounded
// up to whole seconds and at least 1: `perf record -F 99 -g -p PID -o FILE
// -- sleep N`, then `perf script -i FILE`, parsed by ParsePerfScript. The
// data file lives in a temporary folder that is removed afterwards.
//
// When ctx ends, perf gets an interrupt so it stops cleanly, and ctx's
// error is returned.
//
// NOTE: perf record -g unwinds by frame pointers, so a stack can miss the
// caller of a leaf function that sets up no frame of its own (small Go
// leaf functions, C built with -fomit-frame-pointer).
func CapturePerf(ctx context.Context, pid int, d time.Duration) (*profile.Profile, error) {
	if pid <= 0 {
		return nil, fmt.Errorf("pid %d is invalid; pass the server's process id", pid)
	}
	perfPath, err := exec.LookPath("perf")
	if err != nil {
		return nil, fmt.Errorf("Linux perf is not on PATH (%v); install it (apt-get install linux-perf) or profile a Go server over net/http/pprof", err)
	}
	seconds := int64(math.Ceil(d.Seconds()))
	if seconds < 1 {
		seconds = 1
	}

	dir, err := os.MkdirTemp("", "perfgate-perf-*")
	if err != nil {
		return nil, fmt.Errorf("create temporary folder for perf data: %w", err)
	}
	defer os.RemoveAll(dir)
	dataPath := filepath.Join(dir, "perf.data")

	start := time.Now()
	record := perfCommand(ctx, perfPath, "record", "-F", strconv.Itoa(perfFrequencyHz), "-g",
		"-p", strconv.Itoa(pid), "-o", dataPath, "--", "sleep", strconv.FormatInt(seconds, 10))
	var recordErr bytes.Buffer
	record.Stderr = &recordErr
	if err := record.Run(); err != nil {
		if ctx.Err() != nil {
			return nil, fmt.Errorf("perf record of pid %d: %w", pid, ctx.Err())
		}
		return nil, recordError(pid, err, recordErr.String())
	}

	script := perfCommand(ctx, perfPath, "script", "-i", dataPath)
	var scriptOut, scriptErr bytes.Buffer
	script.Stdout = &scriptOut
	script.Stderr = &scriptErr
	if err := script.Run(); err != nil {
		if ctx.Err() != nil {
			return nil, fmt.Errorf("perf script: %w", ctx.Err())
		}
		return nil, fmt.Errorf("perf script -i %s: %w: %s", dataPath, err, lastLines(scriptErr.String(), 3))
	}

	p, err := ParsePerfScript(&scriptOut)
	if err != nil {
		return nil, fmt.Errorf("perf script output for pid %d: %w", pid, err)
	}
	p.TimeNanos = start.UnixNano()
	p.DurationNanos = time.Since(start).Nanoseconds()
	return p, nil
}

// perfCommand returns a perf command that is interrupted, not killed, when
// ctx ends, because perf writes its data file on SIGINT.
func perfCommand(ctx context.Context, perfPath string, args ...string) *exec.Cmd {
	cmd := exec.CommandContext(ctx, perfPath, args...)
	cmd.Cancel = func() error {
		return cmd.Process.Signal(syscall.SIGINT)
	}
	cmd.WaitDelay = perfStopGrace
	return cmd
}

// recordError explains a failed perf record. It wraps ErrPerfNotPermitted
// when perf's output shows that the kernel or a sandbox denied it.
func recordError(pid int, err error, stderr string) error {
	detail := lastLines(stderr, 3)
	lower := strings.ToLower(stderr)
	switch {
	case strings.Contains(lower, "perf_event_paranoid"),
		strings.Contains(lower, "permission denied"),
		strings.Contains(lower, "operation not permitted"),
		strings.Contains(lower, "not supported"):
		return fmt.Errorf("perf record -p %d: %w (%v: %s); run as root or lower kernel.perf_event_paranoid (sysctl kernel.perf_event_paranoid=1), or profile a Go server over net/http/pprof",
			pid, ErrPerfNotPermitted, err, detail)
	case strings.Contains(lower, "no such process"):
		return fmt.Errorf("perf record -p %d: process %d is not running (%v: %s); start the server first", pid, pid, err, detail)
	default:
		return fmt.Errorf("perf record -p %d: %w: %s", pid, err, detail)
	}
}

// lastLines returns the last n non-empty lines of s joined by " | ", which
// is where perf puts the reason of a failure.
func lastLines(s string, n int) string {
	var lines []string
	for line := range strings.Lines(s) {
		if line = strings.TrimSpace(line); line != "" {
			lines = append(lines, line)
		}
	}
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	if len(lines) == 0 {
		return "no output"
	}
	return strings.Join(lines, " | ")
}
