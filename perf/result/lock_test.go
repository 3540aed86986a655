package result

import (
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// livePID starts a process that outlives the test's lock checks and
// returns its pid; Cleanup stops it.
func livePID(t *testing.T) int {
	t.Helper()

	cmd := exec.Command("sleep", "30")
	if err := cmd.Start(); err != nil {
		t.Fatalf("start sleep: %v", err)
	}
	t.Cleanup(func() {
		cmd.Process.Kill()
		cmd.Wait()
	})
	return cmd.Process.Pid
}

// deadPID returns the pid of a process that has exited and been reaped.
func deadPID(t *testing.T) int {
	t.Helper()

	cmd := exec.Command("true")
	if err := cmd.Run(); err != nil {
		t.Fatalf("run true: %v", err)
	}
	return cmd.ProcessState.Pid()
}

func writeLockFile(t *testing.T, dir, content string) string {
	t.Helper()

	path := filepath.Join(dir, LockName)
	if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
		t.Fatalf("write lock file: %v", err)
	}
	return path
}

func readLockFile(t *testing.T, path string) string {
	t.Helper()

	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("read lock file: %v", err)
	}
	return strings.TrimSpace(string(data))
}

func TestAcquireLockCreatesFolderAndFile(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "results", "m17")

	lock, err := AcquireLock(dir)

	if err != nil {
		t.Fatalf("AcquireLock in a new folder: %v", err)
	}
	t.Cleanup(lock.Release)
	path := filepath.Join(dir, LockName)
	if got, want := readLockFile(t, path), strconv.Itoa(os.Getpid()); got != want {
		t.Errorf("lock file holds %q, want this process's pid %s", got, want)
	}
}

func TestAcquireLockTwiceFails(t *testing.T) {
	dir := t.TempDir()
	first, err := AcquireLock(dir)
	if err != nil {
		t.Fatalf("first AcquireLock: %v", err)
	}
	t.Cleanup(first.Release)

	second, err := AcquireLock(dir)

	if err == nil {
		second.Release()
		t.Fatal("second AcquireLock in the same folder = nil error, want the folder to be busy")
	}
	if want := "pid " + strconv.Itoa(os.Getpid()); !strings.Contains(err.Error(), want) {
		t.Errorf("error %q does not name the owner (%s)", err, want)
	}
}

func TestAcquireLockHeldByLiveProcess(t *testing.T) {
	dir := t.TempDir()
	pid := livePID(t)
	path := writeLockFile(t, dir, strconv.Itoa(pid)+"\n")

	lock, err := AcquireLock(dir)

	if err == nil {
		lock.Release()
		t.Fatalf("AcquireLock while pid %d holds the lock = nil error, want one", pid)
	}
	msg := err.Error()
	if !strings.Contains(msg, "pid "+strconv.Itoa(pid)) {
		t.Errorf("error %q does not name the owner pid %d", msg, pid)
	}
	if !strings.Contains(msg, dir) {
		t.Errorf("error %q does not name the folder %s", msg, dir)
	}
	if got := readLockFile(t, path); got != strconv.Itoa(pid) {
		t.Errorf("lock file holds %q after the failed acquire, want the owner's pid %d untouched", got, pid)
	}
}

func TestAcquireLockTakesOverStale(t *testing.T) {
	cases := []struct {
		name    string
		content func(t *testing.T) string
	}{
		{"dead process", func(t *testing.T) string { return strconv.Itoa(deadPID(t)) + "\n" }},
		{"not a pid", func(*testing.T) string { return "garbage" }},
		{"pid zero", func(*testing.T) string { return "0" }},
		{"negative pid", func(*testing.T) string { return "-1" }},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			dir := t.TempDir()
			path := writeLockFile(t, dir, c.content(t))

			lock, err := AcquireLock(dir)

			if err != nil {
				t.Fatalf("AcquireLock over a stale lock: %v", err)
			}
			t.Cleanup(lock.Release)
			if got, want := readLockFile(t, path), strconv.Itoa(os.Getpid()); got != want {
				t.Errorf("lock file holds %q after the takeover, want this process's pid %s", got, want)
			}
		})
	}
}

func TestLockRelease(t *testing.T) {
	dir := t.TempDir()
	lock, err := AcquireLock(dir)
	if err != nil {
		t.Fatalf("AcquireLock: %v", err)
	}

	lock.Release()

	if _, err := os.Stat(filepath.Join(dir, LockName)); !os.IsNotExist(err) {
		t.Errorf("lock file after Release: stat = %v, want not found", err)
	}
	lock.Release() // a second call must do nothing
	var none *Lock
	none.Release() // nor may a nil lock panic

	again, err := AcquireLock(dir)
	if err != nil {
		t.Fatalf("AcquireLock after Release: %v", err)
	}
	again.Release()
}

// Tests run as root, which ignores permission bits, so an unusable folder
// is made by putting it under a regular file.
func TestAcquireLockUnwritableFolder(t *testing.T) {
	notADir := touch(t, t.TempDir(), "file")
	dir := filepath.Join(notADir, "results")

	lock, err := AcquireLock(dir)

	if err == nil {
		lock.Release()
		t.Fatal("AcquireLock under a regular file = nil error, want one")
	}
	msg := err.Error()
	if !strings.Contains(msg, dir) {
		t.Errorf("error %q does not name the folder %s", msg, dir)
	}
	if !strings.Contains(msg, "writable folder") || !strings.Contains(msg, "PERF_RESULTS_DIR") {
		t.Errorf("error %q does not tell to choose a writable folder with PERF_RESULTS_DIR", msg)
	}
}
