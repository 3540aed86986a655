package verify

import (
	"context"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/m17/perfgate/perf/config"
	"github.com/m17/perfgate/perf/phase"
	"github.com/m17/perfgate/perf/result"
)

// tinyServer is a server with a health check and one endpoint; version 2
// responds after a short sleep, so the two commits differ.
const tinyServer = `package main

import (
	"flag"
	"net/http"
	"time"
)

var delay = %s

func main() {
	addr := flag.String("addr", "127.0.0.1:0", "listen address")
	flag.Parse()
	http.HandleFunc("/health", func(w http.ResponseWriter, r *http.Request) {})
	http.HandleFunc("/ping", func(w http.ResponseWriter, r *http.Request) { time.Sleep(delay) })
	http.ListenAndServe(*addr, nil)
}
`

func run(t *testing.T, dir string, args ...string) string {
	t.Helper()
	cmd := exec.Command(args[0], args[1:]...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "GIT_AUTHOR_NAME=t", "GIT_AUTHOR_EMAIL=t@example.com", "GIT_COMMITTER_NAME=t", "GIT_COMMITTER_EMAIL=t@example.com")
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("%s: %v\n%s", strings.Join(args, " "), err, out)
	}
	return strings.TrimSpace(string(out))
}

// tinyRepo makes a git repository with two commits of the tiny server and
// returns its folder and the two commits.
func tinyRepo(t *testing.T) (repo, first, second string) {
	t.Helper()
	repo = t.TempDir()
	run(t, repo, "git", "init", "-q")
	write := func(name, text string) {
		if err := os.WriteFile(filepath.Join(repo, name), []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("go.mod", "module tiny\n\ngo 1.22\n")
	write(".gitignore", "bin/\n")
	write("main.go", fmt.Sprintf(tinyServer, "time.Duration(0)"))
	run(t, repo, "git", "add", ".")
	run(t, repo, "git", "commit", "-qm", "first")
	first = run(t, repo, "git", "rev-parse", "HEAD")
	write("main.go", fmt.Sprintf(tinyServer, "2 * time.Millisecond"))
	run(t, repo, "git", "commit", "-qam", "second")
	second = run(t, repo, "git", "rev-parse", "HEAD")
	return repo, first, second
}

// writeRecorded writes a minimal result recording commit for task/phase.
func writeRecorded(t *testing.T, dir, task, phaseName, commit string, dirty bool) {
	t.Helper()
	stamp := time.Now().Format(result.TimestampLayout)
	r := result.Result{SchemaVersion: result.SchemaVersion, Task: task, Phase: phaseName, Timestamp: stamp, Complete: true}
	r.Provenance.GitCommit = commit
	r.Provenance.GitDirty = dirty
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := result.WriteJSON(filepath.Join(dir, result.Stem(task, phaseName, stamp)+".json"), r); err != nil {
		t.Fatal(err)
	}
}

func freePort(t *testing.T) int {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}

func tinyOptions(t *testing.T, repo, resultsDir string) phase.Options {
	t.Helper()
	port := freePort(t)
	cfg := config.Default()
	cfg.Server = config.Server{
		Name:       "tiny",
		BuildCmd:   []string{"go", "build", "-o", "bin/tiny", "."},
		Binary:     "bin/tiny",
		Args:       []string{"-addr", fmt.Sprintf("127.0.0.1:%d", port)},
		Env:        []string{"GOWORK=off", "GOFLAGS=-mod=mod"},
		Port:       port,
		HealthPath: "/health",
	}
	wd, _ := os.Getwd()
	cfg.Scenario = filepath.Join(wd, "testdata", "tiny.toml")
	cfg.ResultsDir = resultsDir
	return phase.Options{Config: cfg, Task: "t1", RepoDir: repo}
}

func worktreeCount(t *testing.T, repo string) int {
	t.Helper()
	return len(strings.Split(run(t, repo, "git", "worktree", "list"), "\n"))
}

func TestVerifyAlternatesTrialsAndRemovesWorktrees(t *testing.T) {
	repo, first, second := tinyRepo(t)
	results := filepath.Join(t.TempDir(), "results")
	writeRecorded(t, results, "t1", "before", first, false)
	writeRecorded(t, results, "t1", "after", second, false)

	outs, err := Run(context.Background(), tinyOptions(t, repo, results))
	if err != nil {
		t.Fatalf("Run: %v", err)
	}
	if len(outs) != 2 {
		t.Fatalf("got %d outcomes, want before and after", len(outs))
	}
	before, after := outs[0].Result, outs[1].Result
	if before.Provenance.GitCommit != first || after.Provenance.GitCommit != second {
		t.Errorf("commits = %.8s, %.8s; want %.8s, %.8s", before.Provenance.GitCommit, after.Provenance.GitCommit, first, second)
	}
	if before.Task != "t1.verify" || after.Task != "t1.verify" {
		t.Errorf("tasks = %q, %q; want t1.verify", before.Task, after.Task)
	}

	// Trials alternate: before 1, after 1, before 2, after 2.
	var order []time.Time
	for i := range before.Trials {
		order = append(order, before.Trials[i].StartTime, after.Trials[i].StartTime)
	}
	if len(order) != 4 {
		t.Fatalf("got %d trial starts, want 4", len(order))
	}
	for i := 1; i < len(order); i++ {
		if !order[i-1].Before(order[i]) {
			t.Errorf("trial start %d (%s) is not after start %d (%s): trials did not alternate", i, order[i].Format(time.StampMicro), i-1, order[i-1].Format(time.StampMicro))
		}
	}

	if n := worktreeCount(t, repo); n != 1 {
		t.Errorf("git worktree list has %d entries after Run, want only the main tree", n)
	}
}

func TestVerifyRejectsDirtyOrMissingCommit(t *testing.T) {
	repo, first, _ := tinyRepo(t)
	cases := []struct {
		name   string
		after  string
		dirty  bool
		expect string
	}{
		{"dirty after", first, true, "uncommitted changes"},
		{"unknown commit", "0123456789abcdef0123456789abcdef01234567", false, "is not in the repository"},
		{"no commit", "", false, "records no git commit"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			results := filepath.Join(t.TempDir(), "results")
			writeRecorded(t, results, "t1", "before", first, false)
			writeRecorded(t, results, "t1", "after", tc.after, tc.dirty)

			_, err := Run(context.Background(), tinyOptions(t, repo, results))
			if err == nil || !strings.Contains(err.Error(), tc.expect) {
				t.Fatalf("Run error = %v, want one containing %q", err, tc.expect)
			}
			if n := worktreeCount(t, repo); n != 1 {
				t.Errorf("git worktree list has %d entries, want only the main tree", n)
			}
		})
	}
}

func TestVerifyMissingResultNamesCommand(t *testing.T) {
	repo, first, _ := tinyRepo(t)
	results := filepath.Join(t.TempDir(), "results")
	writeRecorded(t, results, "t1", "before", first, false)

	_, err := Run(context.Background(), tinyOptions(t, repo, results))
	if err == nil || !strings.Contains(err.Error(), "perf:after t1") {
		t.Fatalf("Run error = %v, want one naming perf:after t1", err)
	}
}
