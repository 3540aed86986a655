package main

import (
	"fmt"
	"math"
	"slices"
	"sync"
)

// conceptJoinThreshold is the cosine similarity at or above which a new
// episode joins its nearest concept instead of founding a new one. On
// random Gaussian data every pair scores near 0, so concepts are founded
// until the set is full and later episodes join their nearest concept.
// NOTE: 0.6 is a guess. Which cosine means "same topic" depends on the
// embedding model, and the value has not been tuned on real embeddings.
const conceptJoinThreshold = 0.6

// conceptHit is one semantic recall result.
type conceptHit struct {
	Index   int
	Score   float32 // cosine similarity of cue and concept centroid
	Members int
	Content string // content of the episode that founded the concept
}

// conceptSet is the semantic memory: an online clustering of stored
// episodes into at most maxConcepts concepts. Each concept keeps the sum of
// its members' unit embeddings and their count, which give a running mean
// whose direction is the centroid. The content of the episode that founded a
// concept represents it in results.
//
// A store costs one dot product per concept (256 × 768 multiply-adds at the
// defaults) and a recall the same, so both are bounded however many
// episodes arrive.
//
// NOTE: concepts summarise every episode stored since start. An episode
// that is replaced or evicted from the store keeps its contribution, because
// its embedding is no longer available to subtract.
type conceptSet struct {
	dim         int
	maxConcepts int

	mu        sync.RWMutex
	sums      []float64 // concept i owns sums[i*dim:(i+1)*dim]
	centroids []float32 // unit-length direction of each sum, same layout
	members   []int
	founders  []string // content of each concept's first member
}

func newConceptSet(dim, maxConcepts int) *conceptSet {
	return &conceptSet{
		dim:         dim,
		maxConcepts: maxConcepts,
		sums:        make([]float64, 0, maxConcepts*dim),
		centroids:   make([]float32, 0, maxConcepts*dim),
	}
}

// add assigns the unit-length embedding of an episode to a concept and
// returns the concept's index. A new concept is founded when no concept
// reaches conceptJoinThreshold and the set is not yet full.
func (c *conceptSet) add(unit []float32, content string) int {
	c.mu.Lock()
	defer c.mu.Unlock()

	best, bestScore := -1, float32(-2)
	for i := range c.members {
		score := dot(unit, c.centroid(i))
		if score > bestScore {
			best, bestScore = i, score
		}
	}

	if best < 0 || (bestScore < conceptJoinThreshold && len(c.members) < c.maxConcepts) {
		for _, x := range unit {
			c.sums = append(c.sums, float64(x))
		}
		c.centroids = append(c.centroids, unit...)
		c.members = append(c.members, 1)
		c.founders = append(c.founders, content)
		return len(c.members) - 1
	}

	sum := c.sums[best*c.dim : (best+1)*c.dim]
	for j, x := range unit {
		sum[j] += float64(x)
	}
	c.members[best]++
	c.updateCentroid(best)

	return best
}

func (c *conceptSet) centroid(i int) []float32 {
	return c.centroids[i*c.dim : (i+1)*c.dim]
}

// updateCentroid recomputes the unit direction of concept i from its sum.
// The sum of unit vectors is zero only if members cancel exactly, and then
// the previous centroid is kept.
func (c *conceptSet) updateCentroid(i int) {
	sum := c.sums[i*c.dim : (i+1)*c.dim]

	var sq float64
	for _, x := range sum {
		sq += x * x
	}
	if sq == 0 {
		return
	}

	inv := 1 / math.Sqrt(sq)
	centroid := c.centroid(i)
	for j, x := range sum {
		centroid[j] = float32(x * inv)
	}
}

// recall returns up to k concepts ranked by cosine similarity of their
// centroid to the unit-length cue, best first.
func (c *conceptSet) recall(cue []float32, k int) []conceptHit {
	c.mu.RLock()
	defer c.mu.RUnlock()

	hits := make([]conceptHit, len(c.members))
	for i := range c.members {
		hits[i] = conceptHit{
			Index:   i,
			Score:   dot(cue, c.centroid(i)),
			Members: c.members[i],
			Content: c.founders[i],
		}
	}
	slices.SortStableFunc(hits, func(a, b conceptHit) int {
		switch {
		case a.Score > b.Score:
			return -1
		case a.Score < b.Score:
			return 1
		}
		return 0
	})

	return hits[:min(k, len(hits))]
}

// len returns the number of concepts.
func (c *conceptSet) len() int {
	c.mu.RLock()
	defer c.mu.RUnlock()

	return len(c.members)
}

// conceptID formats a concept index as the id that responses carry.
func conceptID(index int) string {
	return fmt.Sprintf("concept-%05d", index)
}
