package perflog

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
)

// roadmapEntry is the task name and status parsed from a roadmap file name.
type roadmapEntry struct {
	path   string
	name   string
	status string
}

// findRoadmap looks in dir for the roadmap file of task, named
// "<task>_<name>_<status>.md" with underscores between the words of the
// name, such as "001_hnsw_index_complete.md" (name "hnsw index", status
// "complete"). ok is false when dir or the file does not exist. Two files
// for one task are an error, because either name could be the right one.
//
// NOTE: a task id that is a prefix of another up to an underscore ("017"
// and "017_index") cannot be distinguished by file name alone.
func findRoadmap(dir, task string) (entry roadmapEntry, ok bool, err error) {
	if dir == "" {
		return roadmapEntry{}, false, nil
	}
	files, err := os.ReadDir(dir)
	if errors.Is(err, os.ErrNotExist) {
		return roadmapEntry{}, false, nil
	}
	if err != nil {
		return roadmapEntry{}, false, fmt.Errorf("read roadmap folder %s: %w", dir, err)
	}

	var found []roadmapEntry
	for _, f := range files {
		rest, match := strings.CutPrefix(f.Name(), task+"_")
		if !match || f.IsDir() || !strings.HasSuffix(rest, ".md") {
			continue
		}
		words := strings.Split(strings.TrimSuffix(rest, ".md"), "_")
		found = append(found, roadmapEntry{
			path:   filepath.Join(dir, f.Name()),
			name:   strings.Join(strings.Fields(strings.Join(words[:len(words)-1], " ")), " "),
			status: words[len(words)-1],
		})
	}

	switch len(found) {
	case 0:
		return roadmapEntry{}, false, nil
	case 1:
		return found[0], true, nil
	default:
		return roadmapEntry{}, false, fmt.Errorf("roadmap folder %s has %d files for task %s (%s and %s); rename or delete all but one",
			dir, len(found), task, filepath.Base(found[0].path), filepath.Base(found[1].path))
	}
}
