// Command burn is a test child for the sampler: it keeps one core busy until
// -exit-after has passed.
package main

import (
	"flag"
	"fmt"
	"time"
)

func main() {
	exitAfter := flag.Duration("exit-after", time.Minute, "exit this long after start")
	flag.Parse()

	fmt.Println("ready")
	deadline := time.Now().Add(*exitAfter)
	var sum uint64
	for time.Now().Before(deadline) {
		for i := range uint64(1 << 16) {
			sum += i * i
		}
	}
	fmt.Println(sum)
}
