package scenario

import (
	"crypto/sha256"
	"encoding/hex"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/BurntSushi/toml"
)

const defaultScenarioPath = "../../scenarios/m17_baseline.toml"

func loadDefault(t testing.TB) *Scenario {
	t.Helper()
	s, err := Load(defaultScenarioPath)
	if err != nil {
		t.Fatalf("Load(%s): %v", defaultScenarioPath, err)
	}
	return s
}

func TestLoadDefaultScenario(t *testing.T) {
	s := loadDefault(t)

	checks := []struct {
		name      string
		got, want any
	}{
		{"Name", s.Name, "m17_baseline"},
		{"Seed", s.Seed, uint64(0xDEADBEEF)},
		{"Rate", s.Rate, 1000.0},
		{"Duration", s.Duration, 60 * time.Second},
		{"Warmup", s.Warmup, time.Second},
		{"Trials", s.Trials, 0},
		{"Arrival", s.Arrival, ArrivalConstant},
		{"RequestTimeout", s.RequestTimeout, 2 * time.Second},
		{"MaxInFlight", s.MaxInFlight, 512},
		{"Data", s.Data, Data{EmbeddingDim: 768, PreloadEpisodes: 1000, PreloadOperation: "store_episode"}},
		{"Path", s.Path, defaultScenarioPath},
		{"len(Operations)", len(s.Operations), 4},
	}
	for _, c := range checks {
		if c.got != c.want {
			t.Errorf("%s = %v, want %v", c.name, c.got, c.want)
		}
	}

	wantOps := []Operation{
		{Name: "store_episode", Weight: 0.4, Method: "POST", Path: "/api/v1/episodes", ExpectStatus: 201,
			Body: `{"id":"{{id}}","content":"episode {{seq}}","confidence":{{float 0.5 1.0}},"embedding":{{embedding}}}`},
		{Name: "episodic_recall", Weight: 0.4, Method: "POST", Path: "/api/v1/recall/episodic", ExpectStatus: 200,
			Body: `{"cue":{{embedding}},"k":10}`},
		{Name: "semantic_recall", Weight: 0.1, Method: "POST", Path: "/api/v1/recall/semantic", ExpectStatus: 200,
			Body: `{"cue":{{embedding}},"k":10}`, Fallback: "episodic_recall"},
		{Name: "blended_recall", Weight: 0.1, Method: "POST", Path: "/api/v1/recall/blended", ExpectStatus: 200,
			Body: `{"cue":{{embedding}},"k":10}`, Fallback: "episodic_recall"},
	}
	for i, want := range wantOps {
		if i >= len(s.Operations) {
			break
		}
		if got := s.Operations[i]; got != want {
			t.Errorf("Operations[%d] = %+v, want %+v", i, got, want)
		}
	}

	if err := s.Validate(); err != nil {
		t.Errorf("Validate: %v", err)
	}
}

func TestLoadHashIsFileSHA256(t *testing.T) {
	data, err := os.ReadFile(defaultScenarioPath)
	if err != nil {
		t.Fatal(err)
	}
	sum := sha256.Sum256(data)

	s := loadDefault(t)
	if want := hex.EncodeToString(sum[:]); s.Hash != want {
		t.Errorf("Hash = %s, want %s", s.Hash, want)
	}
}

func TestParseLeavesPathEmpty(t *testing.T) {
	s, err := Parse([]byte(validScenario), "inline")
	if err != nil {
		t.Fatal(err)
	}
	if s.Path != "" {
		t.Errorf("Path = %q, want empty for a scenario parsed from bytes", s.Path)
	}
}

func TestLoadMissingFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "absent.toml")
	_, err := Load(path)
	if err == nil {
		t.Fatal("Load of a missing file succeeded")
	}
	if !strings.Contains(err.Error(), path) {
		t.Errorf("error %q does not name the path", err)
	}
}

func TestLoadFileTooLarge(t *testing.T) {
	path := filepath.Join(t.TempDir(), "large.toml")
	padding := "# " + strings.Repeat("x", maxFileSize) + "\n"
	if err := os.WriteFile(path, []byte(validScenario+padding), 0o644); err != nil {
		t.Fatal(err)
	}

	_, err := Load(path)
	if err == nil {
		t.Fatal("Load of a file over the size limit succeeded")
	}
	if !strings.Contains(err.Error(), "larger than") {
		t.Errorf("error %q does not say the file is too large", err)
	}
}

func TestSeedForms(t *testing.T) {
	cases := []struct {
		value string
		want  uint64
	}{
		{"0xDEADBEEF", 0xDEADBEEF},
		{"3735928559", 0xDEADBEEF},
		{"0", 0},
		{`"0xDEADBEEF"`, 0xDEADBEEF},
		{`"0xFFFFFFFFFFFFFFFF"`, 1<<64 - 1},
		{`"42"`, 42},
		{`"0b101"`, 5},
	}
	for _, c := range cases {
		text := strings.Replace(validScenario, "seed = 42", "seed = "+c.value, 1)
		s, err := Parse([]byte(text), "seed.toml")
		if err != nil {
			t.Errorf("seed = %s: %v", c.value, err)
			continue
		}
		if s.Seed != c.want {
			t.Errorf("seed = %s: Seed = %d, want %d", c.value, s.Seed, c.want)
		}
	}
}

func TestOptionalKeyDefaults(t *testing.T) {
	s, err := Parse([]byte(validScenario), "defaults.toml")
	if err != nil {
		t.Fatal(err)
	}
	if s.RequestTimeout != 2*time.Second {
		t.Errorf("RequestTimeout = %s, want 2s", s.RequestTimeout)
	}
	if s.MaxInFlight != 512 {
		t.Errorf("MaxInFlight = %d, want 512", s.MaxInFlight)
	}
	if s.Trials != 0 {
		t.Errorf("Trials = %d, want 0", s.Trials)
	}
	if got := s.Operations[1].ExpectStatus; got != 200 {
		t.Errorf("ExpectStatus without expect_status = %d, want 200", got)
	}
}

func TestInlineOperationsArray(t *testing.T) {
	text := `name = "inline"
seed = 1
rate = 10
duration = "5s"
warmup = "0s"
arrival = "poisson"
operations = [
  {name = "ping", weight = 1.0, method = "GET", path = "/ping"},
]
`
	s, err := Parse([]byte(text), "inline.toml")
	if err != nil {
		t.Fatal(err)
	}
	if len(s.Operations) != 1 || s.Operations[0].Name != "ping" {
		t.Errorf("Operations = %+v, want one operation ping", s.Operations)
	}
}

func TestKeyLines(t *testing.T) {
	src := `# comment [[operations]]
name = "x"   # trailing
"quoted.key" = 1
body = '''
[[operations]]
not_a_key = 1
'''
arr = [
  1, # [
  2,
]
basic = """a \"""
b"""
inline = {a = 1, b = [2, 3]}

[data]
dotted.key = 2

[[operations]]
name = "a"

[[ operations ]]
name = "b"
weight = 1

[operations.extra]
x = 1
`
	want := map[string]int{
		"name":                  2,
		"quoted.key":            3,
		"body":                  4,
		"arr":                   8,
		"basic":                 12,
		"inline":                14,
		"data":                  16,
		"data.dotted.key":       17,
		"operations[0]":         19,
		"operations[0].name":    20,
		"operations[1]":         22,
		"operations[1].name":    23,
		"operations[1].weight":  24,
		"operations[1].extra":   26,
		"operations[1].extra.x": 27,
	}
	var decoded map[string]any
	if _, err := toml.Decode(src, &decoded); err != nil {
		t.Fatalf("test input is not valid TOML: %v", err)
	}

	lines := locateKeys(src)
	for key, line := range want {
		if got := lines[key]; got != line {
			t.Errorf("line of %s = %d, want %d", key, got, line)
		}
	}
	if _, ok := lines["not_a_key"]; ok {
		t.Errorf("a line inside a multi-line string was taken for a key")
	}
	if got := lines.lineOf("operations[1].path"); got != 22 {
		t.Errorf("lineOf(missing operations[1].path) = %d, want the header line 22", got)
	}
	if got := lines.lineOf("inline.a"); got != 14 {
		t.Errorf("lineOf(inline.a) = %d, want the line of the inline table 14", got)
	}
}

func TestCheckStructureAllowsScenarioValues(t *testing.T) {
	src := `a = 1.5
b = 07:32:00.999
c = 1979-05-27T07:32:00.999Z
d = [1.5, 2.5, [3.5]]
"x.y".z = "a.b.c.d.e.f.g.h.i.j.k.l.m.n.o.p.q.r"
e = '''a.b.c.d.e.f.g.h.i.j.k.l.m.n.o.p.q.r
[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[['''
f = {g = {h = [1, {i = 2}]}}
p1.p2.p3.p4.p5.p6.p7.p8.p9.p10.p11.p12.p13.p14.p15.p16 = 1
`
	if line, problem := checkStructure(src); problem != "" {
		t.Errorf("line %d: %s", line, problem)
	}
}
