package plot

import (
	"math"
	"strconv"
	"strings"

	gplot "gonum.org/v1/plot"
)

// percentileTicks labels a log axis of 1/(1-p) with percentiles: 0% at 1,
// 50% at 2, then 90%, 99%, 99.9%, … at each power of ten, with unlabelled
// minor ticks at 2 to 9 times each power of ten.
type percentileTicks struct{}

// maxTickDecade bounds the ticks at 99.99999999999999% (10^16), past which
// float64 cannot tell the percentile from 100%.
const maxTickDecade = 16

// Ticks returns the ticks between min and max.
func (percentileTicks) Ticks(min, max float64) []gplot.Tick {
	ticks := []gplot.Tick{{Value: 1, Label: "0%"}, {Value: 2, Label: "50%"}}
	for decade := 0; decade <= maxTickDecade && math.Pow10(decade) <= max; decade++ {
		base := math.Pow10(decade)
		if decade > 0 {
			ticks = append(ticks, gplot.Tick{Value: base, Label: nineLabel(decade)})
		}
		for m := 3; m <= 9; m++ {
			ticks = append(ticks, gplot.Tick{Value: float64(m) * base})
		}
		if decade > 0 {
			ticks = append(ticks, gplot.Tick{Value: 2 * base})
		}
	}

	// gonum skips ticks outside the axis, but keep the list bounded anyway.
	inRange := ticks[:0]
	for _, t := range ticks {
		if t.Value >= min && t.Value <= max {
			inRange = append(inRange, t)
		}
	}
	return inRange
}

// nineLabel returns the percentile label at 1/(1-p) = 10^decade, for
// decade ≥ 1: "90%", "99%", "99.9%", "99.99%", … Building the string avoids
// float noise such as 99.99000000000001.
func nineLabel(decade int) string {
	if decade == 1 {
		return "90%"
	}
	if decade == 2 {
		return "99%"
	}
	return "99." + strings.Repeat("9", decade-2) + "%"
}

// linearTicks labels a linear axis at about six round values (1, 2, 2.5 or
// 5 times a power of ten apart), with an unlabelled minor tick halfway
// between labels. gonum's default ticker labels only about three.
type linearTicks struct{}

// linearTickCount is the number of intervals linearTicks aims for.
const linearTickCount = 6

// Ticks returns the ticks between min and max, or none when the range is
// empty or not finite.
func (linearTicks) Ticks(min, max float64) []gplot.Tick {
	span := max - min
	if !(span > 0) || math.IsInf(span, 0) {
		return nil
	}

	step := roundStep(span / linearTickCount)
	decimals := stepDecimals(step)
	first := math.Ceil(min/step) * step
	var ticks []gplot.Tick
	for i := 0; ; i++ {
		// Parsing the label back drops float noise (0.6000000000000001),
		// which would put the tick just outside the axis, so gonum would
		// skip it.
		label := strconv.FormatFloat(first+float64(i)*step, 'f', decimals, 64)
		v, _ := strconv.ParseFloat(label, 64)
		if v > max {
			break
		}
		ticks = append(ticks, gplot.Tick{Value: v, Label: label})
		if minor := v + step/2; minor <= max {
			ticks = append(ticks, gplot.Tick{Value: minor})
		}
	}
	if minor := first - step/2; minor >= min {
		ticks = append(ticks, gplot.Tick{Value: minor})
	}
	return ticks
}

// roundStep returns the smallest of 1, 2, 2.5, 5 and 10 times a power of
// ten that is at least raw.
func roundStep(raw float64) float64 {
	magnitude := math.Pow10(int(math.Floor(math.Log10(raw))))
	for _, m := range []float64{1, 2, 2.5, 5} {
		if m*magnitude >= raw {
			return m * magnitude
		}
	}
	return 10 * magnitude
}

// stepDecimals returns the decimals needed to print multiples of step
// exactly: 0 for 5 or 1000, 1 for 0.5, 2 for 0.25.
func stepDecimals(step float64) int {
	for d := 0; d < 15; d++ {
		scaled := step * math.Pow10(d)
		if math.Abs(scaled-math.Round(scaled)) < 1e-9*scaled {
			return d
		}
	}
	return 15
}
