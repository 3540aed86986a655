package scenario

import "fmt"

// Limits on the structure of a scenario file, checked before decoding. A
// scenario needs a nesting depth of 2 and keys of at most 2 parts.
const (
	maxNestingDepth = 32 // open '[' and '{' outside strings
	maxKeyParts     = 16 // parts of a dotted key such as a.b.c
)

// checkStructure rejects deeply nested brackets and long dotted keys before
// decoding, and returns the line of the first one.
//
// The decoder (BurntSushi/toml v1.6.0) copies the key path at each level,
// so its time grows faster than quadratically with depth. On a 2-core VM,
// 4000 nested inline tables (16 KB) took 9 s to decode and 16000 dotted key
// parts (32 KB) took 6 s. By extrapolation a 1 MiB file could take hours.
//
// It scans any input, valid TOML or not, in one pass. A dot between two
// key parts counts as a key dot, so a float such as 1.5 or a time such as
// 07:32:00.999 counts as a key of 2 parts, which is below the limit.
func checkStructure(src string) (line int, problem string) {
	sc := keyScanner{src: src, line: 1}
	depth := 0
	parts := 0 // parts of the dotted key being read, 0 outside keys
	afterDot := false

	startPart := func() string {
		if afterDot {
			parts++
		} else {
			parts = 1
		}
		afterDot = false
		if parts > maxKeyParts {
			return fmt.Sprintf("dotted key with more than %d parts", maxKeyParts)
		}
		return ""
	}

	for sc.pos < len(sc.src) {
		c := sc.src[sc.pos]
		line = sc.line

		switch {
		case c == ' ' || c == '\t' || c == '\r':
			sc.pos++
			continue
		case c == '#':
			sc.skipComment()
			continue
		case c == '"' || c == '\'':
			sc.skipString(c)
			if problem := startPart(); problem != "" {
				return line, problem
			}
			continue
		case isBareKeyChar(c):
			for sc.pos < len(sc.src) && isBareKeyChar(sc.src[sc.pos]) {
				sc.pos++
			}
			if problem := startPart(); problem != "" {
				return line, problem
			}
			continue
		case c == '.' && parts > 0:
			sc.pos++
			afterDot = true
			continue
		case c == '[' || c == '{':
			depth++
			if depth > maxNestingDepth {
				return line, fmt.Sprintf("brackets nested more than %d deep", maxNestingDepth)
			}
		case c == ']' || c == '}':
			depth = max(depth-1, 0)
		case c == '\n':
			sc.line++
		}

		// Anything else ends a dotted key.
		sc.pos++
		parts = 0
		afterDot = false
	}
	return 0, ""
}
