//go:build unix && !linux

package wire

import (
	"errors"
	"syscall"
)

// readRaw and writeRaw are read(2) and write(2) on a non-blocking socket,
// through the ordinary system call path on systems other than Linux.

func readRaw(fd uintptr, p []byte) (int, syscall.Errno) {
	n, err := syscall.Read(int(fd), p)
	return max(n, 0), errnoOf(err)
}

func writeRaw(fd uintptr, p []byte) (int, syscall.Errno) {
	n, err := syscall.Write(int(fd), p)
	return max(n, 0), errnoOf(err)
}

func errnoOf(err error) syscall.Errno {
	var errno syscall.Errno
	if err != nil && !errors.As(err, &errno) {
		return syscall.EIO
	}
	return errno
}
