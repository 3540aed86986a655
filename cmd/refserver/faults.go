package main

import (
	"errors"
	"log/slog"
	"net/http"
	"os"
	"time"
)

// api wraps an /api/ handler with its request counter and the -delay and
// -hang-after behaviour.
func (s *server) api(endpoint string, h http.HandlerFunc) http.Handler {
	counter := s.requests[endpoint]

	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		counter.Add(1)

		if s.hanging() {
			// Hold the request without a response, as a deadlocked server
			// would. Shutdown or the client's disconnect ends the wait.
			select {
			case <-s.stopping:
				s.writeError(w, r, http.StatusServiceUnavailable, errors.New("server is shutting down"))
			case <-r.Context().Done():
			}
			return
		}

		if s.cfg.Delay > 0 {
			// A timer, unlike a busy loop, adds latency without CPU time,
			// so a test can slow the server down without loading the
			// machine.
			timer := time.NewTimer(s.cfg.Delay)
			select {
			case <-timer.C:
			case <-r.Context().Done():
				timer.Stop()
				return
			}
		}

		if s.cfg.Spin > 0 {
			// A busy loop adds an exact sub-millisecond cost, as a slower
			// code path would. A timer that short overshoots by up to a
			// millisecond on Linux.
			for start := time.Now(); time.Since(start) < s.cfg.Spin; {
			}
		}

		h(w, r)
	})
}

// hanging reports whether -hang-after has expired.
func (s *server) hanging() bool {
	return s.cfg.HangAfter > 0 && time.Since(s.started) >= s.cfg.HangAfter
}

// startCrashTimer makes the process exit with status 2 once after has
// passed, without shutting down, as a crashing server would. after <= 0
// disables it.
func startCrashTimer(log *slog.Logger, after time.Duration) {
	if after <= 0 {
		return
	}

	time.AfterFunc(after, func() {
		log.Error("crashing as requested by -crash-after", "after", after)
		os.Exit(2)
	})
}
