package scenario

import (
	"encoding/binary"
	"math/bits"
	"math/rand/v2"
	"slices"
)

// Id prefixes. Preflight ids differ from stream ids, so that the preflight
// requests do not store episodes that the preload then stores again.
const (
	streamIDPrefix    = "ep-"
	preflightIDPrefix = "ep-preflight-"
	idDigits          = 8 // ids are zero-padded to at least this many digits
)

// generator is the state behind the template generators: a random source
// and the id counter.
//
// Only PCG.Uint64 is used, with the range reductions below, because the
// math/rand/v2 documentation (Go 1.26) promises no stable output for the
// Rand methods across releases, and the stream must stay the same for a
// given seed.
type generator struct {
	rng *rand.PCG

	// nextID is the number of ids generated so far. Ids are numbered from
	// 0, so the stored ids are exactly [0, nextID) and need no memory.
	nextID uint64

	idPrefix string
}

// newGenerator seeds a generator for one sub-stream of seed. Each use
// (operation choice, stream values, preload values, preflight values) has
// its own label, so that consuming one never shifts another.
func newGenerator(seed, label uint64, idPrefix string) *generator {
	return &generator{rng: newPCG(seed, label), idPrefix: idPrefix}
}

// Labels of the sub-streams of a seed.
const (
	labelOperations uint64 = iota + 1
	labelStream
	labelPreload
	labelPreflight
)

// newPCG derives the two PCG seed words from seed and label with SplitMix64,
// so that sub-streams of nearby seeds do not start from nearby states.
func newPCG(seed, label uint64) *rand.PCG {
	state := seed ^ label*0x9E3779B97F4A7C15
	return rand.NewPCG(splitMix64(&state), splitMix64(&state))
}

// splitMix64 advances state and returns the next SplitMix64 output.
func splitMix64(state *uint64) uint64 {
	*state += 0x9E3779B97F4A7C15
	z := *state
	z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9
	z = (z ^ (z >> 27)) * 0x94D049BB133111EB
	return z ^ (z >> 31)
}

// uint64n returns a uniform value in [0, n) for n > 0, by Lemire's
// multiply-and-reject method, which avoids a division on most draws.
func (g *generator) uint64n(n uint64) uint64 {
	hi, lo := bits.Mul64(g.rng.Uint64(), n)
	if lo < n {
		threshold := -n % n
		for lo < threshold {
			hi, lo = bits.Mul64(g.rng.Uint64(), n)
		}
	}
	return hi
}

// intInRange returns a uniform integer in [lo, hi].
func (g *generator) intInRange(lo, hi int64) int64 {
	span := uint64(hi) - uint64(lo) + 1
	if span == 0 { // [MinInt64, MaxInt64] covers every value
		return int64(g.rng.Uint64())
	}
	return lo + int64(g.uint64n(span))
}

// floatInRange returns a uniform float in [lo, hi]. It reaches hi only
// through rounding.
// The explicit conversion keeps the compiler from fusing the multiply and
// add, which it may do on arm64 and would change the value across platforms.
func (g *generator) floatInRange(lo, hi float64) float64 {
	unit := float64(g.rng.Uint64()>>11) / (1 << 53)
	return lo + float64((hi-lo)*unit)
}

// appendNewID appends the next id and adds it to the stored ids.
func (g *generator) appendNewID(dst []byte) []byte {
	dst = appendID(dst, g.idPrefix, g.nextID)
	g.nextID++
	return dst
}

// appendStoredID appends an id chosen uniformly from those generated so far.
// Before any id exists it appends the first id that {{id}} will generate,
// which Validate allows only when some operation can generate ids.
//
// NOTE: generated is not stored. The id may come from a fallback that was
// never sent or a request the server failed, and in an open model a read
// can reach the server before the write of its id, so expect some 404s.
func (g *generator) appendStoredID(dst []byte) []byte {
	var n uint64
	if g.nextID > 0 {
		n = g.uint64n(g.nextID)
	}
	return appendID(dst, g.idPrefix, n)
}

func appendID(dst []byte, prefix string, n uint64) []byte {
	dst = append(dst, prefix...)
	var digits [idNumberSize]byte
	i := len(digits)
	for n > 0 || i > len(digits)-idDigits {
		i--
		digits[i] = byte('0' + n%10)
		n /= 10
	}
	return append(dst, digits[i:]...)
}

// appendEmbedding appends a JSON array of n values k/10000 with k uniform
// in [-10000, 10000], each written with exactly 4 decimals. Each 64-bit
// draw gives two values. The multiply-shift reduction of a 32-bit half to
// 20001 values has a bias below 20001/2^32 (5e-6), which no server
// notices.
//
// This loop produces most of the bytes of a stream, so it avoids branches
// on the random sign and writes each value with one 8-byte store. The
// minus sign is always written, and the digits overwrite it when the value
// is not negative.
func (g *generator) appendEmbedding(dst []byte, n int) []byte {
	if n <= 0 {
		return append(dst, "[]"...)
	}

	// One byte for '[' and one of slack for the last 8-byte store.
	size := 2 + n*maxEmbeddingItem
	start := len(dst)
	dst = slices.Grow(dst, size)
	out := dst[start : start+size]
	out[0] = '['
	pos := 1

	var random uint64
	for i := 0; i < n; i++ {
		if i&1 == 0 {
			random = g.rng.Uint64()
		} else {
			random >>= 32
		}

		// k in [-10000, 10000], split into sign and magnitude in [0, 10000].
		k := int32((uint64(uint32(random))*20001)>>32) - 10000
		sign := k >> 31 // -1 when negative, else 0
		magnitude := uint32((k ^ sign) - sign)
		negative := int(-sign)

		out[pos] = '-'
		binary.LittleEndian.PutUint64(out[pos+negative:], fixed4Words[magnitude])
		pos += negative + 7
	}

	out[pos-1] = ']' // replaces the comma after the last value
	return dst[:start+pos]
}

// fixed4Words[m] holds m/10000 written with 4 decimals and a comma, such
// as "0.0042,", as a little-endian word with a zero top byte. The 80 KB
// table turns each value into one load and one store. For 768 values that
// took about 2.3 µs against 3.6 µs for computing the digits (micro-benchmark
// on a 2-core Xeon VM, Go 1.26).
var fixed4Words = func() (words [10001]uint64) {
	for m := range words {
		text := [8]byte{byte('0' + m/10000), '.',
			byte('0' + m/1000%10), byte('0' + m/100%10), byte('0' + m/10%10), byte('0' + m%10), ','}
		words[m] = binary.LittleEndian.Uint64(text[:])
	}
	return words
}()
