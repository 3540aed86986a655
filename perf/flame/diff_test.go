package flame

import (
	"strings"
	"testing"
)

func TestRenderDiffSVGColorsAndTooltips(t *testing.T) {
	before := "main;fast 90\nmain;slow 10\n"
	after := "main;fast 60\nmain;slow 30\nmain;slow;new 10\n"
	data, err := RenderDiffSVG([]byte(before), []byte(after), "diff")
	if err != nil {
		t.Fatalf("RenderDiffSVG: %v", err)
	}
	frames := framesByName(t, parseSVG(t, data).Frames, svgFrame.diffName)

	// slow grew from 10% to 40% (+30 points, the largest change), fast
	// shrank from 90% to 60% (-30), new appeared with 10% (+10) and main
	// stayed at 100%.
	wantTitles := map[string]string{
		"main": "main: before 100.00% (100 samples), after 100.00% (100 samples), +0.00 points",
		"slow": "slow: before 10.00% (10 samples), after 40.00% (40 samples), +30.00 points",
		"fast": "fast: before 90.00% (90 samples), after 60.00% (60 samples), -30.00 points",
		"new":  "new: before 0.00% (0 samples), after 10.00% (10 samples), +10.00 points",
	}
	for name, title := range wantTitles {
		if got := frames[name].Title; got != title {
			t.Errorf("tooltip of %s = %q, want %q", name, got, title)
		}
	}

	wantFills := map[string]rgb{
		"main": {neutralChannel, neutralChannel, neutralChannel},
		"slow": {255, strongChannel, strongChannel},
		"fast": {strongChannel, strongChannel, 255},
	}
	for name, want := range wantFills {
		if got := parseRGB(t, frames[name].Rect.Fill); got != want {
			t.Errorf("fill of %s = %v, want %v", name, got, want)
		}
	}
	newFill := parseRGB(t, frames["new"].Rect.Fill)
	if newFill.r != 255 || newFill.g <= strongChannel || newFill.g >= paleChannel {
		t.Errorf("fill of new = %v, want a red paler than slow's", newFill)
	}
}

func TestRenderDiffSVGUsesAfterShape(t *testing.T) {
	before := "main;gone 50\nmain;kept 50\n"
	after := "main;kept 20\n"
	data, err := RenderDiffSVG([]byte(before), []byte(after), "shape")
	if err != nil {
		t.Fatalf("RenderDiffSVG: %v", err)
	}
	frames := framesByName(t, parseSVG(t, data).Frames, svgFrame.diffName)
	if _, ok := frames["gone"]; ok {
		t.Error("frame gone, which only the before profile has, is drawn")
	}
	keptFrame := frames["kept"]
	if keptFrame.number(t, keptFrame.Rect.Width) != frames["all"].number(t, frames["all"].Rect.Width) {
		t.Errorf("kept is %s px wide, want the full width of the after profile", keptFrame.Rect.Width)
	}
	if got := parseRGB(t, keptFrame.Rect.Fill); got.r != 255 {
		t.Errorf("kept grew from 50%% to 100%% but its fill is %v, want red", got)
	}
}

func TestRenderDiffSVGEmptyBefore(t *testing.T) {
	data, err := RenderDiffSVG(nil, []byte("main;work 4\n"), "empty before")
	if err != nil {
		t.Fatalf("RenderDiffSVG: %v", err)
	}
	doc := parseSVG(t, data)
	if len(doc.Frames) != 3 {
		t.Errorf("drew %d frames, want all, main and work", len(doc.Frames))
	}
	if !strings.Contains(strings.Join(doc.Texts, " "), "before profile has no samples") {
		t.Errorf("texts %q do not say the before profile is empty", doc.Texts)
	}

	data, err = RenderDiffSVG([]byte("main 1\n"), nil, "empty after")
	if err != nil {
		t.Fatalf("RenderDiffSVG with empty after: %v", err)
	}
	if frames := parseSVG(t, data).Frames; len(frames) != 0 {
		t.Errorf("empty after profile drew %d frames, want none", len(frames))
	}
}

func TestRenderDiffSVGRejectsMalformed(t *testing.T) {
	if _, err := RenderDiffSVG([]byte("a;b\n"), []byte("a 1\n"), "bad"); err == nil || !strings.Contains(err.Error(), "line 1") {
		t.Errorf("malformed before: error = %v, want one naming line 1", err)
	}
	if _, err := RenderDiffSVG([]byte("a 1\n"), []byte("a 1\nb x\n"), "bad"); err == nil || !strings.Contains(err.Error(), "line 2") {
		t.Errorf("malformed after: error = %v, want one naming line 2", err)
	}
}
