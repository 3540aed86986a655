package main

import (
	"math"
	"math/rand/v2"
	"testing"
)

// randomVector returns a vector of independent standard normal elements,
// whose direction is uniform on the sphere.
func randomVector(rng *rand.Rand, dim int) []float32 {
	v := make([]float32, dim)
	for i := range v {
		v[i] = float32(rng.NormFloat64())
	}

	return v
}

func randomUnit(t testing.TB, rng *rand.Rand, dim int) []float32 {
	t.Helper()

	v := randomVector(rng, dim)
	if !normalize(v) {
		t.Fatal("random vector has zero length")
	}

	return v
}

// nearby returns a unit vector at about the given cosine similarity to the
// unit vector center.
func nearby(t testing.TB, rng *rand.Rand, center []float32, cosine float64) []float32 {
	t.Helper()

	noise := randomUnit(t, rng, len(center))
	// For orthogonal-ish unit vectors c and n, c·cos + n·sin has cosine
	// about cos to c. Random high-dimensional vectors are nearly orthogonal.
	sin := math.Sqrt(1 - cosine*cosine)
	v := make([]float32, len(center))
	for i := range v {
		v[i] = float32(float64(center[i])*cosine + float64(noise[i])*sin)
	}
	if !normalize(v) {
		t.Fatal("nearby vector has zero length")
	}

	return v
}

// exactTop returns the indexes of the k vectors with the highest dot product
// with cue, by brute force.
func exactTop(vectors [][]float32, cue []float32, k int) []int {
	top := make([]rankedSlot, 0, k)
	for i, v := range vectors {
		top = insertTop(top, k, rankedSlot{slot: int32(i), score: dot(cue, v)})
	}

	indexes := make([]int, len(top))
	for i, r := range top {
		indexes[i] = int(r.slot)
	}

	return indexes
}
