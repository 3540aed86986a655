package server

import (
	"errors"
	"fmt"
	"log/slog"
	"net"
	"os"
	"slices"
	"strconv"
	"strings"
	"syscall"

	gnet "github.com/shirou/gopsutil/v4/net"
)

// ProcInfo identifies a process, for messages about which process listens
// on a port.
type ProcInfo struct {
	Pid     int
	Name    string // command name from /proc/PID/comm, "" when unreadable
	Cmdline string // arguments from /proc/PID/cmdline, shell-quoted
}

// String returns "pid 1234 (refserver)", or "pid 1234" when the name is
// unknown.
func (info ProcInfo) String() string {
	if info.Name == "" {
		return "pid " + strconv.Itoa(info.Pid)
	}
	return fmt.Sprintf("pid %d (%s)", info.Pid, info.Name)
}

// ListeningProcesses returns the processes with a TCP socket listening on
// port, on any local address, IPv4 or IPv6. It returns nil when none is
// found or the socket table cannot be read. Sockets whose owner is not
// visible, such as those of another user when not running as root, are
// left out.
func ListeningProcesses(port int) []ProcInfo {
	procs, _, err := findListeners(port)
	if err != nil {
		slog.Debug("cannot list listening sockets", "port", port, "error", err)
		return nil
	}
	return procs
}

// CheckPort returns an error when a TCP socket listens on port on any local
// address, because a server started on that port would either fail to bind
// or, with SO_REUSEPORT, share its connections with the other process. The error names the owning processes
// when they can be found.
func CheckPort(port int) error {
	if err := validatePort(port); err != nil {
		return err
	}

	procs, listening, err := findListeners(port)
	if err != nil {
		slog.Debug("cannot list listening sockets; falling back to a bind test", "port", port, "error", err)
	}
	if len(procs) > 0 {
		return fmt.Errorf("port %d is already in use by %s; stop it or set a different port", port, joinProcs(procs))
	}
	if listening {
		return fmt.Errorf("port %d is already in use by a process that cannot be identified; stop it or set a different port", port)
	}

	// The socket table can miss a listener, for example when it cannot be
	// read, so binding the port on loopback is the final check.
	listener, err := net.Listen("tcp", net.JoinHostPort("127.0.0.1", strconv.Itoa(port)))
	if errors.Is(err, syscall.EADDRINUSE) {
		return fmt.Errorf("port %d is already in use on 127.0.0.1 by a process that cannot be identified; stop it or set a different port", port)
	}
	if err != nil {
		return fmt.Errorf("port %d cannot be bound on 127.0.0.1: %w; set a different port", port, err)
	}
	if err := listener.Close(); err != nil {
		return fmt.Errorf("port %d: close test listener: %w", port, err)
	}
	return nil
}

// findListeners reads the TCP socket table (/proc/net/tcp and tcp6, with
// owners found through /proc/PID/fd). It reports whether any socket listens
// on port, even when the owner is unknown, and the owners it found.
func findListeners(port int) (procs []ProcInfo, listening bool, err error) {
	conns, err := gnet.Connections("tcp")
	if err != nil {
		return nil, false, fmt.Errorf("read TCP socket table: %w", err)
	}

	var pids []int
	for _, conn := range conns {
		if conn.Status != "LISTEN" || conn.Laddr.Port != uint32(port) {
			continue
		}
		listening = true
		if conn.Pid > 0 {
			pids = append(pids, int(conn.Pid))
		}
	}

	// One process often listens on both 0.0.0.0 and [::], so list it once.
	slices.Sort(pids)
	for _, pid := range slices.Compact(pids) {
		procs = append(procs, readProcInfo(pid))
	}
	return procs, listening, nil
}

// readProcInfo reads a process's name and command line from /proc, leaving
// fields empty when the process has gone or cannot be read.
func readProcInfo(pid int) ProcInfo {
	info := ProcInfo{Pid: pid}
	dir := "/proc/" + strconv.Itoa(pid)

	if comm, err := os.ReadFile(dir + "/comm"); err == nil {
		info.Name = strings.TrimSpace(string(comm))
	}
	cmdline, err := os.ReadFile(dir + "/cmdline")
	if err == nil && len(cmdline) > 0 {
		args := strings.Split(strings.TrimRight(string(cmdline), "\x00"), "\x00")
		info.Cmdline = shellQuote(args)
	}
	return info
}

func joinProcs(procs []ProcInfo) string {
	names := make([]string, len(procs))
	for i, proc := range procs {
		names[i] = proc.String()
	}
	return strings.Join(names, ", ")
}
