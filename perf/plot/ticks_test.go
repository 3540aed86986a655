package plot

import (
	"math"
	"slices"
	"testing"
)

func TestPercentileTicksLabels(t *testing.T) {
	ticks := percentileTicks{}.Ticks(1, 1e5)

	labels := map[float64]string{}
	for _, tick := range ticks {
		if tick.Value < 1 || tick.Value > 1e5 {
			t.Errorf("tick at %v is outside [1, 1e5]", tick.Value)
		}
		if tick.Label != "" {
			labels[tick.Value] = tick.Label
		}
	}
	want := map[float64]string{1: "0%", 2: "50%", 10: "90%", 100: "99%", 1e3: "99.9%", 1e4: "99.99%", 1e5: "99.999%"}
	for value, label := range want {
		if labels[value] != label {
			t.Errorf("label at %v = %q, want %q", value, labels[value], label)
		}
	}
	if len(labels) != len(want) {
		t.Errorf("got %d labelled ticks %v, want %d", len(labels), labels, len(want))
	}
}

func TestPercentileTicksUnboundedMax(t *testing.T) {
	ticks := percentileTicks{}.Ticks(1, math.Inf(1))
	if len(ticks) == 0 || len(ticks) > 200 {
		t.Errorf("ticks up to +Inf: %d, want a bounded non-empty list", len(ticks))
	}
}

func TestLinearTicksLabels(t *testing.T) {
	tests := []struct {
		name     string
		min, max float64
		want     []string
	}{
		{"seconds", 0, 60, []string{"0", "10", "20", "30", "40", "50", "60"}},
		{"milliseconds", 0, 19.2, []string{"0", "5", "10", "15"}},
		{"throughput", 0, 1200, []string{"0", "200", "400", "600", "800", "1000", "1200"}},
		{"quarter steps", 0, 1.4, []string{"0.00", "0.25", "0.50", "0.75", "1.00", "1.25"}},
		{"tenths", 0, 0.6, []string{"0.0", "0.1", "0.2", "0.3", "0.4", "0.5", "0.6"}},
		{"just below zero", -0.001, 60, []string{"0", "20", "40", "60"}},
		{"offset range", 0.95, 1.05, []string{"0.96", "0.98", "1.00", "1.02", "1.04"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var labels []string
			for _, tick := range (linearTicks{}).Ticks(tt.min, tt.max) {
				if tick.Value < tt.min || tick.Value > tt.max {
					t.Errorf("tick at %v is outside [%v, %v]", tick.Value, tt.min, tt.max)
				}
				if tick.Label != "" {
					labels = append(labels, tick.Label)
				}
			}
			if !slices.Equal(labels, tt.want) {
				t.Errorf("labels = %v, want %v", labels, tt.want)
			}
		})
	}
}

func TestLinearTicksEmptyRange(t *testing.T) {
	for _, r := range [][2]float64{{1, 1}, {2, 1}, {0, math.Inf(1)}, {math.NaN(), 1}} {
		if got := (linearTicks{}).Ticks(r[0], r[1]); got != nil {
			t.Errorf("Ticks(%v, %v) = %v, want none", r[0], r[1], got)
		}
	}
}
