package main

import (
	"bufio"
	"context"
	"errors"
	"io"
	"math/rand/v2"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

func TestFaultNeverHealthy(t *testing.T) {
	cfg := testConfig()
	cfg.NeverHealthy = true
	_, ts := startTestServer(t, cfg)

	for range 3 {
		resp := doRequest(t, "GET", ts.URL+"/health", nil)
		if resp.status != http.StatusServiceUnavailable {
			t.Fatalf("health status = %d, want 503", resp.status)
		}
		if status := decodeJSON[healthResponse](t, resp).Status; status != "unhealthy" {
			t.Errorf("health status field = %q, want unhealthy", status)
		}
	}
}

func TestFaultHangAfter(t *testing.T) {
	cfg := testConfig()
	cfg.HangAfter = 50 * time.Millisecond
	srv, ts := startTestServer(t, cfg)
	body := recallBody(randomVector(rand.New(rand.NewPCG(50, 50)), testDim), 3)

	if resp := doRequest(t, "POST", ts.URL+"/api/v1/recall/episodic", body); resp.status != http.StatusOK {
		t.Fatalf("recall before -hang-after expired: status %d, want 200", resp.status)
	}
	time.Sleep(60 * time.Millisecond)

	client := &http.Client{Timeout: 300 * time.Millisecond}
	resp, err := client.Post(ts.URL+"/api/v1/recall/episodic", "application/json", strings.NewReader(string(body)))
	if err == nil {
		resp.Body.Close()
		t.Fatalf("recall after -hang-after expired: status %d, want no response", resp.StatusCode)
	}
	if !errors.Is(err, context.DeadlineExceeded) && !strings.Contains(err.Error(), "Timeout") {
		t.Errorf("recall after -hang-after expired: error %v, want a client timeout", err)
	}

	// /health is outside /api/ and keeps responding.
	if resp := doRequest(t, "GET", ts.URL+"/health", nil); resp.status != http.StatusOK {
		t.Errorf("health while hanging: status %d, want 200", resp.status)
	}

	// Shutdown releases a hung request with 503.
	type result struct {
		status int
		err    error
	}
	done := make(chan result, 1)
	go func() {
		client := &http.Client{Timeout: 5 * time.Second}
		resp, err := client.Post(ts.URL+"/api/v1/recall/episodic", "application/json", strings.NewReader(string(body)))
		if err != nil {
			done <- result{err: err}
			return
		}
		resp.Body.Close()
		done <- result{status: resp.StatusCode}
	}()
	time.Sleep(50 * time.Millisecond)
	srv.stop()
	select {
	case r := <-done:
		if r.err != nil || r.status != http.StatusServiceUnavailable {
			t.Errorf("hung request after stop: status %d, error %v, want 503", r.status, r.err)
		}
	case <-time.After(6 * time.Second):
		t.Fatal("hung request was not released within 6 s of stop")
	}
}

func TestFaultDelayAddsLatency(t *testing.T) {
	const delay = 40 * time.Millisecond
	cfg := testConfig()
	cfg.Delay = delay
	_, ts := startTestServer(t, cfg)
	body := recallBody(randomVector(rand.New(rand.NewPCG(51, 51)), testDim), 3)

	start := time.Now()
	resp := doRequest(t, "POST", ts.URL+"/api/v1/recall/episodic", body)
	elapsed := time.Since(start)
	if resp.status != http.StatusOK {
		t.Fatalf("recall with -delay: status %d, want 200", resp.status)
	}
	if elapsed < delay {
		t.Errorf("recall with -delay %v took %v, want at least the delay", delay, elapsed)
	}

	// The delay applies to /api/ only, so health checks stay fast.
	start = time.Now()
	doRequest(t, "GET", ts.URL+"/health", nil)
	if elapsed := time.Since(start); elapsed >= delay {
		t.Errorf("health with -delay %v took %v, want less than the delay", delay, elapsed)
	}
}

func TestFaultSpinAddsLatency(t *testing.T) {
	const spin = 20 * time.Millisecond
	cfg := testConfig()
	cfg.Spin = spin
	_, ts := startTestServer(t, cfg)
	body := recallBody(randomVector(rand.New(rand.NewPCG(52, 52)), testDim), 3)

	start := time.Now()
	resp := doRequest(t, "POST", ts.URL+"/api/v1/recall/episodic", body)
	elapsed := time.Since(start)
	if resp.status != http.StatusOK {
		t.Fatalf("recall with -spin: status %d, want 200", resp.status)
	}
	if elapsed < spin {
		t.Errorf("recall with -spin %v took %v, want at least the spin", spin, elapsed)
	}
}

func TestParseFlags(t *testing.T) {
	tests := []struct {
		name    string
		args    []string
		addr    string
		wantErr string
	}{
		{name: "defaults", args: nil, addr: defaultAddr},
		{name: "port shorthand", args: []string{"-port", "9000"}, addr: "127.0.0.1:9000"},
		{name: "addr", args: []string{"-addr", "[::1]:9001"}, addr: "[::1]:9001"},
		{name: "addr and port", args: []string{"-addr", ":1", "-port", "2"}, wantErr: "both -addr and -port"},
		{name: "port out of range", args: []string{"-port", "70000"}, wantErr: "invalid -port 70000"},
		{name: "zero dim", args: []string{"-dim", "0"}, wantErr: "invalid -dim 0"},
		{name: "negative delay", args: []string{"-delay", "-1ms"}, wantErr: "invalid -delay -1ms"},
		{name: "positional argument", args: []string{"extra"}, wantErr: `unexpected argument "extra"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			opts, err := parseFlags(tt.args, io.Discard)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Errorf("parseFlags(%q) error = %v, want one containing %q", tt.args, err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatalf("parseFlags(%q): %v", tt.args, err)
			}
			if opts.addr != tt.addr {
				t.Errorf("addr = %q, want %q", opts.addr, tt.addr)
			}
		})
	}
}

var (
	buildOnce sync.Once
	binary    string
	buildErr  error
)

// buildBinary builds refserver once per test run into a directory that
// TestMain removes.
func buildBinary(t *testing.T) string {
	t.Helper()
	if testing.Short() {
		t.Skip("builds and runs the refserver binary")
	}

	buildOnce.Do(func() {
		goTool, err := exec.LookPath("go")
		if err != nil {
			buildErr = err
			return
		}
		binary = filepath.Join(binaryDir, "refserver")
		out, err := exec.Command(goTool, "build", "-o", binary, ".").CombinedOutput()
		if err != nil {
			buildErr = errors.New(string(out))
		}
	})
	if buildErr != nil {
		t.Fatalf("build refserver: %v", buildErr)
	}

	return binary
}

var binaryDir string

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "refserver-test-")
	if err != nil {
		panic(err)
	}
	binaryDir = dir

	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

// process is a running refserver binary.
type process struct {
	cmd    *exec.Cmd
	addr   string        // from the start log line
	exited chan struct{} // closed when the process has exited
	stderr *strings.Builder
	mu     sync.Mutex
}

var startAddr = regexp.MustCompile(`msg="refserver started" addr=(\S+)`)

// startBinary runs the binary with args on a free loopback port and waits
// up to 10 s for its start line. The process is killed at the end of the
// test if it is still running.
func startBinary(t *testing.T, args ...string) *process {
	t.Helper()

	cmd := exec.Command(buildBinary(t), append([]string{"-addr", "127.0.0.1:0"}, args...)...)
	stderrPipe, err := cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatalf("start refserver: %v", err)
	}

	p := &process{cmd: cmd, exited: make(chan struct{}), stderr: new(strings.Builder)}
	addrFound := make(chan string, 1)
	go func() {
		scanner := bufio.NewScanner(stderrPipe)
		for scanner.Scan() {
			line := scanner.Text()
			p.mu.Lock()
			p.stderr.WriteString(line + "\n")
			p.mu.Unlock()
			if m := startAddr.FindStringSubmatch(line); m != nil {
				addrFound <- m[1]
			}
		}
		_ = cmd.Wait()
		close(p.exited)
	}()
	t.Cleanup(func() {
		_ = cmd.Process.Kill()
		<-p.exited
	})

	select {
	case p.addr = <-addrFound:
	case <-p.exited:
	case <-time.After(10 * time.Second):
		t.Fatal("refserver printed no start line within 10 s")
	}

	return p
}

// wait waits up to timeout for the process to exit and returns its exit
// code, or -1 if it is still running.
func (p *process) wait(timeout time.Duration) int {
	select {
	case <-p.exited:
		return p.cmd.ProcessState.ExitCode()
	case <-time.After(timeout):
		return -1
	}
}

func (p *process) log() string {
	p.mu.Lock()
	defer p.mu.Unlock()

	return p.stderr.String()
}

func TestBinaryExitAtStart(t *testing.T) {
	p := startBinary(t, "-exit-at-start")

	if code := p.wait(10 * time.Second); code != 1 {
		t.Fatalf("exit code = %d, want 1", code)
	}
	if p.addr != "" {
		t.Errorf("refserver started on %s, want an exit before listening", p.addr)
	}
	if !strings.Contains(p.log(), "-exit-at-start") {
		t.Errorf("log does not mention -exit-at-start:\n%s", p.log())
	}
}

func TestBinaryCrashAfter(t *testing.T) {
	p := startBinary(t, "-crash-after", "500ms")
	if p.addr == "" {
		t.Fatalf("refserver did not start:\n%s", p.log())
	}

	if resp := doRequest(t, "GET", "http://"+p.addr+"/health", nil); resp.status != http.StatusOK {
		t.Errorf("health before the crash: status %d, want 200", resp.status)
	}

	if code := p.wait(10 * time.Second); code != 2 {
		t.Fatalf("exit code = %d, want 2", code)
	}
	if log := p.log(); !strings.Contains(log, "-crash-after") || strings.Contains(log, "refserver stopped") {
		t.Errorf("log should mention -crash-after and have no stop line:\n%s", log)
	}
}

func TestBinarySigtermStopsGracefully(t *testing.T) {
	p := startBinary(t, "-dim", "8")
	if p.addr == "" {
		t.Fatalf("refserver did not start:\n%s", p.log())
	}
	if resp := doRequest(t, "GET", "http://"+p.addr+"/health", nil); resp.status != http.StatusOK {
		t.Fatalf("health: status %d, want 200", resp.status)
	}

	if err := p.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	if code := p.wait(3 * time.Second); code != 0 {
		t.Fatalf("exit code after SIGTERM = %d, want 0 within 3 s", code)
	}
	if !strings.Contains(p.log(), "refserver stopped") {
		t.Errorf("log has no stop line:\n%s", p.log())
	}
}

func TestBinaryHangingRequestsDoNotBlockShutdown(t *testing.T) {
	p := startBinary(t, "-dim", "8", "-hang-after", "1ns")
	if p.addr == "" {
		t.Fatalf("refserver did not start:\n%s", p.log())
	}

	// Open a request that hangs, then stop the server.
	go func() {
		client := &http.Client{Timeout: 5 * time.Second}
		resp, err := client.Get("http://" + p.addr + "/api/v1/episodes/x")
		if err == nil {
			resp.Body.Close()
		}
	}()
	time.Sleep(200 * time.Millisecond)

	start := time.Now()
	if err := p.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	if code := p.wait(3 * time.Second); code != 0 {
		t.Fatalf("exit code after SIGTERM = %d, want 0 within 3 s", code)
	}
	if elapsed := time.Since(start); elapsed > 1500*time.Millisecond {
		t.Errorf("shutdown with a hanging request took %v, want about 1 s at most", elapsed)
	}
}

func TestBinaryIgnoreSigterm(t *testing.T) {
	p := startBinary(t, "-dim", "8", "-ignore-sigterm")
	if p.addr == "" {
		t.Fatalf("refserver did not start:\n%s", p.log())
	}

	if err := p.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	if code := p.wait(1500 * time.Millisecond); code != -1 {
		t.Fatalf("refserver exited with %d after SIGTERM, want it to keep running", code)
	}
	if resp := doRequest(t, "GET", "http://"+p.addr+"/health", nil); resp.status != http.StatusOK {
		t.Errorf("health after SIGTERM: status %d, want 200", resp.status)
	}

	// SIGINT still stops it gracefully.
	if err := p.cmd.Process.Signal(os.Interrupt); err != nil {
		t.Fatal(err)
	}
	if code := p.wait(3 * time.Second); code != 0 {
		t.Errorf("exit code after SIGINT = %d, want 0", code)
	}
}
