package config

import (
	"maps"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"
)

// lookupIn returns a lookup function over env, in place of os.LookupEnv.
func lookupIn(env map[string]string) func(string) (string, bool) {
	return func(name string) (string, bool) {
		v, ok := env[name]
		return v, ok
	}
}

func fromEnv(t *testing.T, env map[string]string) Config {
	t.Helper()

	c, err := FromLookup(Default(), lookupIn(env))
	if err != nil {
		t.Fatalf("FromLookup(%v) = %v, want no error", env, err)
	}
	return c
}

func TestFromLookupNoVariables(t *testing.T) {
	got := fromEnv(t, nil)

	want := Default()
	want.Env = map[string]string{}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("FromLookup without variables changed the config:\n got %+v\nwant %+v", got, want)
	}
}

func TestFromLookupEmptyValuesIgnored(t *testing.T) {
	env := map[string]string{}
	for _, name := range EnvVars {
		env[name] = "  "
	}

	got := fromEnv(t, env)

	want := Default()
	want.Env = map[string]string{}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("blank variables changed the config:\n got %+v\nwant %+v", got, want)
	}
}

func TestFromLookupValid(t *testing.T) {
	cases := []struct {
		name  string
		env   map[string]string
		check func(t *testing.T, c Config)
	}{
		{"duration", map[string]string{"PERF_DURATION": "90s"}, func(t *testing.T, c Config) {
			if c.Duration != 90*time.Second {
				t.Errorf("duration = %v, want 90s", c.Duration)
			}
		}},
		{"duration with spaces", map[string]string{"PERF_DURATION": " 2m "}, func(t *testing.T, c Config) {
			if c.Duration != 2*time.Minute {
				t.Errorf("duration = %v, want 2m", c.Duration)
			}
		}},
		{"warmup", map[string]string{"PERF_WARMUP": "1500ms"}, func(t *testing.T, c Config) {
			if c.Warmup != 1500*time.Millisecond {
				t.Errorf("warmup = %v, want 1.5s", c.Warmup)
			}
			if !c.WarmupSet {
				t.Error("WarmupSet is false, so the scenario's warmup would win")
			}
		}},
		{"warmup zero", map[string]string{"PERF_WARMUP": "0s"}, func(t *testing.T, c Config) {
			if c.Warmup != 0 {
				t.Errorf("warmup = %v, want 0", c.Warmup)
			}
			if !c.WarmupSet {
				t.Error("WarmupSet is false for PERF_WARMUP=0s, so no warmup cannot be requested")
			}
		}},
		{"pairs", map[string]string{"PERF_PAIRS": "1000"}, func(t *testing.T, c Config) {
			if c.Pairs != 1000 {
				t.Errorf("pairs = %d, want 1000", c.Pairs)
			}
		}},
		{"rate", map[string]string{"PERF_RATE": "250.5"}, func(t *testing.T, c Config) {
			if c.Rate != 250.5 {
				t.Errorf("rate = %g, want 250.5", c.Rate)
			}
		}},
		{"one trial", map[string]string{"PERF_TRIALS": "1"}, func(t *testing.T, c Config) {
			if c.Trials != 1 {
				t.Errorf("trials = %d, want 1", c.Trials)
			}
		}},
		{"100 trials", map[string]string{"PERF_TRIALS": "100"}, func(t *testing.T, c Config) {
			if c.Trials != 100 {
				t.Errorf("trials = %d, want 100", c.Trials)
			}
		}},
		{"scenario", map[string]string{"PERF_SCENARIO": "scenarios/other.toml"}, func(t *testing.T, c Config) {
			if c.Scenario != "scenarios/other.toml" {
				t.Errorf("scenario = %q, want scenarios/other.toml", c.Scenario)
			}
		}},
		{"endpoint", map[string]string{"PERF_ENDPOINT": "http://10.0.0.5:8080"}, func(t *testing.T, c Config) {
			if c.Endpoint != "http://10.0.0.5:8080" {
				t.Errorf("endpoint = %q, want http://10.0.0.5:8080", c.Endpoint)
			}
			if c.BaseURL() != "http://10.0.0.5:8080" {
				t.Errorf("BaseURL = %q, want the endpoint", c.BaseURL())
			}
		}},
		{"endpoint trailing slash", map[string]string{"PERF_ENDPOINT": "http://127.0.0.1:7432/"}, func(t *testing.T, c Config) {
			if c.Endpoint != "http://127.0.0.1:7432" {
				t.Errorf("endpoint = %q, want http://127.0.0.1:7432 without the trailing slash", c.Endpoint)
			}
		}},
		{"endpoint https", map[string]string{"PERF_ENDPOINT": "https://perf.example.test"}, func(t *testing.T, c Config) {
			if c.Endpoint != "https://perf.example.test" {
				t.Errorf("endpoint = %q, want https://perf.example.test", c.Endpoint)
			}
		}},
		{"port", map[string]string{"PERF_PORT": "8080"}, func(t *testing.T, c Config) {
			if c.Server.Port != 8080 {
				t.Errorf("port = %d, want 8080", c.Server.Port)
			}
			if want := []string{"-addr", "127.0.0.1:8080"}; !slices.Equal(c.Server.Args, want) {
				t.Errorf("server args = %q, want %q (the -addr argument follows the port)", c.Server.Args, want)
			}
			if c.BaseURL() != "http://127.0.0.1:8080" {
				t.Errorf("BaseURL = %q, want http://127.0.0.1:8080", c.BaseURL())
			}
		}},
		{"results dir", map[string]string{"PERF_RESULTS_DIR": "/tmp/other"}, func(t *testing.T, c Config) {
			if c.ResultsDir != "/tmp/other" {
				t.Errorf("results dir = %q, want /tmp/other", c.ResultsDir)
			}
		}},
		{"log", map[string]string{"PERF_LOG": "docs/PERF.md"}, func(t *testing.T, c Config) {
			if c.LogPath != "docs/PERF.md" {
				t.Errorf("log path = %q, want docs/PERF.md", c.LogPath)
			}
		}},
		{"format json", map[string]string{"PERF_FORMAT": "json"}, func(t *testing.T, c Config) {
			if c.Format != "json" {
				t.Errorf("format = %q, want json", c.Format)
			}
		}},
		{"phase before", map[string]string{"PERF_PHASE": "before"}, func(t *testing.T, c Config) {
			if c.Phase != "before" {
				t.Errorf("phase = %q, want before", c.Phase)
			}
		}},
		{"task name", map[string]string{"PERF_TASK_NAME": "Index the items"}, func(t *testing.T, c Config) {
			if c.TaskName != "Index the items" {
				t.Errorf("task name = %q, want %q", c.TaskName, "Index the items")
			}
		}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			c.check(t, fromEnv(t, c.env))
		})
	}
}

func TestFromLookupBooleans(t *testing.T) {
	fields := []struct {
		variable string
		value    func(Config) bool
	}{
		{"PERF_STRICT", func(c Config) bool { return c.Strict }},
		{"PERF_ALLOW_INCOMPLETE", func(c Config) bool { return c.AllowIncomplete }},
		{"PERF_PROFILE", func(c Config) bool { return c.Profile }},
		{"PERF_PIN_CPUS", func(c Config) bool { return c.PinCPUs }},
		{"PERF_CALIBRATION_INTERLEAVE", func(c Config) bool { return c.CalibrationInterleave }},
	}
	values := []struct {
		text string
		want bool
	}{
		{"1", true}, {"true", true}, {"TRUE", true}, {"t", true},
		{"0", false}, {"false", false}, {"F", false},
	}
	for _, f := range fields {
		for _, v := range values {
			c := fromEnv(t, map[string]string{f.variable: v.text})

			if got := f.value(c); got != v.want {
				t.Errorf("%s=%q gives %v, want %v", f.variable, v.text, got, v.want)
			}
		}
	}
}

// A boolean set to 0 turns off what the input config turned on.
func TestFromLookupBooleanOverridesInput(t *testing.T) {
	in := Default()
	in.Strict = true

	out, err := FromLookup(in, lookupIn(map[string]string{"PERF_STRICT": "0"}))

	if err != nil {
		t.Fatalf("FromLookup: %v", err)
	}
	if out.Strict {
		t.Error("PERF_STRICT=0 left strict on")
	}
}

func TestFromLookupInvalid(t *testing.T) {
	cases := []struct {
		name     string
		variable string
		value    string
		// example is the valid value the message suggests.
		example string
	}{
		{"duration word", "PERF_DURATION", "abc", "5s"},
		{"duration zero", "PERF_DURATION", "0", "5s"},
		{"duration negative", "PERF_DURATION", "-1s", "5s"},
		{"duration without unit", "PERF_DURATION", "30", "5s"},
		{"warmup negative", "PERF_WARMUP", "-1s", "1s"},
		{"warmup word", "PERF_WARMUP", "abc", "1s"},
		{"pairs zero", "PERF_PAIRS", "0", "10"},
		{"pairs 1001", "PERF_PAIRS", "1001", "10"},
		{"pairs word", "PERF_PAIRS", "x", "10"},
		{"rate negative", "PERF_RATE", "-5", "500"},
		{"rate zero", "PERF_RATE", "0", "500"},
		{"rate word", "PERF_RATE", "abc", "500"},
		{"rate NaN", "PERF_RATE", "NaN", "500"},
		{"rate Inf", "PERF_RATE", "Inf", "500"},
		{"rate negative Inf", "PERF_RATE", "-Inf", "500"},
		{"trials zero", "PERF_TRIALS", "0", "5"},
		{"trials 101", "PERF_TRIALS", "101", "5"},
		{"trials word", "PERF_TRIALS", "x", "5"},
		{"trials fraction", "PERF_TRIALS", "2.5", "5"},
		{"endpoint without scheme", "PERF_ENDPOINT", "localhost:7432", "http://127.0.0.1:7432"},
		{"endpoint ftp", "PERF_ENDPOINT", "ftp://x", "http://127.0.0.1:7432"},
		{"endpoint without host", "PERF_ENDPOINT", "http://", "http://127.0.0.1:7432"},
		{"endpoint with path", "PERF_ENDPOINT", "http://127.0.0.1:7432/api", "http://127.0.0.1:7432"},
		{"endpoint with query", "PERF_ENDPOINT", "http://127.0.0.1:7432?debug=1", "http://127.0.0.1:7432"},
		{"endpoint with empty query", "PERF_ENDPOINT", "http://127.0.0.1:7432/?", "http://127.0.0.1:7432"},
		{"endpoint with fragment", "PERF_ENDPOINT", "http://127.0.0.1:7432/#top", "http://127.0.0.1:7432"},
		{"port zero", "PERF_PORT", "0", "65535"},
		{"port too large", "PERF_PORT", "65536", "65535"},
		{"port word", "PERF_PORT", "http", "65535"},
		{"format", "PERF_FORMAT", "yaml", "text or json"},
		{"phase", "PERF_PHASE", "during", "before or after"},
		{"strict", "PERF_STRICT", "yes", "1 or 0"},
		{"allow incomplete", "PERF_ALLOW_INCOMPLETE", "maybe", "1 or 0"},
		{"profile", "PERF_PROFILE", "on", "1 or 0"},
		{"pin CPUs", "PERF_PIN_CPUS", "cpu0", "1 or 0"},
		{"calibration interleave", "PERF_CALIBRATION_INTERLEAVE", "yes", "1 or 0"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := FromLookup(Default(), lookupIn(map[string]string{c.variable: c.value}))

			if err == nil {
				t.Fatalf("FromLookup(%s=%q) = nil error, want one", c.variable, c.value)
			}
			msg := err.Error()
			if want := c.variable + "=" + `"` + c.value + `"`; !strings.Contains(msg, want) {
				t.Errorf("message %q does not name the variable and value as %s", msg, want)
			}
			if !strings.Contains(msg, c.example) {
				t.Errorf("message %q does not give the example %q", msg, c.example)
			}
			if strings.Contains(msg, "\n") {
				t.Errorf("message %q has more than one line", msg)
			}
		})
	}
}

func TestFromLookupEnvRecordsOverrides(t *testing.T) {
	env := map[string]string{
		"PERF_DURATION": " 10s ",
		"PERF_TRIALS":   "3",
		"PERF_STRICT":   "1",
		"PERF_ENDPOINT": "http://127.0.0.1:9000/",
		"PERF_LOG":      "",
		"HOME":          "/root",
	}

	got := fromEnv(t, env).Env

	want := map[string]string{
		"PERF_DURATION": "10s",
		"PERF_TRIALS":   "3",
		"PERF_STRICT":   "1",
		"PERF_ENDPOINT": "http://127.0.0.1:9000/",
	}
	if !maps.Equal(got, want) {
		t.Errorf("Env = %v, want %v (the set PERF_* values as given, trimmed)", got, want)
	}
}

// Every variable FromLookup reads is listed in EnvVars, so help text and
// provenance miss none.
func TestEnvVarsListsEveryVariable(t *testing.T) {
	var read []string
	record := func(name string) (string, bool) {
		read = append(read, name)
		return "", false
	}

	if _, err := FromLookup(Default(), record); err != nil {
		t.Fatalf("FromLookup: %v", err)
	}

	slices.Sort(read)
	listed := slices.Clone(EnvVars)
	slices.Sort(listed)
	if !slices.Equal(read, listed) {
		t.Errorf("FromLookup reads %q, EnvVars lists %q", read, listed)
	}
}

func TestFromLookupPortKeepsInputArgs(t *testing.T) {
	in := Default()

	out, err := FromLookup(in, lookupIn(map[string]string{"PERF_PORT": "9001"}))

	if err != nil {
		t.Fatalf("FromLookup: %v", err)
	}
	if in.Server.Args[1] != "127.0.0.1:7432" {
		t.Errorf("the input config's -addr changed to %q; FromLookup must not modify its argument", in.Server.Args[1])
	}
	if out.Server.Args[1] != "127.0.0.1:9001" {
		t.Errorf("-addr = %q, want 127.0.0.1:9001", out.Server.Args[1])
	}
}

// Only an argument that ends in the old port is rewritten, so a flag value
// that merely contains the digits keeps them.
func TestFromLookupPortRewritesOnlyAddress(t *testing.T) {
	in := Default()
	in.Server.Args = []string{"-addr", "0.0.0.0:7432", "-cache", "17432", "-peer", "10.0.0.1:17432"}

	out, err := FromLookup(in, lookupIn(map[string]string{"PERF_PORT": "8000"}))

	if err != nil {
		t.Fatalf("FromLookup: %v", err)
	}
	want := []string{"-addr", "0.0.0.0:8000", "-cache", "17432", "-peer", "10.0.0.1:17432"}
	if !slices.Equal(out.Server.Args, want) {
		t.Errorf("args = %q, want %q", out.Server.Args, want)
	}
}
