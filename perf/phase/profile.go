package phase

import (
	"context"
	"fmt"
	"path/filepath"
	"slices"
	"time"

	pprofile "github.com/google/pprof/profile"

	"github.com/m17/perfgate/perf/flame"
	"github.com/m17/perfgate/perf/profile"
	"github.com/m17/perfgate/perf/result"
	"github.com/m17/perfgate/perf/server"
	"github.com/m17/perfgate/perf/sysmetrics"
)

// Profile kinds recorded in result.ProfileRef.
const (
	profileKindGo   = "go-pprof"
	profileKindPerf = "linux-perf"
)

// profileJob is one trial's CPU profile capture, running in the background
// over the trial's measured window.
type profileJob struct {
	done chan struct{}
	prof *pprofile.Profile
	err  error
	// used is the server's CPU time over the capture, when known.
	used time.Duration
}

// startProfile captures the server's CPU profile over the measured window:
// it waits out the warmup, then profiles for the trial's measured time,
// over /debug/pprof for a Go server and with Linux perf otherwise.
func (r *runner) startProfile(ctx context.Context, proc *server.Process) *profileJob {
	job := &profileJob{done: make(chan struct{})}
	window := r.measurePerTrial()
	go func() {
		defer close(job.done)
		select {
		case <-time.After(r.sc.Warmup):
		case <-ctx.Done():
			job.err = ctx.Err()
			return
		}
		defer measureCPU(ctx, proc, job)()
		if r.cfg.Server.GoPprof {
			job.prof, _, job.err = profile.CaptureGo(ctx, r.cfg.BaseURL(), window)
			return
		}
		if proc == nil {
			job.err = fmt.Errorf("cannot profile a server that is not a Go server with net/http/pprof when it was not started by the harness (PERF_ENDPOINT)")
			return
		}
		job.prof, job.err = profile.CapturePerf(ctx, proc.Pid(), window)
	}()
	return job
}

// measureCPU reads the server's CPU time now and, when the returned func
// is called, again, and keeps the difference in job.used. It keeps nothing
// when the server was not started by the harness or a read fails: the
// coverage check then has nothing to compare.
func measureCPU(ctx context.Context, proc *server.Process, job *profileJob) (done func()) {
	if proc == nil {
		return func() {}
	}
	start, err := sysmetrics.CPUTime(ctx, proc.Pid())
	if err != nil {
		return func() {}
	}
	return func() {
		if end, err := sysmetrics.CPUTime(ctx, proc.Pid()); err == nil && end >= start {
			job.used = end - start
		}
	}
}

// finishProfile waits for the trial's capture and keeps its profile. A
// failed capture is reported and costs the evidence, not the measurement.
func (r *runner) finishProfile(j *profileJob) {
	<-j.done
	if j.err != nil {
		r.status("warning: CPU profile of this trial not captured: %v", j.err)
		return
	}
	r.profiles = append(r.profiles, j.prof)
	r.profiledCPU = append(r.profiledCPU, j.used)
}

// writeProfile merges the trials' profiles and writes the pprof file, the
// folded stacks and the flame graph next to the result.
func (r *runner) writeProfile(res *result.Result) error {
	if len(r.profiles) == 0 {
		return nil
	}
	merged, err := profile.Merge(r.profiles)
	if err != nil {
		return err
	}
	ref := &result.ProfileRef{
		Kind:     profileKindPerf,
		PProf:    filepath.Base(r.sidePath("_cpu.pprof")),
		Folded:   filepath.Base(r.sidePath("_cpu.folded")),
		FlameSVG: filepath.Base(r.sidePath("_flame.svg")),
		Samples:  profile.SampleCount(merged),
	}
	if r.cfg.Server.GoPprof {
		ref.Kind = profileKindGo
	}
	r.checkCoverage(merged, ref)

	if err := profile.Write(r.sidePath("_cpu.pprof"), merged); err != nil {
		return err
	}
	folded := profile.Folded(merged, profile.DefaultSampleIndex(merged))
	if err := result.WriteFile(r.sidePath("_cpu.folded"), folded); err != nil {
		return err
	}
	title := fmt.Sprintf("%s %s of task %s: CPU profile over %d trials", r.cfg.Server.Name, r.opts.Phase, r.opts.Task, len(r.profiles))
	svg, err := flame.RenderSVG(folded, title)
	if err != nil {
		return err
	}
	if err := result.WriteFile(r.sidePath("_flame.svg"), svg); err != nil {
		return err
	}

	res.Profile = ref
	res.Files["cpu_pprof"] = ref.PProf
	res.Files["cpu_folded"] = ref.Folded
	res.Files["flame_svg"] = ref.FlameSVG
	return nil
}

// checkCoverage records how much of the server's CPU time the profile
// sampled and warns when it is too little to read the shares with
// confidence. It judges only when the CPU time of every capture is known.
func (r *runner) checkCoverage(merged *pprofile.Profile, ref *result.ProfileRef) {
	sampled, ok := profile.SampledCPU(merged)
	if !ok || slices.Contains(r.profiledCPU, 0) {
		return
	}
	var used time.Duration
	for _, d := range r.profiledCPU {
		used += d
	}
	ref.SampledCPUSec = sampled.Round(time.Millisecond).Seconds()
	ref.ServerCPUSec = used.Round(time.Millisecond).Seconds()
	if warning := profile.CoverageWarning(sampled, used); warning != "" {
		r.status("warning: %s", warning)
	}
}
