package result

import (
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

func TestWriteFileNoTempLeft(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "001_before_20250314_093000.json")

	err := WriteFile(path, []byte("first\n"))

	if err != nil {
		t.Fatalf("WriteFile: %v", err)
	}
	if names := dirNames(t, dir); !slices.Equal(names, []string{filepath.Base(path)}) {
		t.Errorf("folder holds %q after WriteFile, want only the file (no temp file)", names)
	}
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("read back: %v", err)
	}
	if string(data) != "first\n" {
		t.Errorf("file holds %q, want %q", data, "first\n")
	}
	info, err := os.Stat(path)
	if err != nil {
		t.Fatalf("stat: %v", err)
	}
	if perm := info.Mode().Perm(); perm != 0o644 {
		t.Errorf("file mode = %v, want 0644 (CreateTemp makes 0600)", perm)
	}
}

func TestWriteFileReplaces(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "result.json")
	if err := WriteFile(path, []byte("a much longer first version\n")); err != nil {
		t.Fatalf("first WriteFile: %v", err)
	}

	if err := WriteFile(path, []byte("second\n")); err != nil {
		t.Fatalf("second WriteFile: %v", err)
	}

	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("read back: %v", err)
	}
	if string(data) != "second\n" {
		t.Errorf("file holds %q after the second write, want only %q", data, "second\n")
	}
	if names := dirNames(t, dir); len(names) != 1 {
		t.Errorf("folder holds %q, want only result.json", names)
	}
}

// Tests run as root, which ignores permission bits, so a folder that
// cannot hold files is made by putting the path under a regular file.
func TestWriteFileUnwritableFolder(t *testing.T) {
	parent := t.TempDir()
	notADir := touch(t, parent, "file")
	path := filepath.Join(notADir, "result.json")

	err := WriteFile(path, []byte("data"))

	if err == nil {
		t.Fatal("WriteFile under a regular file = nil error, want one")
	}
	if !strings.Contains(err.Error(), path) {
		t.Errorf("error %q does not name the path %s", err, path)
	}
	if _, statErr := os.Stat(path); statErr == nil {
		t.Errorf("%s exists after a failed write", path)
	}
	if names := dirNames(t, parent); !slices.Equal(names, []string{"file"}) {
		t.Errorf("parent folder holds %q after a failed write, want only the regular file", names)
	}
}

// When the final rename fails, the temp file must not stay behind.
func TestWriteFileRenameFails(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "result.json")
	if err := os.Mkdir(path, 0o755); err != nil {
		t.Fatalf("mkdir: %v", err)
	}

	err := WriteFile(path, []byte("data"))

	if err == nil {
		t.Fatal("WriteFile onto a folder = nil error, want one")
	}
	if !strings.Contains(err.Error(), "rename into "+path) {
		t.Errorf("error %q does not say the rename into %s failed", err, path)
	}
	if names := dirNames(t, dir); !slices.Equal(names, []string{"result.json"}) {
		t.Errorf("folder holds %q after a failed rename, want only the folder result.json (no temp file)", names)
	}
}

func TestWriteJSONIndentedWithNewline(t *testing.T) {
	path := filepath.Join(t.TempDir(), "v.json")

	if err := WriteJSON(path, map[string]int{"a": 1}); err != nil {
		t.Fatalf("WriteJSON: %v", err)
	}

	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("read back: %v", err)
	}
	if want := "{\n  \"a\": 1\n}\n"; string(data) != want {
		t.Errorf("WriteJSON wrote %q, want %q", data, want)
	}
}

func TestWriteJSONUnencodable(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "v.json")

	err := WriteJSON(path, map[string]any{"f": func() {}})

	if err == nil {
		t.Fatal("WriteJSON of a func = nil error, want one")
	}
	if !strings.Contains(err.Error(), "encode "+path) {
		t.Errorf("error %q does not say encoding %s failed", err, path)
	}
	if _, statErr := os.Stat(path); !errors.Is(statErr, os.ErrNotExist) {
		t.Errorf("%s exists after a failed encode (stat: %v)", path, statErr)
	}
}
