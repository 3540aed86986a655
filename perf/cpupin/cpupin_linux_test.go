package cpupin

import (
	"os"
	"os/exec"
	"reflect"
	"strconv"
	"testing"

	"golang.org/x/sys/unix"
)

// threadAffinities returns the CPUs of every thread of this process.
func threadAffinities(t *testing.T) map[int][]int {
	t.Helper()
	entries, err := os.ReadDir("/proc/self/task")
	if err != nil {
		t.Fatal(err)
	}
	got := map[int][]int{}
	for _, e := range entries {
		tid, _ := strconv.Atoi(e.Name())
		var set unix.CPUSet
		if err := unix.SchedGetaffinity(tid, &set); err != nil {
			continue // exited meanwhile
		}
		got[tid] = cpusOf(&set)
	}
	return got
}

func allowedOrSkip(t *testing.T) []int {
	t.Helper()
	cpus, err := Allowed()
	if err != nil {
		t.Fatal(err)
	}
	if len(cpus) < 2 {
		t.Skipf("this process may run on %d CPU(s); pinning tests need 2", len(cpus))
	}
	return cpus
}

func TestPinProcessMovesEveryThreadAndRestores(t *testing.T) {
	cpus := allowedOrSkip(t)
	last := cpus[len(cpus)-1:]

	restore, err := PinProcess(last)
	if err != nil {
		t.Fatalf("PinProcess(%v): %v", last, err)
	}
	// A thread started after pinning inherits it.
	done := make(chan []int)
	go func() {
		var set unix.CPUSet
		_ = unix.SchedGetaffinity(0, &set)
		done <- cpusOf(&set)
	}()
	if got := <-done; !reflect.DeepEqual(got, last) {
		t.Errorf("a goroutine's thread runs on %v after pinning, want %v", got, last)
	}
	for tid, got := range threadAffinities(t) {
		if !reflect.DeepEqual(got, last) {
			t.Errorf("thread %d runs on %v after pinning, want %v", tid, got, last)
		}
	}

	if err := restore(); err != nil {
		t.Fatalf("restore: %v", err)
	}
	for tid, got := range threadAffinities(t) {
		if !reflect.DeepEqual(got, cpus) {
			t.Errorf("thread %d runs on %v after restore, want %v", tid, got, cpus)
		}
	}
}

func TestStartCommandPinsTheChildOnly(t *testing.T) {
	cpus := allowedOrSkip(t)
	sleep, err := exec.LookPath("sleep")
	if err != nil {
		t.Skip("no sleep command to start")
	}
	first := cpus[:1]

	cmd := exec.Command(sleep, "10")
	if err := StartCommand(cmd, first); err != nil {
		t.Fatalf("StartCommand: %v", err)
	}
	defer func() {
		_ = cmd.Process.Kill()
		_ = cmd.Wait()
	}()

	var set unix.CPUSet
	if err := unix.SchedGetaffinity(cmd.Process.Pid, &set); err != nil {
		t.Fatalf("read the child's affinity: %v", err)
	}
	if got := cpusOf(&set); !reflect.DeepEqual(got, first) {
		t.Errorf("child runs on %v, want %v", got, first)
	}
	for tid, got := range threadAffinities(t) {
		if !reflect.DeepEqual(got, cpus) {
			t.Errorf("thread %d of the parent runs on %v after the start, want %v", tid, got, cpus)
		}
	}
}

func TestStartCommandRejectsAbsentCPU(t *testing.T) {
	allowedOrSkip(t)
	cmd := exec.Command("true")
	err := StartCommand(cmd, []int{1023})
	if err == nil {
		_ = cmd.Wait()
		t.Fatal("StartCommand on CPU 1023 succeeded, want an error")
	}
	if cmd.Process != nil {
		t.Errorf("a process was started despite the error")
	}
}
