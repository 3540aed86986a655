package server

import (
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"
)

func TestStopGracefulExit(t *testing.T) {
	spec := testSpec(t, "healthy", "-graceful")
	p := startTestServer(t, spec)

	exit, err := p.Stop()

	if err != nil {
		t.Fatalf("Stop: %v", err)
	}
	if !exit.Exited || exit.Code != 0 || exit.Signal != "" || exit.Unexpected {
		t.Errorf("Stop() = %+v, want exit status 0 and not Unexpected", exit)
	}
	if !containsLine(p.LastLines(maxLogLines), "shutting down") {
		t.Errorf("LastLines = %q, want the line written while stopping", p.LastLines(maxLogLines))
	}
}

func TestStopEscalatesToSIGKILL(t *testing.T) {
	spec := testSpec(t, "ignoreterm")
	spec.StopTimeout = 300 * time.Millisecond
	p := startTestServer(t, spec)

	started := time.Now()
	exit, err := p.Stop()
	elapsed := time.Since(started)

	if err != nil {
		t.Fatalf("Stop: %v", err)
	}
	if exit.Signal != "SIGKILL" || exit.Unexpected {
		t.Errorf("Stop() = %+v, want killed by SIGKILL and not Unexpected", exit)
	}
	if elapsed < 300*time.Millisecond || elapsed > 5*time.Second {
		t.Errorf("Stop took %s, want just over the 300ms StopTimeout", elapsed)
	}
	waitGone(t, p.Pid(), time.Second)
}

func TestStopWithinShortensGrace(t *testing.T) {
	spec := testSpec(t, "ignoreterm")
	spec.StopTimeout = time.Minute
	p := startTestServer(t, spec)

	started := time.Now()
	exit, err := p.StopWithin(300 * time.Millisecond)
	elapsed := time.Since(started)

	if err != nil {
		t.Fatalf("StopWithin: %v", err)
	}
	if exit.Signal != "SIGKILL" {
		t.Errorf("StopWithin() = %+v, want killed by SIGKILL", exit)
	}
	if elapsed > 5*time.Second {
		t.Errorf("StopWithin(300ms) took %s, want just over 300ms rather than the 1m StopTimeout", elapsed)
	}
	waitGone(t, p.Pid(), time.Second)
}

func TestStopKillsChildren(t *testing.T) {
	spec := testSpec(t, "spawnchild")
	p := startTestServer(t, spec)
	childPid := parsePid(t, p.LastLines(maxLogLines)[0])
	if processGone(childPid) {
		t.Fatalf("child pid %d is not running before Stop", childPid)
	}

	if _, err := p.Stop(); err != nil {
		t.Fatalf("Stop: %v", err)
	}

	waitGone(t, childPid, 5*time.Second)
}

func TestCrashDetected(t *testing.T) {
	spec := testSpec(t, "healthy", "-crash-after", "500ms")
	p := startTestServer(t, spec)

	waitDoneWithin(t, p, 10*time.Second)

	exit := p.Exit()
	if !exit.Exited || !exit.Unexpected || exit.Code != 2 {
		t.Errorf("Exit() = %+v, want Unexpected with exit status 2", exit)
	}
	if !containsLine(p.LastLines(5), "panic: simulated crash") {
		t.Errorf("LastLines(5) = %q, want the crash line", p.LastLines(5))
	}
	stopped, err := p.Stop()
	if err != nil || stopped != exit {
		t.Errorf("Stop() after crash = %+v, %v, want %+v and no error", stopped, err, exit)
	}
}

func TestCrashKillsChildren(t *testing.T) {
	spec := testSpec(t, "spawnchild", "-crash-after", "500ms")
	p := startTestServer(t, spec)
	childPid := parsePid(t, p.LastLines(maxLogLines)[0])

	waitDoneWithin(t, p, 10*time.Second)

	if !p.Exit().Unexpected {
		t.Errorf("Exit() = %+v, want Unexpected", p.Exit())
	}
	waitGone(t, childPid, 5*time.Second)
}

func TestStopConcurrentCalls(t *testing.T) {
	spec := testSpec(t, "healthy")
	p := startTestServer(t, spec)

	const callers = 8
	exits := make([]ExitInfo, callers)
	errs := make([]error, callers)
	var wg sync.WaitGroup
	for i := range callers {
		wg.Go(func() { exits[i], errs[i] = p.Stop() })
	}
	wg.Wait()

	for i := range callers {
		if errs[i] != nil {
			t.Errorf("Stop call %d: %v", i, errs[i])
		}
		if exits[i] != exits[0] || !exits[i].Exited {
			t.Errorf("Stop call %d = %+v, want the same ExitInfo as call 0 (%+v)", i, exits[i], exits[0])
		}
	}
}

func TestStopAllStopsEveryServer(t *testing.T) {
	first := startTestServer(t, testSpec(t, "healthy"))
	second := startTestServer(t, testSpec(t, "ignoreterm"))

	StopAll()

	for _, p := range []*Process{first, second} {
		select {
		case <-p.Done():
		default:
			t.Errorf("pid %d not done after StopAll", p.Pid())
			continue
		}
		if p.Exit().Unexpected {
			t.Errorf("pid %d: Exit() = %+v, want a requested stop", p.Pid(), p.Exit())
		}
		waitGone(t, p.Pid(), time.Second)
	}
	registry.Lock()
	remaining := len(registry.procs)
	registry.Unlock()
	if remaining != 0 {
		t.Errorf("%d processes still registered after StopAll", remaining)
	}
}

func TestStopClosesFiles(t *testing.T) {
	spec := testSpec(t, "healthy")
	spec.LogPath = filepath.Join(t.TempDir(), "healthy.log")
	runOnce := func() {
		t.Helper()
		p := startTestServer(t, spec)
		if _, err := p.Stop(); err != nil {
			t.Fatalf("Stop: %v", err)
		}
	}
	// The first run opens descriptors that the runtime keeps, such as the
	// poller's.
	runOnce()
	before := openFileCount(t)

	for range 3 {
		runOnce()
	}

	// A descriptor can close a moment after Stop returns (a pipe reader
	// or a pidfd released by another goroutine), so a leak is a count that
	// stays above the start for 3 s, not one reading.
	after := openFileCount(t)
	for deadline := time.Now().Add(3 * time.Second); after > before && time.Now().Before(deadline); {
		time.Sleep(100 * time.Millisecond)
		after = openFileCount(t)
	}
	if after > before {
		t.Errorf("open files grew from %d to %d over 3 start-stop cycles", before, after)
	}
}

func openFileCount(t *testing.T) int {
	t.Helper()

	entries, err := os.ReadDir("/proc/self/fd")
	if err != nil {
		t.Fatalf("list open files: %v", err)
	}
	return len(entries)
}
