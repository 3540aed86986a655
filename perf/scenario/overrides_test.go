package scenario

import (
	"strings"
	"testing"
	"time"
)

func TestWithOverrides(t *testing.T) {
	s := loadDefault(t)
	seed := uint64(7)
	warmup := time.Duration(0)

	c, err := s.WithOverrides(Overrides{Seed: &seed, Rate: 50, Duration: 2 * time.Second, Warmup: &warmup})
	if err != nil {
		t.Fatal(err)
	}
	if c.Seed != 7 || c.Rate != 50 || c.Duration != 2*time.Second || c.Warmup != 0 {
		t.Errorf("overridden scenario = seed %d rate %g duration %s warmup %s", c.Seed, c.Rate, c.Duration, c.Warmup)
	}
	if s.Rate != 1000 || s.Seed != 0xDEADBEEF {
		t.Errorf("WithOverrides changed the original: rate %g seed %#x", s.Rate, s.Seed)
	}
	if c.Hash != s.Hash {
		t.Errorf("Hash changed from %s to %s, want the file hash", s.Hash, c.Hash)
	}

	_, err = s.WithOverrides(Overrides{Duration: s.Warmup})
	if err == nil {
		t.Fatal("override of duration down to the warmup succeeded")
	}
	if !strings.Contains(err.Error(), "warmup") || !strings.Contains(err.Error(), `scenario "m17_baseline"`) {
		t.Errorf("error %q does not name warmup and the scenario", err)
	}
}
