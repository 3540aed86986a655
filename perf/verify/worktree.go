package verify

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"
)

// gitTimeout bounds each git command.
const gitTimeout = 2 * time.Minute

// Worktrees are temporary checkouts of commits, removed by Remove.
type Worktrees struct {
	repo string
	root string
	Dirs []string
}

// AddWorktrees checks out each commit into its own detached worktree under
// a new temporary folder. On error nothing is left behind.
func AddWorktrees(ctx context.Context, repo string, commits ...string) (*Worktrees, error) {
	for _, c := range commits {
		if _, err := git(ctx, repo, "cat-file", "-e", c+"^{commit}"); err != nil {
			return nil, fmt.Errorf("commit %.12s is not in the repository at %s; fetch it (git fetch) or measure the phase again", c, repo)
		}
	}
	root, err := os.MkdirTemp("", "perf-verify-")
	if err != nil {
		return nil, fmt.Errorf("create a folder for worktrees: %w", err)
	}
	w := &Worktrees{repo: repo, root: root}
	for i, c := range commits {
		dir := filepath.Join(root, fmt.Sprintf("%d-%.12s", i, c))
		if _, err := git(ctx, repo, "worktree", "add", "--detach", dir, c); err != nil {
			w.Remove()
			return nil, fmt.Errorf("check out commit %.12s: %w", c, err)
		}
		w.Dirs = append(w.Dirs, dir)
	}
	return w, nil
}

// Remove deletes the worktrees and their folder. It uses a fresh context,
// so it still runs after Ctrl-C has cancelled the run's.
func (w *Worktrees) Remove() {
	ctx := context.Background()
	for _, dir := range w.Dirs {
		git(ctx, w.repo, "worktree", "remove", "--force", dir)
	}
	os.RemoveAll(w.root)
	git(ctx, w.repo, "worktree", "prune")
	w.Dirs = nil
}

func git(ctx context.Context, dir string, args ...string) (string, error) {
	ctx, cancel := context.WithTimeout(ctx, gitTimeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, "git", args...)
	cmd.Dir = dir
	out, err := cmd.CombinedOutput()
	if err != nil {
		return "", fmt.Errorf("git %s: %v: %s", strings.Join(args, " "), err, strings.TrimSpace(string(out)))
	}
	return string(out), nil
}
