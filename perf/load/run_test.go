package load

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/m17/perfgate/perf/scenario"
	"github.com/m17/perfgate/perf/wire"
)

// testScenario returns a scenario with one GET operation (and optionally a
// second one with a fallback) at the given rate.
func testScenario(t *testing.T, rate int, extra string) *scenario.Scenario {
	t.Helper()
	text := `
name = "unit"
seed = 7
rate = ` + itoa(rate) + `
duration = "10s"
warmup = "0s"
arrival = "constant"
request_timeout = "1s"
max_in_flight = 64
[data]
embedding_dim = 4
` + extra
	if extra == "" {
		text += `
[[operations]]
name = "ping"
weight = 1.0
method = "GET"
path = "/ping"
`
	}
	sc, err := scenario.Parse([]byte(text), "unit.toml")
	if err != nil {
		t.Fatalf("parse test scenario: %v", err)
	}
	return sc
}

func itoa(n int) string {
	return strconv.Itoa(n)
}

// stallingServer responds at once except during a stall of stall every
// period, measured from its creation: requests arriving then wait until
// the stall ends, like a server paused by a long GC or a lock.
func stallingServer(t *testing.T, period, stall time.Duration) *httptest.Server {
	t.Helper()
	start := time.Now()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		phase := time.Since(start) % period
		if phase < stall {
			time.Sleep(stall - phase)
		}
		w.WriteHeader(http.StatusOK)
	}))
	t.Cleanup(srv.Close)
	return srv
}

func TestRunOpenModelIncludesStall(t *testing.T) {
	sc := testScenario(t, 200, "")
	srv := stallingServer(t, 2*time.Second, 500*time.Millisecond)

	rec, err := Run(context.Background(), Config{Scenario: sc, BaseURL: srv.URL, Measure: 4 * time.Second})
	if err != nil {
		t.Fatalf("Run: %v", err)
	}

	// A quarter of each 2 s period falls in a stall; requests sent then
	// wait up to 500 ms, so the slowest 1% wait at least 250 ms. A closed
	// model that waits before sending would report a few slow requests.
	if rec.Stats.P99Ms < 250 {
		t.Errorf("P99 = %.1f ms, want >= 250 ms: the stall is hidden", rec.Stats.P99Ms)
	}
	if rec.Stats.Requests < 790 || rec.Stats.Requests > 800 {
		t.Errorf("requests = %d, want about 800 (200 ops/s for 4 s)", rec.Stats.Requests)
	}
	if rec.Stats.Errors.Total() != 0 {
		t.Errorf("errors = %+v, want none", rec.Stats.Errors)
	}
}

func TestRunSendRateOnTarget(t *testing.T) {
	sc := testScenario(t, 500, "")
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {}))
	t.Cleanup(srv.Close)

	rec, err := Run(context.Background(), Config{Scenario: sc, BaseURL: srv.URL, Measure: 2 * time.Second})
	if err != nil {
		t.Fatalf("Run: %v", err)
	}
	if got := rec.Stats.SendRateOpsPerSec; got < 495 || got > 505 {
		t.Errorf("send rate = %.1f ops/s, want 500 ± 1%%", got)
	}
	if got := rec.Stats.ThroughputOpsPerSec; got < 495 {
		t.Errorf("throughput = %.1f ops/s, want about 500", got)
	}
	if len(rec.Series) != 2 {
		t.Errorf("series has %d seconds, want 2", len(rec.Series))
	}
}

func TestRunBoundedInFlightCountsLateAndUnsent(t *testing.T) {
	sc := testScenario(t, 200, "")
	sc.MaxInFlight = 4
	sc.RequestTimeout = 5 * time.Second
	release := make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-release:
		case <-r.Context().Done():
		}
	}))
	t.Cleanup(srv.Close)
	t.Cleanup(func() { close(release) })

	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	go func() {
		time.Sleep(1500 * time.Millisecond)
		release <- struct{}{} // let one request through so the run can end
	}()
	done := make(chan *Recording, 1)
	go func() {
		rec, err := Run(ctx, Config{Scenario: sc, BaseURL: srv.URL, Measure: time.Second})
		if err != nil {
			t.Errorf("Run: %v", err)
		}
		done <- rec
	}()

	select {
	case rec := <-done:
		if rec.Stats.Unsent < 150 {
			t.Errorf("unsent = %d, want most of the 200 requests: only 4 may be in flight", rec.Stats.Unsent)
		}
		if rec.Stats.Errors.Unsent != rec.Stats.Unsent {
			t.Errorf("unsent errors = %d, want %d", rec.Stats.Errors.Unsent, rec.Stats.Unsent)
		}
	case <-time.After(9 * time.Second):
		t.Fatal("Run did not end on its own with every sender blocked")
	}
}

func TestRunClassifiesErrors(t *testing.T) {
	extra := `
[[operations]]
name = "ok"
weight = 0.25
method = "GET"
path = "/ok"
[[operations]]
name = "bad"
weight = 0.25
method = "GET"
path = "/bad"
[[operations]]
name = "fail"
weight = 0.25
method = "GET"
path = "/fail"
[[operations]]
name = "slow"
weight = 0.25
method = "GET"
path = "/slow"
`
	sc := testScenario(t, 100, extra)
	sc.RequestTimeout = 200 * time.Millisecond
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/bad":
			w.WriteHeader(http.StatusBadRequest)
		case "/fail":
			w.WriteHeader(http.StatusInternalServerError)
		case "/slow":
			select {
			case <-time.After(2 * time.Second):
			case <-r.Context().Done():
			}
		}
	}))
	t.Cleanup(srv.Close)

	rec, err := Run(context.Background(), Config{Scenario: sc, BaseURL: srv.URL, Measure: 2 * time.Second})
	if err != nil {
		t.Fatalf("Run: %v", err)
	}
	byName := map[string]OpRecording{}
	for _, op := range rec.Ops {
		byName[op.Name] = op
	}
	if n := byName["bad"].Stats.Errors.HTTP4xx; n == 0 || n != byName["bad"].Stats.Requests {
		t.Errorf("bad: 4xx = %d of %d requests, want all", n, byName["bad"].Stats.Requests)
	}
	if n := byName["fail"].Stats.Errors.HTTP5xx; n == 0 || n != byName["fail"].Stats.Requests {
		t.Errorf("fail: 5xx = %d of %d requests, want all", n, byName["fail"].Stats.Requests)
	}
	if n := byName["slow"].Stats.Errors.Timeout; n == 0 {
		t.Errorf("slow: timeouts = 0, want every request of %d", byName["slow"].Stats.Requests)
	}
	if e := byName["ok"].Stats.Errors.Total(); e != 0 {
		t.Errorf("ok: errors = %d, want 0", e)
	}
	if rec.Stats.ErrorRate < 0.5 {
		t.Errorf("error rate = %.2f, want about 0.75", rec.Stats.ErrorRate)
	}
}

func TestRunConnectionErrors(t *testing.T) {
	sc := testScenario(t, 100, "")
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {}))
	url := srv.URL
	srv.Close() // nothing listens there now

	rec, err := Run(context.Background(), Config{Scenario: sc, BaseURL: url, Measure: time.Second})
	if err != nil {
		t.Fatalf("Run: %v", err)
	}
	if rec.Stats.Errors.Connection == 0 || rec.Stats.Successes != 0 {
		t.Errorf("errors = %+v, successes = %d; want only connection errors", rec.Stats.Errors, rec.Stats.Successes)
	}
}

func TestRunFallbackCountedNotError(t *testing.T) {
	extra := `
[[operations]]
name = "recall"
weight = 0.5
method = "GET"
path = "/recall"
[[operations]]
name = "semantic"
weight = 0.5
method = "GET"
path = "/semantic"
fallback = "recall"
`
	sc := testScenario(t, 200, extra)
	var semanticHits atomic.Int64
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/semantic" {
			semanticHits.Add(1)
			w.WriteHeader(http.StatusNotImplemented)
		}
	}))
	t.Cleanup(srv.Close)

	client := testClient(t, srv.URL, sc)
	use, err := Preflight(context.Background(), sc, client)
	if err != nil {
		t.Fatalf("Preflight: %v", err)
	}
	if !use["semantic"] {
		t.Fatalf("Preflight fallbacks = %v, want semantic", use)
	}
	hitsAfterPreflight := semanticHits.Load()

	rec, err := Run(context.Background(), Config{Scenario: sc, BaseURL: srv.URL, Measure: time.Second, UseFallback: use, Client: client})
	if err != nil {
		t.Fatalf("Run: %v", err)
	}
	if rec.Stats.Errors.Total() != 0 {
		t.Errorf("errors = %+v, want none: fallbacks are not errors", rec.Stats.Errors)
	}
	if rec.Stats.Fallbacks < 50 {
		t.Errorf("fallbacks = %d, want about 100", rec.Stats.Fallbacks)
	}
	if semanticHits.Load() != hitsAfterPreflight {
		t.Errorf("semantic was sent %d times during the run, want 0: its fallback goes instead", semanticHits.Load()-hitsAfterPreflight)
	}
}

func TestPreflightRejectsMissingOperation(t *testing.T) {
	for _, status := range []int{http.StatusBadRequest, http.StatusNotFound, http.StatusMethodNotAllowed} {
		sc := testScenario(t, 100, "")
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			w.WriteHeader(status)
		}))
		_, err := Preflight(context.Background(), sc, testClient(t, srv.URL, sc))
		srv.Close()
		if err == nil {
			t.Fatalf("status %d: Preflight succeeded, want an error", status)
		}
		for _, want := range []string{"ping", "GET", "/ping", itoa(status)} {
			if !strings.Contains(err.Error(), want) {
				t.Errorf("status %d: error %q does not name %q", status, err, want)
			}
		}
	}
}

func TestRunStopsOnCancel(t *testing.T) {
	sc := testScenario(t, 100, "")
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {}))
	t.Cleanup(srv.Close)

	ctx, cancel := context.WithCancelCause(context.Background())
	cause := errors.New("server crashed")
	time.AfterFunc(500*time.Millisecond, func() { cancel(cause) })

	began := time.Now()
	rec, err := Run(ctx, Config{Scenario: sc, BaseURL: srv.URL, Measure: 10 * time.Second})
	if err != nil {
		t.Fatalf("Run: %v", err)
	}
	if took := time.Since(began); took > 5*time.Second {
		t.Errorf("Run took %s after cancel at 0.5 s, want a prompt stop", took)
	}
	if !rec.Stopped || !errors.Is(rec.StopCause, cause) {
		t.Errorf("Stopped = %v, cause = %v; want stopped by %v", rec.Stopped, rec.StopCause, cause)
	}
	if rec.Stats.Errors.Total() != 0 {
		t.Errorf("errors = %+v, want none: requests cut by the stop are not server errors", rec.Stats.Errors)
	}
}

func TestRunWarmupExcluded(t *testing.T) {
	sc := testScenario(t, 200, "")
	var served atomic.Int64
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { served.Add(1) }))
	t.Cleanup(srv.Close)

	rec, err := Run(context.Background(), Config{Scenario: sc, BaseURL: srv.URL, Warmup: time.Second, Measure: time.Second})
	if err != nil {
		t.Fatalf("Run: %v", err)
	}
	if served.Load() < 390 {
		t.Errorf("server saw %d requests, want about 400 (warmup included)", served.Load())
	}
	if rec.Stats.Requests > 201 || rec.Stats.Requests < 195 {
		t.Errorf("recorded %d requests, want about 200 (warmup excluded)", rec.Stats.Requests)
	}
}

func testClient(t *testing.T, baseURL string, sc *scenario.Scenario) *wire.Client {
	t.Helper()
	client, err := NewClient(baseURL, sc.MaxInFlight)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(client.CloseIdleConnections)
	return client
}
