package phase

import (
	"time"

	hdrhistogram "github.com/HdrHistogram/hdrhistogram-go"

	"github.com/m17/perfgate/perf/load"
	"github.com/m17/perfgate/perf/result"
)

// accumulator sums counts and merges histograms across trials.
type accumulator struct {
	st      result.Stats
	latency *hdrhistogram.Histogram
	service *hdrhistogram.Histogram
	window  time.Duration
}

func newAccumulator() *accumulator {
	return &accumulator{latency: result.NewHistogram(), service: result.NewHistogram()}
}

func (a *accumulator) add(st result.Stats, rec *load.Recording) {
	a.addCounts(st)
	a.latency.Merge(rec.Latency)
	a.service.Merge(rec.Service)
}

func (a *accumulator) addOp(op load.OpRecording) {
	a.addCounts(op.Stats)
	a.latency.Merge(op.Latency)
	a.service.Merge(op.Service)
}

func (a *accumulator) addCounts(st result.Stats) {
	a.st.Requests += st.Requests
	a.st.Sent += st.Sent
	a.st.Successes += st.Successes
	a.st.LateSends += st.LateSends
	a.st.Unsent += st.Unsent
	a.st.Fallbacks += st.Fallbacks
	a.st.Errors = a.st.Errors.Add(st.Errors)
	a.window += time.Duration(st.MeasuredSec * float64(time.Second))
}

func (a *accumulator) finish() (result.Stats, string, error) {
	result.Finish(&a.st, a.latency, a.service, a.window)
	hdr, err := result.EncodeHistogram(a.latency)
	return a.st, hdr, err
}
