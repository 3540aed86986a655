package flame

import (
	"hash/fnv"
	"math"
	"strconv"
)

// rgb is a fill colour.
type rgb struct{ r, g, b uint8 }

func (c rgb) String() string {
	return "rgb(" + strconv.Itoa(int(c.r)) + "," + strconv.Itoa(int(c.g)) + "," + strconv.Itoa(int(c.b)) + ")"
}

// warmColor returns a red-to-yellow colour chosen by a hash of name, so
// one function has one colour in every graph: red 205-255, green 0-230,
// blue 0-55, the range of flamegraph.pl's "hot" palette.
func warmColor(name string) rgb {
	h := fnv.New32a()
	h.Write([]byte(name))
	sum := h.Sum32()
	green := float64(sum&0xff) / 255
	blue := float64((sum>>8)&0xff) / 255
	red := float64((sum>>16)&0xff) / 255
	return rgb{
		r: uint8(205 + math.Round(50*red)),
		g: uint8(math.Round(230 * green)),
		b: uint8(math.Round(55 * blue)),
	}
}

// Differential colours: an unchanged frame is grey, a grown one red and a
// shrunk one blue. The other two channels fall from paleChannel at the
// smallest change to strongChannel at the largest, which keeps black text
// readable on the strongest colour.
const (
	// unchangedPct is the largest change of a share, in percentage points,
	// drawn as no change. It only absorbs rounding error.
	unchangedPct = 1e-9

	neutralChannel = 225
	paleChannel    = 235
	strongChannel  = 90
)

// diffColor returns the colour of a frame whose share changed by deltaPct
// percentage points, where maxAbsDeltaPct is the largest change of any
// drawn frame.
func diffColor(deltaPct, maxAbsDeltaPct float64) rgb {
	if math.Abs(deltaPct) < unchangedPct || maxAbsDeltaPct <= 0 {
		return rgb{neutralChannel, neutralChannel, neutralChannel}
	}
	intensity := min(math.Abs(deltaPct)/maxAbsDeltaPct, 1)
	other := uint8(math.Round(paleChannel - intensity*(paleChannel-strongChannel)))
	if deltaPct > 0 {
		return rgb{255, other, other}
	}
	return rgb{other, other, 255}
}
