//go:build !linux

package cpupin

import (
	"errors"
	"os/exec"
)

var errUnsupported = errors.New("pin CPUs: CPU pinning needs Linux (sched_setaffinity); unset PERF_PIN_CPUS")

// Allowed reports that pinning is not available here.
func Allowed() ([]int, error) { return nil, errUnsupported }

// PinProcess reports that pinning is not available here.
func PinProcess(cpus []int) (restore func() error, err error) { return nil, errUnsupported }

// StartCommand is cmd.Start; with cpus it reports that pinning is not
// available here.
func StartCommand(cmd *exec.Cmd, cpus []int) error {
	if len(cpus) == 0 {
		return cmd.Start()
	}
	return errUnsupported
}
