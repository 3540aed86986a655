package main

import (
	"math/bits"
	"math/rand/v2"
)

const (
	// sketchSeed fixes the random rotation, so that a restarted server and
	// the tests build identical sketches for identical vectors.
	sketchSeed = 0x7065726667617465

	// sketchRounds is the number of sign-flip-then-Hadamard rounds. One
	// round has fixed bad inputs: x = D·h for a Hadamard row h maps to a
	// sketch of nearly all ones, so two such orthogonal inputs look alike.
	// Further rounds remove that structure. With one round,
	// TestStoreRecallAtTen measured about the same recall, because Gaussian
	// data looks alike under any rotation. The two extra rounds cost an
	// estimated 9 µs per 768-dim sketch.
	sketchRounds = 3

	// minSketchBits keeps small test dimensions from getting a sketch too
	// short to rank anything.
	minSketchBits = 64
)

// sketcher maps a vector to a bit string whose Hamming distance to another
// sketch estimates the angle between the two vectors (SimHash). Bit i is the
// sign of coordinate i after a pseudo-random rotation.
//
// The rotation is built from random sign flips and fast Walsh-Hadamard
// transforms instead of a dense Gaussian matrix. That costs O(n log n) per
// vector instead of O(n·bits), so a 1024-bit sketch of a 768-dim vector takes
// about 15k additions instead of 786k multiply-adds.
type sketcher struct {
	dim   int
	n     int // padded length, a power of two and the number of sketch bits
	words int // n / 64
	signs [sketchRounds][]float32
}

func newSketcher(dim int) *sketcher {
	n := minSketchBits
	for n < dim {
		n *= 2
	}

	sk := &sketcher{dim: dim, n: n, words: n / 64}
	rng := rand.New(rand.NewPCG(sketchSeed, sketchSeed>>1))
	for r := range sk.signs {
		sk.signs[r] = make([]float32, n)
		for i := range sk.signs[r] {
			sk.signs[r][i] = 1
			if rng.Uint64()&1 == 1 {
				sk.signs[r][i] = -1
			}
		}
	}

	return sk
}

// sketch writes the sketch of v into out, which must have sk.words words.
// scratch must have sk.n elements and is overwritten.
func (sk *sketcher) sketch(v []float32, scratch []float32, out []uint64) {
	copy(scratch, v)
	clear(scratch[len(v):])

	for r := range sk.signs {
		for i, s := range sk.signs[r] {
			scratch[i] *= s
		}
		walshHadamard(scratch)
	}

	clear(out)
	for i, x := range scratch {
		if x >= 0 {
			out[i>>6] |= 1 << (i & 63)
		}
	}
}

// walshHadamard applies the unnormalised fast Walsh-Hadamard transform in
// place. len(x) must be a power of two. Each round multiplies the length of x
// by sqrt(len(x)), which float32 can represent for three rounds of any length below
// 2^40, and only the signs of the result are used.
func walshHadamard(x []float32) {
	n := len(x)
	for h := 1; h < n; h *= 2 {
		for i := 0; i < n; i += 2 * h {
			lo := x[i : i+h]
			hi := x[i+h : i+2*h]
			for j := range lo {
				a, b := lo[j], hi[j]
				lo[j] = a + b
				hi[j] = a - b
			}
		}
	}
}

// hamming returns the number of differing bits of two sketches of equal length.
func hamming(a, b []uint64) int {
	b = b[:len(a)]

	d := 0
	for i := range a {
		d += bits.OnesCount64(a[i] ^ b[i])
	}

	return d
}

// selectNearest appends to dst the indexes of the `want` smallest distances
// in dist, ignoring entries equal to skip, and returns dst. It runs in
// O(len(dist) + maxDist) with a counting pass instead of a heap, because
// distances are small integers. Ties at the cut-off go to the lower index.
// hist must have maxDist+1 entries and is overwritten.
func selectNearest(dst []int32, dist []uint16, skip uint16, want int, hist []int32) []int32 {
	clear(hist)
	live := 0
	for _, d := range dist {
		if d != skip {
			hist[d]++
			live++
		}
	}

	if live <= want {
		for i, d := range dist {
			if d != skip {
				dst = append(dst, int32(i))
			}
		}
		return dst
	}

	// cutoff is the smallest distance at which `want` entries are reached.
	// Entries closer than cutoff are all taken, and only the first `ties`
	// entries at the cut-off itself.
	cutoff, below := 0, 0
	for below+int(hist[cutoff]) < want {
		below += int(hist[cutoff])
		cutoff++
	}
	ties := want - below

	for i, d := range dist {
		switch {
		case d == skip:
		case int(d) < cutoff:
			dst = append(dst, int32(i))
		case int(d) == cutoff && ties > 0:
			dst = append(dst, int32(i))
			ties--
		}
	}

	return dst
}
