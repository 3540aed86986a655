package server

import (
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"syscall"
	"time"
)

// killWaitTimeout bounds the wait for a process group after SIGKILL. Only a
// process blocked in the kernel (state D) survives SIGKILL for long.
const killWaitTimeout = 10 * time.Second

// registry holds every process started by this package that has not been
// reaped yet, for StopAll.
var registry = struct {
	sync.Mutex
	procs map[*Process]struct{}
}{procs: make(map[*Process]struct{})}

// Stop sends SIGTERM to the server's process group, then SIGKILL when the
// server has not exited after spec.StopTimeout, and waits until it is
// reaped. It returns how the server ended. A server that had already
// crashed returns its ExitInfo with Unexpected set and no error. The error
// is non-nil only when the server survives SIGKILL. Stop may be called any
// number of times and from several goroutines.
func (p *Process) Stop() (ExitInfo, error) {
	return p.StopWithin(p.spec.StopTimeout)
}

// StopWithin is Stop with SIGKILL sent after limit, or after
// spec.StopTimeout when that is shorter. It is for a caller with a deadline
// of its own, such as an interrupted run whose partial result must be
// written before mage gives up on it.
func (p *Process) StopWithin(limit time.Duration) (ExitInfo, error) {
	grace := min(limit, p.spec.StopTimeout)
	p.stopMu.Lock()
	defer p.stopMu.Unlock()

	p.stopRequested.Store(true)
	select {
	case <-p.done:
		return p.exit, nil
	default:
	}

	if err := p.signalGroup(syscall.SIGTERM); err != nil {
		slog.Warn("cannot send SIGTERM to server; sending SIGKILL", "name", p.spec.Name, "pid", p.pid, "error", err)
	} else if p.waitDone(grace) {
		return p.exit, nil
	} else {
		slog.Warn("server did not exit after SIGTERM; sending SIGKILL", "name", p.spec.Name, "pid", p.pid, "stop_timeout", grace)
	}

	if err := p.signalGroup(syscall.SIGKILL); err != nil {
		return ExitInfo{}, fmt.Errorf("stop %s: send SIGKILL to process group %d: %w; kill it by hand with `kill -KILL -- -%d`", p.spec.Name, p.pid, err, p.pid)
	}
	if !p.waitDone(killWaitTimeout) {
		return ExitInfo{}, fmt.Errorf("stop %s: pid %d still running %s after SIGKILL; check its state with `ps -o stat= -p %d`", p.spec.Name, p.pid, killWaitTimeout, p.pid)
	}
	return p.exit, nil
}

// abort kills the process group at once, for Start's error paths, where the
// server is broken and a graceful stop only costs time.
func (p *Process) abort() {
	p.stopRequested.Store(true)
	if err := p.signalGroup(syscall.SIGKILL); err != nil {
		slog.Error("cannot kill server after a failed start", "name", p.spec.Name, "pid", p.pid, "error", err)
	}
	if !p.waitDone(killWaitTimeout) {
		slog.Error("server still running after SIGKILL; StopAll will try again", "name", p.spec.Name, "pid", p.pid, "timeout", killWaitTimeout)
	}
}

// signalGroup sends sig to every process in the server's process group. It
// does nothing once the server has been reaped, because the group id may
// then be reused.
func (p *Process) signalGroup(sig syscall.Signal) error {
	p.signalMu.Lock()
	defer p.signalMu.Unlock()

	return p.killGroupLocked(sig)
}

// killGroupLocked is signalGroup for a caller that holds signalMu.
func (p *Process) killGroupLocked(sig syscall.Signal) error {
	if p.reaped {
		return nil
	}
	err := syscall.Kill(-p.pid, sig)
	if errors.Is(err, syscall.ESRCH) {
		return nil
	}
	return err
}

// waitDone reports whether the server was reaped within timeout.
func (p *Process) waitDone(timeout time.Duration) bool {
	timer := time.NewTimer(timeout)
	defer timer.Stop()

	select {
	case <-p.done:
		return true
	case <-timer.C:
		return false
	}
}

// StopAll stops, in parallel, every process started by this package that
// is still running, including those whose Start is still waiting for
// health. It is meant for signal handlers and deferred cleanup, so it logs
// failures instead of returning them.
func StopAll() {
	registry.Lock()
	procs := make([]*Process, 0, len(registry.procs))
	for p := range registry.procs {
		procs = append(procs, p)
	}
	registry.Unlock()

	var wg sync.WaitGroup
	for _, p := range procs {
		wg.Go(func() {
			if _, err := p.Stop(); err != nil {
				slog.Error("cannot stop server", "name", p.spec.Name, "pid", p.pid, "error", err)
			}
		})
	}
	wg.Wait()
}
