package server

import "strings"

// shellQuote joins words into one line that a POSIX shell splits back into
// the same words, so a command line in a message can be pasted and run.
func shellQuote(words []string) string {
	quoted := make([]string, len(words))
	for i, word := range words {
		quoted[i] = quoteWord(word)
	}
	return strings.Join(quoted, " ")
}

func quoteWord(word string) string {
	if word == "" {
		return "''"
	}
	if strings.IndexFunc(word, needsQuoting) < 0 {
		return word
	}
	// Inside single quotes only the quote itself is special, so it closes
	// the quoted run, adds an escaped quote and reopens it.
	return "'" + strings.ReplaceAll(word, "'", `'\''`) + "'"
}

func needsQuoting(r rune) bool {
	switch {
	case r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z', r >= '0' && r <= '9':
		return false
	case strings.ContainsRune("@%+=:,./_-", r):
		return false
	}
	return true
}
