package cpupin

import (
	"reflect"
	"strings"
	"testing"
)

func TestSplit(t *testing.T) {
	tests := []struct {
		cpus              []int
		server, generator []int
	}{
		{[]int{0, 1}, []int{0}, []int{1}},
		{[]int{0, 1, 2}, []int{0}, []int{1, 2}},
		{[]int{2, 3, 6, 7}, []int{2, 3}, []int{6, 7}},
	}
	for _, tt := range tests {
		plan, err := Split(tt.cpus)
		if err != nil {
			t.Errorf("Split(%v): %v", tt.cpus, err)
			continue
		}
		if !reflect.DeepEqual(plan.Server, tt.server) || !reflect.DeepEqual(plan.Generator, tt.generator) {
			t.Errorf("Split(%v) = %+v, want server %v, generator %v", tt.cpus, plan, tt.server, tt.generator)
		}
	}
}

func TestSplitNeedsTwoCPUs(t *testing.T) {
	for _, cpus := range [][]int{nil, {3}} {
		_, err := Split(cpus)
		if err == nil || !strings.Contains(err.Error(), "unset PERF_PIN_CPUS") {
			t.Errorf("Split(%v) error = %v, want one naming PERF_PIN_CPUS", cpus, err)
		}
	}
}

func TestPlanString(t *testing.T) {
	plan := Plan{Server: []int{0, 1}, Generator: []int{2}}
	if got, want := plan.String(), "server 0,1, load generator 2"; got != want {
		t.Errorf("String() = %q, want %q", got, want)
	}
}
