package phase

import (
	"strings"
	"testing"

	"github.com/m17/perfgate/perf/config"
)

func TestPinCPUsRejectsBadCombinations(t *testing.T) {
	pinned := config.Config{PinCPUs: true}
	external := config.Config{PinCPUs: true, Endpoint: "http://127.0.0.1:7432"}
	tests := []struct {
		name string
		cfgs []config.Config
		want string
	}{
		{"running server", []config.Config{external}, "unset one of them"},
		{"interleaved phases differ", []config.Config{pinned, {}}, "set PERF_PIN_CPUS alike"},
	}
	for _, tt := range tests {
		var runners []*runner
		for _, c := range tt.cfgs {
			runners = append(runners, &runner{cfg: c})
		}
		unpin, err := pinCPUs(runners)
		if err == nil {
			unpin()
			t.Errorf("%s: pinCPUs succeeded, want an error", tt.name)
			continue
		}
		if !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%s: error %q, want it to contain %q", tt.name, err, tt.want)
		}
	}
}

func TestPinCPUsOffDoesNothing(t *testing.T) {
	r := &runner{}
	unpin, err := pinCPUs([]*runner{r})
	if err != nil {
		t.Fatalf("pinCPUs without PinCPUs: %v", err)
	}
	unpin()
	if len(r.cpus.Server) != 0 || len(r.cpus.Generator) != 0 {
		t.Errorf("plan = %+v, want none", r.cpus)
	}
}
