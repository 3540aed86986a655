// Command spawnchild is a test server that starts a long sleep as a child
// process, which shares its output and process group, and prints the
// child's pid.
package main

import (
	"flag"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"time"
)

func main() {
	port := flag.Int("port", 0, "TCP port to listen on")
	crashAfter := flag.Duration("crash-after", 0, "exit with status 2 after this long, leaving the child running (0 = never)")
	flag.Parse()

	child := exec.Command("sleep", "300")
	child.Stdout = os.Stdout
	child.Stderr = os.Stderr
	if err := child.Start(); err != nil {
		fmt.Fprintln(os.Stderr, "start child:", err)
		os.Exit(1)
	}
	fmt.Printf("child pid=%d\n", child.Process.Pid)

	listener, err := net.Listen("tcp", fmt.Sprintf("127.0.0.1:%d", *port))
	if err != nil {
		fmt.Fprintln(os.Stderr, "listen:", err)
		os.Exit(1)
	}
	if *crashAfter > 0 {
		time.AfterFunc(*crashAfter, func() { os.Exit(2) })
	}

	http.HandleFunc("/health", func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprint(w, "ok")
	})
	fmt.Fprintln(os.Stderr, http.Serve(listener, nil))
	os.Exit(1)
}
