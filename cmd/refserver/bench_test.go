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
	"testing"
)

// Benchmarks use the default flags: 768 dimensions, a working set of 8192
// and 512 candidates.
const (
	benchDim        = 768
	benchWorkingSet = 8192
	benchCandidates = 512
)

func benchConfig(dualMemory bool) serverConfig {
	return serverConfig{
		Store: storeConfig{
			Dim:         benchDim,
			WorkingSet:  benchWorkingSet,
			MaxEpisodes: 200000,
			Candidates:  benchCandidates,
		},
		Concepts:     256,
		DualMemory:   dualMemory,
		MaxBodyBytes: 1 << 20,
	}
}

// benchVectors returns n seeded random unit vectors.
func benchVectors(b *testing.B, n int) [][]float32 {
	rng := rand.New(rand.NewPCG(60, 60))
	vectors := make([][]float32, n)
	for i := range vectors {
		vectors[i] = randomUnit(b, rng, benchDim)
	}

	return vectors
}

// fullStore returns a store whose working set is full.
func fullStore(b *testing.B) (*store, [][]float32) {
	s := newStore(benchConfig(false).Store)
	vectors := benchVectors(b, 1024)
	for i := range benchWorkingSet {
		s.put(fmt.Sprintf("ep-%08d", i), "content", 0.5, noConcept, vectors[i%len(vectors)])
	}

	return s, vectors
}

// BenchmarkStore measures put into a full working set, which sketches the
// vector and reuses the oldest slot.
func BenchmarkStore(b *testing.B) {
	s, vectors := fullStore(b)
	i := 0

	for b.Loop() {
		s.put(fmt.Sprintf("ep-%08d", benchWorkingSet+i), "content", 0.5, noConcept, vectors[i%len(vectors)])
		i++
	}
}

// BenchmarkStoreConcepts measures the concept assignment that a store adds
// with -dual-memory, with all 256 concepts founded.
func BenchmarkStoreConcepts(b *testing.B) {
	c := newConceptSet(benchDim, 256)
	vectors := benchVectors(b, 1024)
	for i := range 256 {
		c.add(vectors[i], "")
	}
	i := 0

	for b.Loop() {
		c.add(vectors[i%len(vectors)], "")
		i++
	}
}

// BenchmarkRecallEpisodic measures a top-10 recall over a full working set.
func BenchmarkRecallEpisodic(b *testing.B) {
	s, _ := fullStore(b)
	cues := benchVectors(b, 64)
	i := 0

	for b.Loop() {
		s.recall(cues[i%len(cues)], 10)
		i++
	}
}

// BenchmarkDecodeStore compares the fast path with encoding/json on a store
// body of 768 numbers with 6 decimals, about 7 KiB.
func BenchmarkDecodeStore(b *testing.B) {
	body := storeBody("ep-00000001", benchVectors(b, 1)[0])

	b.Run("fast", func(b *testing.B) {
		b.SetBytes(int64(len(body)))
		req := storeRequest{Embedding: make([]float32, 0, benchDim)}
		for b.Loop() {
			if err := decodeStoreRequest(body, &req); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("encoding-json", func(b *testing.B) {
		b.SetBytes(int64(len(body)))
		for b.Loop() {
			var req storeRequest
			if err := json.Unmarshal(body, &req); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// BenchmarkDefaultMix runs the handlers in process, without sockets, on the
// default scenario's mix. One op is 10 requests: 4 stores, 4 episodic
// recalls, 1 semantic and 1 blended recall. Without -dual-memory the last
// two get 501 and are then repeated as episodic recalls, as the load
// generator does. The store grows from a full working set.
//
// The cores metric is the CPU time of 100 ops, the default 1000 requests
// per second, on one core. It leaves out connection handling in net/http
// and the kernel, which a real load test includes.
func BenchmarkDefaultMix(b *testing.B) {
	for _, dual := range []bool{false, true} {
		b.Run(fmt.Sprintf("dual-memory=%v", dual), func(b *testing.B) {
			srv := newServer(benchConfig(dual), slog.New(slog.NewTextHandler(io.Discard, nil)))
			h := srv.handler()
			vectors := benchVectors(b, 256)
			rng := rand.New(rand.NewPCG(61, 61))
			bodies := make([][]byte, len(vectors))
			recalls := make([][]byte, len(vectors))
			for i, v := range vectors {
				bodies[i] = storeBody("ep-00000000", v)
				recalls[i] = recallBody(nearby(b, rng, v, 0.5), 10)
			}
			// Bodies are formatted once. Each store writes a new id into
			// the 8 digits of the template id, so the store keeps growing.
			idDigits := bytes.Index(bodies[0], []byte("ep-00000000")) + len("ep-")
			body := make([]byte, 0, len(bodies[0])+64)

			serve := func(path string, body []byte) int {
				rec := httptest.NewRecorder()
				h.ServeHTTP(rec, httptest.NewRequest("POST", path, bytes.NewReader(body)))
				return rec.Code
			}
			stored := 0
			store := func() {
				body = append(body[:0], bodies[stored%len(bodies)]...)
				copy(body[idDigits:idDigits+8], fmt.Appendf(nil, "%08d", stored))
				if code := serve("/api/v1/episodes", body); code != http.StatusCreated {
					b.Fatalf("store: status %d", code)
				}
				stored++
			}
			recall := func(path string) {
				code := serve(path, recalls[stored%len(recalls)])
				if code == http.StatusNotImplemented {
					code = serve("/api/v1/recall/episodic", recalls[stored%len(recalls)])
				}
				if code != http.StatusOK {
					b.Fatalf("%s: status %d", path, code)
				}
			}

			for range benchWorkingSet {
				store()
			}
			b.ResetTimer()

			for b.Loop() {
				for range 4 {
					store()
					recall("/api/v1/recall/episodic")
				}
				recall("/api/v1/recall/semantic")
				recall("/api/v1/recall/blended")
			}

			nsPerOp := float64(b.Elapsed().Nanoseconds()) / float64(b.N)
			b.ReportMetric(nsPerOp*100/1e9, "cores@1000req/s")
		})
	}
}
