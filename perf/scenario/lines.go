package scenario

import (
	"strconv"
	"strings"
)

// keyLines maps key paths such as "rate", "data.embedding_dim" and
// "operations[1].weight" to the 1-based line where the key is defined.
//
// The TOML decoder (BurntSushi/toml v1.6.0) reports positions only for
// syntax errors. MetaData keeps key positions unexported, and for an array
// of tables it keeps one position per key name, not one per element. So
// locateKeys scans the source once more for the key lines.
type keyLines map[string]int

// lineOf returns the line of key, or else of its closest parent that has
// one, such as the [[operations]] header for a missing operation key.
// It returns 0 when neither is known.
func (kl keyLines) lineOf(key string) int {
	for key != "" {
		if line, ok := kl[key]; ok {
			return line
		}
		i := strings.LastIndexAny(key, ".[")
		if i < 0 {
			return 0
		}
		key = key[:i]
	}
	return 0
}

// record stores the line of path. A parent that has no line yet gets this
// one, so that a table defined only through its children, such as a in
// "a.b.c = 1", has the line of its first child.
func (kl keyLines) record(path string, line int) {
	kl[path] = line
	for i := len(path) - 1; i > 0; i-- {
		if path[i] == '.' || path[i] == '[' {
			if _, ok := kl[path[:i]]; !ok {
				kl[path[:i]] = line
			}
		}
	}
}

// locateKeys records the line of every table header and key in src. It
// expects src to be valid TOML, which Parse has checked. Keys inside inline
// tables are not recorded, so lineOf returns the line of the table.
func locateKeys(src string) keyLines {
	sc := keyScanner{src: src, line: 1}
	lines := keyLines{}
	arrayLengths := map[string]int{} // array-of-tables path to elements seen
	table := ""                      // path of the current [table]

	for {
		sc.skipBlank()
		if sc.pos >= len(sc.src) {
			return lines
		}
		line := sc.line

		switch {
		case strings.HasPrefix(sc.src[sc.pos:], "[["):
			sc.pos += 2
			table = resolveTable(sc.readKey(']'), arrayLengths, true)
			lines.record(table, line)
			sc.skipLine()

		case sc.src[sc.pos] == '[':
			sc.pos++
			table = resolveTable(sc.readKey(']'), arrayLengths, false)
			lines.record(table, line)
			sc.skipLine()

		default:
			parts := sc.readKey('=')
			if len(parts) > 0 {
				lines.record(joinKey(table, strings.Join(parts, ".")), line)
			}
			sc.skipValue()
		}
	}
}

// resolveTable turns the parts of a table header into a path with element
// indexes, so "[operations.extra]" after the second "[[operations]]" becomes
// "operations[1].extra". An array header adds an element to its array.
func resolveTable(parts []string, arrayLengths map[string]int, isArray bool) string {
	path := ""
	for i, part := range parts {
		path = joinKey(path, part)
		last := i == len(parts)-1

		if last && isArray {
			arrayLengths[path]++
			return path + "[" + strconv.Itoa(arrayLengths[path]-1) + "]"
		}
		if n, ok := arrayLengths[path]; ok {
			path += "[" + strconv.Itoa(n-1) + "]"
		}
	}
	return path
}

func joinKey(parent, key string) string {
	if parent == "" {
		return key
	}
	return parent + "." + key
}

// keyScanner walks TOML source far enough to find keys and skip values.
type keyScanner struct {
	src  string
	pos  int
	line int
}

// skipBlank skips whitespace, newlines and comments.
func (sc *keyScanner) skipBlank() {
	for sc.pos < len(sc.src) {
		switch sc.src[sc.pos] {
		case ' ', '\t', '\r':
			sc.pos++
		case '\n':
			sc.pos++
			sc.line++
		case '#':
			sc.skipComment()
		default:
			return
		}
	}
}

func (sc *keyScanner) skipComment() {
	for sc.pos < len(sc.src) && sc.src[sc.pos] != '\n' {
		sc.pos++
	}
}

// skipLine skips to the start of the next line.
func (sc *keyScanner) skipLine() {
	sc.skipComment()
	if sc.pos < len(sc.src) {
		sc.pos++
		sc.line++
	}
}

// readKey reads a dotted key up to end, which it consumes, and returns its
// parts with quotes removed. It stops early on anything unexpected.
func (sc *keyScanner) readKey(end byte) []string {
	var parts []string
	for sc.pos < len(sc.src) {
		c := sc.src[sc.pos]
		switch {
		case c == ' ' || c == '\t' || c == '.':
			sc.pos++
		case c == end:
			sc.pos++
			return parts
		case c == '"' || c == '\'':
			parts = append(parts, sc.readQuotedKey(c))
		case isBareKeyChar(c):
			start := sc.pos
			for sc.pos < len(sc.src) && isBareKeyChar(sc.src[sc.pos]) {
				sc.pos++
			}
			parts = append(parts, sc.src[start:sc.pos])
		default:
			return parts
		}
	}
	return parts
}

func (sc *keyScanner) readQuotedKey(quote byte) string {
	start := sc.pos
	sc.pos++
	for sc.pos < len(sc.src) && sc.src[sc.pos] != quote && sc.src[sc.pos] != '\n' {
		if quote == '"' && sc.src[sc.pos] == '\\' {
			sc.pos++
		}
		sc.pos++
	}
	if sc.pos < len(sc.src) && sc.src[sc.pos] == quote {
		sc.pos++
	}
	raw := sc.src[start:min(sc.pos, len(sc.src))]

	if quote == '"' {
		if s, err := strconv.Unquote(raw); err == nil {
			return s
		}
	}
	return strings.Trim(raw, string(quote))
}

func isBareKeyChar(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_' || c == '-'
}

// skipValue skips a value and the rest of its line. Strings, multi-line
// strings and arrays may span lines, so it tracks quotes and bracket depth.
func (sc *keyScanner) skipValue() {
	depth := 0
	for sc.pos < len(sc.src) {
		c := sc.src[sc.pos]
		switch c {
		case '"', '\'':
			sc.skipString(c)
		case '[', '{':
			depth++
			sc.pos++
		case ']', '}':
			depth = max(depth-1, 0)
			sc.pos++
		case '#':
			sc.skipComment()
		case '\n':
			sc.pos++
			sc.line++
			if depth == 0 {
				return
			}
		default:
			sc.pos++
		}
	}
}

// skipString skips a basic or literal string, single- or multi-line.
func (sc *keyScanner) skipString(quote byte) {
	triple := strings.Repeat(string(quote), 3)
	multiline := strings.HasPrefix(sc.src[sc.pos:], triple)
	if multiline {
		sc.pos += 3
	} else {
		sc.pos++
	}

	for sc.pos < len(sc.src) {
		c := sc.src[sc.pos]
		switch {
		case c == '\\' && quote == '"':
			if sc.pos+1 < len(sc.src) && sc.src[sc.pos+1] == '\n' {
				sc.line++
			}
			sc.pos += 2
		case c == '\n' && !multiline:
			return // invalid TOML, so leave the newline to skipValue
		case c == '\n':
			sc.line++
			sc.pos++
		case multiline && strings.HasPrefix(sc.src[sc.pos:], triple):
			sc.pos += 3
			// A closing delimiter may follow up to two quotes of the content.
			for i := 0; i < 2 && sc.pos < len(sc.src) && sc.src[sc.pos] == quote; i++ {
				sc.pos++
			}
			return
		case !multiline && c == quote:
			sc.pos++
			return
		default:
			sc.pos++
		}
	}
}
