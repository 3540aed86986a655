package phase

import (
	"bytes"
	"path/filepath"

	"github.com/m17/perfgate/perf/diag"
	"github.com/m17/perfgate/perf/result"
	"github.com/m17/perfgate/perf/sysmetrics"
)

// noteHostBefore records the host's state before the first trial.
func (r *runner) noteHostBefore() {
	d := r.diagnostics()
	d.LoadAvgBefore, _ = diag.LoadAvg()
	d.CPUGovernor = diag.CPUGovernor()
	if r.cfg.Endpoint == "" {
		d.PortListeners = listeners(r.cfg.Server.Port)
	}
}

// writeSideFiles writes _sys.txt and _diag.txt and records their names.
func (r *runner) writeSideFiles(res *result.Result) error {
	d := r.diagnostics()
	d.LoadAvgAfter, _ = diag.LoadAvg()
	if r.cfg.Endpoint != "" {
		d.PortListeners = listeners(r.cfg.Server.Port)
	}
	res.Diagnostics = d
	if err := r.writeProfile(res); err != nil {
		r.status("warning: CPU profile not written: %v", err)
	}

	var diagText bytes.Buffer
	if err := diag.WriteText(&diagText, d); err != nil {
		return err
	}
	path := r.sidePath("_diag.txt")
	if err := result.WriteFile(path, diagText.Bytes()); err != nil {
		return err
	}
	res.Files["diag"] = filepath.Base(path)

	if res.System == nil {
		return nil
	}
	var sysText bytes.Buffer
	if err := sysmetrics.WriteTable(&sysText, res.System); err != nil {
		return err
	}
	path = r.sidePath("_sys.txt")
	if err := result.WriteFile(path, sysText.Bytes()); err != nil {
		return err
	}
	res.Files["sys"] = filepath.Base(path)
	return nil
}
