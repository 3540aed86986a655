package profile

import (
	"strings"
	"testing"

	"github.com/google/pprof/profile"
)

// stackCount is one folded stack, root first, and its sample count.
type stackCount struct {
	stack string
	count int64
}

// buildProfile returns a CPU-like profile with one sample per entry, each
// frame a location with one line, and sample types samples/count and
// cpu/nanoseconds (count × 10 ms), as a Go CPU profile has.
func buildProfile(t *testing.T, stacks []stackCount) *profile.Profile {
	t.Helper()
	p := &profile.Profile{
		SampleType: []*profile.ValueType{{Type: "samples", Unit: "count"}, {Type: "cpu", Unit: "nanoseconds"}},
		PeriodType: &profile.ValueType{Type: "cpu", Unit: "nanoseconds"},
		Period:     10_000_000,
	}
	locations := map[string]*profile.Location{}
	for _, sc := range stacks {
		frames := strings.Split(sc.stack, ";")
		sample := &profile.Sample{Value: []int64{sc.count, sc.count * 10_000_000}}
		for i := len(frames) - 1; i >= 0; i-- {
			sample.Location = append(sample.Location, locationFor(p, locations, frames[i]))
		}
		p.Sample = append(p.Sample, sample)
	}
	if err := p.CheckValid(); err != nil {
		t.Fatalf("test profile is invalid: %v", err)
	}
	return p
}

func locationFor(p *profile.Profile, locations map[string]*profile.Location, name string) *profile.Location {
	if loc, ok := locations[name]; ok {
		return loc
	}
	fn := &profile.Function{ID: uint64(len(p.Function) + 1), Name: name}
	p.Function = append(p.Function, fn)
	loc := &profile.Location{ID: uint64(len(p.Location) + 1), Line: []profile.Line{{Function: fn}}}
	p.Location = append(p.Location, loc)
	locations[name] = loc
	return loc
}
