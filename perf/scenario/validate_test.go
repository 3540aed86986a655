package scenario

import (
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"
)

// validScenario is the base of the invalid cases. Each case edits it.
const validScenario = `name = "test"
seed = 42
rate = 100
duration = "10s"
warmup = "1s"
arrival = "constant"

[data]
embedding_dim = 4
preload_episodes = 10
preload_operation = "store"

[[operations]]
name = "store"
weight = 0.5
method = "POST"
path = "/api/v1/episodes"
body = '''{"id":"{{id}}","embedding":{{embedding}}}'''
expect_status = 201

[[operations]]
name = "recall"
weight = 0.5
method = "POST"
path = "/api/v1/recall/episodic"
body = '''{"cue":{{embedding}},"k":10}'''
`

// edit replaces the first occurrence of old in validScenario, and fails the
// test when old is not there, so that a case cannot silently test nothing.
func edit(t *testing.T, old, replacement string) string {
	t.Helper()
	if !strings.Contains(validScenario, old) {
		t.Fatalf("validScenario does not contain %q", old)
	}
	return strings.Replace(validScenario, old, replacement, 1)
}

func TestValidScenarioParses(t *testing.T) {
	if _, err := Parse([]byte(validScenario), "test.toml"); err != nil {
		t.Fatalf("base of the invalid cases does not parse: %v", err)
	}
}

func TestParseRejectsInvalid(t *testing.T) {
	manyOperations := func() string {
		var b strings.Builder
		b.WriteString("name = \"many\"\nseed = 1\nrate = 10\nduration = \"5s\"\nwarmup = \"0s\"\narrival = \"constant\"\n")
		for i := 0; i <= maxOperations; i++ {
			fmt.Fprintf(&b, "[[operations]]\nname = \"op%d\"\nweight = %v\nmethod = \"GET\"\npath = \"/x\"\n", i, 1.0/float64(maxOperations+1))
		}
		return b.String()
	}

	cases := []struct {
		name string
		src  func(t *testing.T) string
		key  string // key named in the message
		at   string // text on the line the message names, "" for no line
		want []string
	}{
		{"not TOML", func(t *testing.T) string { return edit(t, "rate = 100", "rate = = 100") },
			"", "rate = = 100", []string{"invalid TOML", "fix the syntax"}},
		{"unknown top-level key", func(t *testing.T) string { return edit(t, "rate = 100", "rate = 100\nratee = 5") },
			"ratee = 5", "ratee", []string{"unknown key", "remove it or use one of name, seed, rate"}},
		{"key in wrong case", func(t *testing.T) string { return edit(t, "rate = 100", "Rate = 100") },
			"Rate = 100", "Rate", []string{"unknown key", "write it as rate (keys are case-sensitive)"}},
		{"unknown operation key", func(t *testing.T) string {
			return edit(t, "weight = 0.5\nmethod = \"POST\"\npath = \"/api/v1/recall", "wieght = 0.5\nmethod = \"POST\"\npath = \"/api/v1/recall")
		},
			"operations[1].wieght", "wieght", []string{"unknown key", "use one of name, weight"}},
		{"unknown data key", func(t *testing.T) string {
			return edit(t, "embedding_dim = 4", "embedding_dim = 4\nembedding_size = 4")
		},
			"data.embedding_size", "embedding_size", []string{"unknown key"}},
		{"rate of wrong type", func(t *testing.T) string { return edit(t, "rate = 100", `rate = "fast"`) },
			`rate = "fast"`, "rate =", []string{"wrong type string, want a number", "write it as rate = 1000"}},
		{"duration as number", func(t *testing.T) string { return edit(t, `duration = "10s"`, "duration = 10") },
			"duration = 10", "duration", []string{"wrong type integer", `such as "500ms", "60s"`}},
		{"duration unparsable", func(t *testing.T) string { return edit(t, `duration = "10s"`, `duration = "10 seconds"`) },
			`duration = "10 seconds"`, "duration", []string{"invalid duration", "use a number with a unit"}},
		{"trials as float", func(t *testing.T) string { return edit(t, "rate = 100", "rate = 100\ntrials = 2.5") },
			"trials = 2.5", "trials", []string{"wrong type float, want an integer", "whole number"}},
		{"data not a table", func(t *testing.T) string {
			return "data = 5\n" + validScenario[:strings.Index(validScenario, "[data]")]
		},
			"data = 5", "data = 5", []string{"wrong type integer, want a table"}},
		{"weights not summing to 1", func(t *testing.T) string {
			return edit(t, "weight = 0.5\nmethod = \"POST\"\npath = \"/api/v1/recall", "weight = 0.4\nmethod = \"POST\"\npath = \"/api/v1/recall")
		}, "operations[0].weight", "weight = 0.5", []string{"sum to 0.9", "change the weights so that they sum to 1"}},
		{"negative weight", func(t *testing.T) string { return edit(t, "weight = 0.5", "weight = -0.5") },
			"operations[0].weight = -0.5", "weight = -0.5", []string{"weight must be from 0 to 1"}},
		{"NaN weight", func(t *testing.T) string { return edit(t, "weight = 0.5", "weight = nan") },
			"operations[0].weight = NaN", "weight = nan", []string{"weight must be from 0 to 1"}},
		{"zero rate", func(t *testing.T) string { return edit(t, "rate = 100", "rate = 0") },
			"rate = 0", "rate = 0", []string{"greater than 0 and at most 100000", "set the target arrival rate"}},
		{"negative rate", func(t *testing.T) string { return edit(t, "rate = 100", "rate = -5.5") },
			"rate = -5.5", "rate", []string{"greater than 0"}},
		{"rate above limit", func(t *testing.T) string { return edit(t, "rate = 100", "rate = 1e9") },
			"rate = 1e+09", "rate", []string{"at most 100000"}},
		{"zero duration", func(t *testing.T) string { return edit(t, `duration = "10s"`, `duration = "0s"`) },
			`duration = "0s"`, "duration", []string{"greater than 0 and at most 24h0m0s"}},
		{"negative duration", func(t *testing.T) string { return edit(t, `duration = "10s"`, `duration = "-5s"`) },
			`duration = "-5s"`, "duration", []string{"greater than 0"}},
		{"duration above limit", func(t *testing.T) string { return edit(t, `duration = "10s"`, `duration = "25h"`) },
			`duration = "25h0m0s"`, "duration", []string{"at most 24h"}},
		{"warmup equal to duration", func(t *testing.T) string { return edit(t, `warmup = "1s"`, `warmup = "10s"`) },
			`warmup = "10s"`, "warmup", []string{"shorter than duration 10s", `"0s" for none`}},
		{"negative warmup", func(t *testing.T) string { return edit(t, `warmup = "1s"`, `warmup = "-1s"`) },
			`warmup = "-1s"`, "warmup", []string{"at least 0"}},
		{"too many trials", func(t *testing.T) string { return edit(t, "rate = 100", "rate = 100\ntrials = 101") },
			"trials = 101", "trials", []string{"from 0 to 100"}},
		{"trial shorter than 1s", func(t *testing.T) string { return edit(t, "rate = 100", "rate = 100\ntrials = 20") },
			"trials = 20", "trials", []string{"duration 10s / 20 trials is shorter than 1s", "use fewer trials"}},
		{"unknown arrival", func(t *testing.T) string { return edit(t, `arrival = "constant"`, `arrival = "bursty"`) },
			`arrival = "bursty"`, "arrival", []string{"unknown arrival process", `use "constant"`, `or "poisson"`}},
		{"zero request timeout", func(t *testing.T) string { return edit(t, "rate = 100", "rate = 100\nrequest_timeout = \"0s\"") },
			`request_timeout = "0s"`, "request_timeout", []string{"greater than 0", `default "2s"`}},
		{"zero max in flight", func(t *testing.T) string { return edit(t, "rate = 100", "rate = 100\nmax_in_flight = 0") },
			"max_in_flight = 0", "max_in_flight", []string{"from 1 to 100000"}},
		{"negative seed", func(t *testing.T) string { return edit(t, "seed = 42", "seed = -1") },
			"seed = -1", "seed", []string{"negative seed", "non-negative integer"}},
		{"invalid seed string", func(t *testing.T) string { return edit(t, "seed = 42", `seed = "0xZZ"`) },
			`seed = "0xZZ"`, "seed", []string{"invalid seed string", `"0xDEADBEEF"`}},
		{"missing rate", func(t *testing.T) string { return edit(t, "rate = 100\n", "") },
			"rate", "", []string{"missing required key", "add rate = 1000"}},
		{"missing operations", func(t *testing.T) string { return validScenario[:strings.Index(validScenario, "[data]")] },
			"operations", "", []string{"missing required key", "add an [[operations]] section"}},
		{"operation without name", func(t *testing.T) string { return edit(t, "name = \"recall\"\n", "") },
			"operations[1].name", "[[operations]]\nweight", []string{"missing required key", `add name = "store_episode"`}},
		{"operation without path", func(t *testing.T) string { return edit(t, "path = \"/api/v1/recall/episodic\"\n", "") },
			"operations[1].path", "[[operations]]\nname = \"recall\"", []string{"missing required key", "add path ="}},
		{"operation without method", func(t *testing.T) string { return edit(t, "method = \"POST\"\n", "") },
			"operations[0].method", "[[operations]]\nname = \"store\"", []string{"missing required key", `add method = "POST"`}},
		{"unknown method", func(t *testing.T) string { return edit(t, `method = "POST"`, `method = "FETCH"`) },
			`operations[0].method = "FETCH"`, "FETCH", []string{"unknown method", "GET, POST, PUT, DELETE, PATCH"}},
		{"method in lower case", func(t *testing.T) string { return edit(t, `method = "POST"`, `method = "post"`) },
			`operations[0].method = "post"`, `"post"`, []string{"unknown method", "in upper case"}},
		{"path without slash", func(t *testing.T) string { return edit(t, `path = "/api/v1/episodes"`, `path = "api/v1/episodes"`) },
			`operations[0].path = "api/v1/episodes"`, "api/v1/episodes", []string{"must start with /"}},
		{"path with space", func(t *testing.T) string { return edit(t, `path = "/api/v1/episodes"`, `path = "/api/v1/my episodes"`) },
			"operations[0].path", "my episodes", []string{"' ' is not allowed", "remove spaces"}},
		{"duplicate operation name", func(t *testing.T) string { return edit(t, `name = "recall"`, `name = "store"`) },
			`operations[1].name = "store"`, "name = \"store\"\nweight = 0.5\nmethod = \"POST\"\npath = \"/api/v1/recall", []string{"duplicate operation name, also used by operations[0]", "give each operation its own name"}},
		{"invalid operation name", func(t *testing.T) string { return edit(t, `name = "recall"`, `name = "re call"`) },
			`operations[1].name = "re call"`, "re call", []string{"only letters, digits"}},
		{"name too long", func(t *testing.T) string {
			return edit(t, `name = "test"`, `name = "`+strings.Repeat("n", maxNameLength+1)+`"`)
		},
			"name", `name = "nnn`, []string{"129 bytes long, more than 128"}},
		{"fallback to unknown operation", func(t *testing.T) string {
			return edit(t, "expect_status = 201", "expect_status = 201\nfallback = \"nope\"")
		},
			`operations[0].fallback = "nope"`, "fallback", []string{"no operation has this name", "or remove the fallback"}},
		{"fallback to itself", func(t *testing.T) string {
			return edit(t, "expect_status = 201", "expect_status = 201\nfallback = \"store\"")
		},
			`operations[0].fallback = "store"`, "fallback", []string{"cannot be its own fallback"}},
		{"fallback cycle", func(t *testing.T) string {
			return edit(t, "expect_status = 201", "expect_status = 201\nfallback = \"recall\"") + "fallback = \"store\"\n"
		}, `operations[0].fallback = "recall"`, `fallback = "recall"`, []string{"cycle store -> recall -> store", "remove one fallback"}},
		{"unclosed placeholder", func(t *testing.T) string { return edit(t, `"k":10}`, `"k":{{seq}`) },
			"operations[1].body", `"k":{{seq}`, []string{"unclosed {{ at byte 25", "close the placeholder"}},
		{"unknown generator", func(t *testing.T) string { return edit(t, `"id":"{{id}}"`, `"id":"{{uuid}}"`) },
			"operations[0].body", "body", []string{`unknown generator "uuid"`, "use one of {{embedding}}"}},
		{"generator in path unknown", func(t *testing.T) string {
			return edit(t, `path = "/api/v1/episodes"`, `path = "/api/v1/episodes/{{nope}}"`)
		},
			"operations[0].path", "{{nope}}", []string{`unknown generator "nope"`}},
		{"int range reversed", func(t *testing.T) string { return edit(t, `"id":"{{id}}"`, `"id":"{{id}}","n":{{int 5 1}}`) },
			"operations[0].body", "body", []string{"invalid range 5 1", "A <= B"}},
		{"embedding length zero", func(t *testing.T) string { return edit(t, `"cue":{{embedding}}`, `"cue":{{embedding 0}}`) },
			"operations[1].body", "cue", []string{`invalid length "0"`, "from 1 to 65536"}},
		{"embedding without dimension", func(t *testing.T) string { return edit(t, "embedding_dim = 4\n", "") },
			"operations[0].body", `{{embedding}}`, []string{"needs data.embedding_dim"}},
		{"id with argument", func(t *testing.T) string { return edit(t, `"id":"{{id}}"`, `"id":"{{id 3}}"`) },
			"operations[0].body", "body", []string{"takes no arguments"}},
		{"expect status below 100", func(t *testing.T) string { return edit(t, "expect_status = 201", "expect_status = 99") },
			"operations[0].expect_status = 99", "expect_status", []string{"from 100 to 599", "default 200"}},
		{"expect status above 599", func(t *testing.T) string { return edit(t, "expect_status = 201", "expect_status = 600") },
			"operations[0].expect_status = 600", "expect_status", []string{"from 100 to 599"}},
		{"absurd embedding dimension", func(t *testing.T) string { return edit(t, "embedding_dim = 4", "embedding_dim = 1000000000") },
			"data.embedding_dim = 1000000000", "embedding_dim", []string{"from 1 to 65536"}},
		{"too many preload episodes", func(t *testing.T) string { return edit(t, "preload_episodes = 10", "preload_episodes = 2000000") },
			"data.preload_episodes = 2000000", "preload_episodes", []string{"from 0 to 1000000"}},
		{"body over size limit", func(t *testing.T) string {
			return edit(t, `"cue":{{embedding}}`, `"cue":{{embedding 65536}},"more":{{embedding 65536}},"most":{{embedding 65536}}`)
		}, "operations[1].body", "more", []string{"may reach", "more than the limit of 1048576", "use shorter text"}},
		{"request with fallbacks over size limit", func(t *testing.T) string {
			// Each body stays under the body limit, but the chain
			// store -> recall -> extra exceeds the request limit.
			big := `[{{embedding 65536}},{{embedding 60000}}]`
			src := edit(t, `{"cue":{{embedding}},"k":10}`, big)
			src = strings.Replace(src, `{"id":"{{id}}","embedding":{{embedding}}}`, `{"id":"{{id}}","e":`+big+`}`, 1)
			src = strings.Replace(src, "expect_status = 201", "expect_status = 201\nfallback = \"recall\"", 1)
			return src + "fallback = \"extra\"\n\n[[operations]]\nname = \"extra\"\nweight = 0\nmethod = \"POST\"\npath = \"/x\"\nbody = '''" + big + "'''\n"
		}, "operations[0].fallback", `fallback = "recall"`, []string{"with its fallbacks may reach", "shorten the fallback chain"}},
		{"too many operations", func(t *testing.T) string { return manyOperations() },
			"operations[64]", fmt.Sprintf("[[operations]]\nname = \"op%d\"", maxOperations), []string{"65 operations, more than 64", "merge or remove"}},
		{"preload without operation", func(t *testing.T) string { return edit(t, "preload_operation = \"store\"\n", "") },
			"data.preload_operation", "[data]", []string{"missing, but preload_episodes is 10", "name the operation"}},
		{"preload of unknown operation", func(t *testing.T) string { return edit(t, `preload_operation = "store"`, `preload_operation = "stor"`) },
			`data.preload_operation = "stor"`, "preload_operation", []string{"no operation has this name"}},
		{"brackets nested too deep", func(t *testing.T) string {
			return validScenario + "deep = " + strings.Repeat("[", 40) + strings.Repeat("]", 40) + "\n"
		}, "", "deep = [[[", []string{"brackets nested more than 32 deep", "flatten the file"}},
		{"dotted key too long", func(t *testing.T) string { return "a.b.c.d.e.f.g.h.i.j.k.l.m.n.o.p.q = 1\n" + validScenario },
			"", "a.b.c.d", []string{"dotted key with more than 16 parts"}},
		{"implicit unknown table", func(t *testing.T) string { return edit(t, "rate = 100", "rate = 100\nextra.part = 1") },
			"extra = {...}", "extra.part", []string{"unknown key"}},
		{"storedID without id source", func(t *testing.T) string {
			src := edit(t, `"id":"{{id}}",`, "")
			return strings.Replace(src, `path = "/api/v1/recall/episodic"`, `path = "/api/v1/episodes/{{storedID}}"`, 1)
		}, "operations[1]", "[[operations]]\nname = \"recall\"", []string{"uses {{storedID}}, but no operation that is sent generates ids", "add {{id}} to the operation that stores episodes"}},
	}

	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			src := c.src(t)
			_, err := Parse([]byte(src), "case.toml")
			if err == nil {
				t.Fatal("Parse succeeded, want an error")
			}
			msg := err.Error()
			t.Log(msg)

			if strings.Contains(msg, "\n") {
				t.Errorf("message spans lines: %q", msg)
			}
			if !strings.Contains(msg, c.key) {
				t.Errorf("message %q does not name key %q", msg, c.key)
			}
			if c.at != "" {
				loc := fmt.Sprintf("case.toml:%d: ", lineOfLocation(t, src, c.at))
				if !strings.HasPrefix(msg, loc) {
					t.Errorf("message %q does not start with %q", msg, loc)
				}
			} else if !strings.HasPrefix(msg, "case.toml: ") {
				t.Errorf("message %q does not start with the source without a line", msg)
			}
			for _, want := range c.want {
				if !strings.Contains(msg, want) {
					t.Errorf("message %q does not contain %q", msg, want)
				}
			}

			var fe *FieldError
			if !errors.As(err, &fe) {
				t.Errorf("error is %T, want *FieldError", err)
			}
		})
	}
}

// lineOfLocation finds the line the message should name. A multi-line
// anchor names the line of its last part, so "[[operations]]\nweight"
// finds the header followed by weight, and returns the header line.
func lineOfLocation(t *testing.T, src, anchor string) int {
	t.Helper()
	i := strings.Index(src, anchor)
	if i < 0 {
		t.Fatalf("source does not contain %q", anchor)
	}
	return strings.Count(src[:i], "\n") + 1
}

func TestValidateWithoutLines(t *testing.T) {
	s, err := Parse([]byte(validScenario), "test.toml")
	if err != nil {
		t.Fatal(err)
	}
	s.Rate = 0

	err = s.Validate()
	if err == nil {
		t.Fatal("Validate accepted rate 0")
	}
	if want := `scenario "test": rate = 0: `; !strings.HasPrefix(err.Error(), want) {
		t.Errorf("message %q does not start with %q", err, want)
	}
}

func TestValidateEmptyOperations(t *testing.T) {
	s := &Scenario{Name: "x", Rate: 1, Duration: time.Second, Arrival: ArrivalConstant,
		RequestTimeout: time.Second, MaxInFlight: 1}
	err := s.Validate()
	if err == nil || !strings.Contains(err.Error(), "at least one operation") {
		t.Errorf("Validate without operations = %v, want an error about operations", err)
	}
}

func TestWeightToleranceAcceptsRounding(t *testing.T) {
	src := edit(t, "weight = 0.5\nmethod = \"POST\"\npath = \"/api/v1/recall", "weight = 0.3\nmethod = \"POST\"\npath = \"/api/v1/recall")
	src = strings.Replace(src, "weight = 0.5", "weight = 0.7000001", 1)
	if _, err := Parse([]byte(src), "case.toml"); err != nil {
		t.Errorf("weights 0.7000001 + 0.3 rejected: %v", err)
	}
}
