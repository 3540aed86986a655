// Package testlock serialises the test packages that offer load to a
// server. `go test ./...` runs several test binaries at once, and on a
// 2-core machine one package's load generator and servers add
// millisecond stalls to another's measurements, which is enough to turn a
// clear 5 ms slowdown into an insignificant one. Each such package holds
// an exclusive file lock for its whole run; packages without load still
// run in parallel.
package testlock

import (
	"fmt"
	"os"
	"path/filepath"
	"syscall"
)

// lockName is the lock file in the temp folder shared by every package.
const lockName = "perfgate-load-tests.lock"

// Acquire waits for the lock and returns the function that releases it.
func Acquire() (release func(), err error) {
	path := filepath.Join(os.TempDir(), lockName)
	f, err := os.OpenFile(path, os.O_CREATE|os.O_RDWR, 0o666)
	if err != nil {
		return nil, fmt.Errorf("open test lock %s: %w", path, err)
	}
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX); err != nil {
		f.Close()
		return nil, fmt.Errorf("lock %s: %w", path, err)
	}
	return func() {
		syscall.Flock(int(f.Fd()), syscall.LOCK_UN)
		f.Close()
	}, nil
}

// Main runs a package's tests under the lock; call it from TestMain as
// os.Exit(testlock.Main(m.Run)).
func Main(run func() int) int {
	release, err := Acquire()
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	defer release()
	return run()
}
