package phase

import (
	"context"

	"github.com/m17/perfgate/perf/load"
	"github.com/m17/perfgate/perf/server"
)

// monitors watch the server during one trial's load: process metrics and,
// when asked, a CPU profile.
type monitors struct{}

// profileCapture is one trial's CPU profile.
type profileCapture struct{}

func (r *runner) startMonitors(ctx context.Context, proc *server.Process, trial int) *monitors {
	return &monitors{}
}

func (m *monitors) stop(r *runner, rec *load.Recording) {}
