package server

import (
	"context"
	"errors"
	"fmt"
	"github.com/m17/perfgate/perf/internal/testlock"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

// TestMain fails the run when a test leaves a started process registered,
// then stops it, so a broken test cannot leak a server.
func TestMain(m *testing.M) {
	code := testlock.Main(m.Run)

	registry.Lock()
	leaked := len(registry.procs)
	registry.Unlock()
	if leaked > 0 {
		fmt.Fprintf(os.Stderr, "%d server processes were still running after the tests; stopping them\n", leaked)
		code = 1
	}
	StopAll()
	os.Exit(code)
}

// buildTestServer builds testdata/NAME into a temporary directory and
// returns the binary's path.
func buildTestServer(t *testing.T, name string) string {
	t.Helper()

	binary := filepath.Join(t.TempDir(), name)
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	spec := Spec{
		Name:     name,
		Dir:      filepath.Join("testdata", name),
		BuildCmd: []string{"go", "build", "-o", binary, "."},
	}
	if err := Build(ctx, spec); err != nil {
		t.Fatalf("build test server: %v", err)
	}
	return binary
}

// testSpec returns a Spec for a test server with short timeouts.
func testSpec(t *testing.T, name string, args ...string) Spec {
	t.Helper()

	port := freePort(t)
	return Spec{
		Name:            name,
		Binary:          buildTestServer(t, name),
		Args:            append([]string{"-port", strconv.Itoa(port)}, args...),
		Port:            port,
		HealthPath:      "/health",
		HealthTimeout:   10 * time.Second,
		EarlyExitWindow: -1,
		StopTimeout:     2 * time.Second,
	}
}

// startTestServer starts spec and stops the server when the test ends.
func startTestServer(t *testing.T, spec Spec) *Process {
	t.Helper()

	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	p, err := Start(ctx, spec)
	if err != nil {
		t.Fatalf("Start: %v", err)
	}
	t.Cleanup(func() {
		if _, err := p.Stop(); err != nil {
			t.Errorf("Stop in cleanup: %v", err)
		}
	})
	return p
}

// processGone reports whether pid no longer runs. A zombie counts as gone,
// because an orphan is reaped by whichever process adopted it, which may be
// slow to do so.
func processGone(pid int) bool {
	err := syscall.Kill(pid, 0)
	if errors.Is(err, syscall.ESRCH) {
		return true
	}
	stat, readErr := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
	if readErr != nil {
		return errors.Is(readErr, os.ErrNotExist)
	}
	// The state follows the command name, which is in parentheses.
	fields := strings.Fields(string(stat[strings.LastIndexByte(string(stat), ')')+1:]))
	return len(fields) > 0 && fields[0] == "Z"
}

// waitGone fails the test unless pid is gone within timeout.
func waitGone(t *testing.T, pid int, timeout time.Duration) {
	t.Helper()

	deadline := time.Now().Add(timeout)
	for !processGone(pid) {
		if time.Now().After(deadline) {
			t.Errorf("pid %d still running %s later", pid, timeout)
			_ = syscall.Kill(pid, syscall.SIGKILL)
			return
		}
		time.Sleep(20 * time.Millisecond)
	}
}

var pidPattern = regexp.MustCompile(`pid=(\d+)`)

// parsePid returns the number after the first "pid=" in text.
func parsePid(t *testing.T, text string) int {
	t.Helper()

	match := pidPattern.FindStringSubmatch(text)
	if match == nil {
		t.Fatalf("no pid=N in %q", text)
	}
	pid, err := strconv.Atoi(match[1])
	if err != nil {
		t.Fatalf("parse pid %q: %v", match[1], err)
	}
	return pid
}

// waitDoneWithin fails the test unless p exits within timeout.
func waitDoneWithin(t *testing.T, p *Process, timeout time.Duration) {
	t.Helper()

	select {
	case <-p.Done():
	case <-time.After(timeout):
		t.Fatalf("pid %d did not exit within %s", p.Pid(), timeout)
	}
}

func containsLine(lines []string, substr string) bool {
	for _, line := range lines {
		if strings.Contains(line, substr) {
			return true
		}
	}
	return false
}
