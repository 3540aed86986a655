package server

import (
	"fmt"
	"os"
	"strconv"
	"syscall"
	"time"

	"golang.org/x/sys/unix"
)

// ExitInfo describes how a server process ended.
type ExitInfo struct {
	// Code is the exit status, or -1 when a signal killed the process.
	Code int

	// Signal is the name of the signal that killed the process, such as
	// "SIGTERM" or "SIGKILL", or its number when it has no name. It is ""
	// when the process exited by itself.
	Signal string

	// Exited is true once the process has ended and been reaped. It is false
	// only in the zero ExitInfo of a process that is still running.
	Exited bool

	// Unexpected is true when the process ended before Stop was called or
	// Start gave up on it, which means it crashed or quit on its own.
	Unexpected bool

	// At is when the process was reaped.
	At time.Time
}

// String returns "exit status 3", "signal SIGKILL" or "running".
func (info ExitInfo) String() string {
	switch {
	case !info.Exited:
		return "running"
	case info.Signal != "":
		return "signal " + info.Signal
	default:
		return fmt.Sprintf("exit status %d", info.Code)
	}
}

// newExitInfo converts the state that exec.Cmd.Wait left.
func newExitInfo(state *os.ProcessState, unexpected bool, at time.Time) ExitInfo {
	info := ExitInfo{Code: -1, Exited: true, Unexpected: unexpected, At: at}
	if state == nil {
		return info
	}

	status, ok := state.Sys().(syscall.WaitStatus)
	if ok && status.Signaled() {
		info.Signal = signalName(status.Signal())
		return info
	}
	info.Code = state.ExitCode()
	return info
}

func signalName(sig syscall.Signal) string {
	if name := unix.SignalName(sig); name != "" {
		return name
	}
	return strconv.Itoa(int(sig))
}
