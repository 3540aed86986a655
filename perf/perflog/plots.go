package perflog

import (
	"os"
	"path/filepath"
)

// plotKinds are the plot files a task may have in the results folder, as
// "<task>_<suffix>", in the order the log lists them.
var plotKinds = []struct{ suffix, title string }{
	{"spectrum.svg", "latency spectrum"},
	{"latency_over_time.svg", "latency over time"},
	{"throughput_over_time.svg", "throughput over time"},
}

// FindPlots returns the plot files of task that exist in resultsDir.
func FindPlots(resultsDir, task string) []Plot {
	var plots []Plot
	for _, kind := range plotKinds {
		path := filepath.Join(resultsDir, task+"_"+kind.suffix)
		if info, err := os.Stat(path); err == nil && info.Mode().IsRegular() {
			plots = append(plots, Plot{Title: kind.title, Path: path})
		}
	}
	return plots
}
