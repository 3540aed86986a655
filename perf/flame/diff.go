package flame

import (
	"math"
	"strconv"
)

// RenderDiffSVG draws the after profile's flame graph, with each frame
// coloured by how its share of all samples changed since before. A frame
// is red where its share grew, blue where it shrank and grey where it
// stayed. The colour is stronger the larger the change, relative to the
// largest change in the graph. A frame's share is that of its whole stack
// prefix, so a frame counts its callees. The tooltip shows both shares,
// both counts and the change in percentage points.
//
// The drawing has the after profile's shape, so a stack that only the
// before profile has is not drawn, and its loss shows only as blue
// callers. An empty before profile makes every share grow from 0%.
func RenderDiffSVG(beforeFolded, afterFolded []byte, title string) ([]byte, error) {
	before, err := parseFolded(beforeFolded)
	if err != nil {
		return nil, err
	}
	after, err := parseFolded(afterFolded)
	if err != nil {
		return nil, err
	}
	beforeTotal, afterTotal := before.value, after.value

	deltaPct := func(f frame) float64 {
		return share(f.value, afterTotal) - share(f.beforeValue, beforeTotal)
	}
	frames, maxDepth := layoutImage(after, before)
	maxAbsDeltaPct := 0.0
	for _, f := range frames {
		maxAbsDeltaPct = max(maxAbsDeltaPct, math.Abs(deltaPct(f)))
	}

	subtitle := "Shape: after (" + strconv.FormatInt(afterTotal, 10) + " samples; before had " +
		strconv.FormatInt(beforeTotal, 10) + "). Red: share grew, blue: shrank, grey: unchanged; largest change " +
		strconv.FormatFloat(maxAbsDeltaPct, 'f', 2, 64) + " points."
	if beforeTotal == 0 {
		subtitle = "The before profile has no samples, so every share grew from 0%. Shape: after (" +
			strconv.FormatInt(afterTotal, 10) + " samples)."
	}

	s := style{
		subtitle: subtitle,
		fill:     func(f frame) rgb { return diffColor(deltaPct(f), maxAbsDeltaPct) },
		tooltip: func(f frame) string {
			return f.name + ": before " + formatPercent(share(f.beforeValue, beforeTotal)) +
				" (" + strconv.FormatInt(f.beforeValue, 10) + " samples), after " +
				formatPercent(share(f.value, afterTotal)) +
				" (" + strconv.FormatInt(f.value, 10) + " samples), " +
				formatPoints(deltaPct(f))
		},
	}
	return render(frames, maxDepth, title, s), nil
}

// formatPoints formats a change in percentage points with its sign.
func formatPoints(deltaPct float64) string {
	text := strconv.FormatFloat(deltaPct, 'f', 2, 64)
	if deltaPct >= 0 && text[0] != '-' {
		text = "+" + text
	}
	return text + " points"
}
