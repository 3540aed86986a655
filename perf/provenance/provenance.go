// Package provenance reads the facts a result records about where it was
// measured: the git commit and whether the tree was dirty, and the host's
// CPU, cores, kernel and Go version. Compare uses them to refuse or warn
// about unfair comparisons.
package provenance

import (
	"bufio"
	"context"
	"os"
	"os/exec"
	"runtime"
	"strings"
	"time"

	"github.com/m17/perfgate/perf/result"
)

// gitTimeout bounds each git command, so a broken repository cannot stall
// a run.
const gitTimeout = 10 * time.Second

// Git returns the commit checked out in dir and whether the tree has
// uncommitted changes to tracked files. Outside a git repository the commit
// is empty and dirty is false.
func Git(dir string) (commit string, dirty bool) {
	out, err := git(dir, "rev-parse", "HEAD")
	if err != nil {
		return "", false
	}
	commit = strings.TrimSpace(out)

	status, err := git(dir, "status", "--porcelain", "--untracked-files=no")
	if err == nil && strings.TrimSpace(status) != "" {
		dirty = true
	}
	return commit, dirty
}

func git(dir string, args ...string) (string, error) {
	ctx, cancel := context.WithTimeout(context.Background(), gitTimeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, "git", args...)
	cmd.Dir = dir
	out, err := cmd.Output()
	return string(out), err
}

// Host describes this machine. Go version is the toolchain that runs the
// harness, which by default also builds the server.
func Host() result.Host {
	h := result.Host{
		CPUModel:  cpuModel(),
		Cores:     runtime.NumCPU(),
		Kernel:    kernel(),
		OS:        runtime.GOOS,
		Arch:      runtime.GOARCH,
		GoVersion: runtime.Version(),
	}
	h.Hostname, _ = os.Hostname()
	return h
}

func cpuModel() string {
	f, err := os.Open("/proc/cpuinfo")
	if err != nil {
		return ""
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		key, value, ok := strings.Cut(sc.Text(), ":")
		if ok && strings.TrimSpace(key) == "model name" {
			return strings.TrimSpace(value)
		}
	}
	return ""
}

func kernel() string {
	data, err := os.ReadFile("/proc/sys/kernel/osrelease")
	if err != nil {
		return ""
	}
	return strings.TrimSpace(string(data))
}
