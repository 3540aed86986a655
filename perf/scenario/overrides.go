package scenario

import (
	"slices"
	"time"
)

// Overrides are changes to a loaded scenario, such as a shorter duration
// for a smoke test. A zero or nil field keeps the scenario's value. Fields
// whose zero value is meaningful are pointers.
type Overrides struct {
	Seed     *uint64
	Rate     float64 // ops/s
	Duration time.Duration
	Warmup   *time.Duration
	Trials   *int
	Arrival  string
}

// WithOverrides returns a validated copy of s with o applied, and leaves s
// unchanged. Path and Hash stay those of the file, so record the overrides
// next to them.
func (s *Scenario) WithOverrides(o Overrides) (*Scenario, error) {
	c := *s
	c.Operations = slices.Clone(s.Operations)

	if o.Seed != nil {
		c.Seed = *o.Seed
	}
	if o.Rate != 0 {
		c.Rate = o.Rate
	}
	if o.Duration != 0 {
		c.Duration = o.Duration
	}
	if o.Warmup != nil {
		c.Warmup = *o.Warmup
	}
	if o.Trials != nil {
		c.Trials = *o.Trials
	}
	if o.Arrival != "" {
		c.Arrival = o.Arrival
	}

	if err := c.Validate(); err != nil {
		return nil, err
	}
	return &c, nil
}
