package phase

import (
	"errors"

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
	for _, r := range runners {
		if r.cfg.Endpoint != "" {
			return nil, errors.New("PERF_PIN_CPUS needs a server that the harness starts, and PERF_ENDPOINT names a running one; unset one of them")
		}
	}

	allowed, err := cpupin.Allowed()
	if err != nil {
		return nil, err
	}
	plan, err := cpupin.Split(allowed)
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
