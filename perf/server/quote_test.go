package server

import "testing"

func TestShellQuote(t *testing.T) {
	tests := []struct {
		words []string
		want  string
	}{
		{words: []string{"bin/refserver", "-port", "7432"}, want: "bin/refserver -port 7432"},
		{words: []string{"echo", ""}, want: "echo ''"},
		{words: []string{"echo", "a b"}, want: "echo 'a b'"},
		{words: []string{"echo", "it's"}, want: `echo 'it'\''s'`},
		{words: []string{"echo", "$HOME"}, want: "echo '$HOME'"},
	}
	for _, tt := range tests {
		if got := shellQuote(tt.words); got != tt.want {
			t.Errorf("shellQuote(%q) = %q, want %q", tt.words, got, tt.want)
		}
	}
}
