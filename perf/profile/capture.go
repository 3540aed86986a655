package profile

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"math"
	"net/http"
	"net/url"
	"os/exec"
	"strconv"
	"strings"
	"time"

	"github.com/google/pprof/profile"
)

// ErrUnavailable is wrapped by Available when no profiler can be used.
var ErrUnavailable = errors.New("no CPU profiler available")

// maxProfileBytes bounds the response CaptureGo reads, so a wrong URL
// cannot exhaust memory. CPU profiles of a few minutes are a few MiB.
const maxProfileBytes = 256 << 20

// captureGrace is added to the client timeout on top of the profile
// duration, because the server responds only after profiling for that long.
const captureGrace = 15 * time.Second

// Available returns nil when a CPU profile of the server can be taken:
// goPprof is true (a Go server serving net/http/pprof) or perf is on PATH.
// Otherwise the error wraps ErrUnavailable and names both options.
//
// NOTE: finding perf on PATH does not prove that the kernel lets it record
// (kernel.perf_event_paranoid, container seccomp rules); CapturePerf
// reports that case when it happens.
func Available(goPprof bool) error {
	if goPprof {
		return nil
	}
	if _, err := exec.LookPath("perf"); err == nil {
		return nil
	}
	return fmt.Errorf("cannot profile the server: it does not serve Go's /debug/pprof "+
		"(set Server.GoPprof for a Go server that imports net/http/pprof) "+
		"and Linux perf is not installed (apt-get install linux-perf): %w", ErrUnavailable)
}

// CaptureGo takes a CPU profile of duration d from the Go server at baseURL
// by requesting baseURL+"/debug/pprof/profile?seconds=N", where N is d
// rounded up to whole seconds and at least 1. It returns the parsed profile
// and the response body unchanged (gzipped protobuf), ready to be written
// as a .pb.gz file. The request times out N seconds plus 15 s after it
// starts, or earlier when ctx ends.
func CaptureGo(ctx context.Context, baseURL string, d time.Duration) (*profile.Profile, []byte, error) {
	seconds := int64(math.Ceil(d.Seconds()))
	if seconds < 1 {
		seconds = 1
	}
	profileURL, err := profileURL(baseURL, seconds)
	if err != nil {
		return nil, nil, err
	}

	req, err := http.NewRequestWithContext(ctx, http.MethodGet, profileURL, nil)
	if err != nil {
		return nil, nil, fmt.Errorf("build request for %s: %w", profileURL, err)
	}
	client := &http.Client{Timeout: time.Duration(seconds)*time.Second + captureGrace}
	resp, err := client.Do(req)
	if err != nil {
		return nil, nil, fmt.Errorf("GET %s: %w; check that the server is running and listening at %s", profileURL, err, baseURL)
	}
	defer resp.Body.Close()

	if resp.StatusCode != http.StatusOK {
		return nil, nil, statusError(profileURL, resp)
	}

	data, err := io.ReadAll(io.LimitReader(resp.Body, maxProfileBytes+1))
	if err != nil {
		return nil, nil, fmt.Errorf("read profile from %s: %w", profileURL, err)
	}
	if len(data) > maxProfileBytes {
		return nil, nil, fmt.Errorf("profile from %s is larger than %d MiB; the URL does not serve a CPU profile", profileURL, maxProfileBytes>>20)
	}
	p, err := profile.ParseData(data)
	if err != nil {
		return nil, nil, fmt.Errorf("parse profile from %s (Content-Type %q): %w; the URL must serve net/http/pprof's CPU profile",
			profileURL, resp.Header.Get("Content-Type"), err)
	}
	return p, data, nil
}

// profileURL checks baseURL and appends the CPU profile path to it.
func profileURL(baseURL string, seconds int64) (string, error) {
	u, err := url.Parse(baseURL)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return "", fmt.Errorf("server URL %q is invalid; use a base URL such as http://127.0.0.1:7432", baseURL)
	}
	return strings.TrimRight(baseURL, "/") + "/debug/pprof/profile?seconds=" + strconv.FormatInt(seconds, 10), nil
}

// statusError turns a non-200 response of the profile endpoint into an
// error that names the URL, the status and what to do next.
func statusError(profileURL string, resp *http.Response) error {
	if resp.StatusCode == http.StatusNotFound {
		return fmt.Errorf("GET %s: %s: the server does not serve net/http/pprof; "+
			"import _ \"net/http/pprof\" or use Linux perf", profileURL, resp.Status)
	}

	// net/http/pprof explains its errors in a plain-text body, for example
	// "Could not enable CPU profiling: cpu profiling already in use".
	firstLine, _, _ := bufio.NewReader(io.LimitReader(resp.Body, 512)).ReadLine()
	reason := strings.TrimSpace(string(bytes.ToValidUTF8(firstLine, []byte("?"))))
	if reason == "" {
		reason = "no message"
	}
	hint := "check the server's log"
	if strings.Contains(reason, "already in use") {
		hint = "another CPU profile is running on the server; wait for it to end and retry"
	}
	return fmt.Errorf("GET %s: %s (%s); %s", profileURL, resp.Status, reason, hint)
}
