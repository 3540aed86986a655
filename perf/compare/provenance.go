package compare

import (
	"fmt"

	"github.com/m17/perfgate/perf/diag"

	"github.com/m17/perfgate/perf/result"
)

// checkComparable returns the reasons why two results cannot be compared
// at all (exit 3), or nil.
func checkComparable(before, after *result.Result, opts Options) []string {
	var reasons []string
	task := opts.Task
	if task == "" {
		task = "<task>"
	}
	for _, r := range []*result.Result{before, after} {
		if r != nil {
			task = r.Task
		}
	}
	if before == nil {
		reasons = append(reasons, "the before result is missing; run: go tool mage perf:before "+task)
	}
	if after == nil {
		reasons = append(reasons, "the after result is missing; run: go tool mage perf:after "+task)
	}
	if reasons != nil {
		return reasons
	}

	for _, side := range []struct {
		name string
		r    *result.Result
	}{{"before", before}, {"after", after}} {
		if !side.r.Complete && !opts.AllowIncomplete {
			reasons = append(reasons, fmt.Sprintf("the %s result is incomplete (%s); rerun it, or set PERF_ALLOW_INCOMPLETE=1 to compare anyway", side.name, side.r.IncompleteReason))
		}
		if len(side.r.Trials) == 0 {
			reasons = append(reasons, fmt.Sprintf("the %s result has no measured trial; rerun it", side.name))
		}
		if rate := side.r.Summary.ErrorRate; rate > opts.Thresholds.MaxErrorRate {
			reasons = append(reasons, fmt.Sprintf("the %s result has an error rate of %.1f%% (above %.0f%%): the server was failing, so latency and throughput are meaningless; fix the errors first (see its _loadtest.log and _diag.txt)",
				side.name, 100*rate, 100*opts.Thresholds.MaxErrorRate))
		}
	}

	b, a := before.Provenance, after.Provenance
	if b.ScenarioName != a.ScenarioName || b.ScenarioSHA256 != a.ScenarioSHA256 {
		reasons = append(reasons, fmt.Sprintf("different scenarios: before %s (sha256 %.12s), after %s (sha256 %.12s); measure both phases with one scenario file",
			b.ScenarioName, b.ScenarioSHA256, a.ScenarioName, a.ScenarioSHA256))
	}
	if b.Seed != a.Seed {
		reasons = append(reasons, fmt.Sprintf("different seeds: before %#x, after %#x; measure both phases with one seed", b.Seed, a.Seed))
	}
	if b.RateOpsPerSec != a.RateOpsPerSec || b.DurationSec != a.DurationSec || b.TrialCount != a.TrialCount {
		reasons = append(reasons, fmt.Sprintf("different load: before %.0f ops/s for %.0fs in %d trials, after %.0f ops/s for %.0fs in %d trials; unset PERF_RATE/PERF_DURATION/PERF_TRIALS or set them alike for both phases",
			b.RateOpsPerSec, b.DurationSec, b.TrialCount, a.RateOpsPerSec, a.DurationSec, a.TrialCount))
	}
	if b.CPUPinning != a.CPUPinning {
		reasons = append(reasons, fmt.Sprintf("different CPU pinning: before %s, after %s; pinning changes the figures, so set PERF_PIN_CPUS alike for both phases",
			pinningName(b.CPUPinning), pinningName(a.CPUPinning)))
	}
	if b.LoadGeneratorVersion != a.LoadGeneratorVersion {
		reasons = append(reasons, fmt.Sprintf("different load generator versions: before %d, after %d; the generator's own timing differs between them, so measure both phases with one version (go tool mage perf:verify %s reruns both)",
			b.LoadGeneratorVersion, a.LoadGeneratorVersion, task))
	}
	// A run that stopped early drew only part of the request stream, so
	// its digest cannot match that of a whole run. The scenario hash, seed
	// and load checked above still fix which requests both sides drew.
	if before.Complete && after.Complete && b.WorkloadSHA256 != a.WorkloadSHA256 {
		reasons = append(reasons, fmt.Sprintf("different workload digests: before %.12s, after %.12s; the two phases sent different requests, so rerun both with one scenario, seed and duration",
			b.WorkloadSHA256, a.WorkloadSHA256))
	}
	return reasons
}

// hostWarnings lists differences of host, toolchain and tree state that
// make a comparison less fair without making it meaningless.
func hostWarnings(before, after *result.Result) []string {
	var w []string
	b, a := before.Provenance.Host, after.Provenance.Host
	differ := func(what, x, y string) {
		if x != y {
			w = append(w, fmt.Sprintf("different %s: before %q, after %q", what, x, y))
		}
	}
	differ("host", b.Hostname, a.Hostname)
	differ("CPU model", b.CPUModel, a.CPUModel)
	if b.Cores != a.Cores {
		w = append(w, fmt.Sprintf("different core count: before %d, after %d", b.Cores, a.Cores))
	}
	differ("Go version", b.GoVersion, a.GoVersion)
	differ("kernel", b.Kernel, a.Kernel)

	if before.Provenance.GitDirty {
		w = append(w, "the before run was taken from a tree with uncommitted changes; it may not match its commit "+shortCommit(before.Provenance.GitCommit))
	}
	if after.Provenance.GitDirty {
		w = append(w, "the after run was taken from a tree with uncommitted changes; it may not match its commit "+shortCommit(after.Provenance.GitCommit))
	}
	if before.Diagnostics != nil && after.Diagnostics != nil {
		w = append(w, diag.HostWarnings(before.Diagnostics, after.Diagnostics, a.Cores)...)
	}
	if bs, as := before.Provenance.StartTime, after.Provenance.StartTime; !bs.IsZero() && !as.IsZero() && bs.After(as) {
		w = append(w, fmt.Sprintf("the before result (%s) is newer than the after result (%s); if the change came in between, measure after again",
			bs.Format("2006-01-02 15:04"), as.Format("2006-01-02 15:04")))
	}
	if before.Provenance.External != after.Provenance.External {
		w = append(w, "one phase used an already running server (PERF_ENDPOINT) and the other a server started by the harness")
	}
	return w
}

func shortCommit(c string) string {
	if len(c) > 12 {
		return c[:12]
	}
	if c == "" {
		return "(unknown)"
	}
	return c
}

// pinningName names a result's CPU pinning for messages.
func pinningName(p string) string {
	if p == "" {
		return "none (shared CPUs)"
	}
	return p
}
