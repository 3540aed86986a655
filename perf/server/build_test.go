package server

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestBuildCompileErrorReported(t *testing.T) {
	binary := filepath.Join(t.TempDir(), "brokenbuild")
	spec := Spec{
		Name:     "brokenbuild",
		Dir:      filepath.Join("testdata", "brokenbuild"),
		BuildCmd: []string{"go", "build", "-o", binary, "."},
	}

	err := Build(context.Background(), spec)
	if err == nil {
		t.Fatal("Build succeeded on source that does not compile")
	}
	if !strings.Contains(err.Error(), `cannot use "not a number"`) {
		t.Errorf("error lacks the compiler message: %v", err)
	}
	if !strings.Contains(err.Error(), "go build -o "+binary+" .") {
		t.Errorf("error lacks the command: %v", err)
	}
	if _, statErr := os.Stat(binary); !errors.Is(statErr, os.ErrNotExist) {
		t.Errorf("binary %s exists after a failed build (stat: %v)", binary, statErr)
	}
}

func TestBuildEmptyCommandDoesNothing(t *testing.T) {
	if err := Build(context.Background(), Spec{Name: "none"}); err != nil {
		t.Errorf("Build with no BuildCmd: %v", err)
	}
}

func TestBuildMissingToolReported(t *testing.T) {
	spec := Spec{Name: "missing", BuildCmd: []string{"perfgate-no-such-build-tool", "x"}}

	err := Build(context.Background(), spec)
	if err == nil {
		t.Fatal("Build succeeded with a missing tool")
	}
	if !strings.Contains(err.Error(), "perfgate-no-such-build-tool") {
		t.Errorf("error does not name the tool: %v", err)
	}
}

func TestBuildCancelledContext(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	spec := Spec{Name: "cancelled", BuildCmd: []string{"sleep", "30"}}

	err := Build(ctx, spec)
	if !errors.Is(err, context.Canceled) {
		t.Errorf("Build error = %v, want context.Canceled", err)
	}
}

func TestLastLinesOfText(t *testing.T) {
	tests := []struct {
		text string
		n    int
		want []string
	}{
		{text: "", n: 3, want: nil},
		{text: "a\nb\nc\n", n: 2, want: []string{"b", "c"}},
		{text: "a\nb", n: 5, want: []string{"a", "b"}},
	}
	for _, tt := range tests {
		got := lastLines(tt.text, tt.n)
		if strings.Join(got, "|") != strings.Join(tt.want, "|") || len(got) != len(tt.want) {
			t.Errorf("lastLines(%q, %d) = %q, want %q", tt.text, tt.n, got, tt.want)
		}
	}
}
