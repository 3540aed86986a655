package workflow

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/m17/perfgate/perf/compare"
	"github.com/m17/perfgate/perf/config"
	"github.com/m17/perfgate/perf/internal/resulttest"
)

// syntheticEnv writes a before and an after result of task "syn" whose
// per-trial P99s are the given values, and returns an environment reading
// them with output captured.
func syntheticEnv(t *testing.T, beforeP99s, afterP99s []float64) (Env, *bytes.Buffer) {
	t.Helper()
	dir := t.TempDir()
	tput := []float64{1000, 1000, 1000, 1000, 1000}
	resulttest.Write(t, dir, resulttest.New("syn", "before", beforeP99s, tput))
	resulttest.Write(t, dir, resulttest.New("syn", "after", afterP99s, tput))

	cfg := config.Default()
	cfg.ResultsDir = dir
	cfg.LogPath = filepath.Join(t.TempDir(), "PERFORMANCE_LOG.md")
	var out bytes.Buffer
	return Env{Config: cfg, Stdout: &out, Stderr: &out}, &out
}

var (
	steadyP99s = []float64{2.00, 2.02, 1.98, 2.01, 1.99}
	slowerP99s = []float64{2.40, 2.42, 2.38, 2.41, 2.39}
)

func TestCompareRegressionExitAndEvidence(t *testing.T) {
	env, out := syntheticEnv(t, steadyP99s, slowerP99s)

	err := Compare(env, "syn")
	if code := exitStatus(err); code != compare.ExitRegression {
		t.Fatalf("exit = %d (%v), want 1", code, err)
	}
	text := out.String()
	for _, want := range []string{"Verdict: REGRESSION", "Summary for PERFORMANCE_LOG.md", "Commit trailer:", "Where the time went", "syn_spectrum.svg"} {
		if !strings.Contains(text, want) {
			t.Errorf("output lacks %q:\n%s", want, text)
		}
	}
	if strings.Contains(text, "\x1b[") {
		t.Errorf("output to a buffer contains ANSI escape codes:\n%q", text)
	}
}

func TestCompareJSONFormat(t *testing.T) {
	env, out := syntheticEnv(t, steadyP99s, steadyP99s)
	env.Config.Format = "json"

	if err := Compare(env, "syn"); err != nil {
		t.Fatalf("Compare: %v", err)
	}
	var got Comparison
	if err := json.Unmarshal(out.Bytes(), &got); err != nil {
		t.Fatalf("output is not JSON: %v\n%s", err, out)
	}
	if got.Verdict != compare.VerdictOK || got.ExitCode != 0 {
		t.Errorf("verdict = %s, exit = %d; want ok, 0", got.Verdict, got.ExitCode)
	}
	if !strings.HasPrefix(got.Trailer, "Performance: P99 latency") {
		t.Errorf("trailer = %q", got.Trailer)
	}
	if len(got.Plots) != 4 {
		t.Errorf("plots = %v, want 4 files", got.Plots)
	}
}

func TestCompareAppendsStepSummary(t *testing.T) {
	env, _ := syntheticEnv(t, steadyP99s, slowerP99s)
	summary := filepath.Join(t.TempDir(), "summary.md")
	if err := os.WriteFile(summary, []byte("earlier step\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	t.Setenv("GITHUB_STEP_SUMMARY", summary)

	Compare(env, "syn")

	data, err := os.ReadFile(summary)
	if err != nil {
		t.Fatal(err)
	}
	text := string(data)
	if !strings.HasPrefix(text, "earlier step\n") {
		t.Errorf("the summary's earlier content was not kept:\n%s", text)
	}
	for _, want := range []string{"| P99 latency |", "Verdict: REGRESSION", "`Performance: P99 latency", "syn_spectrum.svg"} {
		if !strings.Contains(text, want) {
			t.Errorf("step summary lacks %q:\n%s", want, text)
		}
	}
}

func TestCompareCumulativeAgainstBaseline(t *testing.T) {
	env, out := syntheticEnv(t, slowerP99s, slowerP99s) // the task itself changed nothing
	tput := []float64{1000, 1000, 1000, 1000, 1000}
	baseline := resulttest.New("baseline", "before", steadyP99s, tput)
	resulttest.Write(t, env.Config.ResultsDir, baseline)

	err := Compare(env, "syn")
	if code := exitStatus(err); code != compare.ExitRegression {
		t.Fatalf("exit = %d (%v), want 1: the milestone drifted 20%% since the baseline", code, err)
	}
	if !strings.Contains(out.String(), "cumulative") {
		t.Errorf("output does not say the regression is cumulative:\n%s", out)
	}
}

func TestLogWritesSectionOnce(t *testing.T) {
	env, out := syntheticEnv(t, steadyP99s, steadyP99s)

	if err := Log(env, "syn"); err != nil {
		t.Fatalf("Log: %v\n%s", err, out)
	}
	first, err := os.ReadFile(env.Config.LogPath)
	if err != nil {
		t.Fatal(err)
	}
	if err := Log(env, "syn"); err != nil {
		t.Fatalf("second Log: %v", err)
	}
	second, _ := os.ReadFile(env.Config.LogPath)
	if !bytes.Equal(first, second) {
		t.Errorf("a second perf:log changed the file")
	}
	if !strings.Contains(string(first), "<!-- perf:task syn begin -->") {
		t.Errorf("log lacks the task's block:\n%s", first)
	}
}
