package verify

import (
	"os"
	"testing"

	"github.com/m17/perfgate/perf/internal/testlock"
)

// TestMain runs this package's load tests under the lock shared with the
// other packages that offer load, so their timings do not disturb each
// other.
func TestMain(m *testing.M) {
	os.Exit(testlock.Main(m.Run))
}
