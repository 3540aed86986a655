package sysmetrics

import (
	"context"
	"os"
	"strings"
	"testing"
	"time"
)

func TestCPUTimeGrowsWhileBusy(t *testing.T) {
	ctx := context.Background()
	start, err := CPUTime(ctx, os.Getpid())
	if err != nil {
		t.Fatalf("CPUTime(own pid): %v", err)
	}
	// Busy until the process has used 50 ms more CPU, for at most 10 s of
	// wall time, so a CPUTime that never grows fails instead of hanging.
	deadline := time.Now().Add(10 * time.Second)
	var now time.Duration
	for x := 0; time.Now().Before(deadline); x++ {
		if x%100_000 != 0 {
			continue
		}
		if now, err = CPUTime(ctx, os.Getpid()); err != nil {
			t.Fatalf("CPUTime(own pid): %v", err)
		}
		if now-start >= 50*time.Millisecond {
			return
		}
	}
	t.Errorf("CPU time went from %v to %v in 10 s of busy loop; want at least 50 ms more", start, now)
}

func TestCPUTimeRejectsInvalidPid(t *testing.T) {
	for _, pid := range []int{0, -1, 1 << 40} {
		_, err := CPUTime(context.Background(), pid)
		if err == nil || !strings.Contains(err.Error(), "invalid") {
			t.Errorf("CPUTime(%d) error = %v, want one saying the pid is invalid", pid, err)
		}
	}
}
