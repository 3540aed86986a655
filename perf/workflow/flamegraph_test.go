package workflow

import (
	"context"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func TestFlamegraphProfilesReferenceServer(t *testing.T) {
	dir := t.TempDir()
	env, out := testEnv(t, dir)
	// Enough samples that the server's own handlers show up: at 1000
	// ops/s the reference server spends about a third of a core.
	env.Config.Duration = 4 * time.Second
	env.Config.Trials = 2
	env.Config.Rate = 1000
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
		t.Errorf("profile %s has no function of the reference server (main.*)", path)
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
