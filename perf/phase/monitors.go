package phase

import (
	"context"
	"strings"

	"github.com/m17/perfgate/perf/load"
	"github.com/m17/perfgate/perf/result"
	"github.com/m17/perfgate/perf/server"
	"github.com/m17/perfgate/perf/sysmetrics"
)

// monitors watch the server during one trial's load: process metrics and,
// when asked, a CPU profile.
type monitors struct {
	trial   int
	sampler *sysmetrics.Sampler
	profile *profileJob
}

// startMonitors starts the process sampler (when the harness started the
// server, so its pid is known) and the profile capture (when asked).
func (r *runner) startMonitors(ctx context.Context, proc *server.Process, trial int) *monitors {
	m := &monitors{trial: trial}
	if proc != nil {
		opts := sysmetrics.Options{Interval: sysmetrics.DefaultInterval, Trial: trial}
		if r.cfg.Server.GoPprof {
			opts.ExpvarURL = r.cfg.BaseURL() + "/debug/vars"
		}
		m.sampler = sysmetrics.Start(ctx, proc.Pid(), opts)
	}
	if r.opts.Profile {
		m.profile = r.startProfile(ctx, proc)
	}
	return m
}

// stop ends the monitors and keeps what they measured.
func (m *monitors) stop(r *runner, rec *load.Recording) {
	if m.sampler != nil {
		r.system = append(r.system, m.sampler.Stop()...)
		r.cpuSec += m.sampler.CPUSeconds()
	}
	if m.profile != nil {
		r.finishProfile(m.profile)
	}
}

// systemMetrics summarises the samples of all trials, or nil when the
// server's process was not sampled (PERF_ENDPOINT).
func (r *runner) systemMetrics(ops int64) *result.SystemMetrics {
	if len(r.system) == 0 {
		return nil
	}
	return sysmetrics.Summarize(r.system, sysmetrics.DefaultInterval, r.cpuSec, ops)
}

// listeners describes the processes listening on the server's port.
func listeners(port int) []string {
	var out []string
	for _, p := range server.ListeningProcesses(port) {
		out = append(out, strings.TrimSpace(p.String()))
	}
	return out
}
