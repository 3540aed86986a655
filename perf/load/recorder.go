package load

import (
	"sync"
	"time"

	hdrhistogram "github.com/HdrHistogram/hdrhistogram-go"

	"github.com/m17/perfgate/perf/result"
)

// outcome is the way one request ended.
type outcome int

const (
	outcomeOK outcome = iota
	outcomeTimeout
	outcomeConnection
	outcome4xx
	outcome5xx
	outcomeUnexpected
	// outcomeCancelled is a request cut short by Ctrl-C or the end of a
	// run that was stopped; it is neither a success nor a server error.
	outcomeCancelled
)

// observation is one finished request.
type observation struct {
	op       int
	intended time.Time
	sent     time.Time
	done     time.Time
	outcome  outcome
	fallback bool
	late     bool
}

// opRecord accumulates one operation's figures.
type opRecord struct {
	latency   *hdrhistogram.Histogram
	service   *hdrhistogram.Histogram
	requests  int64
	sent      int64
	successes int64
	late      int64
	fallbacks int64
	errors    result.ErrorCounts
}

// recorder collects observations of the measured window. It is shared by
// all workers; a mutex is cheap at the rates a single load generator
// offers (a few thousand requests a second).
type recorder struct {
	mu          sync.Mutex
	start       time.Time // start of the measured window
	end         time.Time // end of the measured window
	windowSec   int
	ops         []opRecord
	unsent      int64
	series      []result.Second
	curSecond   int
	curHist     *hdrhistogram.Histogram
	curRequests int64
	curOK       int64
	curErrors   int64

	// live figures for the progress line, including warmup
	liveDone   int64
	liveErrors int64
	liveHist   *hdrhistogram.Histogram
}

func newRecorder(opCount int, start time.Time, window time.Duration) *recorder {
	r := &recorder{
		start:     start,
		end:       start.Add(window),
		windowSec: int((window + time.Second - 1) / time.Second),
		ops:       make([]opRecord, opCount),
		curHist:   newSecondHistogram(),
		liveHist:  newSecondHistogram(),
	}
	for i := range r.ops {
		r.ops[i].latency = result.NewHistogram()
		r.ops[i].service = result.NewHistogram()
	}
	return r
}

// newSecondHistogram returns a coarse histogram (2 significant digits) for
// per-second P99 and the progress line, where 1% precision is plenty and a
// small footprint matters.
func newSecondHistogram() *hdrhistogram.Histogram {
	return hdrhistogram.New(1, int64(5*time.Minute/time.Microsecond), 2)
}

func (r *recorder) observe(o observation) {
	r.mu.Lock()
	defer r.mu.Unlock()

	latency := o.done.Sub(o.intended)
	r.liveDone++
	if o.outcome != outcomeOK && o.outcome != outcomeCancelled {
		r.liveErrors++
	}
	result.Record(r.liveHist, latency)

	if o.intended.Before(r.start) || o.outcome == outcomeCancelled {
		return // warmup, or cut short by a stop: not part of the statistics
	}

	op := &r.ops[o.op]
	op.requests++
	if o.sent.Before(r.end) {
		op.sent++
	}
	if o.late {
		op.late++
	}
	if o.fallback {
		op.fallbacks++
	}
	switch o.outcome {
	case outcomeOK:
		op.successes++
		result.Record(op.latency, latency)
		result.Record(op.service, o.done.Sub(o.sent))
	case outcomeTimeout:
		op.errors.Timeout++
	case outcomeConnection:
		op.errors.Connection++
	case outcome4xx:
		op.errors.HTTP4xx++
	case outcome5xx:
		op.errors.HTTP5xx++
	case outcomeUnexpected:
		op.errors.Unexpected++
	}

	r.observeSecond(o, latency)
}

// observeSecond adds o to the per-second series, by completion time.
// Completions arrive in nearly increasing time, so only the current second
// is kept open; a straggler from an earlier second joins the current one.
func (r *recorder) observeSecond(o observation, latency time.Duration) {
	sec := int(o.done.Sub(r.start) / time.Second)
	if sec >= r.windowSec {
		sec = r.windowSec - 1
	}
	for sec > r.curSecond {
		r.closeSecond()
	}
	r.curRequests++
	if o.outcome == outcomeOK {
		r.curOK++
		result.Record(r.curHist, latency)
	} else {
		r.curErrors++
	}
}

func (r *recorder) closeSecond() {
	s := result.Second{
		Second:              r.curSecond,
		Requests:            r.curRequests,
		ThroughputOpsPerSec: float64(r.curOK),
		Errors:              r.curErrors,
	}
	if r.curHist.TotalCount() > 0 {
		s.P99Ms = float64(r.curHist.ValueAtQuantile(99)) / 1000
	}
	r.series = append(r.series, s)
	r.curSecond++
	r.curRequests, r.curOK, r.curErrors = 0, 0, 0
	r.curHist.Reset()
}

func (r *recorder) countUnsent(n int64) {
	r.mu.Lock()
	r.unsent += n
	r.mu.Unlock()
}

// liveSnapshot returns the figures of the progress line.
func (r *recorder) liveSnapshot() (done, errors int64, p99 time.Duration) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.liveHist.TotalCount() > 0 {
		p99 = time.Duration(r.liveHist.ValueAtQuantile(99)) * time.Microsecond
	}
	return r.liveDone, r.liveErrors, p99
}

// finish closes the series up to the end of the window, or up to the
// second the run stopped in when it stopped early.
func (r *recorder) finish(end time.Time) {
	r.mu.Lock()
	defer r.mu.Unlock()
	last := int(end.Sub(r.start) / time.Second)
	if last >= r.windowSec {
		last = r.windowSec - 1
	}
	for r.curSecond <= last {
		r.closeSecond()
	}
}
