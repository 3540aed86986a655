package workflow

import (
	"golang.org/x/sys/unix"
)

// askForSignalOnParentExit makes the kernel send this process SIGTERM when
// its parent exits. `go tool mage` runs the targets as a grandchild, and
// neither cmd/go (1.26) nor the mage runner (v1.17) passes SIGTERM on: a
// CI job that terminates `go tool mage` kills the runner and would orphan
// this process with its server and load still running. With the parent
// death signal, the orphan stops the same way as on Ctrl-C.
func askForSignalOnParentExit() {
	// NOTE: the kernel ties the signal to the parent thread that started
	// this process; watchParent's polling covers a thread that exits early.
	_ = unix.Prctl(unix.PR_SET_PDEATHSIG, uintptr(unix.SIGTERM), 0, 0, 0)
}
