package cpupin

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"runtime"
	"strconv"

	"golang.org/x/sys/unix"
)

// maxPasses bounds the passes over the process's threads. Each pass pins
// the threads it lists, and a pass that finds them all pinned ends the loop.
const maxPasses = 10

// Allowed returns the CPUs the calling thread may run on, in order.
func Allowed() ([]int, error) {
	var set unix.CPUSet
	if err := unix.SchedGetaffinity(0, &set); err != nil {
		return nil, fmt.Errorf("pin CPUs: read this process's CPU affinity: %w", err)
	}
	return cpusOf(&set), nil
}

func cpusOf(set *unix.CPUSet) []int {
	var cpus []int
	for c := 0; c < len(set)*64; c++ {
		if set.IsSet(c) {
			cpus = append(cpus, c)
		}
	}
	return cpus
}

func setOf(cpus []int) *unix.CPUSet {
	var set unix.CPUSet
	for _, c := range cpus {
		set.Set(c)
	}
	return &set
}

// PinProcess moves every thread of this process to cpus. A new thread
// inherits the affinity of the thread that creates it, so once every
// present thread is pinned, new ones are too. PinProcess therefore passes
// over the thread list until one pass finds nothing left to pin. restore
// gives every thread back the affinity the calling thread had before.
func PinProcess(cpus []int) (restore func() error, err error) {
	var old unix.CPUSet
	if err := unix.SchedGetaffinity(0, &old); err != nil {
		return nil, fmt.Errorf("pin CPUs: read this process's CPU affinity: %w", err)
	}
	if err := setAllThreads(setOf(cpus)); err != nil {
		// Leave no thread half-moved.
		_ = setAllThreads(&old)
		return nil, fmt.Errorf("pin the load generator to CPU %s: %w", List(cpus), err)
	}
	return func() error {
		if err := setAllThreads(&old); err != nil {
			return fmt.Errorf("restore the CPU affinity of the load generator: %w", err)
		}
		return nil
	}, nil
}

// setAllThreads sets the affinity of every thread of this process.
func setAllThreads(set *unix.CPUSet) error {
	dir := "/proc/" + strconv.Itoa(os.Getpid()) + "/task"
	for range maxPasses {
		entries, err := os.ReadDir(dir)
		if err != nil {
			return err
		}
		changed := false
		for _, e := range entries {
			tid, err := strconv.Atoi(e.Name())
			if err != nil {
				continue
			}
			var cur unix.CPUSet
			if err := unix.SchedGetaffinity(tid, &cur); err != nil {
				if errors.Is(err, unix.ESRCH) {
					continue // the thread exited
				}
				return err
			}
			if cur == *set {
				continue
			}
			if err := unix.SchedSetaffinity(tid, set); err != nil && !errors.Is(err, unix.ESRCH) {
				return err
			}
			changed = true
		}
		if !changed {
			return nil
		}
	}
	return fmt.Errorf("threads kept appearing with another affinity after %d passes", maxPasses)
}

// StartCommand starts cmd with its affinity set to cpus from its first
// instruction: it forks from a thread locked to cpus, whose affinity the
// child inherits, and then gives that thread its affinity back. With no
// cpus it is cmd.Start.
func StartCommand(cmd *exec.Cmd, cpus []int) error {
	if len(cpus) == 0 {
		return cmd.Start()
	}
	errc := make(chan error, 1)
	go func() {
		runtime.LockOSThread()
		var old unix.CPUSet
		if err := unix.SchedGetaffinity(0, &old); err != nil {
			runtime.UnlockOSThread()
			errc <- fmt.Errorf("pin the server to CPU %s: read the affinity: %w", List(cpus), err)
			return
		}
		if err := unix.SchedSetaffinity(0, setOf(cpus)); err != nil {
			runtime.UnlockOSThread()
			errc <- fmt.Errorf("pin the server to CPU %s: %w; check the CPU numbers against nproc", List(cpus), err)
			return
		}
		errc <- cmd.Start()
		if unix.SchedSetaffinity(0, &old) != nil {
			// The thread keeps the server's CPUs. It must not run other
			// goroutines, nor exit: the server's parent-death signal is
			// tied to the thread that forked it. Park it for good.
			select {}
		}
		runtime.UnlockOSThread()
	}()
	return <-errc
}
