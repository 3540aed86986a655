package load

import (
	"context"
	"net/http"
	"time"

	"github.com/m17/perfgate/perf/scenario"
	"github.com/m17/perfgate/perf/wire"
)

// NewClient returns the HTTP client for the server at baseURL. It keeps up
// to maxInFlight idle connections, as many as a run has requests in flight.
func NewClient(baseURL string, maxInFlight int) (*wire.Client, error) {
	return wire.New(baseURL, wire.Options{MaxIdle: maxInFlight})
}

// send performs one request and returns the response status, or 0 and the
// error when there is no response.
func send(ctx context.Context, client *wire.Client, req *scenario.Request, timeout time.Duration) (int, error) {
	return client.Do(ctx, req.Method, req.Path, req.Body, timeout)
}

// classify maps a response status or transport error to an outcome.
// runCtx is the run's own context: an error caused by its cancellation is a
// stop, not a failure of the server.
func classify(runCtx context.Context, status int, err error, expect int) outcome {
	if err != nil {
		if runCtx.Err() != nil {
			return outcomeCancelled
		}
		if wire.IsTimeout(err) {
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
