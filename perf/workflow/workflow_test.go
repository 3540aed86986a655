package workflow

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"github.com/m17/perfgate/perf/internal/testlock"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/m17/perfgate/perf/compare"
	"github.com/m17/perfgate/perf/config"
	"github.com/m17/perfgate/perf/tasks"
)

// refserverBinary is the reference server built once for all tests here.
var refserverBinary string

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "workflow-test-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	refserverBinary = filepath.Join(dir, "refserver")
	build := exec.Command("go", "build", "-o", refserverBinary, "./cmd/refserver")
	build.Dir = repoRoot()
	if out, err := build.CombinedOutput(); err != nil {
		fmt.Fprintf(os.Stderr, "build refserver: %v\n%s", err, out)
		os.Exit(1)
	}
	code := testlock.Main(m.Run)
	os.RemoveAll(dir)
	os.Exit(code)
}

func repoRoot() string {
	wd, _ := os.Getwd()
	return filepath.Join(wd, "..", "..")
}

func freePort(t *testing.T) int {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatalf("find a free port: %v", err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}

// testEnv returns an environment that measures the prebuilt reference
// server with extra flags, with short trials at a modest rate so the test
// leaves room for the rest of the suite on a 2-core machine.
func testEnv(t *testing.T, resultsDir string, serverFlags ...string) (Env, *bytes.Buffer) {
	t.Helper()
	port := freePort(t)
	cfg := config.Default()
	cfg.Server.BuildCmd = nil
	cfg.Server.Binary = refserverBinary
	cfg.Server.Args = append([]string{"-addr", fmt.Sprintf("127.0.0.1:%d", port)}, serverFlags...)
	cfg.Server.Port = port
	cfg.Scenario = filepath.Join(repoRoot(), "scenarios", "m17_baseline.toml")
	cfg.ResultsDir = resultsDir
	cfg.Duration = 12 * time.Second
	cfg.Trials = 8
	cfg.Rate = 500
	cfg.Warmup, cfg.WarmupSet = 300*time.Millisecond, true
	// These tests check the workflow, not the verdict's sensitivity, which
	// perf:calibrate measures. The reference server's trial P99s vary by
	// about ±15% on a 2-core VM, so a 5% gate could fail the unchanged
	// server on machine noise. A 5 ms delay raises P99 about tenfold.
	cfg.Thresholds.P99IncreasePct = 30

	var out bytes.Buffer
	return Env{Config: cfg, RepoDir: repoRoot(), Stdout: &out, Stderr: &out}, &out
}

func exitStatus(err error) int {
	if err == nil {
		return 0
	}
	var e *ExitError
	if errors.As(err, &e) {
		return e.Code
	}
	return -1
}

func TestEndToEndUnchangedServerPasses(t *testing.T) {
	dir := t.TempDir()
	env, out := testEnv(t, dir)
	ctx := context.Background()

	if err := Measure(ctx, env, "e2e", "before"); err != nil {
		t.Fatalf("before: %v\n%s", err, out)
	}
	if err := Measure(ctx, env, "e2e", "after"); err != nil {
		t.Fatalf("after: %v\n%s", err, out)
	}
	out.Reset()
	err := Compare(env, "e2e")
	if code := exitStatus(err); code != compare.ExitOK {
		t.Fatalf("compare exit = %d (%v), want 0\n%s\ntrial P99s: %s", code, err, out, trialP99s(dir, "e2e"))
	}
	for _, want := range []string{"P99 latency", "Throughput", "Verdict: OK", "Performance: P99 latency"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("compare output lacks %q:\n%s", want, out)
		}
	}
}

func TestEndToEndDelayIsRegression(t *testing.T) {
	dir := t.TempDir()
	env, out := testEnv(t, dir)
	slow, _ := testEnv(t, dir, "-delay", "5ms")
	slow.Stdout, slow.Stderr = out, out
	ctx := context.Background()

	if err := Measure(ctx, env, "e2e", "before"); err != nil {
		t.Fatalf("before: %v\n%s", err, out)
	}
	if err := Measure(ctx, slow, "e2e", "after"); err != nil {
		t.Fatalf("after: %v\n%s", err, out)
	}
	out.Reset()
	err := Compare(env, "e2e")
	if code := exitStatus(err); code != compare.ExitRegression {
		t.Fatalf("compare exit = %d (%v), want 1 for a 5 ms slowdown\n%s\ntrial P99s: %s", code, err, out, trialP99s(dir, "e2e"))
	}
	if !strings.Contains(out.String(), "Verdict: REGRESSION") {
		t.Errorf("compare output lacks the regression verdict:\n%s", out)
	}
}

func TestCompareMissingAfterIsInvalid(t *testing.T) {
	dir := t.TempDir()
	env, out := testEnv(t, dir)
	env.Config.Duration = 2 * time.Second
	env.Config.Trials = 2

	if err := Measure(context.Background(), env, "half", "before"); err != nil {
		t.Fatalf("before: %v\n%s", err, out)
	}
	out.Reset()
	err := Compare(env, "half")
	if code := exitStatus(err); code != compare.ExitInvalid {
		t.Fatalf("compare exit = %d, want 3", code)
	}
	if !strings.Contains(out.String(), "go tool mage perf:after") {
		t.Errorf("output does not say which command to run:\n%s", out)
	}
}

func TestMeasureRejectsBadTaskID(t *testing.T) {
	env, _ := testEnv(t, t.TempDir())
	for _, task := range []string{"", "../x", "a b", strings.Repeat("9", 65)} {
		err := Measure(context.Background(), env, task, "before")
		if code := exitStatus(err); code != ExitUsage {
			t.Errorf("task %q: exit = %d (%v), want %d", task, code, err, ExitUsage)
		}
	}
}

// trialP99s lists each phase's per-trial P99 values, to explain a failure.
func trialP99s(dir, task string) string {
	var b strings.Builder
	for _, phase := range []string{"before", "after"} {
		side := tasks.LoadSide(dir, task, phase)
		if side.Result == nil {
			continue
		}
		fmt.Fprintf(&b, "%s:", phase)
		for _, tr := range side.Result.Trials {
			fmt.Fprintf(&b, " %.3f", tr.P99Ms)
		}
		b.WriteString("  ")
	}
	return b.String()
}
