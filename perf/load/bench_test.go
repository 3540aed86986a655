package load

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"syscall"
	"testing"
	"time"

	"github.com/m17/perfgate/perf/scenario"
)

// startSink builds and starts the sink server in its own process and
// returns its base URL.
func startSink(b *testing.B) string {
	b.Helper()
	bin := filepath.Join(b.TempDir(), "sink")
	if out, err := exec.Command("go", "build", "-o", bin, "./testdata/sink").CombinedOutput(); err != nil {
		b.Fatalf("build sink: %v\n%s", err, out)
	}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		b.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()

	cmd := exec.Command(bin, "-addr", addr)
	if err := cmd.Start(); err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() {
		cmd.Process.Kill()
		cmd.Wait()
	})
	url := "http://" + addr
	for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); time.Sleep(50 * time.Millisecond) {
		if resp, err := http.Get(url + "/health"); err == nil {
			resp.Body.Close()
			return url
		}
	}
	b.Fatal("sink did not start within 10 s")
	return ""
}

// cpuTimes returns this process's user and system CPU time.
func cpuTimes() (user, sys time.Duration) {
	var ru syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano()), time.Duration(ru.Stime.Nano())
}

// BenchmarkLoadGenerator1000 offers the default scenario (768-dim
// embeddings, 1000 ops/s) to a server in another process for 10 s a
// round, and reports the load generator's own CPU use in cores and the
// achieved send rate's deviation from the target, with the latency P99
// from intended and from actual send times. These are the figures
// recorded in docs/benchmarks.md. LOADGEN_BENCH_SECONDS and
// LOADGEN_BENCH_RATE change the round's length and the offered rate.
func BenchmarkLoadGenerator1000(b *testing.B) {
	sc, err := scenario.Load(filepath.Join("..", "..", "scenarios", "m17_baseline.toml"))
	if err != nil {
		b.Fatal(err)
	}
	if v := os.Getenv("LOADGEN_BENCH_RATE"); v != "" {
		if _, err := fmt.Sscan(v, &sc.Rate); err != nil || sc.Rate <= 0 {
			b.Fatalf("LOADGEN_BENCH_RATE=%q: want a positive number of requests a second", v)
		}
	}
	url := startSink(b)
	measure := 10 * time.Second
	if v := os.Getenv("LOADGEN_BENCH_SECONDS"); v != "" {
		fmt.Sscan(v, &measure)
		measure *= time.Second
	}

	// The phase runner gives the generator one processor at this rate.
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(1))

	b.ResetTimer()
	for range b.N {
		wall0 := time.Now()
		user0, sys0 := cpuTimes()
		rec, err := Run(context.Background(), Config{Scenario: sc, BaseURL: url, Measure: measure})
		if err != nil {
			b.Fatal(err)
		}
		wall := time.Since(wall0)
		user1, sys1 := cpuTimes()
		cores := float64(user1-user0+sys1-sys0) / float64(wall)
		b.ReportMetric(float64(sys1-sys0)/float64(wall), "sys-cores")
		deviation := 100 * (rec.Stats.SendRateOpsPerSec - sc.Rate) / sc.Rate
		b.ReportMetric(cores, "cores")
		b.ReportMetric(deviation, "send-rate-dev-%")
		// Latency counts from the intended send time and service time from
		// the actual send, so the gap between their P99s is the
		// generator's own lateness.
		b.ReportMetric(rec.Stats.P99Ms, "p99-ms")
		b.ReportMetric(rec.Stats.ServiceP99Ms, "service-p99-ms")
		if rec.Stats.Errors.Total() > 0 {
			b.Errorf("errors against the sink: %+v", rec.Stats.Errors)
		}
	}
}
