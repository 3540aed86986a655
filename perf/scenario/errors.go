package scenario

import (
	"fmt"
	"strconv"
	"strings"
	"time"
)

// FieldError is an invalid, missing or unknown key of a scenario. Error
// returns one line with the source, line, key, value, problem and fix.
type FieldError struct {
	Source string // file name, or `scenario "name"` from Validate
	Line   int    // 1-based line of the key, or 0 when unknown
	Key    string // key path, such as "operations[1].weight"
	Value  string // value in TOML syntax, "" when the key is missing
	// Problem states what is wrong, and Fix what to change.
	Problem, Fix string
}

func (e *FieldError) Error() string {
	var b strings.Builder
	b.WriteString(oneLine(e.Source))
	if e.Line > 0 {
		b.WriteString(":")
		b.WriteString(strconv.Itoa(e.Line))
	}
	b.WriteString(": ")

	if e.Key != "" {
		b.WriteString(oneLine(e.Key))
		if e.Value != "" {
			b.WriteString(" = ")
			b.WriteString(oneLine(e.Value))
		}
		b.WriteString(": ")
	}

	b.WriteString(oneLine(e.Problem))
	if e.Fix != "" {
		b.WriteString(", so ")
		b.WriteString(oneLine(e.Fix))
	}
	return b.String()
}

// oneLine escapes line breaks, which quoted TOML keys and decoder messages
// may contain, so that the error stays on one line.
func oneLine(s string) string {
	if !strings.ContainsAny(s, "\n\r") {
		return s
	}
	quoted := strconv.Quote(s)
	return quoted[1 : len(quoted)-1]
}

// maxValueLength caps the value quoted in an error, so that a 100 KiB body
// template still makes a readable one-line message.
const maxValueLength = 60

// formatValue writes v in TOML syntax for an error message. Strings are
// quoted with escapes, so the message stays on one line.
func formatValue(v any) string {
	switch x := v.(type) {
	case string:
		if len(x) > maxValueLength {
			return strconv.Quote(x[:maxValueLength]) + "..."
		}
		return strconv.Quote(x)
	case float64:
		return strconv.FormatFloat(x, 'g', -1, 64)
	case time.Duration:
		return strconv.Quote(x.String())
	case map[string]any:
		return "{...}"
	case []any, []map[string]any:
		return "[...]"
	default:
		s := fmt.Sprint(x)
		if len(s) > maxValueLength {
			s = s[:maxValueLength] + "..."
		}
		return s
	}
}

// tomlType names the TOML type of a decoded value for "wrong type" errors.
func tomlType(v any) string {
	switch v.(type) {
	case string:
		return "string"
	case int64:
		return "integer"
	case float64:
		return "float"
	case bool:
		return "boolean"
	case map[string]any:
		return "table"
	case []any, []map[string]any:
		return "array"
	default:
		return "date or time"
	}
}
