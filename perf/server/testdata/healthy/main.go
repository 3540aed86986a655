// Command healthy is a test server whose GET /health returns 200. Flags make
// it crash after a delay or exit with status 0 on SIGTERM.
package main

import (
	"flag"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/signal"
	"syscall"
	"time"
)

func main() {
	port := flag.Int("port", 0, "TCP port to listen on")
	crashAfter := flag.Duration("crash-after", 0, "exit with status 2 after this long (0 = never)")
	graceful := flag.Bool("graceful", false, "exit with status 0 on SIGTERM instead of dying by it")
	flag.Parse()

	listener, err := net.Listen("tcp", fmt.Sprintf("127.0.0.1:%d", *port))
	if err != nil {
		fmt.Fprintln(os.Stderr, "listen:", err)
		os.Exit(1)
	}
	fmt.Printf("healthy server listening on %s pid=%d\n", listener.Addr(), os.Getpid())

	if *crashAfter > 0 {
		time.AfterFunc(*crashAfter, func() {
			fmt.Fprintln(os.Stderr, "panic: simulated crash")
			os.Exit(2)
		})
	}
	if *graceful {
		signals := make(chan os.Signal, 1)
		signal.Notify(signals, syscall.SIGTERM)
		go func() {
			<-signals
			fmt.Println("shutting down")
			os.Exit(0)
		}()
	}

	http.HandleFunc("/health", func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprintf(w, `{"status":"ok","pid":%d}`, os.Getpid())
	})
	fmt.Fprintln(os.Stderr, http.Serve(listener, nil))
	os.Exit(1)
}
