package load

import (
	"context"
	"testing"
	"time"
)

func TestSleeperWaitsAtLeastDuration(t *testing.T) {
	s := newSleeper(context.Background())
	defer s.close()

	for _, d := range []time.Duration{50 * time.Microsecond, time.Millisecond, 20 * time.Millisecond} {
		start := time.Now()
		if !s.sleep(d) {
			t.Fatalf("sleep(%v) returned false without a cancelled context", d)
		}
		if elapsed := time.Since(start); elapsed < d {
			t.Errorf("sleep(%v) returned after %v", d, elapsed)
		}
	}
}

func TestSleeperStopsOnCancel(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	s := newSleeper(ctx)
	defer s.close()

	time.AfterFunc(20*time.Millisecond, cancel)
	start := time.Now()
	if s.sleep(10 * time.Second) {
		t.Fatal("sleep returned true after its context was cancelled")
	}
	if elapsed := time.Since(start); elapsed > 5*time.Second {
		t.Errorf("sleep returned %v after the cancel, want at once", elapsed)
	}
	if s.sleep(time.Millisecond) {
		t.Error("sleep on a cancelled context returned true")
	}
}

func TestTimerSleeperStopsOnCancel(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	s := newTimerSleeper(ctx)
	defer s.close()

	cancel()
	if s.sleep(10 * time.Second) {
		t.Error("sleep returned true on a cancelled context")
	}
}
