package wire

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// countingServer is an httptest server that counts the connections it
// accepted.
type countingServer struct {
	*httptest.Server
	conns atomic.Int64
}

func newCountingServer(t *testing.T, handler http.HandlerFunc) *countingServer {
	t.Helper()
	s := &countingServer{}
	s.Server = httptest.NewUnstartedServer(handler)
	s.Config.ConnState = func(_ net.Conn, state http.ConnState) {
		if state == http.StateNew {
			s.conns.Add(1)
		}
	}
	s.Start()
	t.Cleanup(s.Close)
	return s
}

// newStallingServer returns a server whose handler holds each request until
// the test ends, or 5 s at most.
func newStallingServer(t *testing.T) *countingServer {
	t.Helper()
	release := make(chan struct{})
	srv := newCountingServer(t, func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-release:
		case <-time.After(5 * time.Second):
		}
	})
	t.Cleanup(func() { close(release) }) // runs before srv.Close, which waits for handlers
	return srv
}

func newClient(t *testing.T, baseURL string, opts Options) *Client {
	t.Helper()
	c, err := New(baseURL, opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(c.CloseIdleConnections)
	return c
}

func TestDoSendsRequest(t *testing.T) {
	type seen struct {
		method, path, host, contentType, body string
		contentLength                         int64
	}
	got := make(chan seen, 1)
	srv := newCountingServer(t, func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		got <- seen{r.Method, r.URL.Path, r.Host, r.Header.Get("Content-Type"), string(body), r.ContentLength}
		w.WriteHeader(http.StatusCreated)
	})
	c := newClient(t, srv.URL+"/api/", Options{})

	status, err := c.Do(context.Background(), "POST", "/episodes", []byte(`{"a":1}`), time.Second)
	if err != nil {
		t.Fatal(err)
	}
	if status != http.StatusCreated {
		t.Errorf("status = %d, want 201", status)
	}
	s := <-got
	want := seen{"POST", "/api/episodes", strings.TrimPrefix(srv.URL, "http://"), "application/json", `{"a":1}`, 7}
	if s != want {
		t.Errorf("server saw %+v, want %+v", s, want)
	}
}

func TestDoReusesConnection(t *testing.T) {
	srv := newCountingServer(t, func(w http.ResponseWriter, r *http.Request) {
		io.Copy(io.Discard, r.Body)
		fmt.Fprint(w, "ok")
	})
	c := newClient(t, srv.URL, Options{})

	for i := range 20 {
		body := []byte(strings.Repeat("x", i*1000))
		if status, err := c.Do(context.Background(), "POST", "/", body, time.Second); err != nil || status != 200 {
			t.Fatalf("request %d: status %d, error %v", i, status, err)
		}
	}
	if n := srv.conns.Load(); n != 1 {
		t.Errorf("server accepted %d connections for 20 sequential requests, want 1", n)
	}
}

func TestDoReadsChunkedResponse(t *testing.T) {
	srv := newCountingServer(t, func(w http.ResponseWriter, r *http.Request) {
		for range 5 {
			fmt.Fprint(w, strings.Repeat("y", 3000))
			w.(http.Flusher).Flush() // no Content-Length: the body is chunked
		}
	})
	c := newClient(t, srv.URL, Options{})

	doRequests(t, c, 3, "GET", nil, time.Second, http.StatusOK)
	if n := srv.conns.Load(); n != 1 {
		t.Errorf("server accepted %d connections, want 1: a chunked body should leave the connection reusable", n)
	}
}

func TestDoHonoursConnectionClose(t *testing.T) {
	srv := newCountingServer(t, func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Connection", "close")
	})
	c := newClient(t, srv.URL, Options{})

	doRequests(t, c, 3, "GET", nil, time.Second, http.StatusOK)
	if n := srv.conns.Load(); n != 3 {
		t.Errorf("server accepted %d connections, want 3 (one per request)", n)
	}
}

func TestDoDropsOversizeBody(t *testing.T) {
	srv := newCountingServer(t, func(w http.ResponseWriter, r *http.Request) {
		chunk := strings.Repeat("z", 64<<10)
		for range 2 * MaxResponseBytes / len(chunk) {
			if _, err := io.WriteString(w, chunk); err != nil {
				return
			}
		}
	})
	c := newClient(t, srv.URL, Options{})

	doRequests(t, c, 2, "GET", nil, 5*time.Second, http.StatusOK)
	if n := srv.conns.Load(); n != 2 {
		t.Errorf("server accepted %d connections, want 2: a body above the bound should close its connection", n)
	}
}

func TestDoHeadResponseHasNoBody(t *testing.T) {
	srv := newCountingServer(t, func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Length", "1000")
	})
	c := newClient(t, srv.URL, Options{})

	doRequests(t, c, 2, "HEAD", nil, time.Second, http.StatusOK)
	if n := srv.conns.Load(); n != 1 {
		t.Errorf("server accepted %d connections, want 1", n)
	}
}

func TestDoTimesOut(t *testing.T) {
	srv := newStallingServer(t)
	c := newClient(t, srv.URL, Options{})

	_, err := c.Do(context.Background(), "GET", "/", nil, 100*time.Millisecond)
	var netErr net.Error
	if !errors.As(err, &netErr) || !netErr.Timeout() {
		t.Errorf("error = %v, want a net.Error with Timeout() true", err)
	}
}

func TestDoStopsOnCancel(t *testing.T) {
	srv := newStallingServer(t)
	c := newClient(t, srv.URL, Options{})

	ctx, cancel := context.WithCancel(context.Background())
	time.AfterFunc(50*time.Millisecond, cancel)
	start := time.Now()
	_, err := c.Do(ctx, "GET", "/", nil, 10*time.Second)
	if err == nil {
		t.Fatal("Do returned no error after its context was cancelled")
	}
	if elapsed := time.Since(start); elapsed > 3*time.Second {
		t.Errorf("Do returned %v after the cancel, want at once", elapsed)
	}

	_, err = c.Do(ctx, "GET", "/", nil, time.Second)
	if !errors.Is(err, context.Canceled) {
		t.Errorf("Do on a cancelled context: error = %v, want context.Canceled", err)
	}
}

// TestDoRetriesClosedIdleConnection uses a server that serves one request
// per connection and then closes it without a Connection: close header, as
// a server does when a kept-alive connection reaches its idle timeout.
func TestDoRetriesClosedIdleConnection(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { l.Close() })
	var accepted atomic.Int64
	go func() {
		for {
			nc, err := l.Accept()
			if err != nil {
				return
			}
			accepted.Add(1)
			br := bufio.NewReader(nc)
			if req, err := http.ReadRequest(br); err == nil {
				io.Copy(io.Discard, req.Body)
				io.WriteString(nc, "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok")
			}
			nc.Close()
		}
	}()
	c := newClient(t, "http://"+l.Addr().String(), Options{})

	for i := range 3 {
		if status, err := c.Do(context.Background(), "POST", "/", []byte("{}"), time.Second); err != nil || status != 200 {
			t.Fatalf("request %d: status %d, error %v", i, status, err)
		}
		time.Sleep(20 * time.Millisecond) // let the close arrive
	}
	if n := accepted.Load(); n != 3 {
		t.Errorf("server accepted %d connections, want 3", n)
	}
}

func TestDoConnectionRefused(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	c := newClient(t, "http://"+addr, Options{})

	_, err = c.Do(context.Background(), "GET", "/", nil, time.Second)
	if err == nil {
		t.Fatal("Do to a closed port returned no error")
	}
	if IsTimeout(err) {
		t.Errorf("error = %v, want a connection error, not a timeout", err)
	}
}

func TestDoOverTLS(t *testing.T) {
	srv := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.Copy(io.Discard, r.Body)
		w.WriteHeader(http.StatusAccepted)
	}))
	t.Cleanup(srv.Close)
	tlsConfig := srv.Client().Transport.(*http.Transport).TLSClientConfig
	c := newClient(t, srv.URL, Options{TLSConfig: tlsConfig})

	doRequests(t, c, 2, "POST", []byte("{}"), 2*time.Second, http.StatusAccepted)
}

func TestDoConcurrent(t *testing.T) {
	srv := newCountingServer(t, func(w http.ResponseWriter, r *http.Request) {
		io.Copy(io.Discard, r.Body)
	})
	c := newClient(t, srv.URL, Options{MaxIdle: 4})

	var wg sync.WaitGroup
	var failures atomic.Int64
	for range 8 {
		wg.Go(func() {
			for range 50 {
				if status, err := c.Do(context.Background(), "POST", "/", []byte("{}"), 2*time.Second); err != nil || status != 200 {
					failures.Add(1)
				}
			}
		})
	}
	wg.Wait()
	if n := failures.Load(); n != 0 {
		t.Errorf("%d of 400 concurrent requests failed", n)
	}
	if n := srv.conns.Load(); n > 8+400/2 {
		t.Errorf("server accepted %d connections for 8 concurrent callers", n)
	}
}

func TestNewRejectsInvalidURL(t *testing.T) {
	for _, raw := range []string{"ftp://127.0.0.1:1", "http://", "127.0.0.1:7432", "http://127.0.0.1:1/?q=1"} {
		_, err := New(raw, Options{})
		if err == nil {
			t.Errorf("New(%q) returned no error", raw)
			continue
		}
		if !strings.Contains(err.Error(), raw) {
			t.Errorf("New(%q) error %q does not name the URL", raw, err)
		}
	}
}

// doRequests sends n requests one after another and fails the test on an
// error or a status other than wantStatus.
func doRequests(t *testing.T, c *Client, n int, method string, body []byte, timeout time.Duration, wantStatus int) {
	t.Helper()
	for i := range n {
		status, err := c.Do(context.Background(), method, "/", body, timeout)
		if err != nil {
			t.Fatalf("request %d: %v", i, err)
		}
		if status != wantStatus {
			t.Fatalf("request %d: status %d, want %d", i, status, wantStatus)
		}
	}
}
