package workflow

import (
	"context"
	"path/filepath"
	"reflect"
	"testing"
	"time"

	"github.com/m17/perfgate/perf/cpupin"
	"github.com/m17/perfgate/perf/result"
)

func TestMeasureWithPinnedCPUs(t *testing.T) {
	allowed, err := cpupin.Allowed()
	if err != nil || len(allowed) < 2 {
		t.Skipf("pinning needs 2 CPUs on Linux (allowed %v, %v)", allowed, err)
	}
	dir := t.TempDir()
	env, out := testEnv(t, dir)
	env.Config.PinCPUs = true
	env.Config.Duration = 2 * time.Second
	env.Config.Trials = 1

	if err := Measure(context.Background(), env, "pin", "before"); err != nil {
		t.Fatalf("Measure: %v\n%s", err, out)
	}
	paths, _ := filepath.Glob(filepath.Join(dir, "pin_before_*.json"))
	if len(paths) != 1 {
		t.Fatalf("results %v, want one", paths)
	}
	res, err := result.Read(paths[0])
	if err != nil {
		t.Fatal(err)
	}
	plan, _ := cpupin.Split(allowed)
	if got, want := res.Provenance.CPUPinning, plan.String(); got != want {
		t.Errorf("cpu_pinning = %q, want %q", got, want)
	}
	if after, _ := cpupin.Allowed(); !reflect.DeepEqual(after, allowed) {
		t.Errorf("this process runs on %v after the phase, want its CPUs %v back", after, allowed)
	}
}
