package server

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func TestStartHealthyServer(t *testing.T) {
	spec := testSpec(t, "healthy")
	spec.LogPath = filepath.Join(t.TempDir(), "logs", "healthy.log")

	p := startTestServer(t, spec)

	if p.Pid() <= 0 {
		t.Errorf("Pid() = %d, want a positive pid", p.Pid())
	}
	if !strings.Contains(p.HealthPayload(), `"status":"ok"`) {
		t.Errorf("HealthPayload() = %q, want the /health body", p.HealthPayload())
	}
	if !containsLine(p.LastLines(10), "healthy server listening on") {
		t.Errorf("LastLines(10) = %q, want the startup line", p.LastLines(10))
	}
	if !strings.HasPrefix(p.CommandLine(), spec.Binary+" -port ") {
		t.Errorf("CommandLine() = %q, want the binary and its arguments", p.CommandLine())
	}
	if exit := p.Exit(); exit.Exited {
		t.Errorf("Exit() before exit = %+v, want the zero ExitInfo", exit)
	}
	select {
	case <-p.Done():
		t.Fatal("Done() closed while the server runs")
	default:
	}

	exit, err := p.Stop()
	if err != nil {
		t.Fatalf("Stop: %v", err)
	}
	if !exit.Exited || exit.Unexpected || exit.Signal != "SIGTERM" || exit.Code != -1 {
		t.Errorf("Stop() = %+v, want Exited by SIGTERM and not Unexpected", exit)
	}
	waitGone(t, p.Pid(), time.Second)

	logData, err := os.ReadFile(spec.LogPath)
	if err != nil {
		t.Fatalf("read log file: %v", err)
	}
	if !strings.Contains(string(logData), "healthy server listening on") {
		t.Errorf("log file %s = %q, want the startup line", spec.LogPath, logData)
	}
}

func TestStartExitsAtStart(t *testing.T) {
	spec := testSpec(t, "exitearly")
	spec.EarlyExitWindow = 0 // the default

	started := time.Now()
	p, err := Start(context.Background(), spec)
	elapsed := time.Since(started)

	if err == nil {
		p.Stop()
		t.Fatal("Start succeeded for a server that exits at once")
	}
	if elapsed > 5*time.Second {
		t.Errorf("Start took %s to report the exit, want well under 5s", elapsed)
	}
	if !strings.Contains(err.Error(), "fatal: config file missing") {
		t.Errorf("error lacks the last output line: %v", err)
	}
	if !strings.Contains(err.Error(), "exit status 3") {
		t.Errorf("error lacks the exit status: %v", err)
	}
}

func TestStartNeverHealthy(t *testing.T) {
	spec := testSpec(t, "unhealthy")
	spec.HealthTimeout = time.Second

	started := time.Now()
	p, err := Start(context.Background(), spec)
	elapsed := time.Since(started)

	if err == nil {
		p.Stop()
		t.Fatal("Start succeeded for a server whose health returns 503")
	}
	if elapsed < time.Second || elapsed > 10*time.Second {
		t.Errorf("Start failed after %s, want just over the 1s health timeout", elapsed)
	}
	if !strings.Contains(err.Error(), "HTTP 503") {
		t.Errorf("error lacks the last health status: %v", err)
	}
	if !strings.Contains(err.Error(), "unhealthy server listening on") {
		t.Errorf("error lacks the last output line: %v", err)
	}
	pid := parsePid(t, err.Error())
	if !processGone(pid) {
		t.Errorf("pid %d still runs after Start failed", pid)
	}
}

func TestStartCancelDuringHealthWait(t *testing.T) {
	spec := testSpec(t, "unhealthy")
	spec.HealthTimeout = time.Minute
	ctx, cancel := context.WithCancel(context.Background())
	time.AfterFunc(500*time.Millisecond, cancel)

	started := time.Now()
	p, err := Start(ctx, spec)
	elapsed := time.Since(started)

	if err == nil {
		p.Stop()
		t.Fatal("Start succeeded after its context was cancelled")
	}
	if !errors.Is(err, context.Canceled) {
		t.Errorf("error = %v, want it to wrap context.Canceled", err)
	}
	if elapsed > 10*time.Second {
		t.Errorf("Start returned %s after launch, want soon after the cancel at 500ms", elapsed)
	}
	pid := parsePid(t, err.Error())
	if !processGone(pid) {
		t.Errorf("pid %d still runs after Start was cancelled", pid)
	}
}

func TestStartExitSoonAfterHealthy(t *testing.T) {
	spec := testSpec(t, "healthy", "-crash-after", "300ms")
	spec.EarlyExitWindow = 5 * time.Second

	p, err := Start(context.Background(), spec)

	if err == nil {
		p.Stop()
		t.Fatal("Start succeeded for a server that exits within EarlyExitWindow")
	}
	if !strings.Contains(err.Error(), "after its health check passed") {
		t.Errorf("error does not say the exit came after health: %v", err)
	}
	if !strings.Contains(err.Error(), "exit status 2") {
		t.Errorf("error lacks the exit status: %v", err)
	}
	if !strings.Contains(err.Error(), "panic: simulated crash") {
		t.Errorf("error lacks the last output line: %v", err)
	}
}

func TestStartPortBusy(t *testing.T) {
	listener := listenLoopback(t)
	spec := Spec{
		Name:   "busy",
		Binary: filepath.Join(t.TempDir(), "never-started"),
		Port:   listener.port,
	}

	_, err := Start(context.Background(), spec)

	if err == nil {
		t.Fatal("Start succeeded on a busy port")
	}
	if !strings.Contains(err.Error(), "already in use") {
		t.Errorf("error = %v, want a port-in-use error before any launch", err)
	}
}

func TestStartMissingBinary(t *testing.T) {
	spec := Spec{
		Name:   "missing",
		Binary: filepath.Join(t.TempDir(), "no-such-binary"),
		Port:   freePort(t),
	}

	_, err := Start(context.Background(), spec)

	if err == nil {
		t.Fatal("Start succeeded with a missing binary")
	}
	if !strings.Contains(err.Error(), "no-such-binary") {
		t.Errorf("error does not name the binary: %v", err)
	}
}

func TestStartInvalidSpec(t *testing.T) {
	tests := []struct {
		name string
		spec Spec
		want string
	}{
		{name: "no binary", spec: Spec{Port: 8080}, want: "Spec.Binary is empty"},
		{name: "port zero", spec: Spec{Binary: "x"}, want: "port 0 is invalid"},
		{name: "port too big", spec: Spec{Binary: "x", Port: 70000}, want: "port 70000 is invalid"},
		{name: "relative health path", spec: Spec{Binary: "x", Port: 8080, HealthPath: "health"}, want: `health path "health"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Start(context.Background(), tt.spec)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("Start error = %v, want it to contain %q", err, tt.want)
			}
		})
	}
}
