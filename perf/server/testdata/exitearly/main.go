// Command exitearly is a test server that fails at startup, as a server
// with a bad configuration does.
package main

import (
	"fmt"
	"os"
)

func main() {
	fmt.Println("starting exitearly")
	fmt.Fprintln(os.Stderr, "fatal: config file missing")
	os.Exit(3)
}
