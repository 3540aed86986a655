package load

import (
	"math/rand/v2"
	"time"
)

// Pacer returns the intended send offset of each request from the start of
// the run. Offsets do not depend on responses (an open model), so a slow
// server cannot slow the offered load down.
type Pacer interface {
	// Next returns the offset of the next request.
	Next() time.Duration
}

// constantPacer sends request i at i/rate: the evenly spaced arrivals of a
// fixed-rate client.
type constantPacer struct {
	interval float64 // seconds between requests
	i        int64
}

func (p *constantPacer) Next() time.Duration {
	d := time.Duration(float64(p.i) * p.interval * float64(time.Second))
	p.i++
	return d
}

// poissonPacer draws gaps from an exponential distribution with mean
// 1/rate: the arrivals of many independent users. The gaps come from a
// generator seeded by the scenario, so two runs offer the same arrival times.
type poissonPacer struct {
	rate float64
	rng  *rand.Rand
	at   float64 // seconds
	used bool
}

func (p *poissonPacer) Next() time.Duration {
	if p.used {
		p.at += p.rng.ExpFloat64() / p.rate
	}
	p.used = true
	return time.Duration(p.at * float64(time.Second))
}

// NewPacer returns the pacer for an arrival model ("constant" or
// "poisson") at rate requests per second. An unknown model falls back to
// constant; scenario validation rejects it before a run gets here.
func NewPacer(arrival string, rateOpsPerSec float64, seed uint64) Pacer {
	if arrival == "poisson" {
		return &poissonPacer{rate: rateOpsPerSec, rng: rand.New(rand.NewPCG(seed, 0x9e3779b97f4a7c15))}
	}
	return &constantPacer{interval: 1 / rateOpsPerSec}
}
