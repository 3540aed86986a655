package main

import (
	"math"
	"math/rand/v2"
	"testing"
)

func TestDotMatchesFloat64(t *testing.T) {
	rng := rand.New(rand.NewPCG(70, 70))
	for _, n := range []int{0, 1, 3, 4, 7, 768} {
		a, b := randomVector(rng, n), randomVector(rng, n)
		var want float64
		for i := range a {
			want += float64(a[i]) * float64(b[i])
		}
		if got := dot(a, b); math.Abs(float64(got)-want) > 1e-4*math.Max(1, math.Abs(want)) {
			t.Errorf("dot of length %d = %g, want %g", n, got, want)
		}
	}
}

func TestDot4MatchesDot(t *testing.T) {
	rng := rand.New(rand.NewPCG(71, 71))
	q := randomVector(rng, 768)
	vectors := [4][]float32{}
	for i := range vectors {
		vectors[i] = randomVector(rng, 768)
	}

	s0, s1, s2, s3 := dot4(q, vectors[0], vectors[1], vectors[2], vectors[3])
	for i, got := range []float32{s0, s1, s2, s3} {
		want := dot(q, vectors[i])
		if math.Abs(float64(got-want)) > 1e-3 {
			t.Errorf("dot4 result %d = %g, dot = %g", i, got, want)
		}
	}
}

func TestNormalize(t *testing.T) {
	v := []float32{3, 4}
	if !normalize(v) {
		t.Fatal("normalize([3 4]) failed")
	}
	if v[0] != 0.6 || v[1] != 0.8 {
		t.Errorf("normalize([3 4]) = %v, want [0.6 0.8]", v)
	}

	zero := []float32{0, 0}
	if normalize(zero) {
		t.Error("normalize of a zero vector succeeded, want failure")
	}
	if zero[0] != 0 || zero[1] != 0 {
		t.Errorf("normalize changed a zero vector to %v", zero)
	}
}
