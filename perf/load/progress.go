package load

import (
	"fmt"
	"io"
	"strings"
	"sync"
	"time"
)

// Progress intervals: a terminal line is redrawn often; a log (CI, a pipe,
// the load-test log file) gets a plain line every few seconds so it stays
// readable.
const (
	terminalInterval = 250 * time.Millisecond
	logInterval      = 5 * time.Second
	barWidth         = 24
)

// progress prints the live line of one run.
type progress struct {
	cfg        Config
	rec        *recorder
	start, end time.Time

	lastDone int64
	lastAt   time.Time
	logAt    time.Time
}

// startProgress prints the live line until the returned function is called,
// which prints a final line and waits for the printer to stop.
func startProgress(cfg Config, rec *recorder, start, end time.Time) (stop func()) {
	if cfg.Progress == nil && cfg.ProgressLog == nil {
		return func() {}
	}
	p := &progress{cfg: cfg, rec: rec, start: start, end: end, lastAt: start, logAt: start}
	interval := logInterval
	if cfg.Terminal && cfg.Progress != nil {
		interval = terminalInterval
	}

	done := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		ticker := time.NewTicker(interval)
		defer ticker.Stop()
		for {
			select {
			case <-done:
				return
			case now := <-ticker.C:
				p.print(now, false)
			}
		}
	}()

	return func() {
		close(done)
		wg.Wait()
		p.print(time.Now(), true)
	}
}

// print writes one live line: elapsed/total, the completion rate since the
// previous line, P99 so far and errors so far.
func (p *progress) print(now time.Time, final bool) {
	done, errs, p99 := p.rec.liveSnapshot()
	total := p.end.Sub(p.start)
	elapsed := min(now.Sub(p.start), total)
	rate := 0.0
	if dt := now.Sub(p.lastAt).Seconds(); dt > 0 {
		rate = float64(done-p.lastDone) / dt
	}
	if final {
		rate = float64(done) / max(now.Sub(p.start).Seconds(), 1e-9)
	}
	p.lastDone, p.lastAt = done, now

	stats := fmt.Sprintf("%5.1fs/%.1fs  %6.0f ops/s  p99 %6.2fms  errors %d",
		elapsed.Seconds(), total.Seconds(), rate, float64(p99)/float64(time.Millisecond), errs)
	line := p.cfg.Label + "  " + stats + "\n"

	if p.cfg.ProgressLog != nil && (final || now.Sub(p.logAt) >= logInterval-terminalInterval) {
		io.WriteString(p.cfg.ProgressLog, line)
		p.logAt = now
	}
	switch {
	case p.cfg.Progress == nil:
	case !p.cfg.Terminal:
		io.WriteString(p.cfg.Progress, line)
	default:
		filled := min(int(float64(barWidth)*elapsed.Seconds()/total.Seconds()), barWidth)
		bar := strings.Repeat("#", filled) + strings.Repeat(".", barWidth-filled)
		end := ""
		if final {
			end = "\n"
		}
		fmt.Fprintf(p.cfg.Progress, "\r\033[K%s [%s] %s%s", p.cfg.Label, bar, stats, end)
	}
}
