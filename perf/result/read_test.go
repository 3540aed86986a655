package result

import (
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

func TestReadRoundTrip(t *testing.T) {
	want := validResult()
	path := filepath.Join(t.TempDir(), Stem(want.Task, want.Phase, want.Timestamp)+".json")
	if err := WriteJSON(path, want); err != nil {
		t.Fatalf("WriteJSON: %v", err)
	}

	got, err := Read(path)

	if err != nil {
		t.Fatalf("Read of a file written by WriteJSON: %v", err)
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("Read returned a different result:\n got %+v\nwant %+v", got, want)
	}
}

// A file outside the naming scheme, such as one passed by hand, is read
// without the name check.
func TestReadUnconventionalName(t *testing.T) {
	path := filepath.Join(t.TempDir(), "copy of result.json")
	if err := WriteJSON(path, validResult()); err != nil {
		t.Fatalf("WriteJSON: %v", err)
	}

	r, err := Read(path)

	if err != nil {
		t.Fatalf("Read(%q) = %v, want the result", path, err)
	}
	if r.Task != "001" {
		t.Errorf("task = %q, want 001", r.Task)
	}
}

// validJSON returns the JSON of validResult with the named top-level
// fields replaced.
func validJSON(t *testing.T, replace map[string]any) string {
	t.Helper()

	data, err := json.Marshal(validResult())
	if err != nil {
		t.Fatalf("marshal result: %v", err)
	}
	var fields map[string]any
	if err := json.Unmarshal(data, &fields); err != nil {
		t.Fatalf("unmarshal result: %v", err)
	}
	for k, v := range replace {
		if v == nil {
			delete(fields, k)
		} else {
			fields[k] = v
		}
	}
	out, err := json.Marshal(fields)
	if err != nil {
		t.Fatalf("marshal fields: %v", err)
	}
	return string(out)
}

func TestReadRejects(t *testing.T) {
	name := Stem("001", PhaseBefore, testTimestamp) + ".json"
	valid := validJSON(t, nil)

	cases := []struct {
		name    string
		file    string
		content string
		want    string
	}{
		{"empty file", name, "", "is empty"},
		{"whitespace only", name, " \n\t \n", "is empty"},
		{"truncated JSON", name, valid[:len(valid)/2], "not valid JSON"},
		{"not JSON", name, "task=001\nphase=before\n", "not valid JSON"},
		{"JSON array", name, "[1, 2, 3]", "not valid JSON"},
		{"JSON null", name, "null", "schema_version is missing"},
		{"no schema_version", name, validJSON(t, map[string]any{"schema_version": nil}), "schema_version is missing"},
		{"unknown schema version", name, validJSON(t, map[string]any{"schema_version": 2}), "schema_version 2 is not supported"},
		{"wrong field type", name, validJSON(t, map[string]any{"trials": "many"}), "invalid result JSON"},
		{"task disagrees with name", name, validJSON(t, map[string]any{"task": "002"}), `task "002"`},
		{"phase disagrees with name", name, validJSON(t, map[string]any{"phase": "after"}), `phase "after"`},
		{"timestamp disagrees with name", name, validJSON(t, map[string]any{"timestamp": "20250314_093001"}), `timestamp "20250314_093001"`},
		{"bad task field", "input.json", validJSON(t, map[string]any{"task": "../etc"}), "invalid task field"},
		{"task field with newline", "input.json", validJSON(t, map[string]any{"task": "001\nrm"}), "invalid task field"},
		{"bad phase field", "input.json", validJSON(t, map[string]any{"phase": "during"}), "invalid phase field"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), c.file)
			if err := os.WriteFile(path, []byte(c.content), 0o644); err != nil {
				t.Fatalf("write %s: %v", path, err)
			}

			r, err := Read(path)

			if err == nil {
				t.Fatalf("Read = %+v, want an error", r)
			}
			msg := err.Error()
			if !strings.Contains(msg, path) {
				t.Errorf("message %q does not name the file %s", msg, path)
			}
			if !strings.Contains(msg, c.want) {
				t.Errorf("message %q does not contain %q", msg, c.want)
			}
			if strings.Contains(msg, "\n") {
				t.Errorf("message %q has more than one line", msg)
			}
		})
	}
}

func TestReadMissingFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "001_before_20250314_093000.json")

	_, err := Read(path)

	if err == nil {
		t.Fatal("Read of a missing file = nil error, want one")
	}
	if !errors.Is(err, os.ErrNotExist) {
		t.Errorf("error %q does not wrap a not-exist error", err)
	}
	if !strings.Contains(err.Error(), path) {
		t.Errorf("error %q does not name the file", err)
	}
}

func TestReadFolder(t *testing.T) {
	path := filepath.Join(t.TempDir(), "001_before_20250314_093000.json")
	if err := os.Mkdir(path, 0o755); err != nil {
		t.Fatalf("mkdir: %v", err)
	}

	_, err := Read(path)

	if err == nil {
		t.Fatal("Read of a folder = nil error, want one")
	}
	if !strings.Contains(err.Error(), path) {
		t.Errorf("error %q does not name the path", err)
	}
}

func TestDecodeValid(t *testing.T) {
	r, err := Decode([]byte(validJSON(t, nil)))

	if err != nil {
		t.Fatalf("Decode: %v", err)
	}
	if r.Task != "001" || r.Phase != PhaseBefore || r.Timestamp != testTimestamp {
		t.Errorf("Decode = task %q phase %q timestamp %q, want 001 before %s", r.Task, r.Phase, r.Timestamp, testTimestamp)
	}
}
