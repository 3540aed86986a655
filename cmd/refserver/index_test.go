package main

import (
	"math"
	"math/rand/v2"
	"slices"
	"testing"
)

func TestWalshHadamardMatchesDefinition(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 1))
	const n = 16
	x := randomVector(rng, n)

	// H[i][j] = (-1)^popcount(i & j) for the unnormalised Hadamard matrix.
	want := make([]float64, n)
	for i := range n {
		for j := range n {
			sign := 1.0
			if popcount(i&j)%2 == 1 {
				sign = -1
			}
			want[i] += sign * float64(x[j])
		}
	}

	got := slices.Clone(x)
	walshHadamard(got)
	for i := range n {
		if math.Abs(float64(got[i])-want[i]) > 1e-4 {
			t.Errorf("element %d = %g, want %g", i, got[i], want[i])
		}
	}
}

func popcount(x int) int {
	n := 0
	for ; x != 0; x &= x - 1 {
		n++
	}
	return n
}

func TestSketcherSizes(t *testing.T) {
	tests := []struct {
		dim, bits int
	}{
		{dim: 1, bits: 64},
		{dim: 64, bits: 64},
		{dim: 65, bits: 128},
		{dim: 768, bits: 1024},
		{dim: 1024, bits: 1024},
	}
	for _, tt := range tests {
		sk := newSketcher(tt.dim)
		if sk.n != tt.bits || sk.words != tt.bits/64 {
			t.Errorf("dim %d: %d bits in %d words, want %d bits", tt.dim, sk.n, sk.words, tt.bits)
		}
	}
}

func TestSketchHammingTracksAngle(t *testing.T) {
	const dim = 768
	rng := rand.New(rand.NewPCG(2, 2))
	sk := newSketcher(dim)
	scratch := make([]float32, sk.n)
	sketchOf := func(v []float32) []uint64 {
		out := make([]uint64, sk.words)
		sk.sketch(v, scratch, out)
		return out
	}

	a := randomUnit(t, rng, dim)
	negated := make([]float32, dim)
	for i, x := range a {
		negated[i] = -x
	}

	if d := hamming(sketchOf(a), sketchOf(a)); d != 0 {
		t.Errorf("distance of a vector to itself = %d, want 0", d)
	}
	// Sign bits of exact zeros count as positive, so a negated vector can
	// differ from all ones only in coordinates that are exactly zero.
	if d := hamming(sketchOf(a), sketchOf(negated)); d < sk.n-2 {
		t.Errorf("distance to the negated vector = %d, want about %d", d, sk.n)
	}

	// SimHash: the expected fraction of differing bits is angle/π.
	for _, cosine := range []float64{0.95, 0.7, 0.3, 0} {
		b := nearby(t, rng, a, cosine)
		wantFraction := math.Acos(float64(dot(a, b))) / math.Pi
		gotFraction := float64(hamming(sketchOf(a), sketchOf(b))) / float64(sk.n)
		if math.Abs(gotFraction-wantFraction) > 0.06 {
			t.Errorf("cosine %.2f: %.3f of bits differ, want about %.3f", cosine, gotFraction, wantFraction)
		}
	}
}

func TestSketchDeterministic(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 3))
	v := randomUnit(t, rng, 100)

	first, second := newSketcher(100), newSketcher(100)
	a := make([]uint64, first.words)
	b := make([]uint64, second.words)
	first.sketch(v, make([]float32, first.n), a)
	second.sketch(v, make([]float32, second.n), b)

	if !slices.Equal(a, b) {
		t.Errorf("two sketchers of the same dimension disagree: %x and %x", a, b)
	}
}

func TestSelectNearest(t *testing.T) {
	const skip = 9
	tests := []struct {
		name string
		dist []uint16
		want int
		out  []int32
	}{
		{name: "smallest first", dist: []uint16{5, 1, 3, 2}, want: 2, out: []int32{1, 3}},
		{name: "ties go to lower index", dist: []uint16{4, 2, 2, 2}, want: 2, out: []int32{1, 2}},
		{name: "skipped entries ignored", dist: []uint16{skip, 0, skip, 8}, want: 2, out: []int32{1, 3}},
		{name: "fewer live than wanted", dist: []uint16{skip, 3, skip}, want: 5, out: []int32{1}},
		{name: "all equal", dist: []uint16{7, 7, 7}, want: 3, out: []int32{0, 1, 2}},
		{name: "empty", dist: nil, want: 3, out: nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			hist := make([]int32, skip+1)
			got := selectNearest(nil, tt.dist, skip, tt.want, hist)
			if !slices.Equal(got, tt.out) {
				t.Errorf("selectNearest(%v, want %d) = %v, want %v", tt.dist, tt.want, got, tt.out)
			}
		})
	}
}

func TestInsertTopKeepsBestSorted(t *testing.T) {
	var top []rankedSlot
	for i, score := range []float32{0.1, 0.9, 0.5, 0.7, 0.2, 0.9} {
		top = insertTop(top, 3, rankedSlot{slot: int32(i), score: score})
	}

	want := []rankedSlot{{slot: 1, score: 0.9}, {slot: 5, score: 0.9}, {slot: 3, score: 0.7}}
	if !slices.Equal(top, want) {
		t.Errorf("top 3 = %v, want %v", top, want)
	}
}
