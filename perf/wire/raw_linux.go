package wire

import (
	"syscall"
	"unsafe"
)

// readRaw and writeRaw are read(2) and write(2) on a non-blocking socket.
// A non-blocking call returns at once, so it can skip the runtime's system
// call bookkeeping (syscall.RawSyscall). That bookkeeping wakes the sysmon
// thread whenever the process was idle. EINTR is retried because a caller
// that sees it would wait for readiness that has already come.

func readRaw(fd uintptr, p []byte) (int, syscall.Errno) {
	for {
		n, _, errno := syscall.RawSyscall(syscall.SYS_READ, fd, uintptr(unsafe.Pointer(&p[0])), uintptr(len(p)))
		if errno != syscall.EINTR {
			return int(n), errno
		}
	}
}

func writeRaw(fd uintptr, p []byte) (int, syscall.Errno) {
	for {
		n, _, errno := syscall.RawSyscall(syscall.SYS_WRITE, fd, uintptr(unsafe.Pointer(&p[0])), uintptr(len(p)))
		if errno != syscall.EINTR {
			return int(n), errno
		}
	}
}
