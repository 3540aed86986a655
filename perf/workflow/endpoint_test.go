package workflow

import (
	"context"
	"fmt"
	"net/http"
	"os/exec"
	"testing"
	"time"

	"github.com/m17/perfgate/perf/tasks"
)

// startExternalServer starts the reference server the way a user would
// before pointing PERF_ENDPOINT at it, and stops it when the test ends.
func startExternalServer(t *testing.T, port int) *exec.Cmd {
	t.Helper()
	cmd := exec.Command(refserverBinary, "-addr", fmt.Sprintf("127.0.0.1:%d", port))
	if err := cmd.Start(); err != nil {
		t.Fatalf("start refserver: %v", err)
	}
	t.Cleanup(func() {
		cmd.Process.Kill()
		cmd.Wait()
	})
	url := fmt.Sprintf("http://127.0.0.1:%d/health", port)
	for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); time.Sleep(50 * time.Millisecond) {
		if resp, err := http.Get(url); err == nil {
			resp.Body.Close()
			return cmd
		}
	}
	t.Fatalf("refserver did not answer %s within 10 s", url)
	return nil
}

func TestMeasureExternalEndpoint(t *testing.T) {
	dir := t.TempDir()
	env, out := testEnv(t, dir)
	port := env.Config.Server.Port
	cmd := startExternalServer(t, port)
	env.Config.Endpoint = fmt.Sprintf("http://127.0.0.1:%d", port)
	env.Config.Server.Binary = "/nonexistent/never-started"
	env.Config.Duration = 2 * time.Second
	env.Config.Trials = 2

	if err := Measure(context.Background(), env, "ext", "before"); err != nil {
		t.Fatalf("Measure: %v\n%s", err, out)
	}

	side := tasks.LoadSide(dir, "ext", "before")
	if side.Err != nil {
		t.Fatalf("no result: %v", side.Err)
	}
	p := side.Result.Provenance
	if !p.External || p.Endpoint != env.Config.Endpoint {
		t.Errorf("provenance external = %v, endpoint = %q; want true, %q", p.External, p.Endpoint, env.Config.Endpoint)
	}
	if p.ServerCommand != "" {
		t.Errorf("server command = %q, want none: the harness started nothing", p.ServerCommand)
	}
	if side.Result.Summary.Successes == 0 {
		t.Errorf("no successful request against the running server")
	}
	if cmd.ProcessState != nil {
		t.Errorf("the external server exited during the run: %v", cmd.ProcessState)
	}
	if resp, err := http.Get(env.Config.Endpoint + "/health"); err != nil {
		t.Errorf("the external server stopped answering after the run: %v", err)
	} else {
		resp.Body.Close()
	}
}
