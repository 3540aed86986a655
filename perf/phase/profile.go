package phase

import (
	"context"

	"github.com/m17/perfgate/perf/server"
)

// profileJob is one trial's CPU profile capture.
type profileJob struct{}

// profileCapture is a finished capture.
type profileCapture struct{}

func (r *runner) startProfile(ctx context.Context, proc *server.Process) *profileJob {
	return nil
}

func (r *runner) finishProfile(j *profileJob) {}
