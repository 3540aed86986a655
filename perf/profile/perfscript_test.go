package profile

import (
	"os"
	"strings"
	"testing"
)

func TestParsePerfScriptSample(t *testing.T) {
	f, err := os.Open("testdata/perf-script.txt")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()

	p, err := ParsePerfScript(f)
	if err != nil {
		t.Fatalf("ParsePerfScript: %v", err)
	}
	if err := p.CheckValid(); err != nil {
		t.Fatalf("parsed profile is invalid: %v", err)
	}

	if len(p.Sample) != 6 {
		t.Fatalf("got %d samples, want 6", len(p.Sample))
	}
	if got := sampleTypeName(p, 0); got != "samples/count" {
		t.Errorf("sample type 0 = %s, want samples/count", got)
	}
	if got := sampleTypeName(p, 1); got != "cpu/nanoseconds" {
		t.Errorf("sample type 1 = %s, want cpu/nanoseconds (cpu-clock event)", got)
	}
	if p.Period != 10101010 {
		t.Errorf("period = %d, want 10101010", p.Period)
	}
	for i, s := range p.Sample {
		if s.Value[0] != 1 || s.Value[1] != 10101010 {
			t.Errorf("sample %d values = %v, want [1 10101010]", i, s.Value)
		}
	}
	if got := p.Sample[0].Label["comm"]; len(got) != 1 || got[0] != "refserver" {
		t.Errorf("sample 0 comm label = %q, want [refserver]", got)
	}
	if got := p.Sample[5].Label["comm"]; len(got) != 1 || got[0] != "pool worker" {
		t.Errorf("sample 5 comm label = %q, want [pool worker]", got)
	}

	got := string(Folded(p, 0))
	want := "[unknown];[unknown] (libc.so.6) 1\n" +
		"runtime.goexit.abi0;main.handle;syscall.Syscall;entry_SYSCALL_64_after_hwframe;do_syscall_64;ksys_write 1\n" +
		"runtime.goexit.abi0;net/http.HandlerFunc.ServeHTTP;main.handle;main.parseRequest 2\n" +
		"runtime.goexit.abi0;net/http.HandlerFunc.ServeHTTP;main.handle;runtime.mallocgc 1\n" +
		"start_thread;Worker::run();std::vector<int, std::allocator<int> >::push_back(int const&) 1\n"
	if got != want {
		t.Errorf("folded stacks =\n%s\nwant\n%s", got, want)
	}

	// Two addresses in main.parseRequest are two locations of one function.
	var parseRequestFunctions int
	for _, fn := range p.Function {
		if fn.Name == "main.parseRequest" {
			parseRequestFunctions++
		}
	}
	if parseRequestFunctions != 1 {
		t.Errorf("main.parseRequest appears as %d functions, want 1", parseRequestFunctions)
	}
	if p.Sample[3].Location[0].Mapping == nil || p.Sample[3].Location[0].Mapping.File != "[kernel.kallsyms]" {
		t.Errorf("kernel frame mapping = %+v, want file [kernel.kallsyms]", p.Sample[3].Location[0].Mapping)
	}
}

func TestParsePerfScriptHeaders(t *testing.T) {
	cases := []struct {
		name       string
		header     string
		wantComm   string
		wantEvent  string
		wantPeriod int64
		wantFrames int
	}{
		{"per-process default", "refserver 4242   553.949777:   10101010 cpu-clock:pppH: ", "refserver", "cpu-clock", 10101010, 0},
		{"pid/tid and cpu", "refserver  4242/4243 [001] 553.949777:   250000 cycles:u:", "refserver", "cycles", 250000, 0},
		{"no period", "refserver 4242 553.949777: cpu-clock:", "refserver", "cpu-clock", 0, 0},
		{"comm with spaces", "Web Content 31337 10.5: 1 cpu-clock:", "Web Content", "cpu-clock", 1, 0},
		{"padded without -g", "       refserver  4242 553.9: 10101010 cpu-clock:pppH:       84e15 main.spin+0x35 (/srv/refserver)", "refserver", "cpu-clock", 10101010, 1},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			s, err := parseHeader(c.header)
			if err != nil {
				t.Fatalf("parseHeader: %v", err)
			}
			if s.comm != c.wantComm {
				t.Errorf("comm = %q, want %q", s.comm, c.wantComm)
			}
			if s.event != c.wantEvent {
				t.Errorf("event = %q, want %q", s.event, c.wantEvent)
			}
			if s.period != c.wantPeriod {
				t.Errorf("period = %d, want %d", s.period, c.wantPeriod)
			}
			if len(s.frames) != c.wantFrames {
				t.Errorf("got %d frames, want %d", len(s.frames), c.wantFrames)
			}
		})
	}
}

func TestParsePerfScriptWithoutCallGraph(t *testing.T) {
	text := "       refserver  4242 553.9: 10101010 cpu-clock:pppH:       84e15 main.spin+0x35 (/srv/refserver)\n" +
		"       refserver  4242 554.0: 10101010 cpu-clock:pppH:       84e18 main.spin+0x38 (/srv/refserver)\n"
	p, err := ParsePerfScript(strings.NewReader(text))
	if err != nil {
		t.Fatalf("ParsePerfScript: %v", err)
	}
	if got, want := string(Folded(p, 0)), "main.spin 2\n"; got != want {
		t.Errorf("folded = %q, want %q", got, want)
	}
}

func TestParsePerfScriptRejectsMalformed(t *testing.T) {
	cases := []struct {
		name     string
		text     string
		wantText string
	}{
		{"frame before header", "\t84e15 main.spin+0x35 (/srv/refserver)\n", "line 1"},
		{"frame without address", "refserver 4242 1.0: 1 cpu-clock:\n\tmain.spin (/srv/refserver)\n", "hex address"},
		{"header without event", "refserver 4242 1.0:\n", "no thread id or event name"},
		{"frames indented with spaces", "refserver 4242 1.0: 1 cpu-clock:\n    84e15 main.spin+0x35 (/srv/refserver)\n", "indented with a tab"},
		{"mixed events", "a 1 1.0: 1 cpu-clock:\n\t1 f (/x)\n\nb 1 2.0: 1 cycles:\n\t1 f (/x)\n", "mixes events"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := ParsePerfScript(strings.NewReader(c.text))
			if err == nil {
				t.Fatalf("ParsePerfScript(%q) succeeded, want an error containing %q", c.text, c.wantText)
			}
			if !strings.Contains(err.Error(), c.wantText) {
				t.Errorf("error %q does not contain %q", err, c.wantText)
			}
		})
	}
}

func TestParsePerfScriptEmpty(t *testing.T) {
	p, err := ParsePerfScript(strings.NewReader(""))
	if err != nil {
		t.Fatalf("ParsePerfScript of empty output: %v", err)
	}
	if len(p.Sample) != 0 {
		t.Errorf("got %d samples, want 0", len(p.Sample))
	}
	if err := p.CheckValid(); err != nil {
		t.Errorf("empty profile is invalid: %v", err)
	}
	if got := Folded(p, 0); len(got) != 0 {
		t.Errorf("Folded of empty profile = %q, want empty", got)
	}
}
