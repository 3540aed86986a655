package main

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"
)

func TestConceptsGroupClusters(t *testing.T) {
	const dim, clusters, perCluster = 128, 5, 40
	rng := rand.New(rand.NewPCG(20, 20))
	c := newConceptSet(dim, 64)

	centers := make([][]float32, clusters)
	for i := range centers {
		centers[i] = randomUnit(t, rng, dim)
	}

	// Members at cosine 0.9 to their center are about 0.81 from each
	// other, above the join threshold, and about 0 from other clusters.
	conceptOf := make(map[int]int)
	for range perCluster {
		for i, center := range centers {
			concept := c.add(nearby(t, rng, center, 0.9), fmt.Sprintf("cluster %d", i))
			if prev, ok := conceptOf[i]; ok && prev != concept {
				t.Fatalf("cluster %d went to concepts %d and %d, want one", i, prev, concept)
			}
			conceptOf[i] = concept
		}
	}

	if n := c.len(); n != clusters {
		t.Errorf("concept count = %d, want %d", n, clusters)
	}

	hits := c.recall(nearby(t, rng, centers[3], 0.9), 2)
	if len(hits) != 2 {
		t.Fatalf("recall returned %d concepts, want 2", len(hits))
	}
	if hits[0].Index != conceptOf[3] {
		t.Errorf("first concept = %d, want %d (cluster 3)", hits[0].Index, conceptOf[3])
	}
	if hits[0].Members != perCluster {
		t.Errorf("first concept has %d members, want %d", hits[0].Members, perCluster)
	}
	if hits[0].Content != "cluster 3" {
		t.Errorf("first concept content = %q, want the founder's", hits[0].Content)
	}
	// The running mean of 40 members lies closer to the center than any
	// single member does.
	if hits[0].Score < 0.8 {
		t.Errorf("first concept score = %.3f, want above 0.8", hits[0].Score)
	}
	if hits[1].Score > 0.5 {
		t.Errorf("second concept score = %.3f, want near 0 for an unrelated cluster", hits[1].Score)
	}
}

func TestConceptsBounded(t *testing.T) {
	const dim, maxConcepts = 64, 8
	rng := rand.New(rand.NewPCG(21, 21))
	c := newConceptSet(dim, maxConcepts)

	members := 0
	for range 100 {
		index := c.add(randomUnit(t, rng, dim), "")
		if index < 0 || index >= maxConcepts {
			t.Fatalf("add returned concept %d, want it in [0, %d)", index, maxConcepts)
		}
	}
	if n := c.len(); n != maxConcepts {
		t.Errorf("concept count = %d, want %d", n, maxConcepts)
	}
	for _, h := range c.recall(randomUnit(t, rng, dim), maxConcepts) {
		members += h.Members
	}
	if members != 100 {
		t.Errorf("concepts have %d members in total, want 100", members)
	}
}

func TestBlendFusesRankings(t *testing.T) {
	episodic := []hit{
		{ID: "e0", Concept: 2},
		{ID: "e1", Concept: 0},
		{ID: "e2", Concept: 1},
		{ID: "e3", Concept: noConcept},
	}
	// Concept 0 is closest to the cue, then 1, then 2.
	concepts := []conceptHit{{Index: 0}, {Index: 1}, {Index: 2}}

	got := blend(episodic, concepts, 3)

	// e0: 1/61 + 1/63, e1: 1/62 + 1/61, e2: 1/63 + 1/62, e3: 1/64.
	// e1 overtakes e0 because its concept ranks first.
	wantIDs := []string{"e1", "e0", "e2"}
	if len(got) != len(wantIDs) {
		t.Fatalf("blend returned %d results, want %d", len(got), len(wantIDs))
	}
	for i, id := range wantIDs {
		if got[i].ID != id {
			t.Errorf("rank %d = %s, want %s", i, got[i].ID, id)
		}
	}
	if want := 1.0/62 + 1.0/61; math.Abs(got[0].Fused-want) > 1e-12 {
		t.Errorf("fused score of e1 = %g, want %g", got[0].Fused, want)
	}
}

func TestBlendTieKeepsEpisodicOrder(t *testing.T) {
	episodic := []hit{{ID: "e0", Concept: 1}, {ID: "e1", Concept: 0}}
	concepts := []conceptHit{{Index: 0}, {Index: 1}}

	// Both score 1/61 + 1/62.
	got := blend(episodic, concepts, 2)

	if got[0].ID != "e0" || got[1].ID != "e1" {
		t.Errorf("blend of a tie = %s, %s, want e0, e1", got[0].ID, got[1].ID)
	}
}

func TestBlendWithoutConcepts(t *testing.T) {
	episodic := []hit{{ID: "a", Concept: noConcept}, {ID: "b", Concept: 5}}

	got := blend(episodic, nil, 10)

	if len(got) != 2 || got[0].ID != "a" || got[1].ID != "b" {
		t.Errorf("blend without concepts = %v, want the episodic order a, b", got)
	}
}
