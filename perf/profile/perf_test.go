package profile

import (
	"context"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func TestCapturePerfRunsRecordAndScript(t *testing.T) {
	dir := t.TempDir()
	argsPath := filepath.Join(dir, "args.txt")
	samplePath, err := filepath.Abs("testdata/perf-script.txt")
	if err != nil {
		t.Fatal(err)
	}
	writeFakePerf(t, dir, `echo "$@" >> '`+argsPath+`'
case "$1" in
record) exit 0 ;;
script) cat '`+samplePath+`' ;;
esac
`)
	t.Setenv("PATH", dir+string(os.PathListSeparator)+os.Getenv("PATH"))

	p, err := CapturePerf(context.Background(), 4242, 1500*time.Millisecond)
	if err != nil {
		t.Fatalf("CapturePerf: %v", err)
	}
	if len(p.Sample) != 6 {
		t.Errorf("got %d samples, want the 6 of the sample output", len(p.Sample))
	}
	if p.TimeNanos == 0 || p.DurationNanos <= 0 {
		t.Errorf("TimeNanos = %d, DurationNanos = %d, want both set", p.TimeNanos, p.DurationNanos)
	}

	args, err := os.ReadFile(argsPath)
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(string(args)), "\n")
	if len(lines) != 2 {
		t.Fatalf("perf ran %d times (%q), want record then script", len(lines), lines)
	}
	record := strings.Fields(lines[0])
	wantPrefix := []string{"record", "-F", "99", "-g", "-p", "4242", "-o"}
	if len(record) != 11 || strings.Join(record[:7], " ") != strings.Join(wantPrefix, " ") ||
		strings.Join(record[8:], " ") != "-- sleep 2" {
		t.Errorf("perf record arguments = %q, want %q DATA -- sleep 2", record, wantPrefix)
	}
	script := strings.Fields(lines[1])
	if len(script) != 3 || script[0] != "script" || script[1] != "-i" || script[2] != record[7] {
		t.Errorf("perf script arguments = %q, want script -i %s", script, record[7])
	}
	if _, err := os.Stat(record[7]); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("perf data file %s is still there (stat error %v), want it removed", record[7], err)
	}
}

func TestCapturePerfNotPermitted(t *testing.T) {
	dir := t.TempDir()
	writeFakePerf(t, dir, `echo "Error:" >&2
echo "Access to performance monitoring and observability operations is limited." >&2
echo "Consider adjusting /proc/sys/kernel/perf_event_paranoid setting" >&2
exit 255
`)
	t.Setenv("PATH", dir)

	_, err := CapturePerf(context.Background(), 4242, time.Second)
	if !errors.Is(err, ErrPerfNotPermitted) {
		t.Fatalf("error = %v, want it to wrap ErrPerfNotPermitted", err)
	}
	if !strings.Contains(err.Error(), "perf_event_paranoid") {
		t.Errorf("error %q does not name kernel.perf_event_paranoid", err)
	}
}

func TestCapturePerfInvalidInput(t *testing.T) {
	if _, err := CapturePerf(context.Background(), 0, time.Second); err == nil || !strings.Contains(err.Error(), "pid 0 is invalid") {
		t.Errorf("pid 0: error = %v, want an invalid pid error", err)
	}

	t.Setenv("PATH", t.TempDir())
	_, err := CapturePerf(context.Background(), 4242, time.Second)
	if err == nil || !strings.Contains(err.Error(), "apt-get install linux-perf") {
		t.Errorf("no perf on PATH: error = %v, want the install hint", err)
	}
}

// TestCapturePerfRealProcess records a separate Go process with the real
// perf. It builds testdata/burner, because `go test` strips the symbol
// table of its own binary and perf would name no function in it. It skips
// when perf is not installed or the kernel refuses it.
func TestCapturePerfRealProcess(t *testing.T) {
	if _, err := exec.LookPath("perf"); err != nil {
		t.Skip("perf is not on PATH")
	}
	burner := filepath.Join(t.TempDir(), "burner")
	build := exec.Command("go", "build", "-o", burner, "./testdata/burner")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("build testdata/burner: %v\n%s", err, out)
	}
	cmd := exec.Command(burner)
	if err := cmd.Start(); err != nil {
		t.Fatalf("start %s: %v", burner, err)
	}
	t.Cleanup(func() {
		cmd.Process.Kill()
		cmd.Wait()
	})

	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	p, err := CapturePerf(ctx, cmd.Process.Pid, time.Second)
	if errors.Is(err, ErrPerfNotPermitted) {
		t.Skipf("perf cannot record here: %v", err)
	}
	if err != nil {
		t.Fatalf("CapturePerf(pid %d): %v", cmd.Process.Pid, err)
	}
	if err := p.CheckValid(); err != nil {
		t.Fatalf("profile is invalid: %v", err)
	}
	if len(p.Sample) == 0 {
		t.Fatal("perf recorded no samples of a busy process")
	}
	if !hasFunction(p, "main.burnCPUInBurner") {
		t.Errorf("profile does not contain main.burnCPUInBurner; folded stacks:\n%s", Folded(p, 0))
	}
}
