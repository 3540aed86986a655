package workflow

import (
	"cmp"
	"context"
	"fmt"
	"maps"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	pprofile "github.com/google/pprof/profile"

	"github.com/m17/perfgate/perf/result"
)

func TestFlamegraphProfilesReferenceServer(t *testing.T) {
	dir := t.TempDir()
	// Go's CPU profiler samples on the kernel's timer tick, so on a mostly
	// idle machine it misses most of the reference server's sub-millisecond
	// requests (a 4 s capture held from 2 to 83 samples). A 2 ms busy loop
	// in every request is a hot spot long enough to be sampled reliably.
	env, out := testEnv(t, dir, "-spin", "2ms")
	env.Config.Duration = 4 * time.Second
	env.Config.Trials = 2
	env.Config.Rate = 200
	env.Config.Phase = "before"

	if err := Flamegraph(context.Background(), env, "prof"); err != nil {
		t.Fatalf("Flamegraph: %v\n%s", err, out)
	}
	path, err := newestProfile(dir, "prof", "before")
	if err != nil {
		t.Fatalf("no CPU profile written: %v\n%s", err, out)
	}
	p, err := readProfile(path)
	if err != nil {
		t.Fatalf("read %s: %v", path, err)
	}

	// The reference server is package main: its handlers must show up.
	var own []string
	for _, f := range p.Function {
		if strings.HasPrefix(f.Name, "main.") {
			own = append(own, f.Name)
		}
	}
	if len(own) == 0 {
		t.Errorf("profile %s has no function of the reference server (main.*); %s\n%s", path, describeProfile(p), out)
	}
	res, err := result.Read(strings.TrimSuffix(path, "_cpu.pprof") + ".json")
	if err != nil {
		t.Fatalf("read the flamegraph's result: %v", err)
	}
	// The spin loop's CPU time is in long enough bursts for the profiler
	// to sample most of it, so the coverage is known and well above zero.
	if ref := res.Profile; ref == nil || ref.Samples == 0 || ref.ServerCPUSec <= 0 || ref.SampledCPUSec <= 0 {
		t.Errorf("result's profile = %+v, want samples and both CPU times", ref)
	}
	for _, suffix := range []string{"_cpu.folded", "_flame.svg"} {
		matches, _ := filepath.Glob(strings.TrimSuffix(path, "_cpu.pprof") + suffix)
		if len(matches) != 1 {
			t.Errorf("%s was not written next to %s", suffix, path)
		}
	}
	if !strings.Contains(out.String(), "No differential") {
		t.Errorf("output does not say why there is no differential yet:\n%s", out)
	}
}

// describeProfile names a profile's sample count and its leaf functions
// with the most samples, so a failure shows what the capture held.
func describeProfile(p *pprofile.Profile) string {
	leaf := map[string]int64{}
	var samples int64
	for _, s := range p.Sample {
		name := "?"
		if len(s.Location) > 0 && len(s.Location[0].Line) > 0 && s.Location[0].Line[0].Function != nil {
			name = s.Location[0].Line[0].Function.Name
		}
		leaf[name] += s.Value[0]
		samples += s.Value[0]
	}
	names := slices.SortedFunc(maps.Keys(leaf), func(a, b string) int { return cmp.Compare(leaf[b], leaf[a]) })
	if len(names) > 10 {
		names = names[:10]
	}
	parts := make([]string, len(names))
	for i, n := range names {
		parts[i] = fmt.Sprintf("%s (%d)", n, leaf[n])
	}
	return fmt.Sprintf("%d samples over %s; most frequent leaves: %s",
		samples, time.Duration(p.DurationNanos), strings.Join(parts, ", "))
}
