package main

import (
	"strconv"
)

// float32Pow10 lists the powers of ten that float32 represents exactly.
var float32Pow10 = [...]float32{1, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10}

// parseFloat32 converts a JSON number token to the float32 that
// strconv.ParseFloat(tok, 32) returns, which is what encoding/json stores in
// a float32. It reports false where ParseFloat fails (out of range).
//
// Most embedding values have at most 8 significant digits, such as
// "-0.01234567". Their decimal mantissa is below 2^24 and their power of ten
// is at most 10, so both are exact float32 values and one float32 multiply
// or divide gives the correctly rounded result. This is the exact fast path
// of Clinger's algorithm, which strconv also takes (atof32exact in Go 1.26).
// Other tokens go to strconv.ParseFloat, which costs one string allocation.
func parseFloat32(tok []byte) (float32, bool) {
	if f, ok := parseFloat32Exact(tok); ok {
		return f, true
	}

	f, err := strconv.ParseFloat(string(tok), 32)
	if err != nil {
		return 0, false
	}

	return float32(f), true
}

// parseFloat32Exact handles tokens whose value is mantissa × 10^exp with
// mantissa < 2^24 and |exp| ≤ 10. tok must already match the JSON number
// grammar.
func parseFloat32Exact(tok []byte) (float32, bool) {
	const maxExactMantissa = 1 << 24

	i := 0
	negative := tok[0] == '-'
	if negative {
		i++
	}

	var mantissa uint64
	exp := 0
	inFraction := false
	for ; i < len(tok); i++ {
		c := tok[i]
		if c == '.' {
			inFraction = true
			continue
		}
		if c < '0' || c > '9' {
			break
		}
		mantissa = mantissa*10 + uint64(c-'0')
		if mantissa >= maxExactMantissa {
			return 0, false
		}
		if inFraction {
			exp--
		}
	}

	if i < len(tok) {
		// tok[i] is 'e' or 'E', and the grammar guarantees digits follow.
		i++
		expNegative := tok[i] == '-'
		if tok[i] == '-' || tok[i] == '+' {
			i++
		}
		e := 0
		for ; i < len(tok); i++ {
			e = e*10 + int(tok[i]-'0')
			if e > 100 {
				return 0, false
			}
		}
		if expNegative {
			e = -e
		}
		exp += e
	}

	f := float32(mantissa)
	switch {
	case mantissa == 0:
		// Zero with any exponent is zero, and the sign survives.
	case exp == 0:
	case exp > 0 && exp < len(float32Pow10):
		f = float32(f * float32Pow10[exp])
	case exp < 0 && -exp < len(float32Pow10):
		f = float32(f / float32Pow10[-exp])
	default:
		return 0, false
	}

	if negative {
		f = -f
	}

	return f, true
}
