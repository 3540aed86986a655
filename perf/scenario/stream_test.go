package scenario

import (
	"bytes"
	"encoding/json"
	"math"
	"regexp"
	"strings"
	"testing"
)

// storedIDScenario stores episodes and reads them back by id, with a
// preload of 5 episodes.
const storedIDScenario = `name = "stored_ids"
seed = 7
rate = 100
duration = "10s"
warmup = "0s"
arrival = "constant"

[data]
embedding_dim = 3
preload_episodes = 5
preload_operation = "store"

[[operations]]
name = "store"
weight = 0.3
method = "POST"
path = "/api/v1/episodes"
body = '''{"id":"{{id}}","embedding":{{embedding}}}'''
expect_status = 201

[[operations]]
name = "get"
weight = 0.7
method = "GET"
path = "/api/v1/episodes/{{storedID}}"
`

func parseScenario(t testing.TB, src string) *Scenario {
	t.Helper()
	s, err := Parse([]byte(src), "test.toml")
	if err != nil {
		t.Fatalf("Parse: %v", err)
	}
	return s
}

func requestsEqual(a, b *Request) bool {
	if a == nil || b == nil {
		return a == b
	}
	return a.Seq == b.Seq && a.Op == b.Op && a.OpIndex == b.OpIndex &&
		a.Method == b.Method && a.Path == b.Path && bytes.Equal(a.Body, b.Body) &&
		a.ExpectStatus == b.ExpectStatus && requestsEqual(a.Fallback, b.Fallback)
}

func TestStreamSameSeedSameRequests(t *testing.T) {
	s := loadDefault(t)
	first, second := NewStream(s), NewStream(s)

	for {
		a, okA := first.NextPreload()
		b, okB := second.NextPreload()
		if okA != okB {
			t.Fatalf("preloads end at different points")
		}
		if !okA {
			break
		}
		if !requestsEqual(&a, &b) {
			t.Fatalf("preload request %d differs", a.Seq)
		}
	}

	for i := 0; i < 5000; i++ {
		a, b := first.Next(), second.Next()
		if !requestsEqual(&a, &b) {
			t.Fatalf("request %d differs: %s %s vs %s %s", i, a.Op, a.Path, b.Op, b.Path)
		}
	}
	if first.Digest() != second.Digest() {
		t.Errorf("digests differ for the same seed: %s, %s", first.Digest(), second.Digest())
	}
}

func TestStreamDifferentSeedDiffers(t *testing.T) {
	s := loadDefault(t)
	other := *s
	other.Seed = s.Seed + 1

	first, second := NewStream(s), NewStream(&other)
	sameBodies := 0
	for i := 0; i < 1000; i++ {
		a, b := first.Next(), second.Next()
		if bytes.Equal(a.Body, b.Body) {
			sameBodies++
		}
	}
	if first.Digest() == second.Digest() {
		t.Errorf("seeds %d and %d give the same digest %s", s.Seed, other.Seed, first.Digest())
	}
	if sameBodies > 0 {
		t.Errorf("%d of 1000 bodies are equal across seeds, want 0", sameBodies)
	}
}

func TestStreamDigestChangesWithEachRequest(t *testing.T) {
	st := NewStream(loadDefault(t))
	seen := map[string]bool{st.Digest(): true}
	for i := 0; i < 100; i++ {
		st.Next()
		d := st.Digest()
		if seen[d] {
			t.Fatalf("digest %s repeats after request %d", d, i)
		}
		seen[d] = true
	}
}

// TestStreamDigestGolden pins the stream of the default scenario. A change
// to any generator, range reduction or seeding changes it, and makes
// results recorded before the change incomparable with results after it.
// Update the constant only for an intended change of the stream.
func TestStreamDigestGolden(t *testing.T) {
	const want = "3289f1470eebc551719bcf760ad91685b91f5b18f0da4a98913340d53e8079bc"

	st := NewStream(loadDefault(t))
	for {
		if _, ok := st.NextPreload(); !ok {
			break
		}
	}
	for i := 0; i < 1000; i++ {
		st.Next()
	}
	if got := st.Digest(); got != want {
		t.Errorf("digest after preload and 1000 requests = %s, want %s", got, want)
	}
}

func TestStreamOperationMix(t *testing.T) {
	s := loadDefault(t)
	st := NewStream(s)

	const n = 20000
	counts := make([]int, len(s.Operations))
	for i := 0; i < n; i++ {
		req := st.Next()
		counts[req.OpIndex]++
		if req.Op != s.Operations[req.OpIndex].Name {
			t.Fatalf("request %d: Op %q does not match OpIndex %d", i, req.Op, req.OpIndex)
		}
	}

	// The standard error of a share near 0.4 over 20000 draws is 0.0035.
	const tolerance = 0.015
	for i, op := range s.Operations {
		share := float64(counts[i]) / n
		if math.Abs(share-op.Weight) > tolerance {
			t.Errorf("%s: share %.4f, want %.2f ± %.3f", op.Name, share, op.Weight, tolerance)
		}
	}
}

func TestStreamZeroWeightNeverChosen(t *testing.T) {
	src := strings.Replace(storedIDScenario, "weight = 0.3", "weight = 0", 1)
	src = strings.Replace(src, "weight = 0.7", "weight = 1", 1)
	st := NewStream(parseScenario(t, src))
	for i := 0; i < 2000; i++ {
		if req := st.Next(); req.Op == "store" {
			t.Fatalf("request %d chose store, whose weight is 0", i)
		}
	}
}

var episodeID = regexp.MustCompile(`"id":"(ep-\d+)"`)

func TestStreamStoredIDsGeneratedEarlier(t *testing.T) {
	st := NewStream(parseScenario(t, storedIDScenario))
	generated := map[string]bool{}

	for {
		req, ok := st.NextPreload()
		if !ok {
			break
		}
		generated[episodeID.FindStringSubmatch(string(req.Body))[1]] = true
	}
	if len(generated) != 5 {
		t.Fatalf("preload generated %d ids, want 5", len(generated))
	}

	reads := 0
	for i := 0; i < 5000; i++ {
		req := st.Next()
		switch req.Op {
		case "store":
			id := episodeID.FindStringSubmatch(string(req.Body))[1]
			if generated[id] {
				t.Fatalf("request %d stores id %s a second time", i, id)
			}
			generated[id] = true
		case "get":
			id := strings.TrimPrefix(req.Path, "/api/v1/episodes/")
			if !generated[id] {
				t.Fatalf("request %d reads %s, which was not generated before", i, id)
			}
			if req.Body != nil {
				t.Errorf("GET request %d has a body", i)
			}
			reads++
		}
	}
	if reads < 3000 {
		t.Errorf("%d reads in 5000 requests, want about 3500", reads)
	}
}

func TestStreamStoredIDCoversPool(t *testing.T) {
	src := strings.Replace(storedIDScenario, "weight = 0.3", "weight = 0", 1)
	src = strings.Replace(src, "weight = 0.7", "weight = 1", 1)
	st := NewStream(parseScenario(t, src))

	read := map[string]int{}
	for i := 0; i < 5000; i++ {
		read[st.Next().Path]++
	}
	// Only the 5 preload ids exist, and uniform choice reads each about
	// 1000 times.
	if len(read) != 5 {
		t.Errorf("read %d distinct ids, want the 5 preload ids: %v", len(read), read)
	}
	for path, n := range read {
		if n < 800 || n > 1200 {
			t.Errorf("%s read %d times, want about 1000", path, n)
		}
	}
}

func TestStreamPreloadThenTimed(t *testing.T) {
	s := loadDefault(t)
	st := NewStream(s)

	var count int
	for {
		req, ok := st.NextPreload()
		if !ok {
			break
		}
		if req.Op != "store_episode" || req.Method != "POST" || req.Path != "/api/v1/episodes" {
			t.Fatalf("preload request %d is %s %s %s", count, req.Op, req.Method, req.Path)
		}
		if req.Seq != int64(count) {
			t.Fatalf("preload request %d has Seq %d", count, req.Seq)
		}
		if want := `"id":"ep-` + padded(count) + `"`; !bytes.Contains(req.Body, []byte(want)) {
			t.Fatalf("preload request %d body lacks %s: %.60s", count, want, req.Body)
		}
		count++
	}
	if count != 1000 {
		t.Fatalf("preload produced %d requests, want 1000", count)
	}

	first := st.Next()
	if first.Seq != 0 {
		t.Errorf("first timed request has Seq %d, want 0", first.Seq)
	}
	if _, ok := st.NextPreload(); ok {
		t.Errorf("NextPreload returned a request after Next")
	}

	// The first id of the timed stream follows the 1000 preload ids.
	for i := 0; i < 100; i++ {
		req := st.Next()
		if m := episodeID.FindSubmatch(req.Body); m != nil {
			if string(m[1]) != "ep-00001000" {
				t.Errorf("first timed id is %s, want ep-00001000", m[1])
			}
			break
		}
	}
}

func padded(n int) string {
	return string(appendID(nil, "", uint64(n)))
}

func TestStreamTimedIndependentOfPreload(t *testing.T) {
	s := loadDefault(t)
	withPreload, withoutPreload := NewStream(s), NewStream(s)
	for {
		if _, ok := withPreload.NextPreload(); !ok {
			break
		}
	}
	for i := 0; i < 10; i++ {
		withoutPreload.NextPreload() // a partial preload
	}

	for i := 0; i < 500; i++ {
		a, b := withPreload.Next(), withoutPreload.Next()
		if !requestsEqual(&a, &b) {
			t.Fatalf("timed request %d depends on how much preload was taken", i)
		}
	}
}

func TestStreamFallbackRequests(t *testing.T) {
	s := loadDefault(t)
	st := NewStream(s)

	withFallback := 0
	for i := 0; i < 1000; i++ {
		req := st.Next()
		switch req.Op {
		case "semantic_recall", "blended_recall":
			fb := req.Fallback
			if fb == nil {
				t.Fatalf("request %d (%s) has no fallback", i, req.Op)
			}
			if fb.Op != "episodic_recall" || fb.OpIndex != 1 || fb.Method != "POST" || fb.Path != "/api/v1/recall/episodic" || fb.ExpectStatus != 200 {
				t.Errorf("fallback of request %d is %+v", i, *fb)
			}
			if fb.Seq != req.Seq {
				t.Errorf("fallback Seq %d, want %d", fb.Seq, req.Seq)
			}
			if !json.Valid(fb.Body) || bytes.Equal(fb.Body, req.Body) {
				t.Errorf("fallback body of request %d is not its own valid JSON", i)
			}
			if fb.Fallback != nil {
				t.Errorf("fallback of request %d has a fallback itself", i)
			}
			withFallback++
		default:
			if req.Fallback != nil {
				t.Errorf("request %d (%s) has a fallback", i, req.Op)
			}
		}
	}
	if withFallback < 150 {
		t.Errorf("%d of 1000 requests have fallbacks, want about 200", withFallback)
	}
}

func TestStreamDefaultBodies(t *testing.T) {
	st := NewStream(loadDefault(t))
	for i := 0; i < 500; i++ {
		req := st.Next()
		var body struct {
			ID         string    `json:"id"`
			Confidence *float64  `json:"confidence"`
			Embedding  []float64 `json:"embedding"`
			Cue        []float64 `json:"cue"`
			K          int       `json:"k"`
		}
		if err := json.Unmarshal(req.Body, &body); err != nil {
			t.Fatalf("request %d (%s): body is not JSON: %v", i, req.Op, err)
		}

		vector := body.Cue
		if req.Op == "store_episode" {
			vector = body.Embedding
			if body.Confidence == nil || *body.Confidence < 0.5 || *body.Confidence > 1 {
				t.Errorf("request %d: confidence %v outside [0.5, 1]", i, body.Confidence)
			}
		} else if body.K != 10 {
			t.Errorf("request %d: k = %d, want 10", i, body.K)
		}
		if len(vector) != 768 {
			t.Fatalf("request %d (%s): %d floats, want 768", i, req.Op, len(vector))
		}
		for _, x := range vector {
			if x < -1 || x > 1 {
				t.Fatalf("request %d: embedding value %g outside [-1, 1]", i, x)
			}
		}
	}
}

func TestStreamRequestsNotReused(t *testing.T) {
	st := NewStream(loadDefault(t))
	held := make([]Request, 50)
	copies := make([][]byte, 50)
	for i := range held {
		held[i] = st.Next()
		copies[i] = bytes.Clone(held[i].Body)
	}
	for i := 0; i < 500; i++ {
		st.Next()
	}
	for i := range held {
		if !bytes.Equal(held[i].Body, copies[i]) {
			t.Fatalf("body of request %d changed after later Next calls", i)
		}
	}
}

func TestPreflight(t *testing.T) {
	s := parseScenario(t, storedIDScenario)

	first := Preflight(s)
	if len(first) != 2 {
		t.Fatalf("Preflight returned %d requests, want 2", len(first))
	}
	if first[0].Op != "store" || first[1].Op != "get" {
		t.Errorf("Preflight order %s, %s, want store, get", first[0].Op, first[1].Op)
	}
	if !bytes.Contains(first[0].Body, []byte(`"id":"ep-preflight-00000000"`)) {
		t.Errorf("preflight store body %s lacks the preflight id", first[0].Body)
	}
	if first[1].Path != "/api/v1/episodes/ep-preflight-00000000" {
		t.Errorf("preflight get path %s, want the id stored by the preflight", first[1].Path)
	}

	second := Preflight(s)
	for i := range first {
		if !requestsEqual(&first[i], &second[i]) {
			t.Errorf("Preflight request %d differs between calls", i)
		}
	}

	untouched := NewStream(s)
	interleaved := NewStream(s)
	Preflight(s)
	for i := 0; i < 100; i++ {
		untouched.Next()
		interleaved.Next()
		Preflight(s)
	}
	if untouched.Digest() != interleaved.Digest() {
		t.Errorf("Preflight changed a stream")
	}
}

func TestPreflightIncludesFallbacks(t *testing.T) {
	requests := Preflight(loadDefault(t))
	if len(requests) != 4 {
		t.Fatalf("Preflight returned %d requests, want 4", len(requests))
	}
	for _, i := range []int{2, 3} {
		if requests[i].Fallback == nil || requests[i].Fallback.Op != "episodic_recall" {
			t.Errorf("preflight %s has fallback %+v, want episodic_recall", requests[i].Op, requests[i].Fallback)
		}
	}
}

func TestStoredIDBeforeAnyID(t *testing.T) {
	// The reader is listed first, so the preflight reads before anything
	// is stored and gets the first id the store will generate.
	src := strings.Replace(storedIDScenario, "preload_episodes = 5", "preload_episodes = 0", 1)
	getFirst := src[:strings.Index(src, "[[operations]]")] +
		src[strings.LastIndex(src, "[[operations]]"):] + "\n" +
		src[strings.Index(src, "[[operations]]"):strings.LastIndex(src, "[[operations]]")]

	requests := Preflight(parseScenario(t, getFirst))
	if requests[0].Op != "get" {
		t.Fatalf("first preflight operation %s, want get", requests[0].Op)
	}
	if requests[0].Path != "/api/v1/episodes/ep-preflight-00000000" {
		t.Errorf("storedID with an empty pool gave %s, want the first id", requests[0].Path)
	}
}

func TestNewStreamPanicsOnInvalidScenario(t *testing.T) {
	s := loadDefault(t)
	s.Operations[2].Fallback = "blended_recall"
	s.Operations[3].Fallback = "semantic_recall"

	defer func() {
		r := recover()
		if r == nil {
			t.Fatal("NewStream accepted a fallback cycle")
		}
		if msg, _ := r.(string); !strings.Contains(msg, "call Validate") {
			t.Errorf("panic %v does not say to call Validate", r)
		}
	}()
	NewStream(s)
}

// BenchmarkStreamNext measures one request of the default scenario,
// digest included. Nine in ten requests carry a 768-float embedding, and
// one in five also a fallback request with another.
func BenchmarkStreamNext(b *testing.B) {
	st := NewStream(loadDefault(b))
	b.ReportAllocs()
	bytesOut := 0
	for b.Loop() {
		req := st.Next()
		bytesOut += len(req.Body)
	}
	b.ReportMetric(float64(bytesOut)/float64(b.N), "body-bytes/op")
}
