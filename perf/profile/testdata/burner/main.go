// Command burner spins in one named function until it is stopped, so a
// profiler test can look for that name. It exits by itself after 30
// seconds, so a failed test cannot leave it running.
package main

import (
	"fmt"
	"time"
)

//go:noinline
func burnCPUInBurner(until time.Time) uint64 {
	x := uint64(1)
	for time.Now().Before(until) {
		for i := 0; i < 100_000; i++ {
			x = x*6364136223846793005 + 1442695040888963407
		}
	}
	return x
}

func main() {
	fmt.Println(burnCPUInBurner(time.Now().Add(30 * time.Second)))
}
