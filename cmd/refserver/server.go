package main

import (
	"bytes"
	"encoding/json"
	"expvar"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/pprof"
	"sync"
	"sync/atomic"
	"time"
)

// serverConfig is the validated configuration that the flags produce.
type serverConfig struct {
	Store        storeConfig
	Concepts     int  // maximum number of concepts with dual memory
	DualMemory   bool // serve semantic and blended recall instead of 501
	MaxBodyBytes int64

	// Knobs for testing the harness against a slow or faulty server.
	Delay        time.Duration // added to every /api/ request
	Spin         time.Duration // CPU time burnt in every /api/ request
	NeverHealthy bool          // /health responds 503
	HangAfter    time.Duration // /api/ requests block after this uptime; 0 disables
}

// endpoint names, used as expvar request counter keys.
const (
	endpointHealth         = "health"
	endpointStore          = "store"
	endpointGet            = "get"
	endpointRecallEpisodic = "recall_episodic"
	endpointRecallSemantic = "recall_semantic"
	endpointRecallBlended  = "recall_blended"
)

// server serves the HTTP API over one store and, with dual memory, one
// concept set.
type server struct {
	cfg      serverConfig
	log      *slog.Logger
	store    *store
	concepts *conceptSet // nil without dual memory
	started  time.Time

	// stopping is closed when shutdown begins, which releases requests
	// held by -hang-after so that shutdown does not wait for them.
	stopping chan struct{}
	stopOnce sync.Once

	requests map[string]*atomic.Int64 // by endpoint name, fixed after newServer
	rejected atomic.Int64             // responses sent by writeError
	bodies   sync.Pool                // *bytes.Buffer

	lastRejectionLog   atomic.Int64 // Unix nanoseconds
	unloggedRejections atomic.Int64
}

func newServer(cfg serverConfig, log *slog.Logger) *server {
	s := &server{
		cfg:      cfg,
		log:      log,
		store:    newStore(cfg.Store),
		started:  time.Now(),
		stopping: make(chan struct{}),
		requests: make(map[string]*atomic.Int64),
	}
	if cfg.DualMemory {
		s.concepts = newConceptSet(cfg.Store.Dim, cfg.Concepts)
	}
	for _, name := range []string{
		endpointHealth, endpointStore, endpointGet,
		endpointRecallEpisodic, endpointRecallSemantic, endpointRecallBlended,
	} {
		s.requests[name] = new(atomic.Int64)
	}
	s.bodies.New = func() any { return new(bytes.Buffer) }

	return s
}

// handler returns the routes of the API, pprof and expvar.
func (s *server) handler() http.Handler {
	mux := http.NewServeMux()

	mux.HandleFunc("GET /health", s.handleHealth)
	mux.Handle("POST /api/v1/episodes", s.api(endpointStore, s.handleStore))
	mux.Handle("GET /api/v1/episodes/{id}", s.api(endpointGet, s.handleGet))
	mux.Handle("POST /api/v1/recall/episodic", s.api(endpointRecallEpisodic, s.handleRecallEpisodic))
	mux.Handle("POST /api/v1/recall/semantic", s.api(endpointRecallSemantic, s.handleRecallSemantic))
	mux.Handle("POST /api/v1/recall/blended", s.api(endpointRecallBlended, s.handleRecallBlended))

	mux.HandleFunc("/debug/pprof/", pprof.Index)
	mux.HandleFunc("/debug/pprof/cmdline", pprof.Cmdline)
	mux.HandleFunc("/debug/pprof/profile", pprof.Profile)
	mux.HandleFunc("/debug/pprof/symbol", pprof.Symbol)
	mux.HandleFunc("/debug/pprof/trace", pprof.Trace)
	mux.Handle("GET /debug/vars", expvar.Handler())

	return mux
}

// stop releases requests held by -hang-after. It is safe to call twice.
func (s *server) stop() {
	s.stopOnce.Do(func() { close(s.stopping) })
}

var publishOnce sync.Once

// publishExpvars publishes the request counters, episode count,
// working-set size and concept count of s under /debug/vars. expvar names are global to the
// process, so only the first server passed here is published and later
// calls do nothing.
func publishExpvars(s *server) {
	publishOnce.Do(func() {
		expvar.Publish("requests", expvar.Func(func() any {
			counts := make(map[string]int64, len(s.requests))
			for name, n := range s.requests {
				counts[name] = n.Load()
			}
			return counts
		}))
		expvar.Publish("requests_rejected", expvar.Func(func() any { return s.rejected.Load() }))
		expvar.Publish("episodes", expvar.Func(func() any { return s.store.len() }))
		expvar.Publish("working_set", expvar.Func(func() any { return s.store.workingSetLen() }))
		expvar.Publish("concepts", expvar.Func(func() any {
			if s.concepts == nil {
				return 0
			}
			return s.concepts.len()
		}))
	})
}

type healthResponse struct {
	Status     string  `json:"status"`
	Episodes   int     `json:"episodes"`
	WorkingSet int     `json:"working_set"`
	DualMemory bool    `json:"dual_memory"`
	UptimeSec  float64 `json:"uptime_sec"`
}

func (s *server) handleHealth(w http.ResponseWriter, r *http.Request) {
	s.requests[endpointHealth].Add(1)

	resp := healthResponse{
		Status:     "ok",
		Episodes:   s.store.len(),
		WorkingSet: s.store.workingSetLen(),
		DualMemory: s.cfg.DualMemory,
		UptimeSec:  time.Since(s.started).Seconds(),
	}
	status := http.StatusOK
	if s.cfg.NeverHealthy {
		resp.Status = "unhealthy"
		status = http.StatusServiceUnavailable
	}

	s.writeJSON(w, status, resp)
}

type errorResponse struct {
	Error string `json:"error"`
}

// writeError sends err as a JSON error response and logs it. Invalid
// requests can arrive at the full request rate, so at most one is logged per
// second, with the number of rejections not logged since. 501 from a
// disabled endpoint is expected in normal use and is not logged.
func (s *server) writeError(w http.ResponseWriter, r *http.Request, status int, err error) {
	s.rejected.Add(1)
	if status != http.StatusNotImplemented {
		s.logRejection(r, status, err)
	}

	s.writeJSON(w, status, errorResponse{Error: err.Error()})
}

func (s *server) logRejection(r *http.Request, status int, err error) {
	now := time.Now().UnixNano()
	last := s.lastRejectionLog.Load()
	if now-last < int64(time.Second) || !s.lastRejectionLog.CompareAndSwap(last, now) {
		s.unloggedRejections.Add(1)
		return
	}

	s.log.Warn("request rejected",
		"method", r.Method,
		"path", r.URL.Path,
		"status", status,
		"err", err,
		"unlogged_since_last", s.unloggedRejections.Swap(0),
	)
}

// writeJSON sends v as the response body. An encoding failure is a bug in
// a response type, so it is logged and the client gets a 500.
func (s *server) writeJSON(w http.ResponseWriter, status int, v any) {
	body, err := json.Marshal(v)
	if err != nil {
		s.log.Error("encode response failed", "type", fmt.Sprintf("%T", v), "err", err)
		http.Error(w, `{"error":"internal error: response encoding failed"}`, http.StatusInternalServerError)
		return
	}

	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_, _ = w.Write(append(body, '\n'))
}
