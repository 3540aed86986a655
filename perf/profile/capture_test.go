package profile

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"net/http/pprof"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/pprof/profile"
)

// burnSink keeps the result of burnCPUForCaptureTest alive, so the
// compiler cannot drop the loop.
var burnSink atomic.Uint64

// burnCPUForCaptureTest spins until stop is closed. Its name is what the
// capture tests look for in the profile.
//
//go:noinline
func burnCPUForCaptureTest(stop <-chan struct{}) {
	x := uint64(1)
	for {
		select {
		case <-stop:
			burnSink.Store(x)
			return
		default:
		}
		for i := 0; i < 100_000; i++ {
			x = x*6364136223846793005 + 1442695040888963407
		}
	}
}

// startBurning runs burnCPUForCaptureTest until the test ends.
func startBurning(t *testing.T) {
	t.Helper()
	stop := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		burnCPUForCaptureTest(stop)
	}()
	t.Cleanup(func() {
		close(stop)
		wg.Wait()
	})
}

func hasFunction(p *profile.Profile, nameSuffix string) bool {
	for _, fn := range p.Function {
		if strings.HasSuffix(fn.Name, nameSuffix) {
			return true
		}
	}
	return false
}

func TestCaptureGoRealServer(t *testing.T) {
	mux := http.NewServeMux()
	mux.HandleFunc("/debug/pprof/profile", pprof.Profile)
	server := httptest.NewServer(mux)
	defer server.Close()
	startBurning(t)

	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	p, raw, err := CaptureGo(ctx, server.URL+"/", 500*time.Millisecond)
	if err != nil {
		t.Fatalf("CaptureGo: %v", err)
	}
	if len(raw) == 0 {
		t.Error("CaptureGo returned no raw bytes")
	}
	if _, err := profile.ParseData(raw); err != nil {
		t.Errorf("raw bytes do not parse as a profile: %v", err)
	}
	if len(p.Sample) == 0 {
		t.Fatal("profile has no samples")
	}
	if !hasFunction(p, ".burnCPUForCaptureTest") {
		t.Errorf("profile does not contain burnCPUForCaptureTest; folded stacks:\n%s", Folded(p, DefaultSampleIndex(p)))
	}
	// The request is for ceil(0.5 s) = 1 s.
	if p.DurationNanos < int64(900*time.Millisecond) {
		t.Errorf("profile duration = %v, want about 1s", time.Duration(p.DurationNanos))
	}
}

func TestCaptureGoWithoutPprof(t *testing.T) {
	server := httptest.NewServer(http.NotFoundHandler())
	defer server.Close()

	_, _, err := CaptureGo(context.Background(), server.URL, time.Second)
	if err == nil {
		t.Fatal("CaptureGo succeeded against a server without pprof")
	}
	for _, want := range []string{server.URL + "/debug/pprof/profile?seconds=1", "404", `import _ "net/http/pprof"`, "Linux perf"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q does not contain %q", err, want)
		}
	}
}

func TestCaptureGoServerError(t *testing.T) {
	server := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Error(w, "Could not enable CPU profiling: cpu profiling already in use", http.StatusInternalServerError)
	}))
	defer server.Close()

	_, _, err := CaptureGo(context.Background(), server.URL, time.Second)
	if err == nil {
		t.Fatal("CaptureGo succeeded against a failing server")
	}
	for _, want := range []string{"500", "already in use", "wait for it to end"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q does not contain %q", err, want)
		}
	}
}

func TestCaptureGoNotAProfile(t *testing.T) {
	server := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html")
		w.Write([]byte("<html>hello</html>"))
	}))
	defer server.Close()

	_, _, err := CaptureGo(context.Background(), server.URL, time.Second)
	if err == nil || !strings.Contains(err.Error(), "text/html") {
		t.Errorf("error = %v, want a parse error naming Content-Type text/html", err)
	}
}

func TestCaptureGoInvalidURL(t *testing.T) {
	for _, baseURL := range []string{"", "127.0.0.1:7432", "ftp://host", "http://"} {
		_, _, err := CaptureGo(context.Background(), baseURL, time.Second)
		if err == nil || !strings.Contains(err.Error(), "is invalid") {
			t.Errorf("CaptureGo(%q) error = %v, want an invalid URL error", baseURL, err)
		}
	}
}

func TestAvailableNeitherOption(t *testing.T) {
	t.Setenv("PATH", t.TempDir())

	err := Available(false)
	if err == nil {
		t.Fatal("Available(false) = nil without perf on PATH")
	}
	if !errors.Is(err, ErrUnavailable) {
		t.Errorf("error %v does not wrap ErrUnavailable", err)
	}
	for _, want := range []string{"/debug/pprof", "Server.GoPprof", "Linux perf", "apt-get install linux-perf"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q does not name %q", err, want)
		}
	}

	if err := Available(true); err != nil {
		t.Errorf("Available(true) = %v, want nil for a Go server with pprof", err)
	}
}

func TestAvailableWithPerfOnPath(t *testing.T) {
	dir := t.TempDir()
	writeFakePerf(t, dir, "exit 0\n")
	t.Setenv("PATH", dir)

	if err := Available(false); err != nil {
		t.Errorf("Available(false) = %v, want nil with perf on PATH", err)
	}
}

// writeFakePerf writes an executable shell script named perf into dir.
func writeFakePerf(t *testing.T, dir, body string) {
	t.Helper()
	script := "#!/bin/sh\n" + body
	if err := os.WriteFile(filepath.Join(dir, "perf"), []byte(script), 0o755); err != nil {
		t.Fatal(err)
	}
}
