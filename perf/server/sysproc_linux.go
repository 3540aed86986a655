package server

import (
	"errors"
	"syscall"

	"golang.org/x/sys/unix"
)

// processGroupAttr puts the server in a new process group whose id is its
// pid, so one signal reaches the server and every child it starts.
// Pdeathsig makes the kernel SIGKILL the server when the harness dies, even
// by SIGKILL, where no cleanup code runs.
//
// NOTE: Pdeathsig fires when the OS thread that started the server exits,
// not only the harness process. The Go runtime keeps its threads unless a
// goroutine exits while locked to one with runtime.LockOSThread. Pdeathsig
// also reaches only the server itself, so its children outlive a
// hard-killed harness.
func processGroupAttr() *syscall.SysProcAttr {
	return &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGKILL}
}

// waitUntilExited blocks until the process has exited but leaves it
// unreaped. While the zombie exists its pid, and so its process group id,
// cannot be reused, which makes signalling the group afterwards safe.
func waitUntilExited(pid int) error {
	for {
		var info unix.Siginfo
		err := unix.Waitid(unix.P_PID, pid, &info, unix.WEXITED|unix.WNOWAIT, nil)
		if !errors.Is(err, unix.EINTR) {
			return err
		}
	}
}
