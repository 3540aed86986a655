package faults

import (
	"context"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/m17/perfgate/perf/compare"
	"github.com/m17/perfgate/perf/result"
	"github.com/m17/perfgate/perf/workflow"
)

func TestServerBuildFailure(t *testing.T) {
	cfg := refConfig(t)
	binary := filepath.Join(tempDir(t, "bin"), "brokenbuild")
	cfg.Server.Dir = testdataPath(t, "brokenbuild")
	cfg.Server.BuildCmd = []string{"go", "build", "-o", binary, "."}
	cfg.Server.Binary = binary

	m := measure(t, context.Background(), cfg, "build", result.PhaseBefore)

	if m.status != workflow.ExitFailure {
		t.Fatalf("exit status = %d (%v), want %d for a failed build", m.status, m.err, workflow.ExitFailure)
	}
	if !strings.Contains(m.err.Error(), `cannot use "fast"`) {
		t.Errorf("error does not show the compiler's message:\n%v", m.err)
	}
	if !strings.Contains(m.err.Error(), "go build -o "+binary) {
		t.Errorf("error does not name the build command:\n%v", m.err)
	}
	if _, err := os.Stat(binary); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("binary %s exists after a failed build (stat: %v)", binary, err)
	}
	if pids := serverPids(cfg.Server.Port); len(pids) > 0 {
		t.Errorf("processes %v run on port %d after a failed build, want none started", pids, cfg.Server.Port)
	}
	if final, _ := jsonFiles(t, cfg.ResultsDir); len(final) > 0 {
		t.Errorf("result files %v were written although nothing was measured", final)
	}
}

func TestServerExitsAtStart(t *testing.T) {
	cfg := refConfig(t, "-exit-at-start")

	m := measure(t, context.Background(), cfg, "exit", result.PhaseBefore)

	if m.status != workflow.ExitFailure {
		t.Fatalf("exit status = %d (%v), want %d", m.status, m.err, workflow.ExitFailure)
	}
	if m.elapsed > 5*time.Second {
		t.Errorf("the exit was reported after %s, want within 2 s (asserted < 5 s)", m.elapsed.Round(time.Millisecond))
	}
	if !strings.Contains(m.err.Error(), "exit status 1") {
		t.Errorf("error does not give the server's exit status:\n%v", m.err)
	}
	if !strings.Contains(m.err.Error(), "exiting before listening") {
		t.Errorf("error does not show the server's last log line:\n%v", m.err)
	}
	if final, _ := jsonFiles(t, cfg.ResultsDir); len(final) > 0 {
		t.Errorf("result files %v were written although no trial was measured; they would hide the previous result", final)
	}
	assertServersGone(t, cfg.Server.Port, time.Second)
}

func TestServerNeverHealthy(t *testing.T) {
	cfg := refConfig(t, "-never-healthy")
	cfg.Server.HealthTimeout = time.Second

	m := measure(t, context.Background(), cfg, "unhealthy", result.PhaseBefore)

	if m.status != workflow.ExitFailure {
		t.Fatalf("exit status = %d (%v), want %d", m.status, m.err, workflow.ExitFailure)
	}
	if m.elapsed < cfg.Server.HealthTimeout {
		t.Errorf("gave up after %s, before the %s health timeout", m.elapsed.Round(time.Millisecond), cfg.Server.HealthTimeout)
	}
	if m.elapsed > cfg.Server.HealthTimeout+5*time.Second {
		t.Errorf("gave up after %s, long after the %s health timeout", m.elapsed.Round(time.Millisecond), cfg.Server.HealthTimeout)
	}
	if !strings.Contains(m.err.Error(), "did not return 2xx within 1s") {
		t.Errorf("error does not name the health timeout:\n%v", m.err)
	}
	if !strings.Contains(m.err.Error(), "HTTP 503") {
		t.Errorf("error does not give the last health status:\n%v", m.err)
	}
	assertServersGone(t, cfg.Server.Port, time.Second)
}

// TestServerCrashMidRun measures a healthy before phase and an after phase
// whose server exits 2.5 s after start, about 2 s into an 8 s load.
func TestServerCrashMidRun(t *testing.T) {
	const crashAfter = 2500 * time.Millisecond
	cfg := refConfig(t)
	cfg.Duration = 8 * time.Second
	crashing := cfg
	crashing.Server.Args = append(crashing.Server.Args, "-crash-after", crashAfter.String())
	ctx := context.Background()

	if m := measure(t, ctx, cfg, "crash", result.PhaseBefore); m.err != nil {
		t.Fatalf("before phase: %v\n%s", m.err, m.output)
	}
	m := measure(t, ctx, crashing, "crash", result.PhaseAfter)

	if m.status != workflow.ExitFailure {
		t.Fatalf("after phase exit status = %d (%v), want %d", m.status, m.err, workflow.ExitFailure)
	}
	if m.elapsed > crashAfter+4*time.Second {
		t.Errorf("the run took %s, want it to stop soon after the crash at %s instead of running its %s", m.elapsed.Round(time.Millisecond), crashAfter, cfg.Duration)
	}
	if !strings.Contains(m.err.Error(), "server exited during the run") {
		t.Errorf("error does not say that the server exited:\n%v", m.err)
	}
	if !strings.Contains(m.err.Error(), "crashing as requested by -crash-after") {
		t.Errorf("error does not show the server's last log line:\n%v", m.err)
	}
	assertServersGone(t, cfg.Server.Port, time.Second)

	after := newestResult(t, cfg.ResultsDir, "crash", result.PhaseAfter)
	if after.Complete {
		t.Errorf("the crashed run's result is marked complete")
	}
	if !strings.Contains(after.IncompleteReason, "server exited during the run") {
		t.Errorf("incomplete_reason = %q, want it to name the crash", after.IncompleteReason)
	}
	if len(after.Trials) != 1 || after.Trials[0].Requests == 0 {
		t.Errorf("the result has %d trials, want the one cut short with its requests kept", len(after.Trials))
	}
	d := after.Diagnostics
	if d == nil {
		t.Fatal("the result has no diagnostics")
	}
	if _, err := time.Parse(time.RFC3339Nano, d.CrashedAt); err != nil {
		t.Errorf("diagnostics.crashed_at = %q, want the crash time (%v)", d.CrashedAt, err)
	}
	if !d.ExitUnexpected || d.ExitCode != 2 {
		t.Errorf("diagnostics exit = code %d, unexpected %t; want the crash's status 2, unexpected", d.ExitCode, d.ExitUnexpected)
	}
	if !strings.Contains(strings.Join(d.LastLogLines, "\n"), "crashing as requested by -crash-after") {
		t.Errorf("diagnostics.last_log_lines lack the crash line: %q", d.LastLogLines)
	}

	var out syncBuffer
	env := workflow.Env{Config: cfg, RepoDir: repoRoot(t), Stdout: &out, Stderr: &out}
	err := workflow.Compare(env, "crash")
	if status := exitStatus(err); status != compare.ExitInvalid {
		t.Errorf("compare exit status = %d (%v), want %d for an incomplete after result", status, err, compare.ExitInvalid)
	}
	if !strings.Contains(out.String(), "PERF_ALLOW_INCOMPLETE=1") {
		t.Errorf("compare output does not say how to compare anyway:\n%s", out.String())
	}

	allowed := env
	allowed.Config.AllowIncomplete = true
	var allowedOut syncBuffer
	allowed.Stdout, allowed.Stderr = &allowedOut, &allowedOut
	err = workflow.Compare(allowed, "crash")
	if status := exitStatus(err); status == compare.ExitInvalid {
		t.Errorf("compare with AllowIncomplete exit status = %d (%v), want a verdict\n%s", status, err, allowedOut.String())
	}
}

// TestServerHangs starts a server that stops responding 2.5 s after start
// and ignores SIGTERM, so the requests time out and Stop has to kill it.
func TestServerHangs(t *testing.T) {
	cfg := refConfig(t, "-hang-after", "2.5s", "-ignore-sigterm")
	cfg.Duration = 4 * time.Second
	const requestTimeout = time.Second // light.toml

	m := measure(t, context.Background(), cfg, "hang", result.PhaseBefore)

	if m.err != nil {
		t.Fatalf("Measure: %v\n%s", m.err, m.output)
	}
	// The margin covers the start and the preload, which take up to a few
	// seconds on a loaded machine. The rest of the bound is the measured
	// time, one request timeout and the stop.
	bound := cfg.Duration + requestTimeout + cfg.Server.StopTimeout + 5*time.Second
	if m.elapsed > bound {
		t.Errorf("the run took %s, want at most %s (measured %s + request timeout %s + stop %s + margin)",
			m.elapsed.Round(time.Millisecond), bound, cfg.Duration, requestTimeout, cfg.Server.StopTimeout)
	}
	assertServersGone(t, cfg.Server.Port, time.Second)

	r := newestResult(t, cfg.ResultsDir, "hang", result.PhaseBefore)
	if r.Summary.Errors.Timeout == 0 {
		t.Errorf("summary counts no timeouts (errors %+v), want the hung requests counted", r.Summary.Errors)
	}
	if r.Diagnostics == nil || r.Diagnostics.ExitSignal != "SIGKILL" {
		t.Errorf("diagnostics = %+v, want the server killed by SIGKILL after ignoring SIGTERM", r.Diagnostics)
	}
	if !strings.Contains(m.output, "errors") {
		t.Errorf("output does not show the errors:\n%s", m.output)
	}
}

// TestServerTooSlow offers 5000 ops/s through 4 requests in flight to a
// server that takes 250 ms per request, so nearly every request is sent
// late or not at all.
func TestServerTooSlow(t *testing.T) {
	cfg := refConfig(t, "-delay", "250ms")
	cfg.Scenario = testdataPath(t, "narrow.toml")

	var before runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	var peak atomic.Uint64
	stop := make(chan struct{})
	sampled := make(chan struct{})
	go func() {
		defer close(sampled)
		ticker := time.NewTicker(50 * time.Millisecond)
		defer ticker.Stop()
		for {
			var ms runtime.MemStats
			runtime.ReadMemStats(&ms)
			if ms.HeapAlloc > peak.Load() {
				peak.Store(ms.HeapAlloc)
			}
			select {
			case <-stop:
				return
			case <-ticker.C:
			}
		}
	}()
	m := measure(t, context.Background(), cfg, "slow", result.PhaseBefore)
	close(stop)
	<-sampled

	if m.err != nil {
		t.Fatalf("Measure: %v\n%s", m.err, m.output)
	}
	r := newestResult(t, cfg.ResultsDir, "slow", result.PhaseBefore)
	if r.Summary.LateSends == 0 {
		t.Errorf("summary counts no late sends: %+v", r.Summary)
	}
	if r.Summary.Unsent == 0 {
		t.Errorf("summary counts no unsent requests: %+v", r.Summary)
	}
	if want := "late sends " + strconv.FormatInt(r.Summary.LateSends, 10); !strings.Contains(m.output, want) {
		t.Errorf("output lacks %q:\n%s", want, m.output)
	}
	if want := "unsent " + strconv.FormatInt(r.Summary.Unsent, 10); !strings.Contains(m.output, want) {
		t.Errorf("output lacks %q:\n%s", want, m.output)
	}
	// Queueing the ~10000 requests of the window would hold about 80 MB of
	// bodies, while the bounded generator holds a few.
	const maxGrowth = 32 << 20
	if growth := int64(peak.Load()) - int64(before.HeapAlloc); growth > maxGrowth {
		t.Errorf("heap grew by %d MiB during the run, want at most %d MiB", growth>>20, maxGrowth>>20)
	}
	t.Logf("heap before %d KiB, peak %d KiB; late %d, unsent %d", before.HeapAlloc>>10, peak.Load()>>10, r.Summary.LateSends, r.Summary.Unsent)
}

// TestServerPortTaken holds the configured port with another reference
// server and checks that the phase names both before it builds anything.
func TestServerPortTaken(t *testing.T) {
	cfg := refConfig(t)
	marker := filepath.Join(tempDir(t, "build"), "built")
	cfg.Server.BuildCmd = []string{"touch", marker}

	holder := exec.Command(refserverBinary(t), "-addr", loopbackAddr(cfg.Server.Port))
	startTracked(t, holder)
	waitListening(t, cfg.Server.Port, 10*time.Second)

	m := measure(t, context.Background(), cfg, "port", result.PhaseBefore)

	if m.status != workflow.ExitFailure {
		t.Fatalf("exit status = %d (%v), want %d", m.status, m.err, workflow.ExitFailure)
	}
	if want := "port " + strconv.Itoa(cfg.Server.Port); !strings.Contains(m.err.Error(), want) {
		t.Errorf("error does not name %s: %v", want, m.err)
	}
	if want := "pid " + strconv.Itoa(holder.Process.Pid) + " (refserver)"; !strings.Contains(m.err.Error(), want) {
		t.Errorf("error does not name the holder, %s: %v", want, m.err)
	}
	if _, err := os.Stat(marker); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("the build command ran although the port was taken (stat %s: %v)", marker, err)
	}
	if !processRunning(holder.Process.Pid) {
		t.Errorf("the process holding the port (pid %d) was stopped; it is not the harness's to stop", holder.Process.Pid)
	}
}

// waitListening waits until a TCP connection to port on loopback succeeds.
func waitListening(tb testing.TB, port int, timeout time.Duration) {
	tb.Helper()
	deadline := time.Now().Add(timeout)
	for {
		conn, err := netDial(port)
		if err == nil {
			conn.Close()
			return
		}
		if time.Now().After(deadline) {
			tb.Fatalf("nothing listens on port %d after %s: %v", port, timeout, err)
		}
		time.Sleep(50 * time.Millisecond)
	}
}
