// Command sink is an HTTP server that reads each request and responds at
// once with the status a scenario expects, so a benchmark can measure the
// load generator's own cost in a separate process.
package main

import (
	"flag"
	"io"
	"log"
	"net/http"
	"strings"
)

func main() {
	addr := flag.String("addr", "127.0.0.1:0", "listen address")
	flag.Parse()
	http.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		io.Copy(io.Discard, r.Body)
		if r.Method == http.MethodPost && strings.HasSuffix(r.URL.Path, "/episodes") {
			w.WriteHeader(http.StatusCreated)
		}
	})
	log.Fatal(http.ListenAndServe(*addr, nil))
}
