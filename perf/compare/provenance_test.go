package compare

import (
	"testing"

	"github.com/m17/perfgate/perf/result"
)

func TestCompareProvenanceMismatch(t *testing.T) {
	cases := []struct {
		name   string
		change func(p *result.Provenance)
		strict bool
		want   Verdict
		// wantReason is part of a reason when want is invalid, else part
		// of a warning.
		wantReason string
	}{
		{"scenario name", func(p *result.Provenance) { p.ScenarioName = "m17_write_heavy" }, false, VerdictInvalid, "different scenarios: before m17_baseline"},
		{"scenario hash", func(p *result.Provenance) { p.ScenarioSHA256 = "ffffffffffff0000" }, false, VerdictInvalid, "(sha256 ffffffffffff)"},
		{"seed", func(p *result.Provenance) { p.Seed = 0x1234 }, false, VerdictInvalid, "different seeds: before 0x5eed, after 0x1234"},
		{"workload digest", func(p *result.Provenance) { p.WorkloadSHA256 = "999999999999aaaa" }, false, VerdictInvalid, "different workload digests: before 0a1b2c3d4e5f, after 999999999999"},
		{"CPU pinning", func(p *result.Provenance) { p.CPUPinning = "server 0, load generator 1" }, false, VerdictInvalid, "different CPU pinning: before none (shared CPUs), after server 0, load generator 1"},
		{"load generator version", func(p *result.Provenance) { p.LoadGeneratorVersion++ }, false, VerdictInvalid, "different load generator versions: before 2, after 3"},
		{"rate", func(p *result.Provenance) { p.RateOpsPerSec = 250 }, false, VerdictInvalid, "after 250 ops/s"},
		{"duration", func(p *result.Provenance) { p.DurationSec = 20 }, false, VerdictInvalid, "for 20s"},
		{"trial count", func(p *result.Provenance) { p.TrialCount = 7 }, false, VerdictInvalid, "in 7 trials"},
		{"hostname", func(p *result.Provenance) { p.Host.Hostname = "bench-2" }, false, VerdictOK, `different host: before "bench-1", after "bench-2"`},
		{"CPU model", func(p *result.Provenance) { p.Host.CPUModel = "Other CPU" }, false, VerdictOK, `different CPU model: before "Test CPU @ 3.00GHz", after "Other CPU"`},
		{"core count", func(p *result.Provenance) { p.Host.Cores = 16 }, false, VerdictOK, "different core count: before 8, after 16"},
		{"Go version", func(p *result.Provenance) { p.Host.GoVersion = "go1.27.0" }, false, VerdictOK, `different Go version: before "go1.26.0", after "go1.27.0"`},
		{"kernel", func(p *result.Provenance) { p.Host.Kernel = "6.8.0" }, false, VerdictOK, `different kernel: before "6.1.0-test", after "6.8.0"`},
		{"dirty tree", func(p *result.Provenance) { p.GitDirty = true }, false, VerdictOK, "the after run was taken from a tree with uncommitted changes; it may not match its commit 3f2a9c1d0e8b"},
		{"external server", func(p *result.Provenance) { p.External = true }, false, VerdictOK, "already running server (PERF_ENDPOINT)"},
		{"hostname strict", func(p *result.Provenance) { p.Host.Hostname = "bench-2" }, true, VerdictInvalid, "PERF_STRICT=1"},
		{"CPU model strict", func(p *result.Provenance) { p.Host.CPUModel = "Other CPU" }, true, VerdictInvalid, "PERF_STRICT=1"},
		{"core count strict", func(p *result.Provenance) { p.Host.Cores = 16 }, true, VerdictInvalid, "PERF_STRICT=1"},
		{"Go version strict", func(p *result.Provenance) { p.Host.GoVersion = "go1.27.0" }, true, VerdictInvalid, "PERF_STRICT=1"},
		{"kernel strict", func(p *result.Provenance) { p.Host.Kernel = "6.8.0" }, true, VerdictInvalid, "PERF_STRICT=1"},
		{"dirty tree strict", func(p *result.Provenance) { p.GitDirty = true }, true, VerdictInvalid, "PERF_STRICT=1"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			b := before(tight(10, 5), steadyThroughput(5))
			a := after(tight(10, 5), steadyThroughput(5))
			c.change(&a.Provenance)
			opts := defaultOptions()
			opts.Strict = c.strict

			rep := Compare(b, a, opts)

			if rep.Verdict != c.want {
				t.Errorf("verdict = %s, want %s; reasons %q, warnings %q", rep.Verdict, c.want, rep.Reasons, rep.Warnings)
			}
			if got, want := rep.Verdict.ExitCode(), c.want.ExitCode(); got != want {
				t.Errorf("exit code = %d, want %d", got, want)
			}
			lines, kind := rep.Warnings, "warning"
			if c.want == VerdictInvalid {
				lines, kind = rep.Reasons, "reason"
			}
			if !containsAny(lines, c.wantReason) {
				t.Errorf("no %s contains %q; reasons %q, warnings %q", kind, c.wantReason, rep.Reasons, rep.Warnings)
			}
			if c.want == VerdictOK && len(rep.Reasons) > 0 {
				t.Errorf("an ok report has reasons %q", rep.Reasons)
			}
		})
	}
}

// Without Strict, host differences leave the metric comparison intact.
func TestCompareHostWarningStillCompares(t *testing.T) {
	b := before(tight(10, 5), steadyThroughput(5))
	a := after(tight(12, 5), steadyThroughput(5))
	a.Provenance.Host.Hostname = "bench-2"

	rep := Compare(b, a, defaultOptions())

	if rep.Verdict != VerdictRegression {
		t.Errorf("verdict = %s, want regression: a host warning must not hide a +20%% P99", rep.Verdict)
	}
	if !containsAny(rep.Warnings, "different host") {
		t.Errorf("no host warning; warnings %q", rep.Warnings)
	}
}

func TestCompareDirtyBeforeWarning(t *testing.T) {
	b := before(tight(10, 5), steadyThroughput(5))
	b.Provenance.GitDirty = true
	b.Provenance.GitCommit = ""

	rep := Compare(b, after(tight(10, 5), steadyThroughput(5)), defaultOptions())

	if !containsAny(rep.Warnings, "the before run was taken from a tree with uncommitted changes; it may not match its commit (unknown)") {
		t.Errorf("no dirty-tree warning for the before run; warnings %q", rep.Warnings)
	}
}

// Every mismatch is reported, not only the first.
func TestCompareSeveralMismatches(t *testing.T) {
	b := before(tight(10, 5), steadyThroughput(5))
	a := after(tight(10, 5), steadyThroughput(5))
	a.Provenance.Seed = 1
	a.Provenance.RateOpsPerSec = 100
	a.Provenance.WorkloadSHA256 = "other"

	rep := Compare(b, a, defaultOptions())

	for _, part := range []string{"different seeds", "different load", "different workload digests"} {
		if !containsAny(rep.Reasons, part) {
			t.Errorf("no reason contains %q; reasons %q", part, rep.Reasons)
		}
	}
}

func TestCompareStrictWithoutDifferences(t *testing.T) {
	opts := defaultOptions()
	opts.Strict = true

	rep := Compare(before(tight(10, 5), steadyThroughput(5)), after(tight(10, 5), steadyThroughput(5)), opts)

	if rep.Verdict != VerdictOK {
		t.Errorf("strict comparison of identical hosts = %s, want ok; reasons %q", rep.Verdict, rep.Reasons)
	}
}
