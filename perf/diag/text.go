package diag

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/m17/perfgate/perf/result"
)

// MaxLogLines is the number of server log lines that WriteText keeps, the
// last ones.
const MaxLogLines = 200

// WriteText writes the diagnostics as the text of the _diag.txt file, in
// sections with headings: the server and how it exited, its health payload,
// other processes listening on its port, the host, and the last log lines.
func WriteText(w io.Writer, d *result.Diagnostics) error {
	if d == nil {
		return errors.New("write diagnostics: diagnostics are nil; pass the run's result.Diagnostics")
	}
	bw := bufio.NewWriter(w)
	fmt.Fprintln(bw, "Diagnostics of the server run")

	heading(bw, "Server")
	command := d.ServerCommand
	if command == "" {
		command = "(none: the server was already running, not started by the harness)"
	}
	field(bw, "Command", command)
	field(bw, "Exit", exitText(d))
	field(bw, "Exited unexpectedly", unexpectedText(d))

	heading(bw, "Health payload")
	writeBlock(bw, d.HealthPayload, "(empty)")

	heading(bw, "Other processes listening on the port")
	writeBlock(bw, strings.Join(d.PortListeners, "\n"), "(none found)")

	heading(bw, "Host")
	field(bw, "Load average before", fmt.Sprintf("%.2f", d.LoadAvgBefore))
	field(bw, "Load average after", fmt.Sprintf("%.2f", d.LoadAvgAfter))
	governor := d.CPUGovernor
	if governor == "" {
		governor = "(unknown: scaling_governor is not readable on this host)"
	}
	field(bw, "CPU governor", governor)

	lines := d.LastLogLines
	if len(lines) > MaxLogLines {
		lines = lines[len(lines)-MaxLogLines:]
	}
	if len(lines) == 0 {
		heading(bw, "Server log")
	} else {
		heading(bw, fmt.Sprintf("Server log, last %d lines", len(lines)))
	}
	writeBlock(bw, strings.Join(lines, "\n"), "(no output captured)")

	return bw.Flush()
}

// exitText describes how the server ended.
//
// NOTE: Diagnostics has no field for a server that is still running, so such
// a server shows as "exit status 0".
func exitText(d *result.Diagnostics) string {
	if d.ExitSignal != "" {
		return "killed by signal " + d.ExitSignal
	}
	return fmt.Sprintf("exit status %d", d.ExitCode)
}

func unexpectedText(d *result.Diagnostics) string {
	switch {
	case !d.ExitUnexpected:
		return "no"
	case d.CrashedAt != "":
		return "yes, at " + d.CrashedAt
	default:
		return "yes"
	}
}

// field writes one "label: value" line with the values aligned.
func field(w io.Writer, label, value string) {
	fmt.Fprintf(w, "%-21s %s\n", label+":", value)
}

func heading(w io.Writer, title string) {
	fmt.Fprintf(w, "\n== %s ==\n", title)
}

// writeBlock writes text indented by two spaces, or placeholder when text is
// empty, so that multi-line content stays under its heading.
func writeBlock(w io.Writer, text, placeholder string) {
	text = strings.TrimRight(text, "\n")
	if text == "" {
		fmt.Fprintf(w, "  %s\n", placeholder)
		return
	}
	for line := range strings.SplitSeq(text, "\n") {
		fmt.Fprintf(w, "  %s\n", line)
	}
}
