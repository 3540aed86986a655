package phase

import (
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/m17/perfgate/perf/result"
)

// write assembles the result and writes the JSON and its side files. The
// JSON goes last, so a result file never points at side files that are
// missing.
func (r *runner) write() (*Outcome, error) {
	if len(r.recordings) == 0 {
		// Nothing was measured (the server never started, or the first
		// preflight failed): a result would only hide the previous one
		// from compare. The logs and diagnostics still explain the failure.
		r.writeDiagnosticsOnly()
		return nil, nil
	}
	end := time.Now()
	res, err := r.assemble(end)
	if err != nil {
		return nil, err
	}

	res.Files = map[string]string{"loadtest_log": filepath.Base(r.sidePath("_loadtest.log"))}
	if _, err := os.Stat(r.serverLog); err == nil {
		res.Files["server_log"] = filepath.Base(r.serverLog)
	}
	if err := r.writeSideFiles(res); err != nil {
		// The side files repeat what the JSON contains, so the JSON is
		// still written; res.Files lists only the side files written.
		r.status("warning: side files not written: %v", err)
	}

	path := r.sidePath(".json")
	if err := result.WriteJSON(path, res); err != nil {
		return nil, fmt.Errorf("%w; the measurement is lost, free space or fix permissions in %s and rerun", err, r.cfg.ResultsDir)
	}
	files := map[string]string{"json": path}
	for kind, name := range res.Files {
		files[kind] = filepath.Join(r.cfg.ResultsDir, name)
	}
	return &Outcome{Result: res, Path: path, Files: files}, nil
}

// writeDiagnosticsOnly writes _diag.txt for a run that measured nothing.
func (r *runner) writeDiagnosticsOnly() {
	res := &result.Result{Files: map[string]string{}}
	if err := r.writeSideFiles(res); err != nil {
		r.status("warning: diagnostics not written: %v", err)
		return
	}
	r.status("no result written, because no trial was measured; see %s and %s", r.sidePath("_loadtest.log"), r.sidePath("_diag.txt"))
}
