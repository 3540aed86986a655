package profile

import (
	"testing"

	"github.com/google/pprof/profile"
)

func TestFoldedHandBuiltProfile(t *testing.T) {
	mainFn := &profile.Function{ID: 1, Name: "main.main"}
	handleFn := &profile.Function{ID: 2, Name: "main.handle"}
	parseFn := &profile.Function{ID: 3, Name: "main.parse"}
	mallocFn := &profile.Function{ID: 4, Name: "runtime.mallocgc"}
	oddFn := &profile.Function{ID: 5, Name: "odd;name\nhere"}

	// main.parse is inlined into main.handle: pprof lists the inlined
	// (innermost) function first.
	handleLoc := &profile.Location{ID: 1, Line: []profile.Line{{Function: parseFn}, {Function: handleFn}}}
	mainLoc := &profile.Location{ID: 2, Line: []profile.Line{{Function: mainFn}}}
	mallocLoc := &profile.Location{ID: 3, Line: []profile.Line{{Function: mallocFn}}}
	unsymbolizedLoc := &profile.Location{ID: 4, Address: 0x4a1b2c}
	oddLoc := &profile.Location{ID: 5, Line: []profile.Line{{Function: oddFn}}}

	p := &profile.Profile{
		SampleType: []*profile.ValueType{{Type: "samples", Unit: "count"}, {Type: "cpu", Unit: "nanoseconds"}},
		Function:   []*profile.Function{mainFn, handleFn, parseFn, mallocFn, oddFn},
		Location:   []*profile.Location{handleLoc, mainLoc, mallocLoc, unsymbolizedLoc, oddLoc},
		Sample: []*profile.Sample{
			{Location: []*profile.Location{handleLoc, mainLoc}, Value: []int64{3, 30}},
			{Location: []*profile.Location{mallocLoc, handleLoc, mainLoc}, Value: []int64{2, 20}},
			{Location: []*profile.Location{handleLoc, mainLoc}, Value: []int64{4, 40}},
			{Location: []*profile.Location{mallocLoc}, Value: []int64{1, 10}},
			{Location: []*profile.Location{unsymbolizedLoc, mainLoc}, Value: []int64{5, 50}},
			{Location: []*profile.Location{oddLoc}, Value: []int64{6, 60}},
			{Location: []*profile.Location{mallocLoc, mainLoc}, Value: []int64{0, 0}},
		},
	}
	if err := p.CheckValid(); err != nil {
		t.Fatalf("test profile is invalid: %v", err)
	}

	got := string(Folded(p, 0))
	want := "main.main;0x4a1b2c 5\n" +
		"main.main;main.handle;main.parse 7\n" +
		"main.main;main.handle;main.parse;runtime.mallocgc 2\n" +
		"odd:name here 6\n" +
		"runtime.mallocgc 1\n"
	if got != want {
		t.Errorf("Folded(p, 0) =\n%s\nwant\n%s", got, want)
	}

	gotCPU := string(Folded(p, 1))
	wantCPU := "main.main;0x4a1b2c 50\n" +
		"main.main;main.handle;main.parse 70\n" +
		"main.main;main.handle;main.parse;runtime.mallocgc 20\n" +
		"odd:name here 60\n" +
		"runtime.mallocgc 10\n"
	if gotCPU != wantCPU {
		t.Errorf("Folded(p, 1) =\n%s\nwant\n%s", gotCPU, wantCPU)
	}
}

func TestFoldedOddInput(t *testing.T) {
	p := buildProfile(t, []stackCount{{"a;b", 1}})
	empty := &profile.Profile{SampleType: []*profile.ValueType{{Type: "samples", Unit: "count"}}}
	cases := []struct {
		name        string
		p           *profile.Profile
		sampleIndex int
	}{
		{"nil profile", nil, 0},
		{"no samples", empty, 0},
		{"negative index", p, -1},
		{"index past types", p, 2},
		{"no sample types", &profile.Profile{}, 0},
	}
	for _, c := range cases {
		if got := Folded(c.p, c.sampleIndex); len(got) != 0 {
			t.Errorf("%s: Folded = %q, want empty", c.name, got)
		}
	}
}

func TestDefaultSampleIndexPrefersSamples(t *testing.T) {
	goCPU := buildProfile(t, nil)
	if got := DefaultSampleIndex(goCPU); got != 0 {
		t.Errorf("Go CPU profile: DefaultSampleIndex = %d, want 0", got)
	}
	heap := &profile.Profile{SampleType: []*profile.ValueType{{Type: "alloc_objects", Unit: "count"}, {Type: "inuse_space", Unit: "bytes"}}}
	if got := DefaultSampleIndex(heap); got != 1 {
		t.Errorf("heap profile: DefaultSampleIndex = %d, want 1 (the last type)", got)
	}
	if got := DefaultSampleIndex(nil); got != 0 {
		t.Errorf("nil profile: DefaultSampleIndex = %d, want 0", got)
	}
}
