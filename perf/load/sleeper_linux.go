package load

import (
	"context"
	"os"
	"syscall"
	"time"
	"unsafe"

	"golang.org/x/sys/unix"
)

// timerfdSleeper waits on a timerfd through the runtime's network poller.
// The kernel fires it within microseconds of the intended time, where a
// runtime timer can be up to about 1 ms late (see timerSleeper), and that
// lateness would be counted as server latency. Its system calls are raw
// (unix.RawSyscall), so they do not wake the runtime's sysmon thread. The
// doc of package wire explains why that matters to the generator's CPU use.
type timerfdSleeper struct {
	fallback *timerSleeper // used if setting the timer fails
	file     *os.File
	raw      syscall.RawConn
	stop     func() bool // stops the cancellation hook
}

// newSleeper returns a timerfdSleeper, or a timerSleeper where timerfd is
// not available.
func newSleeper(ctx context.Context) sleeper {
	fd, err := unix.TimerfdCreate(unix.CLOCK_MONOTONIC, unix.TFD_NONBLOCK|unix.TFD_CLOEXEC)
	if err != nil {
		return newTimerSleeper(ctx)
	}
	file := os.NewFile(uintptr(fd), "pacer timerfd") // non-blocking, so it joins the poller
	raw, err := file.SyscallConn()
	if err != nil {
		file.Close()
		return newTimerSleeper(ctx)
	}

	s := &timerfdSleeper{fallback: newTimerSleeper(ctx), file: file, raw: raw}
	// A read deadline in the past ends a blocked wait at once.
	s.stop = context.AfterFunc(ctx, func() { file.SetReadDeadline(time.Unix(1, 0)) })
	return s
}

func (s *timerfdSleeper) sleep(d time.Duration) bool {
	spec := unix.ItimerSpec{Value: unix.NsecToTimespec(int64(d))}
	var errno syscall.Errno
	err := s.raw.Control(func(fd uintptr) {
		_, _, errno = unix.RawSyscall6(unix.SYS_TIMERFD_SETTIME, fd, 0, uintptr(unsafe.Pointer(&spec)), 0, 0, 0)
	})
	if err != nil || errno != 0 {
		return s.fallback.sleep(d)
	}

	// The read returns the number of expirations once the timer fired.
	var expirations uint64
	err = s.raw.Read(func(fd uintptr) bool {
		for {
			_, _, errno := unix.RawSyscall(unix.SYS_READ, fd, uintptr(unsafe.Pointer(&expirations)), 8)
			if errno != unix.EINTR {
				return errno != unix.EAGAIN // false: wait until it fires
			}
		}
	})
	return err == nil
}

func (s *timerfdSleeper) close() {
	s.fallback.close()
	s.stop()
	s.file.Close()
}
