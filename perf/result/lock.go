package result

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
)

// LockName is the lock file that keeps two runs from writing one results
// folder at once.
const LockName = ".perf.lock"

// Lock is a held results-folder lock.
type Lock struct {
	path string
}

// AcquireLock takes the results-folder lock in dir, creating dir. The lock
// file holds the owner's pid. A lock whose pid no longer runs is stale and
// is taken over; a live one is an error naming that pid.
func AcquireLock(dir string) (*Lock, error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, fmt.Errorf("create results folder %s: %w; choose a writable folder (PERF_RESULTS_DIR)", dir, err)
	}
	path := filepath.Join(dir, LockName)

	for attempt := 0; attempt < 3; attempt++ {
		err := createLock(path)
		if err == nil {
			return &Lock{path: path}, nil
		}
		if !errors.Is(err, os.ErrExist) {
			return nil, fmt.Errorf("results folder %s is not writable (%v); fix its permissions or choose another folder", dir, err)
		}

		owner, readErr := readLockPID(path)
		if readErr == nil && processAlive(owner) {
			return nil, fmt.Errorf("another run (pid %d) is using results folder %s; wait for it to finish or stop it (lock file %s)", owner, dir, path)
		}
		// The owner is gone or the file is unreadable: the lock is stale.
		if err := os.Remove(path); err != nil && !errors.Is(err, os.ErrNotExist) {
			return nil, fmt.Errorf("remove stale lock %s: %w", path, err)
		}
	}
	return nil, fmt.Errorf("could not take lock %s after 3 attempts; another run keeps racing for it", path)
}

// createLock writes this process's pid to a temp file and hard-links it to
// path, so the lock file appears with its content at once: another run can
// never see an empty lock and mistake it for a stale one. It returns an
// error wrapping os.ErrExist when the lock is held.
func createLock(path string) error {
	tmp, err := os.CreateTemp(filepath.Dir(path), LockName+".tmp-*")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	_, werr := tmp.WriteString(strconv.Itoa(os.Getpid()) + "\n")
	cerr := tmp.Close()
	if err := errors.Join(werr, cerr); err != nil {
		return err
	}
	return os.Link(tmp.Name(), path)
}

// Release removes the lock file. It is safe to call more than once.
func (l *Lock) Release() {
	if l == nil || l.path == "" {
		return
	}
	os.Remove(l.path)
	l.path = ""
}

func readLockPID(path string) (int, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return 0, err
	}
	return strconv.Atoi(strings.TrimSpace(string(data)))
}

func processAlive(pid int) bool {
	if pid <= 0 {
		return false
	}
	err := syscall.Kill(pid, 0)
	return err == nil || errors.Is(err, syscall.EPERM)
}
