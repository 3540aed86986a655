package server

import (
	"fmt"
	"strings"
	"time"
)

// Defaults for the zero values of the Spec durations.
const (
	DefaultHealthTimeout   = 10 * time.Second
	DefaultEarlyExitWindow = 2 * time.Second
	DefaultStopTimeout     = 5 * time.Second
)

// Spec describes how to build, start and reach one server.
type Spec struct {
	// Name is used in messages, for example "refserver".
	Name string

	// Dir is the working directory for the build and the server ("" means
	// the current directory). A relative Binary is resolved against it.
	Dir string

	// BuildCmd is the build command with its arguments, for example
	// ["go", "build", "-o", "bin/refserver", "./cmd/refserver"]. Empty means
	// that Build does nothing.
	BuildCmd []string

	// Binary is the path of the program to start.
	Binary string

	// Args are the arguments passed to Binary.
	Args []string

	// Env is extra environment in "KEY=value" form, appended to
	// os.Environ() for both the build and the server.
	Env []string

	// Port is the TCP port that the server listens on. Start checks that it
	// is free and probes health on 127.0.0.1 at this port.
	Port int

	// HealthPath is the path of the health endpoint, for example "/health".
	// Empty means "/".
	HealthPath string

	// HealthTimeout bounds the wait for the first 2xx health response.
	// Zero or negative means DefaultHealthTimeout.
	HealthTimeout time.Duration

	// EarlyExitWindow is the time after launch during which an exit still
	// counts as a failed start. Start does not return success before the
	// window has passed, so a server that passes the health check and then
	// dies at once fails Start instead of the load test. Zero means
	// DefaultEarlyExitWindow and a negative value turns the wait off.
	EarlyExitWindow time.Duration

	// StopTimeout is how long Stop waits after SIGTERM before it sends
	// SIGKILL. Zero or negative means DefaultStopTimeout.
	StopTimeout time.Duration

	// CPUs, when set, are the only CPUs the server may run on, from its
	// first instruction (Linux only).
	CPUs []int

	// LogPath is the file that receives the server's stdout and stderr.
	// Start appends to it, so several starts can share one log. Empty means
	// that the output is kept only in memory.
	LogPath string
}

// withDefaults returns a copy of spec with the zero values replaced.
func (spec Spec) withDefaults() Spec {
	if spec.Name == "" {
		spec.Name = "server"
	}
	if spec.HealthPath == "" {
		spec.HealthPath = "/"
	}
	if spec.HealthTimeout <= 0 {
		spec.HealthTimeout = DefaultHealthTimeout
	}
	if spec.EarlyExitWindow == 0 {
		spec.EarlyExitWindow = DefaultEarlyExitWindow
	}
	if spec.StopTimeout <= 0 {
		spec.StopTimeout = DefaultStopTimeout
	}
	return spec
}

// validateForStart rejects a Spec that Start cannot run.
func (spec Spec) validateForStart() error {
	if spec.Binary == "" {
		return fmt.Errorf("start %s: Spec.Binary is empty; set it to the path of the server binary", spec.Name)
	}
	if err := validatePort(spec.Port); err != nil {
		return fmt.Errorf("start %s: %w", spec.Name, err)
	}
	if !strings.HasPrefix(spec.HealthPath, "/") {
		return fmt.Errorf("start %s: health path %q does not start with \"/\"; set Spec.HealthPath to a path such as \"/health\"", spec.Name, spec.HealthPath)
	}
	return nil
}

func validatePort(port int) error {
	if port < 1 || port > 65535 {
		return fmt.Errorf("port %d is invalid; set a TCP port between 1 and 65535", port)
	}
	return nil
}
