// Command slowstop is a server that drains for a long time after SIGTERM,
// in place of the reference server. It serves the health check, the two operations of the
// fault tests' light scenario and request counts under /debug/vars, and
// exits 8 s after SIGTERM. The fault
// tests build it in place of the reference server, because the compiled
// magefile starts the reference server without fault flags.
package main

import (
	"expvar"
	"flag"
	"io"
	"log"
	"net"
	"net/http"
	"os"
	"os/signal"
	"syscall"
	"time"
)

// drainTime is how long the server takes to exit after SIGTERM: longer
// than the 5 s that mage waits for its targets after Ctrl-C.
const drainTime = 8 * time.Second

func main() {
	addr := flag.String("addr", "127.0.0.1:7432", "TCP address to listen on")
	flag.Parse()

	mux := http.NewServeMux()
	mux.HandleFunc("GET /health", respond(http.StatusOK))
	mux.HandleFunc("POST /api/v1/episodes", respond(http.StatusCreated))
	mux.HandleFunc("POST /api/v1/recall/episodic", respond(http.StatusOK))
	mux.Handle("GET /debug/vars", expvar.Handler())

	listener, err := net.Listen("tcp", *addr)
	if err != nil {
		log.Fatalf("listen on %s: %v", *addr, err)
	}
	terminate := make(chan os.Signal, 1)
	signal.Notify(terminate, syscall.SIGTERM)
	go func() {
		log.Fatal(http.Serve(listener, mux))
	}()
	log.Printf("slowstop listening on %s", listener.Addr())

	<-terminate
	log.Printf("SIGTERM received; draining for %s", drainTime)
	time.Sleep(drainTime)
	log.Print("drained; exiting")
}

// requests counts the API requests, as the reference server does.
var requests = expvar.NewMap("requests")

// respond returns a handler that reads the request body and responds with
// status and an empty JSON object.
func respond(status int) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		requests.Add("api", 1)
		_, _ = io.Copy(io.Discard, r.Body)
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(status)
		_, _ = io.WriteString(w, "{}\n")
	}
}
