package sysmetrics

import (
	"os"
	"testing"

	"github.com/m17/perfgate/perf/internal/testlock"
)

// TestMain runs this package's tests, which burn CPU in child processes,
// under the lock shared with the packages that offer load.
func TestMain(m *testing.M) {
	os.Exit(testlock.Main(m.Run))
}
