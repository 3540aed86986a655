package diag

import (
	"fmt"
	"strings"
	"testing"

	"github.com/m17/perfgate/perf/result"
)

func crashDiagnostics() *result.Diagnostics {
	logLines := make([]string, 250)
	for i := range logLines {
		logLines[i] = fmt.Sprintf("log line %d", i+1)
	}
	return &result.Diagnostics{
		ServerCommand:  "./bin/refserver -addr 127.0.0.1:7432",
		ExitCode:       -1,
		ExitSignal:     "SIGSEGV",
		ExitUnexpected: true,
		CrashedAt:      "2026-03-04T05:06:07Z",
		LastLogLines:   logLines,
		HealthPayload:  "{\n\"status\": \"ok\"\n}",
		PortListeners:  []string{"pid 4321 (nginx)"},
		LoadAvgBefore:  0.5,
		LoadAvgAfter:   2.25,
		CPUGovernor:    "powersave",
	}
}

func TestWriteTextCrash(t *testing.T) {
	var out strings.Builder
	if err := WriteText(&out, crashDiagnostics()); err != nil {
		t.Fatalf("WriteText: %v", err)
	}
	text := out.String()
	lines := strings.Split(text, "\n")

	wantLines := []string{
		"== Server ==",
		"Command:              ./bin/refserver -addr 127.0.0.1:7432",
		"Exit:                 killed by signal SIGSEGV",
		"Exited unexpectedly:  yes, at 2026-03-04T05:06:07Z",
		"== Health payload ==",
		`  "status": "ok"`,
		"== Other processes listening on the port ==",
		"  pid 4321 (nginx)",
		"== Host ==",
		"Load average before:  0.50",
		"Load average after:   2.25",
		"CPU governor:         powersave",
		"== Server log, last 200 lines ==",
		"  log line 51",
		"  log line 250",
	}
	for _, want := range wantLines {
		if !containsLine(lines, want) {
			t.Errorf("text has no line %q; got:\n%s", want, text)
		}
	}

	// Only the last 200 of the 250 log lines are kept.
	if containsLine(lines, "  log line 50") {
		t.Errorf("text contains log line 50, want only the last %d lines", MaxLogLines)
	}
}

func TestWriteTextCleanExit(t *testing.T) {
	var out strings.Builder
	if err := WriteText(&out, &result.Diagnostics{}); err != nil {
		t.Fatalf("WriteText: %v", err)
	}
	text := out.String()
	lines := strings.Split(text, "\n")

	wantLines := []string{
		"Command:              (none: the server was already running, not started by the harness)",
		"Exit:                 exit status 0",
		"Exited unexpectedly:  no",
		"  (empty)",
		"  (none found)",
		"CPU governor:         (unknown: scaling_governor is not readable on this host)",
		"== Server log ==",
		"  (no output captured)",
	}
	for _, want := range wantLines {
		if !containsLine(lines, want) {
			t.Errorf("text has no line %q; got:\n%s", want, text)
		}
	}
}

func TestWriteTextNil(t *testing.T) {
	var out strings.Builder
	if err := WriteText(&out, nil); err == nil {
		t.Error("WriteText(nil) returned no error, want one")
	}
}

func containsLine(lines []string, want string) bool {
	for _, line := range lines {
		if line == want {
			return true
		}
	}
	return false
}
