package phase

import "github.com/m17/perfgate/perf/result"

// writeSideFiles writes _sys.txt and _diag.txt and records their names.
func (r *runner) writeSideFiles(res *result.Result) error {
	return nil
}

func (r *runner) systemMetrics(ops int64) *result.SystemMetrics { return nil }

func (r *runner) profileRef() *result.ProfileRef { return nil }
