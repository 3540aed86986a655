package result

import (
	"strings"
	"testing"
)

// FuzzDecode checks that the result reader returns a result or an error
// for any input, never a panic, and that what it accepts has a valid task
// and phase.
func FuzzDecode(f *testing.F) {
	f.Add([]byte(`{"schema_version":1,"task":"001","phase":"before","timestamp":"20261204_120000","complete":true}`))
	f.Add([]byte(`{"schema_version":2,"task":"001","phase":"after"}`))
	f.Add([]byte(`{"schema_version":1,"task":"../x","phase":"after"}`))
	f.Add([]byte(`{"schema_version":1,"task":"001","phase":"during"}`))
	f.Add([]byte(`{"schema_version":1,"task":"001","phase":"before","trials":[{"index":0,"p99_ms":1.5}]`))
	f.Add([]byte(``))
	f.Add([]byte(`null`))
	f.Add([]byte(`[1,2,3]`))

	f.Fuzz(func(t *testing.T, data []byte) {
		r, err := Decode(data)
		if err != nil {
			if strings.Contains(err.Error(), "\n") {
				t.Errorf("error spans several lines: %q", err)
			}
			return
		}
		if ValidateTask(r.Task) != nil || ValidatePhase(r.Phase) != nil {
			t.Errorf("accepted a result with task %q phase %q", r.Task, r.Phase)
		}
		if r.SchemaVersion != SchemaVersion {
			t.Errorf("accepted schema_version %d", r.SchemaVersion)
		}
	})
}
