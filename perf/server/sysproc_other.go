//go:build unix && !linux

package server

import (
	"errors"
	"syscall"
)

// processGroupAttr puts the server in a new process group whose id is its
// pid, so one signal reaches the server and every child it starts. Only
// Linux can also kill the server when the harness dies.
func processGroupAttr() *syscall.SysProcAttr {
	return &syscall.SysProcAttr{Setpgid: true}
}

// waitUntilExited is not available here, so the group is signalled only
// after the server has been reaped.
func waitUntilExited(int) error {
	return errors.ErrUnsupported
}
