package flame

import (
	"cmp"
	"slices"
)

// frame is one drawn rectangle.
type frame struct {
	name  string
	value int64
	// beforeValue is the samples of the same stack prefix in the before
	// profile of a differential graph, and 0 otherwise.
	beforeValue int64
	depth       int
	xPx         float64
	widthPx     float64
}

// layout places the frames of the tree under root in a band of widthPx
// pixels starting at x = leftPx, children from left to right by name. A
// frame narrower than minWidthPx is dropped with everything above it,
// because it could not be seen. before, when not nil, is the root of the
// before profile's tree, and each frame gets the value of the same stack
// prefix there. It returns the frames in drawing order and the largest
// depth drawn.
func layout(root, before *node, leftPx, widthPx, minWidthPx float64) ([]frame, int) {
	if root.value == 0 {
		return nil, 0
	}
	l := &layouter{pxPerSample: widthPx / float64(root.value), minWidthPx: minWidthPx}
	l.place(root, before, 0, leftPx)
	return l.frames, l.maxDepth
}

type layouter struct {
	pxPerSample float64
	minWidthPx  float64
	frames      []frame
	maxDepth    int
}

func (l *layouter) place(n, before *node, depth int, xPx float64) {
	widthPx := float64(n.value) * l.pxPerSample
	if widthPx < l.minWidthPx {
		return
	}
	f := frame{name: n.name, value: n.value, depth: depth, xPx: xPx, widthPx: widthPx}
	if before != nil {
		f.beforeValue = before.value
	}
	l.frames = append(l.frames, f)
	l.maxDepth = max(l.maxDepth, depth)

	slices.SortFunc(n.children, func(a, b *node) int { return cmp.Compare(a.name, b.name) })

	// Children start at their parent's left edge. Their values sum to at
	// most the parent's, and the rest is the parent's own samples.
	childX := xPx
	for _, c := range n.children {
		var beforeChild *node
		if before != nil {
			beforeChild = before.find(c.name)
		}
		l.place(c, beforeChild, depth+1, childX)
		childX += float64(c.value) * l.pxPerSample
	}
}
