package server

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/m17/perfgate/perf/cpupin"
)

// errorLogLines is how many trailing output lines a Start error carries.
const errorLogLines = 20

// Process is a running server started by Start. Its methods are safe for
// concurrent use.
type Process struct {
	spec        Spec
	cmd         *exec.Cmd
	pid         int
	commandLine string
	launchedAt  time.Time
	output      *outputCapture

	done chan struct{}
	exit ExitInfo // written once, before done is closed

	// signalMu orders signals against reaping. Once reaped is true the
	// process group id may belong to an unrelated process.
	signalMu sync.Mutex
	reaped   bool

	healthy       atomic.Bool // set when Start succeeds; before that Start reports an exit itself
	stopRequested atomic.Bool
	stopMu        sync.Mutex // serialises Stop calls

	healthPayload atomic.Pointer[string]
}

// Start starts spec.Binary and waits until GET
// http://127.0.0.1:Port+HealthPath returns 2xx.
//
// It checks the port first and starts the server in its own process group
// with stdin from /dev/null and stdout and stderr captured. Start fails when
// the server exits before it is healthy or within spec.EarlyExitWindow of
// launch, when it is not healthy within spec.HealthTimeout, or when ctx is
// done. The error then carries the server's last output lines, and the
// whole process group has been killed. After Start returns, ctx no longer
// affects the process, and Stop or StopAll ends it.
func Start(ctx context.Context, spec Spec) (*Process, error) {
	spec = spec.withDefaults()
	if err := spec.validateForStart(); err != nil {
		return nil, err
	}
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("start %s: %w", spec.Name, err)
	}
	if err := CheckPort(spec.Port); err != nil {
		return nil, fmt.Errorf("start %s: %w", spec.Name, err)
	}

	p, err := launch(spec)
	if err != nil {
		return nil, err
	}

	err = p.waitHealthy(ctx)
	if err == nil {
		err = p.waitEarlyExitWindow(ctx)
	}
	if err != nil {
		p.abort()
		return nil, fmt.Errorf("start %s: %w\n%s", spec.Name, err, formatOutput(p.LastLines(errorLogLines)))
	}

	p.healthy.Store(true)
	slog.Debug("server is healthy", "name", spec.Name, "pid", p.pid, "port", spec.Port, "startup", time.Since(p.launchedAt))
	return p, nil
}

// launch starts the server process and the goroutines that capture its
// output and reap it.
func launch(spec Spec) (*Process, error) {
	logFile, err := openLogFile(spec.LogPath)
	if err != nil {
		return nil, fmt.Errorf("start %s: %w", spec.Name, err)
	}
	closeLogFile := func() {
		if logFile != nil {
			_ = logFile.Close()
		}
	}

	// Stdout and stderr share one pipe, so the log interleaves them in the
	// order the server wrote them.
	readEnd, writeEnd, err := os.Pipe()
	if err != nil {
		closeLogFile()
		return nil, fmt.Errorf("start %s: create output pipe: %w", spec.Name, err)
	}

	cmd := exec.Command(spec.Binary, spec.Args...)
	cmd.Dir = spec.Dir
	cmd.Env = append(os.Environ(), spec.Env...)
	cmd.Stdout = writeEnd
	cmd.Stderr = writeEnd
	cmd.SysProcAttr = processGroupAttr()
	commandLine := shellQuote(append([]string{spec.Binary}, spec.Args...))

	// The fork and the registration share one lock, so StopAll cannot miss
	// a process that has been forked.
	registry.Lock()
	err = cpupin.StartCommand(cmd, spec.CPUs)
	var p *Process
	if err == nil {
		p = &Process{
			spec:        spec,
			cmd:         cmd,
			pid:         cmd.Process.Pid,
			commandLine: commandLine,
			launchedAt:  time.Now(),
			output:      newOutputCapture(spec.Name, readEnd, logFile),
			done:        make(chan struct{}),
		}
		registry.procs[p] = struct{}{}
	}
	registry.Unlock()

	// Only the server and its children may hold the write end, so that the
	// reader sees end of file when they have all exited.
	_ = writeEnd.Close()
	if err != nil {
		_ = readEnd.Close()
		closeLogFile()
		return nil, fmt.Errorf("start %s: %w; check Spec.Binary and Spec.Dir, and build the server first", spec.Name, err)
	}

	go p.output.run()
	go p.reap()
	slog.Debug("started server", "name", spec.Name, "pid", p.pid, "command", commandLine, "dir", spec.Dir)
	return p, nil
}

func openLogFile(path string) (*os.File, error) {
	if path == "" {
		return nil, nil
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return nil, fmt.Errorf("create directory for log file %s: %w", path, err)
	}
	// Append, so the trials of one phase share one log file.
	file, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_APPEND, 0o644)
	if err != nil {
		return nil, fmt.Errorf("create log file %s: %w; check Spec.LogPath", path, err)
	}
	return file, nil
}

// reap waits for the server to exit, kills what is left of its process
// group, drains its output and publishes the ExitInfo.
//
// Children that outlive the server are killed at once, even during a
// graceful Stop, because they belong to this run and nothing else would
// stop them.
func (p *Process) reap() {
	waitidErr := waitUntilExited(p.pid)
	unexpected := !p.stopRequested.Load()

	var waitErr error
	if waitidErr == nil {
		// The server is a zombie until Wait, so its group id is still
		// unused by anyone else and Wait returns at once.
		p.signalMu.Lock()
		if err := p.killGroupLocked(syscall.SIGKILL); err != nil {
			slog.Warn("cannot kill the rest of the server's process group", "name", p.spec.Name, "pgid", p.pid, "error", err)
		}
		waitErr = p.cmd.Wait()
		p.reaped = true
		p.signalMu.Unlock()
	} else {
		if !errors.Is(waitidErr, errors.ErrUnsupported) {
			slog.Warn("cannot wait for server without reaping it; its children are not killed when it exits",
				"name", p.spec.Name, "pid", p.pid, "error", waitidErr)
		}
		// Stop must still be able to send signals while Wait blocks, so the
		// lock is taken only to mark the process reaped.
		waitErr = p.cmd.Wait()
		p.signalMu.Lock()
		p.reaped = true
		p.signalMu.Unlock()
	}

	var exitError *exec.ExitError
	if waitErr != nil && !errors.As(waitErr, &exitError) {
		slog.Warn("cannot reap server", "name", p.spec.Name, "pid", p.pid, "error", waitErr)
	}

	at := time.Now()
	p.output.finish()
	p.exit = newExitInfo(p.cmd.ProcessState, unexpected, at)

	registry.Lock()
	delete(registry.procs, p)
	registry.Unlock()

	if p.exit.Unexpected && p.healthy.Load() {
		slog.Warn("server exited unexpectedly", "name", p.spec.Name, "pid", p.pid, "exit", p.exit.String())
	} else {
		slog.Debug("server exited", "name", p.spec.Name, "pid", p.pid, "exit", p.exit.String())
	}
	close(p.done)
}

// Pid returns the server's process id, which is also its process group id.
func (p *Process) Pid() int {
	return p.pid
}

// CommandLine returns the binary and its arguments, quoted for a POSIX
// shell.
func (p *Process) CommandLine() string {
	return p.commandLine
}

// Done returns a channel that is closed when the server has exited and its
// output has been drained.
func (p *Process) Done() <-chan struct{} {
	return p.done
}

// Exit returns how the server ended, or the zero ExitInfo while it runs.
func (p *Process) Exit() ExitInfo {
	select {
	case <-p.done:
		return p.exit
	default:
		return ExitInfo{}
	}
}

// LastLines returns up to the last n lines of the server's combined stdout
// and stderr, oldest first. At most 200 lines are kept.
func (p *Process) LastLines(n int) []string {
	return p.output.ring.last(n)
}

// HealthPayload returns the body of the health response that made Start
// succeed, truncated to 4 KiB.
func (p *Process) HealthPayload() string {
	if payload := p.healthPayload.Load(); payload != nil {
		return *payload
	}
	return ""
}

// formatOutput renders output lines for the end of an error message.
func formatOutput(lines []string) string {
	if len(lines) == 0 {
		return "the server wrote no output"
	}
	return "last output:\n    " + strings.Join(lines, "\n    ")
}
