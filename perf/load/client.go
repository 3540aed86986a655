package load

import (
	"bytes"
	"context"
	"errors"
	"io"
	"net"
	"net/http"
	"time"

	"github.com/m17/perfgate/perf/scenario"
)

// maxResponseBytes bounds how much of a response body is read; the load
// test needs only the status, and draining lets the connection be reused.
const maxResponseBytes = 1 << 20

// NewClient returns an HTTP client tuned for a load test: connections are
// kept alive and reused up to maxInFlight at once, and nothing is
// compressed, so the client spends little CPU per request.
func NewClient(maxInFlight int) *http.Client {
	transport := &http.Transport{
		Proxy:               nil, // never route load through a proxy from the environment
		DialContext:         (&net.Dialer{Timeout: 2 * time.Second, KeepAlive: 30 * time.Second}).DialContext,
		MaxIdleConns:        maxInFlight,
		MaxIdleConnsPerHost: maxInFlight,
		MaxConnsPerHost:     maxInFlight,
		IdleConnTimeout:     90 * time.Second,
		DisableCompression:  true,
		// A write buffer larger than a typical request (about 6 KiB with a
		// 768-float embedding) sends header and body in one write system
		// call instead of two or three.
		WriteBufferSize: 64 << 10,
	}
	return &http.Client{Transport: transport}
}

// send performs one request and returns the response status, or 0 and the
// error when there is no response.
func send(ctx context.Context, client *http.Client, baseURL string, req *scenario.Request, timeout time.Duration) (int, error) {
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()

	var body io.Reader
	if len(req.Body) > 0 {
		body = bytes.NewReader(req.Body)
	}
	httpReq, err := http.NewRequestWithContext(ctx, req.Method, baseURL+req.Path, body)
	if err != nil {
		return 0, err
	}
	if body != nil {
		httpReq.Header.Set("Content-Type", "application/json")
	}

	resp, err := client.Do(httpReq)
	if err != nil {
		return 0, err
	}
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, maxResponseBytes))
	resp.Body.Close()
	return resp.StatusCode, nil
}

// classify maps a response status or transport error to an outcome.
// runCtx is the run's own context: an error caused by its cancellation is a
// stop, not a failure of the server.
func classify(runCtx context.Context, status int, err error, expect int) outcome {
	if err != nil {
		if runCtx.Err() != nil {
			return outcomeCancelled
		}
		var netErr net.Error
		if errors.Is(err, context.DeadlineExceeded) || (errors.As(err, &netErr) && netErr.Timeout()) {
			return outcomeTimeout
		}
		return outcomeConnection
	}
	switch {
	case status == expect:
		return outcomeOK
	case status >= 500:
		return outcome5xx
	case status >= 400:
		return outcome4xx
	default:
		return outcomeUnexpected
	}
}

// needsFallback reports whether a status means the server lacks the
// operation, so its fallback should be used.
func needsFallback(status int) bool {
	return status == http.StatusNotFound || status == http.StatusNotImplemented
}
