package load

import (
	"context"
	"time"
)

// sleeper waits until the intended send time of the next request.
type sleeper interface {
	// sleep waits for d and returns true, or returns false as soon as the
	// run's context is done.
	sleep(d time.Duration) bool
	close()
}

// timerSleeper waits on a runtime timer. When the process is idle, the
// runtime waits for its timers in epoll_wait, whose timeout is in whole
// milliseconds on Linux (Go 1.26). A wake-up can then come up to about
// 1 ms late, so the Linux build uses timerfdSleeper instead.
type timerSleeper struct {
	ctx   context.Context
	timer *time.Timer
}

func newTimerSleeper(ctx context.Context) *timerSleeper {
	return &timerSleeper{ctx: ctx, timer: time.NewTimer(time.Hour)}
}

func (s *timerSleeper) sleep(d time.Duration) bool {
	s.timer.Reset(d)
	select {
	case <-s.ctx.Done():
		return false
	case <-s.timer.C:
		return true
	}
}

func (s *timerSleeper) close() { s.timer.Stop() }
