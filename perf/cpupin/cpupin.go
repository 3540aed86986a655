// Package cpupin keeps the server and the load generator on separate CPUs.
//
// On a small machine the two processes otherwise share every core, and
// which one the scheduler runs when both wake moves a trial's P99 by more
// than the 5% a comparison has to resolve. With the server on some CPUs
// and the generator on the others, neither waits for the other's threads.
//
// Pinning is opt-in (PERF_PIN_CPUS=1) and Linux-only. It changes the
// figures, because a Go server gets fewer CPUs and sets GOMAXPROCS from
// them, so both phases of a comparison must be measured alike. The result
// records the plan.
package cpupin

import (
	"fmt"
	"strconv"
	"strings"
)

// Plan assigns CPUs to the server and to the load generator. Both lists
// are non-empty and disjoint.
type Plan struct {
	Server    []int
	Generator []int
}

// Split divides the CPUs this process may run on: the first half (at
// least one) to the server, the rest to the generator. It needs two.
func Split(cpus []int) (Plan, error) {
	if len(cpus) < 2 {
		return Plan{}, fmt.Errorf("pin CPUs: this process may run on %d CPU(s) (%s), and pinning needs 2 to keep the server and the load generator apart; unset PERF_PIN_CPUS",
			len(cpus), List(cpus))
	}
	half := len(cpus) / 2
	return Plan{
		Server:    append([]int(nil), cpus[:half]...),
		Generator: append([]int(nil), cpus[half:]...),
	}, nil
}

// String describes the plan as it is recorded in a result, for example
// "server 0, load generator 1".
func (p Plan) String() string {
	return "server " + List(p.Server) + ", load generator " + List(p.Generator)
}

// List writes CPU numbers as a comma-separated list.
func List(cpus []int) string {
	parts := make([]string, len(cpus))
	for i, c := range cpus {
		parts[i] = strconv.Itoa(c)
	}
	return strings.Join(parts, ",")
}
