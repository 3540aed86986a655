package main

import (
	"encoding/json"
	"fmt"
	"math"
	"math/rand/v2"
	"strconv"
	"strings"
	"testing"
)

// storeBody formats a store request the way a load generator would.
func storeBody(id string, embedding []float32) []byte {
	var b strings.Builder
	fmt.Fprintf(&b, `{"id":%q,"content":"text of %s","confidence":0.73,"embedding":[`, id, id)
	for i, x := range embedding {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteString(strconv.FormatFloat(float64(x), 'f', 6, 32))
	}
	b.WriteString("]}")

	return []byte(b.String())
}

func recallBody(cue []float32, k int) []byte {
	var b strings.Builder
	b.WriteString(`{"cue":[`)
	for i, x := range cue {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteString(strconv.FormatFloat(float64(x), 'f', 6, 32))
	}
	fmt.Fprintf(&b, `],"k":%d}`, k)

	return []byte(b.String())
}

// sameStoreRequest reports whether a and b are equal, comparing floats by
// their bits so that -0 and 0 differ.
func sameStoreRequest(a, b storeRequest) bool {
	if a.ID != b.ID || a.Content != b.Content || len(a.Embedding) != len(b.Embedding) {
		return false
	}
	if (a.Confidence == nil) != (b.Confidence == nil) {
		return false
	}
	if a.Confidence != nil && math.Float64bits(*a.Confidence) != math.Float64bits(*b.Confidence) {
		return false
	}
	for i := range a.Embedding {
		if math.Float32bits(a.Embedding[i]) != math.Float32bits(b.Embedding[i]) {
			return false
		}
	}

	return true
}

func TestDecodeStoreFastPath(t *testing.T) {
	tests := []struct {
		name string
		body string
		fast bool // whether the fast path should accept it
	}{
		{name: "typical", body: `{"id":"ep-1","content":"hello","confidence":0.5,"embedding":[0.25,-1,3e-2,1E+2,-0]}`, fast: true},
		{name: "white space", body: " {\n\t\"id\" : \"x\" ,\r\n \"embedding\" : [ 1 , 2 ] , \"confidence\":1 } \n", fast: true},
		{name: "empty array", body: `{"id":"x","confidence":0,"embedding":[]}`, fast: true},
		{name: "empty object", body: `{}`, fast: true},
		{name: "unicode content", body: `{"id":"x","content":"héllo ✓","confidence":0.1,"embedding":[1]}`, fast: true},
		{name: "duplicate key keeps last", body: `{"id":"a","id":"b","embedding":[1],"embedding":[2,3],"confidence":0.1}`, fast: true},
		{name: "many digits", body: `{"id":"x","confidence":0.1,"embedding":[0.12345678901234567,1e-30,123456789]}`, fast: true},
		{name: "escaped content", body: `{"id":"x","content":"a\"b\u00e9","confidence":0.1,"embedding":[1]}`},
		{name: "unknown key", body: `{"id":"x","extra":{"nested":[1,2]},"confidence":0.1,"embedding":[1]}`},
		{name: "differently cased key", body: `{"ID":"x","confidence":0.1,"embedding":[1]}`},
		{name: "null embedding", body: `{"id":"x","confidence":0.1,"embedding":null}`},
		{name: "invalid UTF-8", body: "{\"id\":\"x\xff\",\"confidence\":0.1,\"embedding\":[1]}"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var fast storeRequest
			accepted := decodeStoreFast([]byte(tt.body), &fast)
			if accepted != tt.fast {
				t.Errorf("fast path accepted = %v, want %v", accepted, tt.fast)
			}

			var got, want storeRequest
			if err := decodeStoreRequest([]byte(tt.body), &got); err != nil {
				t.Fatalf("decodeStoreRequest: %v", err)
			}
			if err := json.Unmarshal([]byte(tt.body), &want); err != nil {
				t.Fatalf("json.Unmarshal: %v", err)
			}
			if !sameStoreRequest(got, want) {
				t.Errorf("decoded %+v, encoding/json decoded %+v", got, want)
			}
		})
	}
}

func TestDecodeGeneratedBodyTakesFastPath(t *testing.T) {
	rng := rand.New(rand.NewPCG(30, 30))
	body := storeBody("ep-00000001", randomVector(rng, 768))

	var req storeRequest
	if !decodeStoreFast(body, &req) {
		t.Fatal("fast path rejected a generated store body")
	}
	if len(req.Embedding) != 768 {
		t.Errorf("embedding length = %d, want 768", len(req.Embedding))
	}

	var recall recallRequest
	if !decodeRecallFast(recallBody(randomVector(rng, 768), 7), &recall) {
		t.Fatal("fast path rejected a generated recall body")
	}
	if recall.K == nil || *recall.K != 7 {
		t.Errorf("k = %v, want 7", recall.K)
	}
}

func TestDecodeErrorsNameField(t *testing.T) {
	tests := []struct {
		name string
		body string
		want string // prefix of the error
	}{
		{name: "syntax", body: `{"id":"x",}`, want: "body: invalid JSON"},
		{name: "truncated", body: `{"id":"x","embedding":[1,2`, want: "body: "},
		{name: "not an object", body: `[1,2]`, want: "body: "},
		{name: "id not a string", body: `{"id":5}`, want: "id: "},
		{name: "embedding not numbers", body: `{"embedding":["a"]}`, want: "embedding"},
		{name: "confidence a string", body: `{"confidence":"high"}`, want: "confidence: "},
		{name: "float32 overflow", body: `{"embedding":[1e39]}`, want: "embedding"},
		{name: "trailing data", body: `{"id":"x"} {}`, want: "body: invalid JSON"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var req storeRequest
			err := decodeStoreRequest([]byte(tt.body), &req)
			if err == nil {
				t.Fatalf("decodeStoreRequest(%s) succeeded, want an error starting %q", tt.body, tt.want)
			}
			if !strings.HasPrefix(err.Error(), tt.want) {
				t.Errorf("error = %q, want prefix %q", err, tt.want)
			}
		})
	}
}

func TestDecodeRecallK(t *testing.T) {
	tests := []struct {
		body    string
		k       int // 0 means absent
		wantErr bool
	}{
		{body: `{"cue":[1],"k":5}`, k: 5},
		{body: `{"cue":[1]}`},
		{body: `{"cue":[1],"k":-3}`, k: -3},
		{body: `{"cue":[1],"k":2.5}`, wantErr: true},
		{body: `{"cue":[1],"k":1e1}`, wantErr: true},
		{body: `{"cue":[1],"k":99999999999999999999}`, wantErr: true},
	}
	for _, tt := range tests {
		var req recallRequest
		err := decodeRecallRequest([]byte(tt.body), &req)
		if (err != nil) != tt.wantErr {
			t.Errorf("decodeRecallRequest(%s) error = %v, want error %v", tt.body, err, tt.wantErr)
			continue
		}
		if tt.wantErr {
			continue
		}
		switch {
		case tt.k == 0 && req.K != nil:
			t.Errorf("decodeRecallRequest(%s) k = %d, want absent", tt.body, *req.K)
		case tt.k != 0 && (req.K == nil || *req.K != tt.k):
			t.Errorf("decodeRecallRequest(%s) k = %v, want %d", tt.body, req.K, tt.k)
		}
	}
}

func TestParseFloat32MatchesStrconv(t *testing.T) {
	rng := rand.New(rand.NewPCG(31, 31))
	tokens := []string{"0", "-0", "1", "-1", "0.5", "1e10", "1e11", "16777216", "16777217", "3.4028235e38", "1.4e-45", "0.1", "100000000000000000000e-20"}
	for range 20000 {
		x := rng.NormFloat64() * math.Pow(10, float64(rng.IntN(12)-6))
		switch rng.IntN(4) {
		case 0:
			tokens = append(tokens, strconv.FormatFloat(x, 'f', rng.IntN(10), 32))
		case 1:
			tokens = append(tokens, strconv.FormatFloat(x, 'e', rng.IntN(10), 32))
		case 2:
			tokens = append(tokens, strconv.FormatFloat(x, 'g', -1, 32))
		default:
			tokens = append(tokens, strconv.FormatFloat(x, 'g', -1, 64))
		}
	}

	for _, tok := range tokens {
		want, err := strconv.ParseFloat(tok, 32)
		if err != nil {
			t.Fatalf("strconv.ParseFloat(%s): %v", tok, err)
		}
		got, ok := parseFloat32([]byte(tok))
		if !ok {
			t.Errorf("parseFloat32(%s) failed", tok)
			continue
		}
		if math.Float32bits(got) != math.Float32bits(float32(want)) {
			t.Errorf("parseFloat32(%s) = %g, want %g", tok, got, want)
		}
	}
}

func TestParseFloat32OutOfRange(t *testing.T) {
	for _, tok := range []string{"1e39", "-3.5e38"} {
		if got, ok := parseFloat32([]byte(tok)); ok {
			t.Errorf("parseFloat32(%s) = %g, want failure as encoding/json fails", tok, got)
		}
	}
}

// FuzzDecodeStoreRequest checks that whatever the fast path accepts,
// encoding/json accepts with the same result.
func FuzzDecodeStoreRequest(f *testing.F) {
	f.Add([]byte(`{"id":"ep-1","content":"c","confidence":0.5,"embedding":[0.25,-1,3e-2]}`))
	f.Add([]byte(`{"id":"x","embedding":[1e-7,-0,0.0000001,12345678]}`))
	f.Add([]byte(`{"id":"x","id":"y","confidence":1}`))
	f.Add([]byte(` { } `))

	f.Fuzz(func(t *testing.T, body []byte) {
		var fast storeRequest
		if !decodeStoreFast(body, &fast) {
			return
		}

		var want storeRequest
		if err := json.Unmarshal(body, &want); err != nil {
			t.Fatalf("fast path accepted %q, which encoding/json rejects: %v", body, err)
		}
		if !sameStoreRequest(fast, want) {
			t.Fatalf("fast path decoded %q as %+v, encoding/json as %+v", body, fast, want)
		}
	})
}

// FuzzDecodeRecallRequest checks the recall fast path the same way.
func FuzzDecodeRecallRequest(f *testing.F) {
	f.Add([]byte(`{"cue":[0.25,-1,3e-2],"k":10}`))
	f.Add([]byte(`{"k":-0}`))

	f.Fuzz(func(t *testing.T, body []byte) {
		var fast recallRequest
		if !decodeRecallFast(body, &fast) {
			return
		}

		var want recallRequest
		if err := json.Unmarshal(body, &want); err != nil {
			t.Fatalf("fast path accepted %q, which encoding/json rejects: %v", body, err)
		}
		if (fast.K == nil) != (want.K == nil) || (fast.K != nil && *fast.K != *want.K) {
			t.Fatalf("fast path decoded k of %q as %v, encoding/json as %v", body, fast.K, want.K)
		}
		got := storeRequest{Embedding: fast.Cue}
		if !sameStoreRequest(got, storeRequest{Embedding: want.Cue}) {
			t.Fatalf("fast path decoded cue of %q as %v, encoding/json as %v", body, fast.Cue, want.Cue)
		}
	})
}
