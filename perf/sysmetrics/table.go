package sysmetrics

import (
	"bufio"
	"fmt"
	"io"

	"github.com/m17/perfgate/perf/result"
)

const mib = 1 << 20

// WriteTable writes the system metrics as the fixed-width text of the _sys.txt
// file: a summary header, then one row per sample. A dash marks a value that
// was not measured: the CPU percentage of a series' first sample, and the Go
// heap and GC count of a server without expvar.
func WriteTable(w io.Writer, m *result.SystemMetrics) error {
	bw := bufio.NewWriter(w)

	if m == nil || len(m.Samples) == 0 {
		fmt.Fprintln(bw, "Server process: no samples were taken, because the process could not be read.")
		return bw.Flush()
	}

	fmt.Fprintf(bw, "Server process, sampled every %.3g s\n", m.IntervalSec)
	fmt.Fprintf(bw, "  Peak RSS:    %10.1f MiB\n", float64(m.PeakRSSBytes)/mib)
	fmt.Fprintf(bw, "  Mean RSS:    %10.1f MiB\n", float64(m.MeanRSSBytes)/mib)
	fmt.Fprintf(bw, "  Mean CPU:    %10.1f %% (100 %% = one core)\n", m.MeanCPUPct)
	fmt.Fprintf(bw, "  CPU per op:  %10.1f µs\n", m.CPUSecPerOp*1e6)
	fmt.Fprintln(bw)

	fmt.Fprintf(bw, "%5s %8s %9s %7s %7s %6s %9s %6s\n",
		"trial", "t(s)", "RSS MiB", "CPU %", "threads", "fds", "heap MiB", "GCs")
	for _, s := range m.Samples {
		fmt.Fprintf(bw, "%5d %8.1f %9.1f %7s %7d %6d %9s %6s\n",
			s.Trial, s.OffsetSec, float64(s.RSSBytes)/mib, cpuCell(s),
			s.Threads, s.OpenFDs, heapCell(s), gcCell(s))
	}
	return bw.Flush()
}

func cpuCell(s result.SystemSample) string {
	if s.OffsetSec == 0 {
		return "-"
	}
	return fmt.Sprintf("%.1f", s.CPUPct)
}

// hasGoFigures reports whether the sample carries expvar figures. A Go
// process always has a non-zero HeapSys, so zero means none were fetched.
func hasGoFigures(s result.SystemSample) bool {
	return s.HeapSys != 0
}

func heapCell(s result.SystemSample) string {
	if !hasGoFigures(s) {
		return "-"
	}
	return fmt.Sprintf("%.1f", float64(s.HeapAlloc)/mib)
}

func gcCell(s result.SystemSample) string {
	if !hasGoFigures(s) {
		return "-"
	}
	return fmt.Sprintf("%d", s.NumGC)
}
