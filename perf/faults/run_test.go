package faults

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"golang.org/x/sys/unix"

	"github.com/m17/perfgate/perf/result"
	"github.com/m17/perfgate/perf/workflow"
)

var mage struct {
	once   sync.Once
	binary string
	err    error
}

// mageBinary compiles the repository's magefile once with go tool mage
// -compile and returns the binary.
func mageBinary(tb testing.TB) string {
	tb.Helper()
	mage.once.Do(func() {
		mage.binary = filepath.Join(tempRoot, "perfmage")
		compile := exec.Command("go", "tool", "mage", "-compile", mage.binary)
		compile.Dir = repoRoot(tb)
		if out, err := compile.CombinedOutput(); err != nil {
			mage.err = fmt.Errorf("go tool mage -compile: %v\n%s", err, out)
		}
	})
	if mage.err != nil {
		tb.Fatal(mage.err)
	}
	return mage.binary
}

// mageWorkspace returns a new folder in which the compiled magefile can
// run its build command, go build -o bin/refserver ./cmd/refserver,
// without writing into the repository. The folder is a module of its own
// whose cmd/refserver contains the non-test Go files of source, which may
// import only the standard library.
func mageWorkspace(tb testing.TB, source string) string {
	tb.Helper()
	workspace := tempDir(tb, "workspace")
	dest := filepath.Join(workspace, "cmd", "refserver")
	if err := os.MkdirAll(dest, 0o755); err != nil {
		tb.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(workspace, "go.mod"), []byte("module workspace\n\ngo 1.26\n"), 0o644); err != nil {
		tb.Fatal(err)
	}
	sources, err := filepath.Glob(filepath.Join(source, "*.go"))
	if err != nil || len(sources) == 0 {
		tb.Fatalf("no Go files in %s (%v)", source, err)
	}
	for _, src := range sources {
		if strings.HasSuffix(src, "_test.go") {
			continue
		}
		data, err := os.ReadFile(src)
		if err != nil {
			tb.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dest, filepath.Base(src)), data, 0o644); err != nil {
			tb.Fatal(err)
		}
	}
	return workspace
}

// mageRun is the compiled magefile running as its own process group.
type mageRun struct {
	pid    int
	output *syncBuffer
	done   chan struct{}
	state  *os.ProcessState
}

// startMage runs the compiled magefile with args in workspace, with the
// PERF_* variables of env and none from this process.
func startMage(tb testing.TB, workspace string, env map[string]string, args ...string) *mageRun {
	tb.Helper()
	binary := mageBinary(tb)

	cmd := exec.Command(binary, args...)
	cmd.Dir = workspace
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "PERF_") {
			cmd.Env = append(cmd.Env, kv)
		}
	}
	cmd.Env = append(cmd.Env, "GOWORK=off", "GOTOOLCHAIN=local", "NO_COLOR=1")
	for k, v := range env {
		cmd.Env = append(cmd.Env, k+"="+v)
	}

	run := &mageRun{output: &syncBuffer{}, done: make(chan struct{})}
	cmd.Stdout = run.output
	cmd.Stderr = run.output
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	if err := cmd.Start(); err != nil {
		tb.Fatalf("start %s: %v", binary, err)
	}
	run.pid = cmd.Process.Pid
	trackPid(run.pid)
	go func() {
		_ = cmd.Wait()
		run.state = cmd.ProcessState
		close(run.done)
	}()
	tb.Cleanup(func() {
		_ = syscall.Kill(-run.pid, syscall.SIGKILL)
		<-run.done
	})
	return run
}

// wait returns the exit status, or fails the test after timeout.
func (r *mageRun) wait(tb testing.TB, timeout time.Duration) int {
	tb.Helper()
	select {
	case <-r.done:
		return r.state.ExitCode()
	case <-time.After(timeout):
		tb.Fatalf("the magefile binary (pid %d) still runs %s later; output:\n%s", r.pid, timeout, r.output)
		return -1
	}
}

// phaseEnv returns the PERF_* variables of a one-trial phase of the light
// scenario on port, writing to results.
func phaseEnv(tb testing.TB, port int, results string, duration time.Duration) map[string]string {
	tb.Helper()
	return map[string]string{
		"PERF_RESULTS_DIR": results,
		"PERF_PORT":        strconv.Itoa(port),
		"PERF_SCENARIO":    testdataPath(tb, "light.toml"),
		"PERF_DURATION":    duration.String(),
		"PERF_TRIALS":      "1",
		"PERF_WARMUP":      "200ms",
		"PERF_RATE":        "200",
	}
}

// waitServerPid returns the pid of the server on port once it runs.
func waitServerPid(tb testing.TB, run *mageRun, port int, timeout time.Duration) int {
	tb.Helper()
	deadline := time.Now().Add(timeout)
	for {
		if pids := serverPids(port); len(pids) > 0 {
			return pids[0]
		}
		select {
		case <-run.done:
			tb.Fatalf("the magefile binary exited (%v) before a server ran on port %d; output:\n%s", run.state, port, run.output)
		default:
		}
		if time.Now().After(deadline) {
			tb.Fatalf("no server runs on port %d after %s; output:\n%s", port, timeout, run.output)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// waitLoadStarted waits until the server on port has served more requests
// than the preflight and preload of light.toml send (2 and 50), so the
// timed load is under way.
func waitLoadStarted(tb testing.TB, port int, timeout time.Duration) {
	tb.Helper()
	client := &http.Client{Timeout: time.Second}
	deadline := time.Now().Add(timeout)
	for {
		if served := servedRequests(client, port); served > 100 {
			return
		}
		if time.Now().After(deadline) {
			tb.Fatalf("the server on port %d served no load within %s", port, timeout)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// servedRequests returns the sum of the reference server's request
// counters in /debug/vars, or 0 when they cannot be read.
func servedRequests(client *http.Client, port int) int64 {
	resp, err := client.Get("http://" + loopbackAddr(port) + "/debug/vars")
	if err != nil {
		return 0
	}
	defer resp.Body.Close()
	var vars struct {
		Requests map[string]int64 `json:"requests"`
	}
	if err := json.NewDecoder(io.LimitReader(resp.Body, 1<<20)).Decode(&vars); err != nil {
		return 0
	}
	var total int64
	for _, n := range vars.Requests {
		total += n
	}
	return total
}

// interruptedRun is a phase run by the compiled magefile that got a
// signal during its load.
type interruptedRun struct {
	*mageRun
	results   string
	serverPid int
	// status and elapsed are the exit status and the time from the signal
	// to the exit.
	status  int
	elapsed time.Duration
}

// interruptLoad runs perf:before with the server built from source, and
// sends sig to the magefile binary once the timed load is under way.
func interruptLoad(t *testing.T, source string, sig syscall.Signal) interruptedRun {
	t.Helper()
	results := tempDir(t, "results")
	port := freePort(t)
	workspace := mageWorkspace(t, source)
	run := startMage(t, workspace, phaseEnv(t, port, results, 10*time.Second), "perf:before", "sig")
	serverPid := waitServerPid(t, run, port, time.Minute)
	waitLoadStarted(t, port, 30*time.Second)

	signalled := time.Now()
	if err := syscall.Kill(run.pid, sig); err != nil {
		t.Fatalf("send %s to pid %d: %v", unix.SignalName(sig), run.pid, err)
	}
	status := run.wait(t, 30*time.Second)
	return interruptedRun{mageRun: run, results: results, serverPid: serverPid, status: status, elapsed: time.Since(signalled)}
}

// assertInterrupted checks what an interrupted run must leave: exit status
// 130, an incomplete result with the trial's requests, no server, no
// member of the binary's process group and no lock file.
func assertInterrupted(t *testing.T, run interruptedRun) {
	t.Helper()
	if run.status != workflow.ExitInterrupted {
		t.Errorf("exit status = %d, want %d (interrupted); output:\n%s", run.status, workflow.ExitInterrupted, run.output)
	}
	if strings.Contains(run.output.String(), "cleanup timeout exceeded") {
		t.Errorf("mage gave up waiting for the cleanup:\n%s", run.output)
	}

	r := newestResult(t, run.results, "sig", result.PhaseBefore)
	if r.Complete {
		t.Error("the interrupted run's result is marked complete")
	}
	if !strings.Contains(r.IncompleteReason, "interrupted") {
		t.Errorf("incomplete_reason = %q, want it to say the run was interrupted", r.IncompleteReason)
	}
	if len(r.Trials) != 1 || r.Trials[0].Requests == 0 {
		t.Errorf("the result has %d trials, want the interrupted one with its requests", len(r.Trials))
	}

	if processRunning(run.serverPid) {
		t.Errorf("server pid %d still runs after the magefile binary exited", run.serverPid)
	}
	if err := syscall.Kill(-run.pid, 0); !errors.Is(err, syscall.ESRCH) {
		t.Errorf("process group %d still has members (kill -0: %v)", run.pid, err)
	}
	if _, err := os.Stat(filepath.Join(run.results, result.LockName)); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("the lock file is left behind (stat: %v)", err)
	}
}

func TestInterruptDuringLoad(t *testing.T) {
	for _, sig := range []syscall.Signal{syscall.SIGINT, syscall.SIGTERM} {
		t.Run(unix.SignalName(sig), func(t *testing.T) {
			run := interruptLoad(t, filepath.Join(repoRoot(t), "cmd", "refserver"), sig)

			assertInterrupted(t, run)
		})
	}
}

// TestInterruptSlowStoppingServer sends Ctrl-C to a run whose server
// takes 8 s to exit after SIGTERM. Mage (v1.17) waits 5 s for its target
// after Ctrl-C and then exits 1, so the harness must stop the server and
// write the result within that time.
func TestInterruptSlowStoppingServer(t *testing.T) {
	run := interruptLoad(t, testdataPath(t, "slowstop"), syscall.SIGINT)

	assertInterrupted(t, run)
	if run.elapsed > 5*time.Second {
		t.Errorf("the binary exited %s after Ctrl-C, later than mage's 5 s cleanup limit", run.elapsed.Round(time.Millisecond))
	}
}

// TestInterruptDuringBuild cancels the phase's context, as mage does on
// Ctrl-C, while the build command runs.
func TestInterruptDuringBuild(t *testing.T) {
	cfg := refConfig(t)
	cfg.Server.Dir = tempDir(t, "build")
	cfg.Server.BuildCmd = []string{"sleep", "30"}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	time.AfterFunc(500*time.Millisecond, cancel)

	m := measure(t, ctx, cfg, "build", result.PhaseBefore)

	if m.status != workflow.ExitInterrupted {
		t.Errorf("exit status = %d (%v), want %d (interrupted)", m.status, m.err, workflow.ExitInterrupted)
	}
	if m.elapsed > 5*time.Second {
		t.Errorf("Measure returned %s after the start, want soon after the cancel at 500ms", m.elapsed.Round(time.Millisecond))
	}
	for _, p := range listProcs() {
		if p.cwd == cfg.Server.Dir && p.running() {
			t.Errorf("the build command still runs: %s", p)
		}
	}
}

// TestLockNamesFirstRun starts a phase as a separate process and a second
// one on the same results folder in this process.
func TestLockNamesFirstRun(t *testing.T) {
	results := tempDir(t, "results")
	port := freePort(t)
	workspace := mageWorkspace(t, filepath.Join(repoRoot(t), "cmd", "refserver"))
	first := startMage(t, workspace, phaseEnv(t, port, results, 3*time.Second), "perf:before", "first")
	waitLockOwner(t, results, first.pid, time.Minute)

	second := refConfig(t)
	second.ResultsDir = results
	second.Server.Port = port
	m := measure(t, context.Background(), second, "second", result.PhaseBefore)

	if m.status != workflow.ExitFailure {
		t.Errorf("second run exit status = %d (%v), want %d", m.status, m.err, workflow.ExitFailure)
	}
	if m.err != nil && !strings.Contains(m.err.Error(), fmt.Sprintf("another run (pid %d)", first.pid)) {
		t.Errorf("error does not name the first run's pid %d: %v", first.pid, m.err)
	}
	if m.err != nil && !strings.Contains(m.err.Error(), result.LockName) {
		t.Errorf("error does not name the lock file: %v", m.err)
	}
	if status := first.wait(t, time.Minute); status != 0 {
		t.Errorf("first run exit status = %d, want 0; output:\n%s", status, first.output)
	}
	if r := newestResult(t, results, "first", result.PhaseBefore); !r.Complete {
		t.Errorf("the first run's result is incomplete: %s", r.IncompleteReason)
	}
}

// waitLockOwner waits until the lock file in dir names pid.
func waitLockOwner(tb testing.TB, dir string, pid int, timeout time.Duration) {
	tb.Helper()
	path := filepath.Join(dir, result.LockName)
	deadline := time.Now().Add(timeout)
	for {
		data, err := os.ReadFile(path)
		if err == nil && strings.TrimSpace(string(data)) == strconv.Itoa(pid) {
			return
		}
		if time.Now().After(deadline) {
			tb.Fatalf("lock file %s does not name pid %d after %s (content %q, error %v)", path, pid, timeout, data, err)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func TestLockStaleTakenOver(t *testing.T) {
	cfg := refConfig(t)
	exited := exec.Command("true")
	if err := exited.Run(); err != nil {
		t.Fatalf("run true: %v", err)
	}
	lock := filepath.Join(cfg.ResultsDir, result.LockName)
	if err := os.WriteFile(lock, []byte(strconv.Itoa(exited.Process.Pid)+"\n"), 0o644); err != nil {
		t.Fatal(err)
	}

	m := measure(t, context.Background(), cfg, "stale", result.PhaseBefore)

	if m.err != nil {
		t.Fatalf("Measure with a lock of exited pid %d: %v", exited.Process.Pid, m.err)
	}
	if r := newestResult(t, cfg.ResultsDir, "stale", result.PhaseBefore); !r.Complete {
		t.Errorf("result is incomplete: %s", r.IncompleteReason)
	}
	if _, err := os.Stat(lock); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("the lock file is left behind (stat: %v)", err)
	}
}

func TestResultsFolderNotWritable(t *testing.T) {
	cfg := refConfig(t)
	file := filepath.Join(tempDir(t, "file"), "regular")
	if err := os.WriteFile(file, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	cfg.ResultsDir = filepath.Join(file, "results")
	marker := filepath.Join(tempDir(t, "build"), "built")
	cfg.Server.BuildCmd = []string{"touch", marker}

	m := measure(t, context.Background(), cfg, "nowrite", result.PhaseBefore)

	if m.status != workflow.ExitFailure {
		t.Fatalf("exit status = %d (%v), want %d", m.status, m.err, workflow.ExitFailure)
	}
	if !strings.Contains(m.err.Error(), cfg.ResultsDir) {
		t.Errorf("error does not name the results folder %s: %v", cfg.ResultsDir, m.err)
	}
	if !strings.Contains(m.err.Error(), "PERF_RESULTS_DIR") {
		t.Errorf("error does not say how to choose another folder: %v", m.err)
	}
	if _, err := os.Stat(marker); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("the build ran although the results folder cannot be written (stat %s: %v)", marker, err)
	}
}

// mountTmpfs mounts a tmpfs of size bytes on a new folder until the test
// ends, or skips the test where mounting is not permitted.
func mountTmpfs(t *testing.T, size int) string {
	t.Helper()
	dir := tempDir(t, "tmpfs")
	if err := syscall.Mount("tmpfs", dir, "tmpfs", 0, "size="+strconv.Itoa(size)); err != nil {
		t.Skipf("cannot mount a tmpfs here (%v), so a full disk cannot be simulated", err)
	}
	t.Cleanup(func() {
		if err := syscall.Unmount(dir, syscall.MNT_DETACH); err != nil {
			t.Errorf("unmount %s: %v", dir, err)
		}
	})
	return dir
}

// fillDisk writes to a file in dir until the file system is full.
func fillDisk(t *testing.T, dir string) {
	t.Helper()
	f, err := os.Create(filepath.Join(dir, "filler"))
	if err != nil {
		t.Fatalf("create filler: %v", err)
	}
	defer f.Close()
	chunk := make([]byte, 4096)
	for range 1 << 20 {
		if _, err := f.Write(chunk); err != nil {
			if !errors.Is(err, syscall.ENOSPC) {
				t.Fatalf("fill %s: %v, want ENOSPC", dir, err)
			}
			return
		}
	}
	t.Fatalf("%s is not full after 4 GiB", dir)
}

func TestResultsDiskFullAtStart(t *testing.T) {
	cfg := refConfig(t)
	cfg.ResultsDir = mountTmpfs(t, 64<<10)
	fillDisk(t, cfg.ResultsDir)
	marker := filepath.Join(tempDir(t, "build"), "built")
	cfg.Server.BuildCmd = []string{"touch", marker}

	m := measure(t, context.Background(), cfg, "full", result.PhaseBefore)

	if m.status != workflow.ExitFailure {
		t.Fatalf("exit status = %d (%v), want %d", m.status, m.err, workflow.ExitFailure)
	}
	if !strings.Contains(m.err.Error(), "no space left on device") {
		t.Errorf("error does not say the disk is full: %v", m.err)
	}
	if !strings.Contains(m.err.Error(), cfg.ResultsDir) {
		t.Errorf("error does not name the results folder %s: %v", cfg.ResultsDir, m.err)
	}
	if _, err := os.Stat(marker); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("the build ran although the disk is full (stat %s: %v)", marker, err)
	}
}

// TestResultsDiskFullAtWrite fills the disk while the server runs, so the
// load completes and the writing of its result fails.
func TestResultsDiskFullAtWrite(t *testing.T) {
	cfg := refConfig(t)
	cfg.ResultsDir = mountTmpfs(t, 4<<20)

	done := make(chan measurement, 1)
	go func() {
		done <- measure(t, context.Background(), cfg, "full", result.PhaseBefore)
	}()
	deadline := time.Now().Add(30 * time.Second)
	for len(serverPids(cfg.Server.Port)) == 0 && time.Now().Before(deadline) {
		time.Sleep(20 * time.Millisecond)
	}
	fillDisk(t, cfg.ResultsDir)
	m := <-done

	if m.status != workflow.ExitFailure {
		t.Fatalf("exit status = %d (%v), want %d\n%s", m.status, m.err, workflow.ExitFailure, m.output)
	}
	if !strings.Contains(m.err.Error(), "no space left on device") {
		t.Errorf("error does not say the disk is full: %v", m.err)
	}
	if !strings.Contains(m.err.Error(), "free space") {
		t.Errorf("error does not say what to do: %v", m.err)
	}
	final, temporary := jsonFiles(t, cfg.ResultsDir)
	if len(final) > 0 {
		t.Errorf("result files %v exist after the write failed, want none rather than a truncated one", final)
	}
	if len(temporary) > 0 {
		t.Errorf("temporary files %v are left behind", temporary)
	}
}

// TestWriteFileDiskFull writes a result larger than the free space over an
// older one and checks that the older file stays whole.
func TestWriteFileDiskFull(t *testing.T) {
	dir := mountTmpfs(t, 256<<10)
	path := filepath.Join(dir, "001_before_20250101_120000.json")
	old := []byte(`{"schema_version": 1}` + "\n")
	if err := os.WriteFile(path, old, 0o644); err != nil {
		t.Fatal(err)
	}

	err := result.WriteFile(path, make([]byte, 1<<20))

	if !errors.Is(err, syscall.ENOSPC) {
		t.Errorf("WriteFile error = %v, want ENOSPC", err)
	}
	if err != nil && !strings.Contains(err.Error(), path) {
		t.Errorf("error does not name %s: %v", path, err)
	}
	data, readErr := os.ReadFile(path)
	if readErr != nil || string(data) != string(old) {
		t.Errorf("the older file reads %q (%v), want it unchanged", data, readErr)
	}
	if _, temporary := jsonFiles(t, dir); len(temporary) > 0 {
		t.Errorf("temporary files %v are left behind", temporary)
	}
}
