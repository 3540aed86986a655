package flame

import (
	"math"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

func TestRenderSVGRelativeWidths(t *testing.T) {
	data, err := RenderSVG([]byte("a;b 3\na;c 1\nd 4\n"), "widths")
	if err != nil {
		t.Fatalf("RenderSVG: %v", err)
	}
	doc := parseSVG(t, data)
	frames := framesByName(t, doc.Frames, svgFrame.name)
	if len(frames) != 5 {
		t.Fatalf("got %d frames (%v), want all, a, b, c, d", len(frames), frames)
	}

	total := frames["all"].number(t, frames["all"].Rect.Width)
	if math.Abs(total-(imageWidthPx-2*sideMarginPx)) > 0.01 {
		t.Errorf("root width = %.2f, want the drawing width %.2f", total, imageWidthPx-2*sideMarginPx)
	}
	wantSamples := map[string]float64{"a": 4, "b": 3, "c": 1, "d": 4}
	for name, samples := range wantSamples {
		f := frames[name]
		got := f.number(t, f.Rect.Width) / total
		if math.Abs(got-samples/8) > 0.0001 {
			t.Errorf("frame %s is %.4f of the root width, want %v/8", name, got, samples)
		}
	}

	// Root at the bottom: a callee sits one row above its caller, at the
	// caller's left edge, and siblings follow each other by name.
	a, b, c, d := frames["a"], frames["b"], frames["c"], frames["d"]
	if got := a.number(t, a.Rect.Y) - b.number(t, b.Rect.Y); got != frameHeightPx {
		t.Errorf("b is %.2f px above a, want %v", got, frameHeightPx)
	}
	if a.Rect.X != b.Rect.X {
		t.Errorf("b starts at x=%s, want a's x=%s", b.Rect.X, a.Rect.X)
	}
	if got, want := c.number(t, c.Rect.X), b.number(t, b.Rect.X)+b.number(t, b.Rect.Width); math.Abs(got-want) > 0.01 {
		t.Errorf("c starts at x=%.2f, want right after b at %.2f", got, want)
	}
	if a.number(t, a.Rect.X) >= d.number(t, d.Rect.X) {
		t.Errorf("a (x=%s) is not left of d (x=%s)", a.Rect.X, d.Rect.X)
	}
}

func TestRenderSVGTooltips(t *testing.T) {
	data, err := RenderSVG([]byte("a;b 3\na;c 1\nd 4\n"), "tooltips")
	if err != nil {
		t.Fatalf("RenderSVG: %v", err)
	}
	frames := framesByName(t, parseSVG(t, data).Frames, svgFrame.name)
	want := map[string]string{
		"all": "all (8 samples, 100.00%)",
		"a":   "a (4 samples, 50.00%)",
		"b":   "b (3 samples, 37.50%)",
		"c":   "c (1 samples, 12.50%)",
		"d":   "d (4 samples, 50.00%)",
	}
	for name, title := range want {
		if got := frames[name].Title; got != title {
			t.Errorf("tooltip of %s = %q, want %q", name, got, title)
		}
	}
}

func TestRenderSVGMergesPrefixes(t *testing.T) {
	data, err := RenderSVG([]byte("main;work;parse 1\nmain;work;parse 2\nmain;work 1\nmain;io 4\n"), "")
	if err != nil {
		t.Fatalf("RenderSVG: %v", err)
	}
	doc := parseSVG(t, data)
	frames := framesByName(t, doc.Frames, svgFrame.name)
	want := map[string]string{
		"main":  "main (8 samples, 100.00%)",
		"work":  "work (4 samples, 50.00%)",
		"parse": "parse (3 samples, 37.50%)",
		"io":    "io (4 samples, 50.00%)",
	}
	for name, title := range want {
		if got := frames[name].Title; got != title {
			t.Errorf("tooltip of %s = %q, want %q", name, got, title)
		}
	}
	if doc.Title != "CPU flame graph" {
		t.Errorf("document title = %q, want the default for an empty title", doc.Title)
	}
}

func TestRenderSVGSelfContained(t *testing.T) {
	data, err := RenderSVG([]byte("main;handle 5\n"), "self-contained")
	if err != nil {
		t.Fatalf("RenderSVG: %v", err)
	}
	text := string(data)
	for _, banned := range []string{"<script", "href", "<image", "@import", "url(", "<foreignObject"} {
		if strings.Contains(text, banned) {
			t.Errorf("SVG contains %q; it must reference nothing outside itself", banned)
		}
	}
	// The only URL is the SVG namespace name, which is never fetched.
	urls := regexp.MustCompile(`https?://[^"\s]+`).FindAllString(text, -1)
	for _, u := range urls {
		if u != "http://www.w3.org/2000/svg" {
			t.Errorf("SVG contains URL %s", u)
		}
	}
}

func TestRenderSVGEscapesNames(t *testing.T) {
	name := `cmp.Less[<T>]&"q"` + "\x01"
	data, err := RenderSVG([]byte(name+";leaf 2\n"), `title <&>`)
	if err != nil {
		t.Fatalf("RenderSVG: %v", err)
	}
	doc := parseSVG(t, data)
	if doc.Title != "title <&>" {
		t.Errorf("document title = %q, want %q", doc.Title, "title <&>")
	}
	wantName := `cmp.Less[<T>]&"q"` + "\uFFFD"
	if _, ok := framesByName(t, doc.Frames, svgFrame.name)[wantName]; !ok {
		t.Errorf("no frame named %q among %v", wantName, doc.Frames)
	}
}

func TestRenderSVGLabels(t *testing.T) {
	long := "github.com/example/service/internal/handlers.(*OrderHandler).ServeHTTP"
	// Of 10,000 samples over 1180 px, long gets 236 px and narrow 3.5 px.
	folded := "root;" + long + " 2000\nroot;narrow 30\nroot;wide 7970\n"
	data, err := RenderSVG([]byte(folded), "labels")
	if err != nil {
		t.Fatalf("RenderSVG: %v", err)
	}
	frames := framesByName(t, parseSVG(t, data).Frames, svgFrame.name)

	wide := frames["wide"]
	if wide.Text == nil || *wide.Text != "wide" {
		t.Errorf("wide frame label = %v, want the whole name", wide.Text)
	}
	narrow := frames["narrow"]
	if narrow.Text != nil {
		t.Errorf("narrow frame (%s px) has label %q, want none", narrow.Rect.Width, *narrow.Text)
	}

	longFrame := frames[long]
	if longFrame.Text == nil {
		t.Fatalf("frame %s (%s px) has no label", long, longFrame.Rect.Width)
	}
	label := *longFrame.Text
	if !strings.HasSuffix(label, "…") {
		t.Errorf("label %q of a too-narrow frame does not end with …", label)
	}
	if !strings.HasPrefix(long, strings.TrimSuffix(label, "…")) {
		t.Errorf("label %q is not a prefix of %q", label, long)
	}
	widthPx := longFrame.number(t, longFrame.Rect.Width)
	if got, limit := len([]rune(label)), int((widthPx-2*textPaddingPx)/charWidthPx); got > limit || got < limit-1 {
		t.Errorf("label %q has %d characters, want the %d that fit in %.2f px", label, got, limit, widthPx)
	}
}

func TestRenderSVGDropsTinyFrames(t *testing.T) {
	data, err := RenderSVG([]byte("big 10000000\ntiny;above 1\n"), "tiny")
	if err != nil {
		t.Fatalf("RenderSVG: %v", err)
	}
	frames := framesByName(t, parseSVG(t, data).Frames, svgFrame.name)
	for _, name := range []string{"tiny", "above"} {
		if _, ok := frames[name]; ok {
			t.Errorf("frame %s narrower than %v px is drawn", name, minFrameWidthPx)
		}
	}
	if _, ok := frames["big"]; !ok {
		t.Error("frame big is missing")
	}
}

func TestRenderSVGWarmColors(t *testing.T) {
	data, err := RenderSVG([]byte("a;b 1\nc;b 1\nd 1\n"), "colours")
	if err != nil {
		t.Fatalf("RenderSVG: %v", err)
	}
	fillsByName := map[string][]string{}
	for _, f := range parseSVG(t, data).Frames {
		fillsByName[f.name()] = append(fillsByName[f.name()], f.Rect.Fill)
		c := parseRGB(t, f.Rect.Fill)
		if c.r < 205 || c.g > 230 || c.b > 55 {
			t.Errorf("frame %s fill %s is outside the warm palette", f.name(), f.Rect.Fill)
		}
	}
	if bs := fillsByName["b"]; len(bs) != 2 || bs[0] != bs[1] {
		t.Errorf("the two b frames have fills %v, want one colour", bs)
	}
}

func TestRenderSVGEmptyInput(t *testing.T) {
	for _, folded := range []string{"", "\n\n", "a 0\n"} {
		data, err := RenderSVG([]byte(folded), "empty")
		if err != nil {
			t.Fatalf("RenderSVG(%q): %v", folded, err)
		}
		doc := parseSVG(t, data)
		if len(doc.Frames) != 0 {
			t.Errorf("RenderSVG(%q) drew %d frames, want none", folded, len(doc.Frames))
		}
		if !strings.Contains(strings.Join(doc.Texts, " "), "No samples") {
			t.Errorf("RenderSVG(%q) texts %q do not say there are no samples", folded, doc.Texts)
		}
	}
}

func TestRenderSVGRejectsMalformed(t *testing.T) {
	cases := []struct {
		folded   string
		wantText string
	}{
		{"a;b 1\na;b\n", "line 2"},
		{"a;b x\n", `sample count "x"`},
		{"a;b -1\n", `sample count "-1"`},
		{" 5\n", "stack is empty"},
		{"a 9223372036854775807\nb 1\n", "exceeds"},
	}
	for _, c := range cases {
		_, err := RenderSVG([]byte(c.folded), "bad")
		if err == nil || !strings.Contains(err.Error(), c.wantText) {
			t.Errorf("RenderSVG(%q) error = %v, want one containing %q", c.folded, err, c.wantText)
		}
	}
}

// parseRGB reads a fill written as "rgb(R,G,B)".
func parseRGB(t *testing.T, fill string) rgb {
	t.Helper()
	parts := strings.Split(strings.TrimSuffix(strings.TrimPrefix(fill, "rgb("), ")"), ",")
	if len(parts) != 3 {
		t.Fatalf("fill %q is not rgb(R,G,B)", fill)
	}
	var channels [3]uint8
	for i, part := range parts {
		v, err := strconv.ParseUint(part, 10, 8)
		if err != nil {
			t.Fatalf("fill %q: channel %q: %v", fill, part, err)
		}
		channels[i] = uint8(v)
	}
	return rgb{channels[0], channels[1], channels[2]}
}
