// Package wire is the load generator's HTTP/1.1 client.
//
// The generator shares a small machine with the server under test, so its
// own CPU use is part of the measurement's noise. net/http's Transport runs
// two goroutines per connection and does its socket reads and writes as
// ordinary system calls. On Linux each such call wakes the runtime's sysmon
// thread when the process was idle, which it is between requests at a fixed
// rate: at 1000 requests a second that thread alone took about 0.05 of a
// core. This client writes each request with one write, reads the response
// on the calling goroutine and leaves the waiting to the runtime's network
// poller through syscall.RawConn. On Linux the reads and writes on the
// non-blocking socket are raw system calls, which do not wake sysmon.
// docs/benchmarks.md has the measured figures.
//
// It covers what a load test needs:
//   - keep-alive connections, reused newest first so that a fast server is
//     served by a few warm ones;
//   - request bodies with a Content-Length;
//   - responses parsed by net/http.ReadResponse, so chunked and
//     close-delimited bodies work;
//   - one retry of a request whose kept-alive connection the server had
//     closed, as net/http does;
//   - https through crypto/tls, with ordinary reads and writes.
package wire

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"time"
)

// MaxResponseBytes bounds how much of a response body is read. A load test
// needs only the status, but reading the body lets the connection be
// reused. A longer body closes the connection instead.
const MaxResponseBytes = 1 << 20

// Options tunes a Client. The zero value suits a plain-http server.
type Options struct {
	// MaxIdle is how many idle connections are kept for reuse (default
	// 64). A caller bounds the connections in use by bounding its
	// concurrent requests.
	MaxIdle int
	// DialTimeout bounds each connection attempt (default 2 s).
	DialTimeout time.Duration
	// TLSConfig is used for https URLs. When nil, the system's root
	// certificates verify the server.
	TLSConfig *tls.Config
}

// Client sends requests to one server. It is safe for concurrent use.
type Client struct {
	url    string
	addr   string // host:port to dial
	host   string // Host header
	prefix string // path of the base URL, without a trailing slash
	tls    *tls.Config
	dialer net.Dialer
	max    int

	mu   sync.Mutex
	idle []*conn // newest last
}

// New returns a client for the server at baseURL, such as
// http://127.0.0.1:7432. A path in baseURL prefixes every request path.
func New(baseURL string, opts Options) (*Client, error) {
	u, err := url.Parse(baseURL)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, fmt.Errorf("invalid server URL %q: use http://host:port or https://host:port", baseURL)
	}
	if u.RawQuery != "" || u.Fragment != "" {
		return nil, fmt.Errorf("invalid server URL %q: remove the query or fragment; request paths come from the scenario", baseURL)
	}

	c := &Client{
		url:    baseURL,
		host:   u.Host,
		prefix: strings.TrimSuffix(u.EscapedPath(), "/"),
		max:    opts.MaxIdle,
		dialer: net.Dialer{Timeout: opts.DialTimeout, KeepAlive: 30 * time.Second},
	}
	if c.max <= 0 {
		c.max = 64
	}
	if c.dialer.Timeout <= 0 {
		c.dialer.Timeout = 2 * time.Second
	}

	port := u.Port()
	if port == "" {
		port = "80"
	}
	if u.Scheme == "https" {
		c.tls = &tls.Config{}
		if opts.TLSConfig != nil {
			c.tls = opts.TLSConfig.Clone()
		}
		if c.tls.ServerName == "" {
			c.tls.ServerName = u.Hostname()
		}
		if u.Port() == "" {
			port = "443"
		}
	}
	c.addr = net.JoinHostPort(u.Hostname(), port)
	return c, nil
}

// URL returns the base URL the client was made for.
func (c *Client) URL() string { return c.url }

// Do sends one request and returns the response status. A non-nil body is
// sent as application/json. The response body is read and dropped.
// timeout bounds the whole exchange, connecting included, and cancelling
// ctx stops it at once. A timeout error satisfies net.Error with Timeout()
// true.
func (c *Client) Do(ctx context.Context, method, path string, body []byte, timeout time.Duration) (int, error) {
	if err := ctx.Err(); err != nil {
		return 0, err
	}
	deadline := time.Now().Add(timeout)

	for attempt := 0; ; attempt++ {
		cn, reused, err := c.get(ctx, deadline)
		if err != nil {
			return 0, err
		}

		status, keep, err := c.exchange(ctx, cn, method, path, body, deadline)
		if err == nil {
			c.put(cn, keep)
			return status, nil
		}
		cn.close()

		// A server may close a kept-alive connection while it sits idle.
		// The request then fails before any byte of a response arrives,
		// and is sent once more on a new connection.
		if reused && attempt == 0 && cn.got == 0 && ctx.Err() == nil && !IsTimeout(err) {
			continue
		}
		return 0, err
	}
}

// exchange writes one request on cn and reads its response. keep reports
// whether cn can carry another request.
func (c *Client) exchange(ctx context.Context, cn *conn, method, path string, body []byte, deadline time.Time) (status int, keep bool, err error) {
	if err := cn.nc.SetDeadline(deadline); err != nil {
		return 0, false, err
	}
	if ctx.Done() != nil {
		// Cancelling ctx moves the deadline into the past, which ends a
		// blocked read or write. A connection that saw it is not reused.
		stop := context.AfterFunc(ctx, func() { cn.nc.SetDeadline(time.Unix(1, 0)) })
		defer func() {
			if !stop() {
				keep = false
			}
		}()
	}

	cn.buf = c.appendRequest(cn.buf[:0], method, path, body)
	cn.got = 0
	if err := cn.write(cn.buf); err != nil {
		return 0, false, fmt.Errorf("write request failed: %w", err)
	}

	var req *http.Request
	if method == http.MethodHead {
		req = headRequest // a response to HEAD has no body, even with a Content-Length
	}
	resp, err := http.ReadResponse(cn.r, req)
	if err != nil {
		return 0, false, fmt.Errorf("read response failed: %w", err)
	}

	// Reading one byte past the bound distinguishes a body of exactly
	// MaxResponseBytes from a longer one.
	n, err := io.Copy(io.Discard, io.LimitReader(resp.Body, MaxResponseBytes+1))
	if err != nil {
		return 0, false, fmt.Errorf("read response body failed: %w", err)
	}
	if n > MaxResponseBytes {
		// Closing the body would read the rest of it, however long.
		return resp.StatusCode, false, nil
	}
	resp.Body.Close()
	return resp.StatusCode, !resp.Close, nil
}

var headRequest = &http.Request{Method: http.MethodHead}

// appendRequest appends the request line, headers and body to b.
func (c *Client) appendRequest(b []byte, method, path string, body []byte) []byte {
	b = append(b, method...)
	b = append(b, ' ')
	b = append(b, c.prefix...)
	b = append(b, path...)
	b = append(b, " HTTP/1.1\r\nHost: "...)
	b = append(b, c.host...)
	b = append(b, "\r\nUser-Agent: perfgate\r\n"...)
	if body != nil {
		b = append(b, "Content-Type: application/json\r\n"...)
	}
	if body != nil || method == http.MethodPost || method == http.MethodPut || method == http.MethodPatch {
		b = append(b, "Content-Length: "...)
		b = strconv.AppendInt(b, int64(len(body)), 10)
		b = append(b, "\r\n"...)
	}
	b = append(b, "\r\n"...)
	return append(b, body...)
}

// get returns the newest idle connection, or dials a new one. reused
// reports which.
func (c *Client) get(ctx context.Context, deadline time.Time) (cn *conn, reused bool, err error) {
	c.mu.Lock()
	if n := len(c.idle); n > 0 {
		cn = c.idle[n-1]
		c.idle[n-1] = nil
		c.idle = c.idle[:n-1]
		c.mu.Unlock()
		return cn, true, nil
	}
	c.mu.Unlock()

	cn, err = c.dial(ctx, deadline)
	return cn, false, err
}

// put keeps cn for reuse when keep is set and the idle list has room, and
// closes it otherwise.
func (c *Client) put(cn *conn, keep bool) {
	if keep {
		c.mu.Lock()
		if len(c.idle) < c.max {
			c.idle = append(c.idle, cn)
			c.mu.Unlock()
			return
		}
		c.mu.Unlock()
	}
	cn.close()
}

// CloseIdleConnections closes the connections not carrying a request. A
// server's graceful shutdown would otherwise wait for them.
func (c *Client) CloseIdleConnections() {
	c.mu.Lock()
	idle := c.idle
	c.idle = nil
	c.mu.Unlock()

	for _, cn := range idle {
		cn.close()
	}
}

// IsTimeout reports whether an error from Do means that a deadline passed:
// the request's timeout, the dial timeout or a deadline of its context.
func IsTimeout(err error) bool {
	var netErr net.Error
	return errors.Is(err, context.DeadlineExceeded) || (errors.As(err, &netErr) && netErr.Timeout())
}
