package flame

import (
	"encoding/xml"
	"errors"
	"io"
	"strconv"
	"strings"
	"testing"
)

// svgFrame is one frame group as RenderSVG writes it.
type svgFrame struct {
	Title string `xml:"title"`
	Rect  struct {
		X      string `xml:"x,attr"`
		Y      string `xml:"y,attr"`
		Width  string `xml:"width,attr"`
		Height string `xml:"height,attr"`
		Fill   string `xml:"fill,attr"`
	} `xml:"rect"`
	Text *string `xml:"text"`
}

// name returns the frame name from a RenderSVG tooltip, "NAME (N samples, P%)".
func (f svgFrame) name() string {
	if i := strings.LastIndex(f.Title, " ("); i >= 0 {
		return f.Title[:i]
	}
	return f.Title
}

// diffName returns the frame name from a RenderDiffSVG tooltip, "NAME: before ...".
func (f svgFrame) diffName() string {
	name, _, _ := strings.Cut(f.Title, ": before ")
	return name
}

func (f svgFrame) number(t *testing.T, attr string) float64 {
	t.Helper()
	v, err := strconv.ParseFloat(attr, 64)
	if err != nil {
		t.Fatalf("frame %q: attribute %q is not a number", f.Title, attr)
	}
	return v
}

type svgDocument struct {
	XMLName xml.Name   `xml:"svg"`
	Title   string     `xml:"title"`
	Texts   []string   `xml:"text"`
	Frames  []svgFrame `xml:"g"`
}

// parseSVG checks that every token of data is well-formed XML and returns
// the decoded document.
func parseSVG(t *testing.T, data []byte) svgDocument {
	t.Helper()
	decoder := xml.NewDecoder(strings.NewReader(string(data)))
	for {
		_, err := decoder.Token()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			t.Fatalf("SVG is not well-formed XML: %v\n%s", err, data)
		}
	}

	var doc svgDocument
	if err := xml.Unmarshal(data, &doc); err != nil {
		t.Fatalf("decode SVG: %v", err)
	}
	return doc
}

// framesByName indexes frames by name, failing on a duplicate name.
func framesByName(t *testing.T, frames []svgFrame, name func(svgFrame) string) map[string]svgFrame {
	t.Helper()
	byName := map[string]svgFrame{}
	for _, f := range frames {
		if _, ok := byName[name(f)]; ok {
			t.Fatalf("frame %q is drawn twice", name(f))
		}
		byName[name(f)] = f
	}
	return byName
}
