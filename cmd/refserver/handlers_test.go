package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"
)

const testDim = 32

func testConfig() serverConfig {
	return serverConfig{
		Store:        storeConfig{Dim: testDim, WorkingSet: 256, MaxEpisodes: 1000, Candidates: 64},
		Concepts:     16,
		MaxBodyBytes: 1 << 20,
	}
}

// startTestServer serves cfg on an httptest server, which listens on
// 127.0.0.1 and closes at the end of the test.
func startTestServer(t *testing.T, cfg serverConfig) (*server, *httptest.Server) {
	t.Helper()

	srv := newServer(cfg, slog.New(slog.NewTextHandler(io.Discard, nil)))
	ts := httptest.NewServer(srv.handler())
	t.Cleanup(func() {
		srv.stop()
		ts.Close()
	})

	return srv, ts
}

type testResponse struct {
	status int
	body   []byte
}

func doRequest(t *testing.T, method, url string, body []byte) testResponse {
	t.Helper()

	req, err := http.NewRequest(method, url, bytes.NewReader(body))
	if err != nil {
		t.Fatalf("new request %s %s: %v", method, url, err)
	}
	client := &http.Client{Timeout: 10 * time.Second}
	resp, err := client.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, url, err)
	}
	defer resp.Body.Close()

	data, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatalf("read response of %s %s: %v", method, url, err)
	}

	return testResponse{status: resp.StatusCode, body: data}
}

func decodeJSON[T any](t *testing.T, r testResponse) T {
	t.Helper()

	var v T
	if err := json.Unmarshal(r.body, &v); err != nil {
		t.Fatalf("decode response %s: %v", r.body, err)
	}

	return v
}

// storeEpisodes stores n random episodes with ids ep-0 to ep-(n-1) and
// returns their embeddings.
func storeEpisodes(t *testing.T, baseURL string, rng *rand.Rand, n int) [][]float32 {
	t.Helper()

	vectors := make([][]float32, n)
	for i := range vectors {
		vectors[i] = randomVector(rng, testDim)
		resp := doRequest(t, "POST", baseURL+"/api/v1/episodes", storeBody(fmt.Sprintf("ep-%d", i), vectors[i]))
		if resp.status != http.StatusCreated {
			t.Fatalf("store ep-%d: status %d, body %s", i, resp.status, resp.body)
		}
	}

	return vectors
}

func TestHandlerStoreAndGet(t *testing.T) {
	_, ts := startTestServer(t, testConfig())
	rng := rand.New(rand.NewPCG(40, 40))

	resp := doRequest(t, "POST", ts.URL+"/api/v1/episodes", storeBody("ep-00000001", randomVector(rng, testDim)))
	if resp.status != http.StatusCreated {
		t.Fatalf("store status = %d, want 201; body %s", resp.status, resp.body)
	}
	if id := decodeJSON[map[string]string](t, resp)["id"]; id != "ep-00000001" {
		t.Errorf("store response id = %q, want ep-00000001", id)
	}

	resp = doRequest(t, "GET", ts.URL+"/api/v1/episodes/ep-00000001", nil)
	if resp.status != http.StatusOK {
		t.Fatalf("get status = %d, want 200; body %s", resp.status, resp.body)
	}
	ep := decodeJSON[episodeResponse](t, resp)
	if ep.ID != "ep-00000001" || ep.Content != "text of ep-00000001" || ep.Confidence != 0.73 {
		t.Errorf("get returned %+v, want the stored episode", ep)
	}
	if !ep.InWorkingSet {
		t.Error("get returned in_working_set false for a new episode")
	}

	resp = doRequest(t, "GET", ts.URL+"/api/v1/episodes/ep-missing", nil)
	if resp.status != http.StatusNotFound {
		t.Errorf("get of a missing id: status %d, want 404", resp.status)
	}
	if msg := decodeJSON[errorResponse](t, resp).Error; !strings.Contains(msg, "ep-missing") {
		t.Errorf("404 error %q does not name the id", msg)
	}
}

func TestHandlerStoreRejectsInvalidInput(t *testing.T) {
	cfg := testConfig()
	cfg.MaxBodyBytes = 4096
	_, ts := startTestServer(t, cfg)

	vector := func(n int) string {
		parts := make([]string, n)
		for i := range parts {
			parts[i] = "0.5"
		}
		return "[" + strings.Join(parts, ",") + "]"
	}
	valid := vector(testDim)
	zero := "[" + strings.TrimSuffix(strings.Repeat("0,", testDim), ",") + "]"

	tests := []struct {
		name  string
		body  string
		field string // the error must start with it
	}{
		{name: "missing id", body: `{"confidence":0.5,"embedding":` + valid + `}`, field: "id:"},
		{name: "empty id", body: `{"id":"","confidence":0.5,"embedding":` + valid + `}`, field: "id:"},
		{name: "id with slash", body: `{"id":"a/b","confidence":0.5,"embedding":` + valid + `}`, field: "id:"},
		{name: "id too long", body: `{"id":"` + strings.Repeat("x", maxIDBytes+1) + `","confidence":0.5,"embedding":` + valid + `}`, field: "id:"},
		{name: "missing confidence", body: `{"id":"a","embedding":` + valid + `}`, field: "confidence:"},
		{name: "confidence above 1", body: `{"id":"a","confidence":1.01,"embedding":` + valid + `}`, field: "confidence:"},
		{name: "confidence below 0", body: `{"id":"a","confidence":-0.1,"embedding":` + valid + `}`, field: "confidence:"},
		{name: "missing embedding", body: `{"id":"a","confidence":0.5}`, field: "embedding:"},
		{name: "short embedding", body: `{"id":"a","confidence":0.5,"embedding":` + vector(testDim-1) + `}`, field: "embedding:"},
		{name: "long embedding", body: `{"id":"a","confidence":0.5,"embedding":` + vector(testDim+1) + `}`, field: "embedding:"},
		{name: "zero embedding", body: `{"id":"a","confidence":0.5,"embedding":` + zero + `}`, field: "embedding:"},
		{name: "malformed JSON", body: `{"id":"a",`, field: "body:"},
		{name: "body over limit", body: `{"id":"a","content":"` + strings.Repeat("x", 5000) + `"}`, field: "body:"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			resp := doRequest(t, "POST", ts.URL+"/api/v1/episodes", []byte(tt.body))
			if resp.status != http.StatusBadRequest {
				t.Fatalf("status = %d, want 400; body %s", resp.status, resp.body)
			}
			msg := decodeJSON[errorResponse](t, resp).Error
			if !strings.HasPrefix(msg, tt.field) {
				t.Errorf("error = %q, want it to start with %q", msg, tt.field)
			}
		})
	}

	resp := doRequest(t, "GET", ts.URL+"/health", nil)
	if n := decodeJSON[healthResponse](t, resp).Episodes; n != 0 {
		t.Errorf("after only invalid stores the server holds %d episodes, want 0", n)
	}
}

func TestHandlerRecallEpisodic(t *testing.T) {
	_, ts := startTestServer(t, testConfig())
	rng := rand.New(rand.NewPCG(41, 41))
	vectors := storeEpisodes(t, ts.URL, rng, 30)

	resp := doRequest(t, "POST", ts.URL+"/api/v1/recall/episodic", recallBody(vectors[7], 3))
	if resp.status != http.StatusOK {
		t.Fatalf("status = %d, want 200; body %s", resp.status, resp.body)
	}
	results := decodeJSON[recallResponse](t, resp).Results
	if len(results) != 3 {
		t.Fatalf("got %d results, want 3", len(results))
	}
	if results[0].ID != "ep-7" || results[0].Content != "text of ep-7" {
		t.Errorf("first result = %+v, want ep-7", results[0])
	}
	if results[0].Score < 0.999 {
		t.Errorf("first result score = %g, want 1 for the cue's own vector", results[0].Score)
	}

	// Without k the default of 10 applies.
	resp = doRequest(t, "POST", ts.URL+"/api/v1/recall/episodic", []byte(`{"cue":`+jsonArray(vectors[0])+`}`))
	if n := len(decodeJSON[recallResponse](t, resp).Results); n != defaultK {
		t.Errorf("recall without k returned %d results, want %d", n, defaultK)
	}
}

func jsonArray(v []float32) string {
	data, _ := json.Marshal(v)
	return string(data)
}

func TestHandlerRecallRejectsInvalidInput(t *testing.T) {
	_, ts := startTestServer(t, testConfig())
	rng := rand.New(rand.NewPCG(42, 42))
	cue := jsonArray(randomVector(rng, testDim))

	tests := []struct {
		name  string
		body  string
		field string
	}{
		{name: "missing cue", body: `{"k":3}`, field: "cue:"},
		{name: "wrong length", body: `{"cue":[1,2,3]}`, field: "cue:"},
		{name: "k zero", body: `{"cue":` + cue + `,"k":0}`, field: "k:"},
		{name: "k above max", body: `{"cue":` + cue + `,"k":101}`, field: "k:"},
		{name: "k fractional", body: `{"cue":` + cue + `,"k":1.5}`, field: "k:"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			resp := doRequest(t, "POST", ts.URL+"/api/v1/recall/episodic", []byte(tt.body))
			if resp.status != http.StatusBadRequest {
				t.Fatalf("status = %d, want 400; body %s", resp.status, resp.body)
			}
			if msg := decodeJSON[errorResponse](t, resp).Error; !strings.HasPrefix(msg, tt.field) {
				t.Errorf("error = %q, want it to start with %q", msg, tt.field)
			}
		})
	}
}

func TestHandlerSemanticWithoutDualMemory(t *testing.T) {
	_, ts := startTestServer(t, testConfig())
	rng := rand.New(rand.NewPCG(43, 43))
	body := recallBody(randomVector(rng, testDim), 5)

	for _, path := range []string{"/api/v1/recall/semantic", "/api/v1/recall/blended"} {
		resp := doRequest(t, "POST", ts.URL+path, body)
		if resp.status != http.StatusNotImplemented {
			t.Errorf("%s status = %d, want 501", path, resp.status)
		}
		if msg := decodeJSON[errorResponse](t, resp).Error; !strings.Contains(msg, "-dual-memory") {
			t.Errorf("%s error = %q, want it to name -dual-memory", path, msg)
		}
	}
}

func TestHandlerSemanticAndBlended(t *testing.T) {
	cfg := testConfig()
	cfg.DualMemory = true
	_, ts := startTestServer(t, cfg)
	rng := rand.New(rand.NewPCG(44, 44))
	vectors := storeEpisodes(t, ts.URL, rng, 40)

	resp := doRequest(t, "POST", ts.URL+"/api/v1/recall/semantic", recallBody(vectors[3], 4))
	if resp.status != http.StatusOK {
		t.Fatalf("semantic status = %d, want 200; body %s", resp.status, resp.body)
	}
	concepts := decodeJSON[recallResponse](t, resp).Results
	if len(concepts) != 4 {
		t.Fatalf("semantic returned %d results, want 4", len(concepts))
	}
	members := 0
	for i, c := range concepts {
		if !strings.HasPrefix(c.ID, "concept-") {
			t.Errorf("semantic result %d id = %q, want a concept id", i, c.ID)
		}
		if c.Members < 1 {
			t.Errorf("semantic result %d has %d members, want at least 1", i, c.Members)
		}
		members += c.Members
		if i > 0 && c.Score > concepts[i-1].Score {
			t.Errorf("semantic result %d score %g exceeds the previous %g", i, c.Score, concepts[i-1].Score)
		}
	}

	resp = doRequest(t, "POST", ts.URL+"/api/v1/recall/blended", recallBody(vectors[3], 5))
	if resp.status != http.StatusOK {
		t.Fatalf("blended status = %d, want 200; body %s", resp.status, resp.body)
	}
	blended := decodeJSON[recallResponse](t, resp).Results
	if len(blended) != 5 {
		t.Fatalf("blended returned %d results, want 5", len(blended))
	}
	// ep-3 ranks first in the episodic list and its concept, which it
	// founded or joined, ranks first in the semantic list.
	if blended[0].ID != "ep-3" {
		t.Errorf("first blended result = %s, want ep-3", blended[0].ID)
	}
	for i, r := range blended {
		if !strings.HasPrefix(r.ID, "ep-") || !strings.HasPrefix(r.Concept, "concept-") {
			t.Errorf("blended result %d = %+v, want an episode with its concept", i, r)
		}
	}

	resp = doRequest(t, "GET", ts.URL+"/health", nil)
	if !decodeJSON[healthResponse](t, resp).DualMemory {
		t.Error("health reports dual_memory false")
	}
}

func TestHandlerHealth(t *testing.T) {
	cfg := testConfig()
	cfg.Store.WorkingSet = 5
	_, ts := startTestServer(t, cfg)
	storeEpisodes(t, ts.URL, rand.New(rand.NewPCG(45, 45)), 8)

	resp := doRequest(t, "GET", ts.URL+"/health", nil)
	if resp.status != http.StatusOK {
		t.Fatalf("health status = %d, want 200", resp.status)
	}
	health := decodeJSON[healthResponse](t, resp)
	want := healthResponse{Status: "ok", Episodes: 8, WorkingSet: 5, DualMemory: false}
	if health.Status != want.Status || health.Episodes != want.Episodes ||
		health.WorkingSet != want.WorkingSet || health.DualMemory != want.DualMemory {
		t.Errorf("health = %+v, want %+v", health, want)
	}
	if health.UptimeSec <= 0 {
		t.Errorf("uptime_sec = %g, want positive", health.UptimeSec)
	}

	// The field names are part of the API.
	fields := decodeJSON[map[string]any](t, resp)
	for _, name := range []string{"status", "episodes", "working_set", "dual_memory", "uptime_sec"} {
		if _, ok := fields[name]; !ok {
			t.Errorf("health has no field %q: %s", name, resp.body)
		}
	}
}

func TestHandlerDebugEndpoints(t *testing.T) {
	srv, ts := startTestServer(t, testConfig())
	publishExpvars(srv)
	storeEpisodes(t, ts.URL, rand.New(rand.NewPCG(46, 46)), 3)

	resp := doRequest(t, "GET", ts.URL+"/debug/vars", nil)
	if resp.status != http.StatusOK {
		t.Fatalf("/debug/vars status = %d, want 200", resp.status)
	}
	vars := decodeJSON[struct {
		Requests   map[string]int64 `json:"requests"`
		Episodes   int              `json:"episodes"`
		WorkingSet int              `json:"working_set"`
	}](t, resp)
	if vars.Requests["store"] != 3 {
		t.Errorf("expvar requests.store = %d, want 3 (all vars: %v)", vars.Requests["store"], vars.Requests)
	}
	if vars.Episodes != 3 || vars.WorkingSet != 3 {
		t.Errorf("expvar episodes = %d, working_set = %d, want 3 and 3", vars.Episodes, vars.WorkingSet)
	}

	for _, path := range []string{"/debug/pprof/", "/debug/pprof/heap?debug=1", "/debug/pprof/cmdline"} {
		if resp := doRequest(t, "GET", ts.URL+path, nil); resp.status != http.StatusOK {
			t.Errorf("%s status = %d, want 200", path, resp.status)
		}
	}
}

func TestHandlerMethodNotAllowed(t *testing.T) {
	_, ts := startTestServer(t, testConfig())

	if resp := doRequest(t, "GET", ts.URL+"/api/v1/recall/episodic", nil); resp.status != http.StatusMethodNotAllowed {
		t.Errorf("GET on a POST endpoint: status %d, want 405", resp.status)
	}
}

func TestHandlerRejectionLogRateLimited(t *testing.T) {
	var logs syncBuffer
	srv := newServer(testConfig(), slog.New(slog.NewTextHandler(&logs, nil)))
	ts := httptest.NewServer(srv.handler())
	t.Cleanup(ts.Close)

	for range 5 {
		if resp := doRequest(t, "POST", ts.URL+"/api/v1/episodes", []byte(`{}`)); resp.status != http.StatusBadRequest {
			t.Fatalf("empty store body: status %d, want 400", resp.status)
		}
	}
	doRequest(t, "POST", ts.URL+"/api/v1/recall/semantic", nil)

	if n := strings.Count(logs.String(), "request rejected"); n != 1 {
		t.Errorf("logged %d rejections within a second, want 1:\n%s", n, logs.String())
	}
	if n := srv.rejected.Load(); n != 6 {
		t.Errorf("rejected counter = %d, want 6", n)
	}
	if n := srv.unloggedRejections.Load(); n != 4 {
		t.Errorf("unlogged rejections = %d, want 4 (the 501 is not counted as unlogged)", n)
	}
}

// syncBuffer is a bytes.Buffer that handlers may write concurrently.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}
