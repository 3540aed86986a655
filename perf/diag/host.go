// Package diag gathers host facts around a run (load average, CPU frequency
// governor) and writes the _diag.txt file that explains a failed or odd run.
package diag

import (
	"fmt"
	"math"
	"os"
	"strconv"
	"strings"

	"github.com/m17/perfgate/perf/result"
)

// Paths of the Linux files the host facts come from.
const (
	loadAvgPath  = "/proc/loadavg"
	governorPath = "/sys/devices/system/cpu/cpu0/cpufreq/scaling_governor"
)

// LoadAvg returns the host's 1-minute load average from /proc/loadavg.
func LoadAvg() (float64, error) {
	return readLoadAvg(loadAvgPath)
}

func readLoadAvg(path string) (float64, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return 0, fmt.Errorf("read load average: %w; %s exists only on Linux", err, path)
	}

	load, err := parseLoadAvg(string(data))
	if err != nil {
		return 0, fmt.Errorf("%s: %w", path, err)
	}
	return load, nil
}

// parseLoadAvg returns the first field of a /proc/loadavg line such as
// "0.52 0.61 0.40 2/345 6789", the 1-minute load average.
func parseLoadAvg(text string) (float64, error) {
	fields := strings.Fields(text)
	if len(fields) == 0 {
		return 0, fmt.Errorf("load average line is empty, want a line such as %q", "0.52 0.61 0.40 2/345 6789")
	}

	load, err := strconv.ParseFloat(fields[0], 64)
	if err != nil {
		return 0, fmt.Errorf("parse 1-minute load average %q: %w", fields[0], err)
	}
	if load < 0 || math.IsNaN(load) || math.IsInf(load, 0) {
		return 0, fmt.Errorf("1-minute load average %q is invalid, want a finite number of at least 0", fields[0])
	}
	return load, nil
}

// CPUGovernor returns the CPU frequency governor of cpu0, such as
// "performance" or "powersave". It returns "" when the file cannot be read,
// for example when the kernel has no cpufreq driver for the CPU.
func CPUGovernor() string {
	return readGovernor(governorPath)
}

func readGovernor(path string) string {
	data, err := os.ReadFile(path)
	if err != nil {
		return ""
	}
	return strings.TrimSpace(string(data))
}

// Busy reports whether the load average exceeds the core count. Then tasks
// were waiting for a core (or, on Linux, for I/O), so timings were likely
// inflated. It returns false when cores is unknown (0 or less).
func Busy(loadAvg float64, cores int) bool {
	return cores > 0 && loadAvg > float64(cores)
}

// HostWarnings returns one warning per phase whose host was busy before or
// after its run, judged by the higher of the two load averages. A nil side is
// skipped.
//
// NOTE: the load average after a run still contains the run itself, because
// the 1-minute average decays over about a minute. A run that kept the cores
// busy can therefore warn about its own load.
func HostWarnings(before, after *result.Diagnostics, cores int) []string {
	phases := []struct {
		name string
		diag *result.Diagnostics
	}{
		{result.PhaseBefore, before},
		{result.PhaseAfter, after},
	}

	var warnings []string
	for _, phase := range phases {
		if phase.diag == nil {
			continue
		}

		load := max(phase.diag.LoadAvgBefore, phase.diag.LoadAvgAfter)
		if Busy(load, cores) {
			warnings = append(warnings, fmt.Sprintf(
				"the %s run's host was busy (load average %.1f on %s); rerun when the machine is idle",
				phase.name, load, coreCount(cores)))
		}
	}
	return warnings
}

func coreCount(cores int) string {
	if cores == 1 {
		return "1 core"
	}
	return fmt.Sprintf("%d cores", cores)
}
