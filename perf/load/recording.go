package load

import (
	"time"

	hdrhistogram "github.com/HdrHistogram/hdrhistogram-go"

	"github.com/m17/perfgate/perf/result"
	"github.com/m17/perfgate/perf/scenario"
)

// Recording is the measurement of one trial.
type Recording struct {
	// Stats covers all operations of the trial, with percentiles from the
	// true merge of the per-operation histograms.
	Stats   result.Stats
	Latency *hdrhistogram.Histogram
	Service *hdrhistogram.Histogram
	Ops     []OpRecording
	Series  []result.Second
	// Digest is the SHA-256 of every request the stream produced.
	Digest string

	// Stopped is set when the run was cut short; StopCause is the reason.
	Stopped      bool
	StopCause    error
	StoppedAfter time.Duration
}

// OpRecording is one operation's share of a trial.
type OpRecording struct {
	Name    string
	Stats   result.Stats
	Latency *hdrhistogram.Histogram
	Service *hdrhistogram.Histogram
}

func (r *recorder) recording(sc *scenario.Scenario, digest string, window time.Duration) *Recording {
	r.mu.Lock()
	defer r.mu.Unlock()

	out := &Recording{
		Latency: result.NewHistogram(),
		Service: result.NewHistogram(),
		Series:  append([]result.Second(nil), r.series...),
		Digest:  digest,
	}
	for i, op := range r.ops {
		st := result.Stats{
			Requests:  op.requests,
			Sent:      op.sent,
			Successes: op.successes,
			LateSends: op.late,
			Errors:    op.errors,
			Fallbacks: op.fallbacks,
		}
		result.Finish(&st, op.latency, op.service, window)
		out.Ops = append(out.Ops, OpRecording{Name: sc.Operations[i].Name, Stats: st, Latency: op.latency, Service: op.service})

		out.Latency.Merge(op.latency)
		out.Service.Merge(op.service)
		out.Stats.Requests += op.requests
		out.Stats.Sent += op.sent
		out.Stats.Successes += op.successes
		out.Stats.LateSends += op.late
		out.Stats.Fallbacks += op.fallbacks
		out.Stats.Errors = out.Stats.Errors.Add(op.errors)
	}

	out.Stats.Unsent = r.unsent
	out.Stats.Errors.Unsent = r.unsent
	out.Stats.Requests += r.unsent
	result.Finish(&out.Stats, out.Latency, out.Service, window)
	return out
}
