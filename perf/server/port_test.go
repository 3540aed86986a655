package server

import (
	"net"
	"os"
	"strconv"
	"strings"
	"testing"
)

// freePort returns a loopback port that was free a moment ago.
func freePort(t *testing.T) int {
	t.Helper()

	listener, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatalf("listen on a free port: %v", err)
	}
	port := listener.Addr().(*net.TCPAddr).Port
	if err := listener.Close(); err != nil {
		t.Fatalf("close listener: %v", err)
	}
	return port
}

type testListener struct {
	port int
}

// listenLoopback holds a loopback port open until the test ends.
func listenLoopback(t *testing.T) testListener {
	t.Helper()

	listener, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatalf("listen: %v", err)
	}
	t.Cleanup(func() { listener.Close() })
	return testListener{port: listener.Addr().(*net.TCPAddr).Port}
}

func TestCheckPortBusyNamesOwner(t *testing.T) {
	listener := listenLoopback(t)

	err := CheckPort(listener.port)

	if err == nil {
		t.Fatalf("CheckPort(%d) = nil while this test listens on it", listener.port)
	}
	if !strings.Contains(err.Error(), "port "+strconv.Itoa(listener.port)+" ") {
		t.Errorf("error does not name the port: %v", err)
	}
	if !strings.Contains(err.Error(), "pid "+strconv.Itoa(os.Getpid())) {
		t.Errorf("error does not name this test's pid %d: %v", os.Getpid(), err)
	}
}

func TestCheckPortFree(t *testing.T) {
	port := freePort(t)

	if err := CheckPort(port); err != nil {
		t.Errorf("CheckPort(%d) on a free port: %v", port, err)
	}
}

func TestCheckPortInvalid(t *testing.T) {
	for _, port := range []int{-1, 0, 65536} {
		if err := CheckPort(port); err == nil {
			t.Errorf("CheckPort(%d) = nil, want an invalid-port error", port)
		}
	}
}

func TestListeningProcessesFindsSelf(t *testing.T) {
	listener := listenLoopback(t)
	comm, err := os.ReadFile("/proc/self/comm")
	if err != nil {
		t.Fatalf("read own command name: %v", err)
	}

	procs := ListeningProcesses(listener.port)

	if len(procs) != 1 {
		t.Fatalf("ListeningProcesses(%d) = %+v, want only this test process", listener.port, procs)
	}
	if procs[0].Pid != os.Getpid() {
		t.Errorf("Pid = %d, want %d", procs[0].Pid, os.Getpid())
	}
	if procs[0].Name != strings.TrimSpace(string(comm)) {
		t.Errorf("Name = %q, want %q", procs[0].Name, strings.TrimSpace(string(comm)))
	}
	if !strings.Contains(procs[0].Cmdline, os.Args[0]) {
		t.Errorf("Cmdline = %q, want it to contain %q", procs[0].Cmdline, os.Args[0])
	}
}

func TestListeningProcessesNoneOnFreePort(t *testing.T) {
	port := freePort(t)

	if procs := ListeningProcesses(port); len(procs) != 0 {
		t.Errorf("ListeningProcesses(%d) = %+v, want none", port, procs)
	}
}
