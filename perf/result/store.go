package result

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"time"
)

// TimestampLayout is the time format of result file names. Sorting names of
// one task and phase as strings sorts them by time.
const TimestampLayout = "20060102_150405"

// maxResultBytes bounds what Read loads, so a wrong path cannot exhaust
// memory. Real results are well under 10 MiB.
const maxResultBytes = 64 << 20

var taskIDPattern = regexp.MustCompile(`^[A-Za-z0-9._-]{1,64}$`)

// ValidateTask checks a task id: letters, digits, '.', '_' and '-', at most
// 64 characters, and not "." or "..", so it can never leave the results
// folder when used in a file name.
func ValidateTask(task string) error {
	if task == "" {
		return errors.New("task id is empty; pass one such as 001")
	}
	if len(task) > 64 {
		return fmt.Errorf("task id %.20q... is %d characters long; use at most 64", task, len(task))
	}
	if task == "." {
		return errors.New(`task id "." names the current folder; use an id such as 001 or 017-index`)
	}
	if strings.Contains(task, "..") {
		return fmt.Errorf("task id %q contains \"..\"; use letters, digits, '.', '_' and '-' only", task)
	}
	if !taskIDPattern.MatchString(task) {
		return fmt.Errorf("task id %q has a character outside letters, digits, '.', '_' and '-'; use an id such as 001 or 017-index", task)
	}
	return nil
}

// ValidatePhase checks that phase is before or after.
func ValidatePhase(phase string) error {
	if phase != PhaseBefore && phase != PhaseAfter {
		return fmt.Errorf("phase %q is invalid; use %q or %q", phase, PhaseBefore, PhaseAfter)
	}
	return nil
}

// Stem returns the file name stem "<task>_<phase>_<timestamp>"; the result
// is Stem+".json" and the side files add a suffix such as "_sys.txt".
func Stem(task, phase, timestamp string) string {
	return task + "_" + phase + "_" + timestamp
}

// NewStem returns a stem for a new result of task and phase in dir, stamped
// with now. When a result with that second already exists, the stamp moves
// forward a second at a time, so no earlier result is overwritten and the
// name order stays the time order.
func NewStem(dir, task, phase string, now time.Time) string {
	for {
		stem := Stem(task, phase, now.Format(TimestampLayout))
		// Only an existing file takes the name. Any other Stat error (a
		// missing or unreadable folder) would repeat for every second, so
		// the name is returned and the write that follows reports it.
		if _, err := os.Stat(filepath.Join(dir, stem+".json")); err != nil {
			return stem
		}
		now = now.Add(time.Second)
	}
}

var namePattern = regexp.MustCompile(`^([A-Za-z0-9._-]{1,64})_(before|after)_(\d{8}_\d{6})\.json$`)

// ParseName splits a result file name into task, phase and timestamp.
func ParseName(name string) (task, phase, timestamp string, ok bool) {
	m := namePattern.FindStringSubmatch(filepath.Base(name))
	if m == nil {
		return "", "", "", false
	}
	return m[1], m[2], m[3], true
}

// List returns the result files of task and phase in dir, oldest first.
func List(dir, task, phase string) ([]string, error) {
	entries, err := os.ReadDir(dir)
	if errors.Is(err, os.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("list results in %s: %w", dir, err)
	}
	var paths []string
	for _, e := range entries {
		t, p, _, ok := ParseName(e.Name())
		if ok && t == task && p == phase {
			paths = append(paths, filepath.Join(dir, e.Name()))
		}
	}
	sort.Strings(paths)
	return paths, nil
}

// ErrNotFound is returned by Latest when no result exists.
var ErrNotFound = errors.New("no result found")

// Latest returns the newest result file of task and phase in dir, by the
// timestamp in its name.
func Latest(dir, task, phase string) (string, error) {
	paths, err := List(dir, task, phase)
	if err != nil {
		return "", err
	}
	if len(paths) == 0 {
		return "", fmt.Errorf("%w for task %s phase %s in %s", ErrNotFound, task, phase, dir)
	}
	return paths[len(paths)-1], nil
}

// Read loads and checks a result file. It rejects empty, truncated and
// non-JSON files, other schema versions and files whose name disagrees with
// their content, each with a message naming the file.
func Read(path string) (*Result, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("read result: %w", err)
	}
	defer f.Close()

	data, err := io.ReadAll(io.LimitReader(f, maxResultBytes+1))
	if err != nil {
		return nil, fmt.Errorf("read result %s: %w", path, err)
	}
	if len(data) > maxResultBytes {
		return nil, fmt.Errorf("result %s is larger than %d MiB; it is not a result file of this tool", path, maxResultBytes>>20)
	}
	r, err := Decode(data)
	if err != nil {
		return nil, fmt.Errorf("result %s: %w", path, err)
	}
	if err := checkName(path, r); err != nil {
		return nil, err
	}
	return r, nil
}

// Decode parses and checks the JSON of a result.
func Decode(data []byte) (*Result, error) {
	if len(strings.TrimSpace(string(data))) == 0 {
		return nil, errors.New("file is empty; rerun the phase to measure it again")
	}

	var probe struct {
		SchemaVersion *int `json:"schema_version"`
	}
	if err := json.Unmarshal(data, &probe); err != nil {
		return nil, fmt.Errorf("not valid JSON (%v); the file is truncated or not a result, rerun the phase", err)
	}
	if probe.SchemaVersion == nil {
		return nil, errors.New("schema_version is missing; this is not a result file of this tool")
	}
	if *probe.SchemaVersion != SchemaVersion {
		return nil, fmt.Errorf("schema_version %d is not supported (this tool reads %d); rerun the phase with this version", *probe.SchemaVersion, SchemaVersion)
	}

	var r Result
	if err := json.Unmarshal(data, &r); err != nil {
		return nil, fmt.Errorf("invalid result JSON (%v); rerun the phase", err)
	}
	if err := ValidateTask(r.Task); err != nil {
		return nil, fmt.Errorf("invalid task field: %w", err)
	}
	if err := ValidatePhase(r.Phase); err != nil {
		return nil, fmt.Errorf("invalid phase field: %w", err)
	}
	return &r, nil
}

func checkName(path string, r *Result) error {
	task, phase, ts, ok := ParseName(path)
	if !ok {
		return nil // a file outside the naming scheme, e.g. passed by hand
	}
	if task != r.Task || phase != r.Phase || ts != r.Timestamp {
		return fmt.Errorf("result %s contains task %q phase %q timestamp %q, which disagree with its name; restore the original name or rerun the phase",
			path, r.Task, r.Phase, r.Timestamp)
	}
	return nil
}

// WriteJSON writes v as indented JSON to path atomically: it writes a temp
// file in the same folder, syncs it and renames it, so a reader sees either
// the old file, no file or the whole new file, never a truncated one.
func WriteJSON(path string, v any) error {
	data, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		return fmt.Errorf("encode %s: %w", path, err)
	}
	return WriteFile(path, append(data, '\n'))
}

// WriteFile writes data to path atomically (temp file, sync, rename).
func WriteFile(path string, data []byte) error {
	dir := filepath.Dir(path)
	tmp, err := os.CreateTemp(dir, "."+filepath.Base(path)+".tmp-*")
	if err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	tmpName := tmp.Name()
	committed := false
	defer func() {
		if !committed {
			os.Remove(tmpName)
		}
	}()

	if _, err := tmp.Write(data); err != nil {
		tmp.Close()
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err := tmp.Sync(); err != nil {
		tmp.Close()
		return fmt.Errorf("sync %s: %w", path, err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("close %s: %w", path, err)
	}
	if err := os.Chmod(tmpName, 0o644); err != nil {
		return fmt.Errorf("chmod %s: %w", path, err)
	}
	if err := os.Rename(tmpName, path); err != nil {
		return fmt.Errorf("rename into %s: %w", path, err)
	}
	committed = true
	syncDir(dir)
	return nil
}

// syncDir flushes the folder entry of a rename to disk, so the new file
// survives a power loss. Failure only weakens that durability, so it is
// ignored.
func syncDir(dir string) {
	d, err := os.Open(dir)
	if err != nil {
		return
	}
	d.Sync()
	d.Close()
}
