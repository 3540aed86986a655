package workflow

import (
	"context"
	"path/filepath"
	"reflect"
	"strings"
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

// Pinning that cannot work is invalid input: exit 2, before anything is
// built or written.
func TestPinCPUsWithEndpointIsUsageError(t *testing.T) {
	dir := t.TempDir()
	env, out := testEnv(t, dir)
	env.Config.PinCPUs = true
	env.Config.Endpoint = "http://127.0.0.1:1"

	for name, run := range map[string]func() error{
		"measure":    func() error { return Measure(context.Background(), env, "pin", "before") },
		"flamegraph": func() error { return Flamegraph(context.Background(), env, "pin") },
	} {
		err := run()
		if got := exitStatus(err); got != ExitUsage {
			t.Errorf("%s: exit status %d (%v), want %d", name, got, err, ExitUsage)
		}
		if err == nil || !strings.Contains(err.Error(), "unset one of them") {
			t.Errorf("%s: error %v, want one naming the fix", name, err)
		}
	}
	files, _ := filepath.Glob(filepath.Join(dir, "*", "*"))
	top, _ := filepath.Glob(filepath.Join(dir, "*"))
	if len(files)+len(top) > 0 {
		t.Errorf("files written before the usage error: %v %v\n%s", top, files, out)
	}
}
