package flame

import (
	"bytes"
	"encoding/xml"
	"strconv"
	"unicode/utf8"
)

// Geometry of the drawing, in pixels. The character width is an estimate
// for a 12 px sans-serif font (0.59 of its size, as flamegraph.pl assumes),
// so a label may end slightly short of or past its frame with other fonts.
const (
	imageWidthPx   = 1200.0
	sideMarginPx   = 10.0
	headerHeightPx = 56.0
	bottomMarginPx = 10.0
	frameHeightPx  = 16.0
	frameGapPx     = 1.0
	fontSizePx     = 12.0
	charWidthPx    = 0.59 * fontSizePx
	textPaddingPx  = 3.0
	minLabelChars  = 3
	// minFrameWidthPx is larger than flamegraph.pl's 0.1 px because, in
	// profiles with thousands of unique stacks, frames under half a pixel
	// made most of the file (10 MB instead of 2 MB in the benchmark
	// profile) while no one can see or hover them. Their samples still
	// count in their callers' widths.
	minFrameWidthPx = 0.5
)

// style chooses each frame's fill colour and tooltip.
type style struct {
	subtitle string
	fill     func(f frame) rgb
	tooltip  func(f frame) string
}

// RenderSVG draws folded stacks ("root;caller;leaf COUNT" per line) as a
// flame graph with the root at the bottom. Frame colours are warm hues
// picked by a hash of the function name, so a function keeps its colour
// across graphs. Empty input gives a graph with a "No samples" note.
// A malformed line is an error naming the line.
func RenderSVG(folded []byte, title string) ([]byte, error) {
	root, err := parseFolded(folded)
	if err != nil {
		return nil, err
	}
	total := root.value
	s := style{
		subtitle: "Width: share of " + strconv.FormatInt(total, 10) + " samples. Root at the bottom, callees above. Hover a frame for details.",
		fill:     func(f frame) rgb { return warmColor(f.name) },
		tooltip: func(f frame) string {
			return f.name + " (" + strconv.FormatInt(f.value, 10) + " samples, " + formatPercent(share(f.value, total)) + ")"
		},
	}
	frames, maxDepth := layoutImage(root, nil)
	return render(frames, maxDepth, title, s), nil
}

// layoutImage places the frames of root across the image width.
func layoutImage(root, before *node) ([]frame, int) {
	return layout(root, before, sideMarginPx, imageWidthPx-2*sideMarginPx, minFrameWidthPx)
}

// render writes the SVG document of frames laid out by layoutImage.
func render(frames []frame, maxDepth int, title string, s style) []byte {
	heightPx := headerHeightPx + bottomMarginPx + frameHeightPx
	if len(frames) > 0 {
		heightPx = headerHeightPx + bottomMarginPx + float64(maxDepth+1)*frameHeightPx
	}
	if title == "" {
		title = "CPU flame graph"
	}

	w := &svgWriter{}
	// About 250 bytes per frame: the tooltip, the rectangle and the label.
	w.buf.Grow(1024 + 250*len(frames))
	w.raw(`<?xml version="1.0" encoding="UTF-8" standalone="no"?>` + "\n")
	w.raw(`<svg xmlns="http://www.w3.org/2000/svg" version="1.1" width="`)
	w.number(imageWidthPx)
	w.raw(`" height="`)
	w.number(heightPx)
	w.raw(`" viewBox="0 0 `)
	w.number(imageWidthPx)
	w.raw(` `)
	w.number(heightPx)
	w.raw(`" font-family="Verdana, DejaVu Sans, sans-serif" font-size="12">` + "\n")
	w.raw("<title>")
	w.text(title)
	w.raw("</title>\n")
	w.raw(`<rect x="0" y="0" width="100%" height="100%" fill="#f8f8f4"/>` + "\n")
	w.raw(`<text x="`)
	w.number(imageWidthPx / 2)
	w.raw(`" y="22" text-anchor="middle" font-size="17">`)
	w.text(title)
	w.raw("</text>\n")
	w.raw(`<text x="`)
	w.number(imageWidthPx / 2)
	w.raw(`" y="42" text-anchor="middle" fill="#555555">`)
	if len(frames) == 0 {
		w.text("No samples: the profile is empty, so there is nothing to draw.")
	} else {
		w.text(s.subtitle)
	}
	w.raw("</text>\n")

	for _, f := range frames {
		yPx := heightPx - bottomMarginPx - float64(f.depth+1)*frameHeightPx
		w.frame(f, yPx, s.fill(f), s.tooltip(f))
	}
	w.raw("</svg>\n")
	return w.buf.Bytes()
}

// svgWriter appends SVG text to a buffer. Its methods return no errors,
// because bytes.Buffer's writes always return a nil error.
type svgWriter struct {
	buf     bytes.Buffer
	scratch []byte
}

func (w *svgWriter) raw(s string) { w.buf.WriteString(s) }

// text writes s as XML character data. Printable ASCII without markup
// characters, the common case, is copied as is. Anything else goes through
// xml.EscapeText, which also replaces characters that XML does not allow
// with U+FFFD.
func (w *svgWriter) text(s string) {
	if isPlainASCII(s) {
		w.buf.WriteString(s)
		return
	}
	_ = xml.EscapeText(&w.buf, []byte(s))
}

func isPlainASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c < 0x20 || c >= utf8.RuneSelf || c == '<' || c == '>' || c == '&' || c == '"' || c == '\'' {
			return false
		}
	}
	return true
}

// number writes v with at most two decimals.
func (w *svgWriter) number(v float64) {
	w.scratch = strconv.AppendFloat(w.scratch[:0], v, 'f', 2, 64)
	w.scratch = trimZeros(w.scratch)
	w.buf.Write(w.scratch)
}

func (w *svgWriter) frame(f frame, yPx float64, fill rgb, tooltip string) {
	w.raw("<g><title>")
	w.text(tooltip)
	w.raw(`</title><rect x="`)
	w.number(f.xPx)
	w.raw(`" y="`)
	w.number(yPx)
	w.raw(`" width="`)
	w.number(f.widthPx)
	w.raw(`" height="`)
	w.number(frameHeightPx - frameGapPx)
	w.raw(`" rx="2" fill="`)
	w.raw(fill.String())
	w.raw(`"/>`)

	if label, ok := fitLabel(f.name, f.widthPx); ok {
		w.raw(`<text x="`)
		w.number(f.xPx + textPaddingPx)
		w.raw(`" y="`)
		w.number(yPx + frameHeightPx - 4)
		w.raw(`">`)
		w.text(label)
		w.raw("</text>")
	}
	w.raw("</g>\n")
}

// fitLabel returns name as it fits into a frame widthPx wide: whole, or
// cut with "…". It returns false when fewer than minLabelChars characters
// fit, so narrow frames carry no text.
func fitLabel(name string, widthPx float64) (string, bool) {
	maxChars := int((widthPx - 2*textPaddingPx) / charWidthPx)
	if maxChars < minLabelChars {
		return "", false
	}
	if utf8.RuneCountInString(name) <= maxChars {
		return name, true
	}
	runes := []rune(name)
	return string(runes[:maxChars-1]) + "…", true
}

// trimZeros removes trailing zeros and a trailing point from a decimal.
func trimZeros(b []byte) []byte {
	if bytes.IndexByte(b, '.') < 0 {
		return b
	}
	b = bytes.TrimRight(b, "0")
	return bytes.TrimSuffix(b, []byte{'.'})
}

// share returns part as a percentage of total, or 0 when total is 0.
func share(part, total int64) float64 {
	if total == 0 {
		return 0
	}
	return 100 * float64(part) / float64(total)
}

func formatPercent(pct float64) string {
	return strconv.FormatFloat(pct, 'f', 2, 64) + "%"
}
