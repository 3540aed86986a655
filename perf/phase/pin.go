package phase

import (
	"errors"

	"github.com/m17/perfgate/perf/config"
	"github.com/m17/perfgate/perf/cpupin"
)

// pinCPUs keeps the servers and this process (the load generator) on
// separate CPUs when Config.PinCPUs is set, which every phase of an
// interleaved run must set alike. unpin gives this process its CPUs back.
func pinCPUs(runners []*runner) (unpin func(), err error) {
	want := runners[0].cfg.PinCPUs
	for _, r := range runners[1:] {
		if r.cfg.PinCPUs != want {
			return nil, errors.New("interleaved phases must all pin CPUs or none; set PERF_PIN_CPUS alike")
		}
	}
	if !want {
		return func() {}, nil
	}
	plan, err := PinPlan(runners[0].cfg)
	if err != nil {
		return nil, err
	}
	restore, err := cpupin.PinProcess(plan.Generator)
	if err != nil {
		return nil, err
	}
	runners[0].status("CPUs pinned: %s", plan)
	for _, r := range runners {
		r.cpus = plan
		if r != runners[0] {
			r.logf("CPUs pinned: %s", plan)
		}
	}
	return func() {
		if err := restore(); err != nil {
			runners[0].status("warning: %v", err)
		}
	}, nil
}

// PinPlan returns the CPU plan for cfg.PinCPUs, or an empty plan when it
// is off. The error names the fix when pinning is impossible here: a
// running server (PERF_ENDPOINT), fewer than 2 CPUs, or not Linux.
func PinPlan(cfg config.Config) (cpupin.Plan, error) {
	if !cfg.PinCPUs {
		return cpupin.Plan{}, nil
	}
	if cfg.Endpoint != "" {
		return cpupin.Plan{}, errors.New("PERF_PIN_CPUS needs a server that the harness starts, and PERF_ENDPOINT names a running one; unset one of them")
	}
	allowed, err := cpupin.Allowed()
	if err != nil {
		return cpupin.Plan{}, err
	}
	return cpupin.Split(allowed)
}
