package faults

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"github.com/m17/perfgate/perf/internal/testlock"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/m17/perfgate/perf/config"
	"github.com/m17/perfgate/perf/result"
	"github.com/m17/perfgate/perf/workflow"
)

// tempRoot contains every file the tests write and every binary they
// build, so a process whose command line or working directory lies below
// it was started by these tests.
var tempRoot string

// leftoverGrace is how long TestMain waits for processes to exit before it
// reports them, because a server stopped at the end of the last test may
// still be shutting down.
const leftoverGrace = 5 * time.Second

func TestMain(m *testing.M) {
	root, err := os.MkdirTemp("", "perfgate-faults-")
	if err != nil {
		fmt.Fprintf(os.Stderr, "create the temporary folder: %v\n", err)
		os.Exit(1)
	}
	tempRoot = root

	code := testlock.Main(m.Run)

	left := waitLeftovers(leftoverGrace)
	if len(left) > 0 {
		fmt.Fprintf(os.Stderr, "FAIL: %d processes started by the fault tests are still running; killing them:\n", len(left))
		for _, p := range left {
			fmt.Fprintf(os.Stderr, "  %s\n", p)
			_ = syscall.Kill(p.pid, syscall.SIGKILL)
		}
		code = 1
	}
	os.RemoveAll(root)
	os.Exit(code)
}

// repoRoot returns the module root, two levels above this package.
func repoRoot(tb testing.TB) string {
	tb.Helper()
	dir, err := filepath.Abs(filepath.Join("..", ".."))
	if err != nil {
		tb.Fatalf("find the repository root: %v", err)
	}
	return dir
}

// testdataPath returns the absolute path of a file under testdata.
func testdataPath(tb testing.TB, name string) string {
	tb.Helper()
	path, err := filepath.Abs(filepath.Join("testdata", name))
	if err != nil {
		tb.Fatalf("find testdata/%s: %v", name, err)
	}
	return path
}

// tempDir returns a new folder below tempRoot that is removed when the
// test ends.
func tempDir(tb testing.TB, name string) string {
	tb.Helper()
	prefix := strings.NewReplacer("/", "_", " ", "_").Replace(tb.Name()) + "-" + name + "-"
	dir, err := os.MkdirTemp(tempRoot, prefix)
	if err != nil {
		tb.Fatalf("create a temporary folder: %v", err)
	}
	tb.Cleanup(func() { os.RemoveAll(dir) })
	return dir
}

var refserver struct {
	once   sync.Once
	binary string
	err    error
}

// refserverBinary builds the reference server once for all tests.
func refserverBinary(tb testing.TB) string {
	tb.Helper()
	refserver.once.Do(func() {
		refserver.binary = filepath.Join(tempRoot, "refserver")
		build := exec.Command("go", "build", "-o", refserver.binary, "./cmd/refserver")
		build.Dir = repoRoot(tb)
		if out, err := build.CombinedOutput(); err != nil {
			refserver.err = fmt.Errorf("build the reference server: %v\n%s", err, out)
		}
	})
	if refserver.err != nil {
		tb.Fatal(refserver.err)
	}
	return refserver.binary
}

func freePort(tb testing.TB) int {
	tb.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		tb.Fatalf("find a free port: %v", err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}

func loopbackAddr(port int) string {
	return net.JoinHostPort("127.0.0.1", strconv.Itoa(port))
}

// refConfig returns a configuration that measures the prebuilt reference
// server, started with extra flags on a free port, under the light test
// scenario, with its results in a new folder.
func refConfig(tb testing.TB, flags ...string) config.Config {
	tb.Helper()
	port := freePort(tb)
	cfg := config.Default()
	cfg.Server.BuildCmd = nil
	cfg.Server.Binary = refserverBinary(tb)
	cfg.Server.Args = append([]string{"-addr", loopbackAddr(port)}, flags...)
	cfg.Server.Port = port
	cfg.Server.HealthTimeout = 5 * time.Second
	cfg.Server.StopTimeout = 2 * time.Second
	cfg.Scenario = testdataPath(tb, "light.toml")
	cfg.ResultsDir = tempDir(tb, "results")
	return cfg
}

// syncBuffer is a bytes.Buffer that the progress printer and the phase
// may write to at once.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// measurement is what one call of workflow.Measure returned.
type measurement struct {
	err     error
	status  int
	output  string
	elapsed time.Duration
}

// measure runs one phase in this process, as perf:before or perf:after
// does, and fails the test if it panics.
func measure(tb testing.TB, ctx context.Context, cfg config.Config, task, phase string) measurement {
	tb.Helper()
	var out syncBuffer
	env := workflow.Env{Config: cfg, RepoDir: repoRoot(tb), Stdout: &out, Stderr: &out}

	started := time.Now()
	err := callNoPanic(tb, func() error { return workflow.Measure(ctx, env, task, phase) })
	return measurement{err: err, status: exitStatus(err), output: out.String(), elapsed: time.Since(started)}
}

// callNoPanic calls f and fails the test when f panics.
func callNoPanic(tb testing.TB, f func() error) (err error) {
	tb.Helper()
	defer func() {
		if v := recover(); v != nil {
			tb.Fatalf("panic: %v", v)
		}
	}()
	return f()
}

// exitStatus returns the status a Mage target would exit with.
func exitStatus(err error) int {
	if err == nil {
		return 0
	}
	var e *workflow.ExitError
	if errors.As(err, &e) {
		return e.Code
	}
	return -1
}

// newestResult reads the newest result of task and phase in dir.
func newestResult(tb testing.TB, dir, task, phase string) *result.Result {
	tb.Helper()
	path, err := result.Latest(dir, task, phase)
	if err != nil {
		tb.Fatalf("find the %s result: %v", phase, err)
	}
	r, err := result.Read(path)
	if err != nil {
		tb.Fatalf("read the %s result: %v", phase, err)
	}
	return r
}

// jsonFiles lists the files in dir whose name ends in .json, and the
// temporary files of an unfinished atomic write.
func jsonFiles(tb testing.TB, dir string) (final, temporary []string) {
	tb.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		tb.Fatalf("list %s: %v", dir, err)
	}
	for _, e := range entries {
		switch {
		case strings.Contains(e.Name(), ".tmp-"):
			temporary = append(temporary, e.Name())
		case strings.HasSuffix(e.Name(), ".json"):
			final = append(final, e.Name())
		}
	}
	return final, temporary
}

// trackedPids are the processes the tests started directly. TestMain
// checks that none of them still runs.
var trackedPids struct {
	sync.Mutex
	pids []int
}

func trackPid(pid int) {
	trackedPids.Lock()
	trackedPids.pids = append(trackedPids.pids, pid)
	trackedPids.Unlock()
}

// startTracked starts cmd in its own process group, records its pid and
// kills the group when the test ends.
func startTracked(tb testing.TB, cmd *exec.Cmd) {
	tb.Helper()
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	if err := cmd.Start(); err != nil {
		tb.Fatalf("start %s: %v", cmd.Path, err)
	}
	pid := cmd.Process.Pid
	trackPid(pid)
	waited := make(chan struct{})
	go func() {
		_ = cmd.Wait()
		close(waited)
	}()
	tb.Cleanup(func() {
		_ = syscall.Kill(-pid, syscall.SIGKILL)
		<-waited
	})
}

// procInfo is one entry of /proc.
type procInfo struct {
	pid, ppid int
	state     string
	cmdline   string
	cwd       string
}

func (p procInfo) String() string {
	return fmt.Sprintf("pid %d (ppid %d, state %s, cwd %s): %s", p.pid, p.ppid, p.state, p.cwd, p.cmdline)
}

// running reports whether p counts as a live process. A zombie whose
// parent is pid 1 has exited and waits for init to reap it, which some
// container inits never do.
func (p procInfo) running() bool {
	return !(p.state == "Z" && p.ppid == 1)
}

// readProc reads one process from /proc. ok is false when it has gone.
func readProc(pid int) (procInfo, bool) {
	dir := "/proc/" + strconv.Itoa(pid)
	stat, err := os.ReadFile(dir + "/stat")
	if err != nil {
		return procInfo{}, false
	}
	// The command name in parentheses may contain spaces, so the fields
	// are counted from the last ')'.
	fields := strings.Fields(string(stat[bytes.LastIndexByte(stat, ')')+1:]))
	if len(fields) < 2 {
		return procInfo{}, false
	}
	p := procInfo{pid: pid, state: fields[0]}
	p.ppid, _ = strconv.Atoi(fields[1])
	cmdline, _ := os.ReadFile(dir + "/cmdline")
	p.cmdline = strings.TrimSpace(strings.ReplaceAll(string(cmdline), "\x00", " "))
	p.cwd, _ = os.Readlink(dir + "/cwd")
	return p, true
}

// listProcs returns every process but this one.
func listProcs() []procInfo {
	entries, _ := os.ReadDir("/proc")
	var procs []procInfo
	for _, e := range entries {
		pid, err := strconv.Atoi(e.Name())
		if err != nil || pid == os.Getpid() {
			continue
		}
		if p, ok := readProc(pid); ok {
			procs = append(procs, p)
		}
	}
	return procs
}

// leftovers returns the running processes that these tests started: the
// tracked ones and those whose command line or working directory lies
// below tempRoot.
func leftovers() []procInfo {
	trackedPids.Lock()
	tracked := make(map[int]bool, len(trackedPids.pids))
	for _, pid := range trackedPids.pids {
		tracked[pid] = true
	}
	trackedPids.Unlock()

	var left []procInfo
	for _, p := range listProcs() {
		ours := tracked[p.pid] || strings.Contains(p.cmdline, tempRoot) || strings.HasPrefix(p.cwd, tempRoot)
		if ours && p.running() {
			left = append(left, p)
		}
	}
	return left
}

// waitLeftovers returns the leftovers that remain after grace.
func waitLeftovers(grace time.Duration) []procInfo {
	deadline := time.Now().Add(grace)
	for {
		left := leftovers()
		if len(left) == 0 || time.Now().After(deadline) {
			return left
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// serverPids returns the running processes whose command line contains
// the loopback address of port: the servers of one test, because each
// test uses its own port.
func serverPids(port int) []int {
	addr := loopbackAddr(port)
	var pids []int
	for _, p := range listProcs() {
		if strings.Contains(p.cmdline, addr) && p.running() && p.state != "Z" {
			pids = append(pids, p.pid)
		}
	}
	return pids
}

// processRunning reports whether pid is alive and not a zombie.
func processRunning(pid int) bool {
	p, ok := readProc(pid)
	return ok && p.state != "Z"
}

// assertServersGone fails the test when a server on port still runs
// after timeout.
func assertServersGone(tb testing.TB, port int, timeout time.Duration) {
	tb.Helper()
	deadline := time.Now().Add(timeout)
	for {
		pids := serverPids(port)
		if len(pids) == 0 {
			return
		}
		if time.Now().After(deadline) {
			tb.Errorf("server processes %v on port %d still run %s after the phase returned", pids, port, timeout)
			return
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// netDial opens a TCP connection to port on loopback.
func netDial(port int) (net.Conn, error) {
	return net.DialTimeout("tcp", loopbackAddr(port), time.Second)
}
