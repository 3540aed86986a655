package faults

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/m17/perfgate/perf/compare"
	"github.com/m17/perfgate/perf/config"
	"github.com/m17/perfgate/perf/internal/resulttest"
	"github.com/m17/perfgate/perf/result"
	"github.com/m17/perfgate/perf/workflow"
)

// assertOneLine fails the test when msg spans several lines, because a
// user reads an input error in one glance.
func assertOneLine(t *testing.T, msg string) {
	t.Helper()
	if strings.ContainsAny(msg, "\n\r") {
		t.Errorf("message spans several lines:\n%s", msg)
	}
}

// assertContains fails the test when msg lacks part. meaning describes
// part in the failure message.
func assertContains(t *testing.T, msg, part, meaning string) {
	t.Helper()
	if !strings.Contains(msg, part) {
		t.Errorf("message lacks %q (%s): %s", part, meaning, msg)
	}
}

// fixPattern matches the start of the fix that an input error ends with.
var fixPattern = regexp.MustCompile(`[;,] (so )?(use|pass|set|remove|change|give|name|fix|add|rerun|restore|unset|choose|write|close)\b`)

func TestBadTaskID(t *testing.T) {
	cases := []struct {
		name, task string
		// value is the part of the message that names the task id.
		value string
	}{
		{name: "empty", task: "", value: "task id is empty"},
		{name: "too long", task: strings.Repeat("7", 65), value: strconv.Quote(strings.Repeat("7", 20))},
		{name: "slash", task: "a/b", value: `"a/b"`},
		{name: "dot dot", task: "..", value: `".."`},
		{name: "parent path", task: "../001", value: `"../001"`},
		{name: "space", task: "task 1", value: `"task 1"`},
		{name: "tab", task: "a\tb", value: `"a\tb"`},
		{name: "newline", task: "a\nb", value: `"a\nb"`},
		{name: "escape", task: "a\x1b[31mb", value: `"a\x1b[31mb"`},
		{name: "nul", task: "a\x00b", value: `"a\x00b"`},
	}
	cfg := refConfig(t)
	env := workflow.Env{Config: cfg, RepoDir: repoRoot(t), Stdout: &syncBuffer{}, Stderr: &syncBuffer{}}
	entries := []struct {
		name string
		call func(task string) error
	}{
		{"Measure", func(task string) error { return workflow.Measure(context.Background(), env, task, result.PhaseBefore) }},
		{"Compare", func(task string) error { return workflow.Compare(env, task) }},
	}
	for _, entry := range entries {
		for _, c := range cases {
			t.Run(entry.name+"/"+c.name, func(t *testing.T) {
				err := callNoPanic(t, func() error { return entry.call(c.task) })

				if status := exitStatus(err); status != workflow.ExitUsage {
					t.Fatalf("exit status = %d (%v), want %d", status, err, workflow.ExitUsage)
				}
				assertOneLine(t, err.Error())
				assertContains(t, err.Error(), c.value, "the task id")
				if !fixPattern.MatchString(err.Error()) {
					t.Errorf("message does not say what to do: %s", err)
				}
			})
		}
	}
	if final, _ := jsonFiles(t, cfg.ResultsDir); len(final) > 0 {
		t.Errorf("bad task ids left result files %v", final)
	}
}

// validScenario is light.toml's content; each case of TestBadScenario
// breaks one thing in it.
func validScenario(t *testing.T) string {
	t.Helper()
	data, err := os.ReadFile(testdataPath(t, "light.toml"))
	if err != nil {
		t.Fatal(err)
	}
	return string(data)
}

func TestBadScenario(t *testing.T) {
	base := validScenario(t)
	// replace applies the old, new pairs to light.toml in turn.
	replace := func(pairs ...string) string {
		content := base
		for i := 0; i+1 < len(pairs); i += 2 {
			if !strings.Contains(content, pairs[i]) {
				t.Fatalf("light.toml lacks %q; update the case", pairs[i])
			}
			content = strings.Replace(content, pairs[i], pairs[i+1], 1)
		}
		return content
	}
	const recallPath = `path = "/api/v1/recall/episodic"`
	cases := []struct {
		name, content string
		// want are parts of the message: the key and the value.
		want []string
	}{
		{name: "not TOML", content: "this is not a scenario\n", want: []string{"invalid TOML", ":1"}},
		{name: "unknown key", content: replace("rate = 200", "rate = 200\nrat = 100"), want: []string{"rat"}},
		{name: "wrong type", content: replace("rate = 200", `rate = "fast"`), want: []string{"rate", `"fast"`}},
		{name: "weights sum", content: replace("weight = 0.5", "weight = 0.4"), want: []string{"weight", "0.9"}},
		{name: "negative rate", content: replace("rate = 200", "rate = -5"), want: []string{"rate", "-5"}},
		{name: "zero rate", content: replace("rate = 200", "rate = 0"), want: []string{"rate = 0"}},
		{name: "zero duration", content: replace(`duration = "2s"`, `duration = "0s"`), want: []string{"duration", `"0s"`}},
		{name: "warmup longer", content: replace(`warmup = "0s"`, `warmup = "5s"`), want: []string{"warmup", `"5s"`}},
		{name: "no path", content: replace(recallPath, ""), want: []string{"operations[1].path"}},
		{name: "own fallback", content: replace(recallPath, recallPath+"\nfallback = \"episodic_recall\""), want: []string{"fallback", `"episodic_recall"`}},
		{
			name: "fallback cycle",
			content: replace(recallPath, recallPath+"\nfallback = \"store_episode\"",
				"expect_status = 201", "expect_status = 201\nfallback = \"episodic_recall\""),
			want: []string{"cycle", "store_episode -> episodic_recall -> store_episode"},
		},
		{name: "template unclosed", content: replace(`{"cue":{{embedding}}`, `{"cue":{{embedding`), want: []string{"operations[1].body"}},
		{name: "template unknown", content: replace(`{"cue":{{embedding}}`, `{"cue":{{vector}}`), want: []string{"operations[1].body", "vector"}},
		{name: "huge embedding", content: replace("embedding_dim = 768", "embedding_dim = 100000000"), want: []string{"embedding_dim", "100000000"}},
		{name: "huge inline embedding", content: replace(`{"cue":{{embedding}}`, `{"cue":{{embedding 1000000000}}`), want: []string{"operations[1].body"}},
		{name: "huge body", content: replace(`{"cue":{{embedding}}`, `{"cue":`+strings.Repeat("{{embedding 65536}}", 4)), want: []string{"operations[1].body"}},
		{name: "huge preload", content: replace("preload_episodes = 50", "preload_episodes = 1000000000"), want: []string{"preload_episodes", "1000000000"}},
		{name: "huge in-flight", content: replace("max_in_flight = 64", "max_in_flight = 100000000"), want: []string{"max_in_flight", "100000000"}},
		{name: "huge rate", content: replace("rate = 200", "rate = 1e12"), want: []string{"rate", "1e+12"}},
	}

	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			path := filepath.Join(tempDir(t, "scenario"), "bad.toml")
			if err := os.WriteFile(path, []byte(c.content), 0o644); err != nil {
				t.Fatal(err)
			}
			cfg := refConfig(t)
			cfg.Scenario = path
			// No server can start, so a case that passes validation fails
			// at once instead of measuring.
			cfg.Server.Binary = filepath.Join(tempRoot, "no-such-server")

			m := measure(t, context.Background(), cfg, "scenario", result.PhaseBefore)

			if m.err == nil {
				t.Fatal("Measure accepted the scenario")
			}
			if m.status != workflow.ExitUsage {
				t.Errorf("exit status = %d, want %d for invalid input", m.status, workflow.ExitUsage)
			}
			msg := m.err.Error()
			assertOneLine(t, msg)
			assertContains(t, msg, path, "the scenario file")
			for _, part := range c.want {
				assertContains(t, msg, part, "the key or value")
			}
			if !fixPattern.MatchString(msg) {
				t.Errorf("message does not say what to do: %s", msg)
			}
			t.Logf("message: %s", msg)
		})
	}
}

func TestBadResultFile(t *testing.T) {
	valid := func(task, phase string) []byte {
		data, err := json.MarshalIndent(resulttest.New(task, phase, []float64{10, 11, 12}, []float64{500, 500, 500}), "", "  ")
		if err != nil {
			t.Fatal(err)
		}
		return data
	}
	whole := valid("bad", result.PhaseBefore)
	cases := []struct {
		name    string
		content []byte
		want    string
	}{
		{name: "empty", content: nil, want: "file is empty"},
		{name: "truncated", content: whole[:len(whole)/2], want: "not valid JSON"},
		{name: "not JSON", content: []byte("p99 went up\n"), want: "not valid JSON"},
		{name: "schema version", content: []byte(strings.Replace(string(whole), `"schema_version": 1`, `"schema_version": 99`, 1)), want: "schema_version 99"},
		{name: "name disagrees", content: valid("other", result.PhaseBefore), want: `task "other"`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			cfg := refConfig(t)
			resulttest.Write(t, cfg.ResultsDir, resulttest.New("bad", result.PhaseAfter, []float64{10, 11, 12}, []float64{500, 500, 500}))
			path := filepath.Join(cfg.ResultsDir, result.Stem("bad", result.PhaseBefore, resulttest.BeforeTimestamp)+".json")
			if err := os.WriteFile(path, c.content, 0o644); err != nil {
				t.Fatal(err)
			}
			var out syncBuffer
			env := workflow.Env{Config: cfg, RepoDir: repoRoot(t), Stdout: &out, Stderr: &out}

			err := callNoPanic(t, func() error { return workflow.Compare(env, "bad") })

			if status := exitStatus(err); status != compare.ExitInvalid {
				t.Fatalf("exit status = %d (%v), want %d", status, err, compare.ExitInvalid)
			}
			msg := err.Error()
			assertOneLine(t, msg)
			assertContains(t, msg, path, "the result file")
			assertContains(t, msg, c.want, "the problem")
			if !fixPattern.MatchString(msg) {
				t.Errorf("message does not say what to do: %s", msg)
			}
			_, reason, found := strings.Cut(msg, "— ")
			if !found {
				t.Errorf("message has no reason after the verdict: %s", msg)
			}
			assertContains(t, out.String(), reason, "the printed reason")
			t.Logf("message: %s", msg)
		})
	}
}

func TestBadEnvironment(t *testing.T) {
	cases := []struct {
		name, value string
	}{
		{"PERF_DURATION", "abc"},
		{"PERF_DURATION", "-5s"},
		{"PERF_RATE", "-5"},
		{"PERF_RATE", "NaN"},
		{"PERF_ENDPOINT", "not a url"},
		{"PERF_ENDPOINT", "127.0.0.1:7432"},
		{"PERF_ENDPOINT", "http://127.0.0.1:7432/api?x=1"},
		{"PERF_TRIALS", "0"},
		{"PERF_WARMUP", "soon"},
		{"PERF_PORT", "70000"},
		{"PERF_ALLOW_INCOMPLETE", "maybe"},
		{"PERF_FORMAT", "xml"},
	}
	for _, c := range cases {
		t.Run(c.name+"="+c.value, func(t *testing.T) {
			lookup := func(name string) (string, bool) {
				if name == c.name {
					return c.value, true
				}
				return "", false
			}

			_, err := callNoPanicConfig(t, lookup)

			if err == nil {
				t.Fatalf("FromLookup accepted %s=%q", c.name, c.value)
			}
			msg := err.Error()
			assertOneLine(t, msg)
			assertContains(t, msg, c.name+"="+strconv.Quote(c.value), "the variable and its value")
			if !fixPattern.MatchString(msg) {
				t.Errorf("message does not say what to do: %s", msg)
			}

			t.Setenv(c.name, c.value)
			_, err = workflow.NewEnv(config.Default())
			if status := exitStatus(err); status != workflow.ExitUsage {
				t.Errorf("NewEnv exit status = %d (%v), want %d", status, err, workflow.ExitUsage)
			}
		})
	}
}

// callNoPanicConfig runs config.FromLookup and fails the test when it
// panics.
func callNoPanicConfig(t *testing.T, lookup func(string) (string, bool)) (config.Config, error) {
	t.Helper()
	var cfg config.Config
	err := callNoPanic(t, func() error {
		var err error
		cfg, err = config.FromLookup(config.Default(), lookup)
		return err
	})
	return cfg, err
}
