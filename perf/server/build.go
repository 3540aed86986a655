package server

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"os/exec"
	"strings"
	"syscall"
	"time"
)

// buildOutputLines is how many trailing lines of build output an error
// carries: enough for a few compiler errors, short enough to read.
const buildOutputLines = 40

// buildWaitDelay bounds how long Build waits for the build's output after
// the build command has been killed on cancellation.
const buildWaitDelay = 5 * time.Second

// Build runs spec.BuildCmd in spec.Dir and does nothing when BuildCmd is
// empty. On failure the error names the command and carries the last 40
// lines of its combined output, which is where the compiler reports. The
// build runs in its own process group, so cancelling ctx also stops the
// compiler processes that the build tool started.
func Build(ctx context.Context, spec Spec) error {
	spec = spec.withDefaults()
	if len(spec.BuildCmd) == 0 {
		return nil
	}

	var output bytes.Buffer
	cmd := exec.CommandContext(ctx, spec.BuildCmd[0], spec.BuildCmd[1:]...)
	cmd.Dir = spec.Dir
	cmd.Env = append(os.Environ(), spec.Env...)
	cmd.Stdout = &output
	cmd.Stderr = &output
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	cmd.Cancel = func() error {
		return syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
	}
	cmd.WaitDelay = buildWaitDelay

	commandLine := shellQuote(spec.BuildCmd)
	slog.Debug("building server", "name", spec.Name, "command", commandLine, "dir", spec.Dir)
	started := time.Now()
	err := cmd.Run()
	if err == nil {
		slog.Debug("built server", "name", spec.Name, "duration", time.Since(started))
		return nil
	}

	if ctxErr := ctx.Err(); ctxErr != nil {
		return fmt.Errorf("build %s: %s: %w", spec.Name, commandLine, ctxErr)
	}
	var exitErr *exec.ExitError
	if !errors.As(err, &exitErr) {
		return fmt.Errorf("build %s: cannot run %s: %w; check that the build tool is installed and Spec.Dir exists", spec.Name, commandLine, err)
	}
	tail := strings.Join(lastLines(output.String(), buildOutputLines), "\n")
	return fmt.Errorf("build %s: %s failed (%v); fix the errors below:\n%s", spec.Name, commandLine, exitErr, tail)
}

// lastLines returns at most n trailing lines of text, without the final
// line break.
func lastLines(text string, n int) []string {
	text = strings.TrimRight(text, "\n")
	if text == "" {
		return nil
	}
	lines := strings.Split(text, "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return lines
}
