// Command alloc is a test child for the sampler: it allocates a known amount
// of memory and holds it.
//
// It prints "ready", waits for a line on stdin, allocates -mib MiB and writes
// one byte per 4 KiB page so that every page is resident, prints "allocated",
// then sleeps. It exits after -exit-after, so that a child left behind by a
// killed test does not run for long.
package main

import (
	"bufio"
	"flag"
	"fmt"
	"os"
	"runtime"
	"time"
)

const pageBytes = 4096

func main() {
	sizeMiB := flag.Int("mib", 200, "memory to allocate and touch, in MiB")
	exitAfter := flag.Duration("exit-after", time.Minute, "exit this long after start")
	waitForStdin := flag.Bool("wait", true, "wait for a line on stdin before allocating")
	flag.Parse()

	deadline := time.After(*exitAfter)

	fmt.Println("ready")
	if *waitForStdin {
		if _, err := bufio.NewReader(os.Stdin).ReadString('\n'); err != nil {
			fmt.Fprintln(os.Stderr, "alloc: read stdin:", err)
			os.Exit(1)
		}
	}

	buf := make([]byte, *sizeMiB<<20)
	for i := 0; i < len(buf); i += pageBytes {
		buf[i] = 1
	}
	fmt.Println("allocated")

	<-deadline
	runtime.KeepAlive(buf)
}
