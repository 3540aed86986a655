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
