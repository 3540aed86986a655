package main

import (
	"fmt"
	"math/rand/v2"
	"sync"
	"testing"
)

func newTestStore(dim, workingSet, maxEpisodes int) *store {
	return newStore(storeConfig{Dim: dim, WorkingSet: workingSet, MaxEpisodes: maxEpisodes, Candidates: 512})
}

func TestStoreRecallsPlantedVectorFirst(t *testing.T) {
	const dim = 768
	rng := rand.New(rand.NewPCG(10, 10))
	s := newTestStore(dim, 8192, 100000)

	planted := randomUnit(t, rng, dim)
	for i := range 8192 {
		if i == 4000 {
			s.put("planted", "needle", 1, noConcept, planted)
			continue
		}
		s.put(fmt.Sprintf("ep-%d", i), "hay", 0.5, noConcept, randomUnit(t, rng, dim))
	}

	// A cue at cosine 0.8 to the planted vector is far closer to it than
	// to any random vector, whose cosine is about ±0.04.
	hits := s.recall(nearby(t, rng, planted, 0.8), 10)
	if len(hits) != 10 {
		t.Fatalf("recall returned %d hits, want 10", len(hits))
	}
	if hits[0].ID != "planted" {
		t.Errorf("first hit = %q, want planted", hits[0].ID)
	}
	if hits[0].Content != "needle" {
		t.Errorf("first hit content = %q, want needle", hits[0].Content)
	}
	if hits[0].Score < 0.7 || hits[0].Score > 0.9 {
		t.Errorf("first hit score = %.3f, want about 0.8", hits[0].Score)
	}
	for i := 1; i < len(hits); i++ {
		if hits[i].Score > hits[i-1].Score {
			t.Errorf("hit %d score %.3f exceeds hit %d score %.3f", i, hits[i].Score, i-1, hits[i-1].Score)
		}
	}
}

// TestStoreRecallAtTen measures recall@10 of the sketch index against brute
// force on a full working set of 8192 seeded vectors in 768 dimensions, with
// the default 512 candidates. The figures quoted in doc.go come from here
// (run with -v to see them).
func TestStoreRecallAtTen(t *testing.T) {
	if testing.Short() {
		t.Skip("builds three 8192-episode stores")
	}
	const dim, workingSet, queries, k = 768, 8192, 200, 10

	tests := []struct {
		name string
		// data returns a stored vector, and cue a query.
		data, cue func(t *testing.T, rng *rand.Rand, centers, stored [][]float32) []float32
		min       float64
	}{
		{
			// Uniform directions are the hardest case: the true top 10
			// score about 0.12 against a background of ±0.036, so sketch
			// noise reorders them easily.
			name: "uniform",
			data: func(t *testing.T, rng *rand.Rand, _, _ [][]float32) []float32 { return randomUnit(t, rng, dim) },
			cue:  func(t *testing.T, rng *rand.Rand, _, _ [][]float32) []float32 { return randomUnit(t, rng, dim) },
			min:  0.75,
		},
		{
			// Cues near one stored vector, like a lookup of a known episode.
			name: "near stored",
			data: func(t *testing.T, rng *rand.Rand, _, _ [][]float32) []float32 { return randomUnit(t, rng, dim) },
			cue: func(t *testing.T, rng *rand.Rand, _, stored [][]float32) []float32 {
				return nearby(t, rng, stored[rng.IntN(len(stored))], 0.9)
			},
			min: 0.75,
		},
		{
			// 512 topics of about 16 episodes each, like embeddings of
			// related texts: the sketch finds the cue's topic reliably.
			name: "clustered",
			data: func(t *testing.T, rng *rand.Rand, centers, _ [][]float32) []float32 {
				return nearby(t, rng, centers[rng.IntN(len(centers))], 0.8)
			},
			cue: func(t *testing.T, rng *rand.Rand, centers, _ [][]float32) []float32 {
				return nearby(t, rng, centers[rng.IntN(len(centers))], 0.8)
			},
			min: 0.98,
		},
	}

	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rng := rand.New(rand.NewPCG(11, 11))
			centers := make([][]float32, 512)
			for i := range centers {
				centers[i] = randomUnit(t, rng, dim)
			}

			s := newTestStore(dim, workingSet, workingSet)
			stored := make([][]float32, workingSet)
			for i := range stored {
				stored[i] = tt.data(t, rng, centers, stored[:i])
				s.put(fmt.Sprint(i), "", 1, noConcept, stored[i])
			}

			found := 0
			for range queries {
				cue := tt.cue(t, rng, centers, stored)
				got := make(map[string]bool, k)
				for _, h := range s.recall(cue, k) {
					got[h.ID] = true
				}
				for _, i := range exactTop(stored, cue, k) {
					if got[fmt.Sprint(i)] {
						found++
					}
				}
			}

			recallAtK := float64(found) / float64(queries*k)
			t.Logf("recall@%d = %.3f over %d queries", k, recallAtK, queries)
			if recallAtK < tt.min {
				t.Errorf("recall@%d = %.3f, want at least %.2f", k, recallAtK, tt.min)
			}
		})
	}
}

func TestStoreRecallExactWhenSmall(t *testing.T) {
	const dim = 32
	rng := rand.New(rand.NewPCG(12, 12))
	s := newStore(storeConfig{Dim: dim, WorkingSet: 100, MaxEpisodes: 100, Candidates: 100})

	stored := make([][]float32, 100)
	for i := range stored {
		stored[i] = randomUnit(t, rng, dim)
		s.put(fmt.Sprint(i), "", 1, noConcept, stored[i])
	}

	for q := range 20 {
		cue := randomUnit(t, rng, dim)
		hits := s.recall(cue, 5)
		want := exactTop(stored, cue, 5)
		for i := range want {
			if hits[i].ID != fmt.Sprint(want[i]) {
				t.Errorf("query %d rank %d = %s, want %d", q, i, hits[i].ID, want[i])
			}
		}
	}
}

func TestStoreWorkingSetBounded(t *testing.T) {
	const dim, workingSet = 16, 50
	rng := rand.New(rand.NewPCG(13, 13))
	s := newTestStore(dim, workingSet, 1000)

	for i := range 175 {
		s.put(fmt.Sprint(i), "", 1, noConcept, randomUnit(t, rng, dim))
	}

	if n := s.workingSetLen(); n != workingSet {
		t.Errorf("working set holds %d episodes, want %d", n, workingSet)
	}
	if n := s.len(); n != 175 {
		t.Errorf("store holds %d episodes, want 175", n)
	}

	// Only the newest 50 (ids 125 to 174) can be recalled.
	for _, h := range s.recall(randomUnit(t, rng, dim), 100) {
		var id int
		fmt.Sscan(h.ID, &id)
		if id < 125 {
			t.Errorf("recall returned episode %d, which has left the working set", id)
		}
	}

	old, ok := s.get("3")
	if !ok {
		t.Fatal("episode 3 is not retrievable by id after leaving the working set")
	}
	if old.InWorkingSet {
		t.Error("episode 3 reports InWorkingSet after its slot was reused")
	}
	recent, _ := s.get("170")
	if !recent.InWorkingSet {
		t.Error("episode 170 does not report InWorkingSet")
	}
}

func TestStoreEvictsOldestBeyondMaxEpisodes(t *testing.T) {
	const dim = 16
	rng := rand.New(rand.NewPCG(14, 14))
	s := newTestStore(dim, 10, 30)

	for i := range 100 {
		s.put(fmt.Sprint(i), "", 1, noConcept, randomUnit(t, rng, dim))
	}

	if n := s.len(); n != 30 {
		t.Errorf("store holds %d episodes, want 30", n)
	}
	if _, ok := s.get("69"); ok {
		t.Error("episode 69 is still retrievable, want it evicted as one of the oldest 70")
	}
	if _, ok := s.get("70"); !ok {
		t.Error("episode 70 was evicted, want it kept as one of the newest 30")
	}
}

func TestStoreEvictionClearsWorkingSetSlot(t *testing.T) {
	const dim = 16
	rng := rand.New(rand.NewPCG(15, 15))
	// With more slots than episodes, eviction rather than slot reuse
	// removes episodes from the working set.
	s := newTestStore(dim, 10, 4)

	for i := range 6 {
		s.put(fmt.Sprint(i), "", 1, noConcept, randomUnit(t, rng, dim))
	}

	if n := s.workingSetLen(); n != 4 {
		t.Errorf("working set holds %d episodes, want 4", n)
	}
	for _, h := range s.recall(randomUnit(t, rng, dim), 10) {
		if h.ID == "0" || h.ID == "1" {
			t.Errorf("recall returned evicted episode %s", h.ID)
		}
	}
}

func TestStoreReplaceSameID(t *testing.T) {
	const dim = 16
	rng := rand.New(rand.NewPCG(16, 16))
	s := newTestStore(dim, 10, 10)

	// The replacement points the opposite way, so a recall with the old
	// vector ranks it last if the old slot is gone.
	first := randomUnit(t, rng, dim)
	second := make([]float32, dim)
	for i, x := range first {
		second[i] = -x
	}
	s.put("a", "first", 0.1, noConcept, first)
	s.put("b", "other", 0.1, noConcept, randomUnit(t, rng, dim))
	s.put("a", "second", 0.9, noConcept, second)

	if n := s.len(); n != 2 {
		t.Errorf("store holds %d episodes, want 2", n)
	}
	if n := s.workingSetLen(); n != 2 {
		t.Errorf("working set holds %d episodes, want 2", n)
	}

	ep, _ := s.get("a")
	if ep.Content != "second" || ep.Confidence != 0.9 {
		t.Errorf("get(a) = %q with confidence %g, want the replacement", ep.Content, ep.Confidence)
	}

	hits := s.recall(first, 10)
	count := 0
	for _, h := range hits {
		if h.ID == "a" {
			count++
			if h.Content != "second" {
				t.Errorf("recall of a returned content %q, want second", h.Content)
			}
		}
	}
	if count != 1 {
		t.Errorf("recall returned id a %d times, want once", count)
	}
	if hits[0].ID != "b" {
		t.Errorf("first hit for the replaced vector = %s, want b", hits[0].ID)
	}
}

func TestStoreRecallEmpty(t *testing.T) {
	s := newTestStore(8, 10, 10)
	rng := rand.New(rand.NewPCG(17, 17))

	hits := s.recall(randomUnit(t, rng, 8), 10)
	if hits == nil || len(hits) != 0 {
		t.Errorf("recall on an empty store = %#v, want an empty non-nil slice", hits)
	}
}

// TestStoreConcurrentPutAndRecall runs stores and recalls in parallel, as
// handlers do; run with -race to check the locking.
func TestStoreConcurrentPutAndRecall(t *testing.T) {
	const dim, workers, perWorker = 64, 4, 200
	s := newTestStore(dim, 300, 500)

	vectors := make([][]float32, workers*perWorker)
	rng := rand.New(rand.NewPCG(18, 18))
	for i := range vectors {
		vectors[i] = randomUnit(t, rng, dim)
	}

	var wg sync.WaitGroup
	for w := range workers {
		wg.Add(2)
		go func() {
			defer wg.Done()
			for i := range perWorker {
				n := w*perWorker + i
				s.put(fmt.Sprint(n%600), "", 1, noConcept, vectors[n])
			}
		}()
		go func() {
			defer wg.Done()
			for i := range perWorker {
				hits := s.recall(vectors[w*perWorker+i], 10)
				for j := 1; j < len(hits); j++ {
					if hits[j].Score > hits[j-1].Score {
						t.Errorf("concurrent recall returned unsorted scores %v", hits)
						return
					}
				}
			}
		}()
	}
	wg.Wait()

	if n := s.len(); n > 500 {
		t.Errorf("store holds %d episodes, want at most 500", n)
	}
	if n := s.workingSetLen(); n > 300 {
		t.Errorf("working set holds %d episodes, want at most 300", n)
	}
}
