package phase

import (
	"time"

	"github.com/m17/perfgate/perf/load"
	"github.com/m17/perfgate/perf/provenance"
	"github.com/m17/perfgate/perf/result"
)

// assemble builds the result from the trials' recordings: per-trial figures
// as they are, and per-operation and overall figures from the true merge
// of the trials' histograms over their total measured time.
func (r *runner) assemble(end time.Time) (*result.Result, error) {
	res := &result.Result{
		SchemaVersion:    result.SchemaVersion,
		Task:             r.opts.Task,
		Phase:            r.opts.Phase,
		Timestamp:        r.stem[len(r.opts.Task)+len(r.opts.Phase)+2:],
		Complete:         r.incomplete == "",
		IncompleteReason: r.incomplete,
		Provenance:       r.provenance(end),
		Diagnostics:      r.diag,
		Trials:           []result.Trial{},
		Operations:       []result.OpStats{},
	}

	total := newAccumulator()
	ops := make([]*accumulator, len(r.sc.Operations))
	for i := range ops {
		ops[i] = newAccumulator()
	}
	for i, rec := range r.recordings {
		trial, err := trialResult(i, r.trialStart[i], rec)
		if err != nil {
			return nil, err
		}
		res.Trials = append(res.Trials, trial)
		total.add(rec.Stats, rec)
		for j, op := range rec.Ops {
			ops[j].addOp(op)
		}
	}

	var err error
	if res.Summary, res.HistogramHDR, err = total.finish(); err != nil {
		return nil, err
	}
	for j, acc := range ops {
		st, hdr, err := acc.finish()
		if err != nil {
			return nil, err
		}
		res.Operations = append(res.Operations, result.OpStats{Name: r.sc.Operations[j].Name, Stats: st, HistogramHDR: hdr})
	}
	res.System = r.systemMetrics(res.Summary.Successes)
	return res, nil
}

func trialResult(index int, start time.Time, rec *load.Recording) (result.Trial, error) {
	hdr, err := result.EncodeHistogram(rec.Latency)
	if err != nil {
		return result.Trial{}, err
	}
	series := rec.Series
	if series == nil {
		series = []result.Second{}
	}
	return result.Trial{Index: index, StartTime: start, Stats: rec.Stats, HistogramHDR: hdr, Series: series}, nil
}

func (r *runner) provenance(end time.Time) result.Provenance {
	commit, dirty := provenance.Git(r.opts.RepoDir)
	p := result.Provenance{
		ScenarioName:         r.sc.Name,
		ScenarioPath:         r.cfg.Scenario,
		ScenarioSHA256:       r.sc.Hash,
		Seed:                 r.sc.Seed,
		WorkloadSHA256:       r.digest,
		RateOpsPerSec:        r.sc.Rate,
		DurationSec:          r.sc.Duration.Seconds(),
		WarmupSec:            r.sc.Warmup.Seconds(),
		TrialCount:           r.trials,
		Arrival:              r.sc.Arrival,
		LoadGeneratorVersion: load.Version,
		GitCommit:            commit,
		GitDirty:             dirty,
		Host:                 provenance.Host(),
		Endpoint:             r.cfg.BaseURL(),
		External:             r.cfg.Endpoint != "",
		StartTime:            r.start,
		EndTime:              end,
		Overrides:            r.cfg.Env,
	}
	if len(r.cpus.Server) > 0 {
		p.CPUPinning = r.cpus.String()
	}
	if r.diag != nil {
		p.ServerCommand = r.diag.ServerCommand
	}
	return p
}
