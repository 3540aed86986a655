package server

import (
	"bytes"
	"log/slog"
	"os"
	"sync"
	"time"
)

const (
	// maxLogLines is how many trailing output lines a Process keeps in
	// memory for LastLines and error messages.
	maxLogLines = 200

	// maxLineBytes caps one kept line, so a server that writes megabytes
	// without a line break cannot grow the ring without bound. Longer lines
	// are split. The log file always gets the full output.
	maxLineBytes = 4096

	// outputDrainTimeout bounds the wait for the output pipe to reach end of
	// file after the process group has died. Only a process that left the
	// group, for example through setsid, can hold it open longer.
	outputDrainTimeout = 2 * time.Second
)

// lineRing keeps the last maxLogLines lines written to it.
type lineRing struct {
	mu      sync.Mutex
	lines   []string // circular once it holds maxLogLines lines
	next    int      // index of the oldest line once the ring is full
	partial []byte   // the current line, not yet ended by '\n'
}

// Write splits data into lines. It never returns an error.
func (r *lineRing) Write(data []byte) (int, error) {
	r.mu.Lock()
	defer r.mu.Unlock()

	written := len(data)
	for len(data) > 0 {
		end := bytes.IndexByte(data, '\n')
		if end < 0 {
			r.partial = append(r.partial, data...)
			if len(r.partial) >= maxLineBytes {
				r.pushPartial()
			}
			break
		}
		r.partial = append(r.partial, data[:end]...)
		r.pushPartial()
		data = data[end+1:]
	}
	return written, nil
}

// flush keeps an unterminated last line, which a crashing server often
// writes.
func (r *lineRing) flush() {
	r.mu.Lock()
	defer r.mu.Unlock()

	if len(r.partial) > 0 {
		r.pushPartial()
	}
}

// pushPartial moves r.partial into the ring in pieces of at most
// maxLineBytes. The caller holds r.mu.
func (r *lineRing) pushPartial() {
	line := bytes.TrimSuffix(r.partial, []byte("\r"))
	for {
		piece := line[:min(len(line), maxLineBytes)]
		r.push(string(piece))
		line = line[len(piece):]
		if len(line) == 0 {
			break
		}
	}
	r.partial = r.partial[:0]
}

func (r *lineRing) push(line string) {
	if len(r.lines) < maxLogLines {
		r.lines = append(r.lines, line)
		return
	}
	r.lines[r.next] = line
	r.next = (r.next + 1) % maxLogLines
}

// last returns a copy of the last n lines, oldest first.
func (r *lineRing) last(n int) []string {
	r.mu.Lock()
	defer r.mu.Unlock()

	n = min(n, len(r.lines))
	if n <= 0 {
		return nil
	}
	ordered := append(append([]string(nil), r.lines[r.next:]...), r.lines[:r.next]...)
	return ordered[len(ordered)-n:]
}

// outputCapture copies the server's combined stdout and stderr from a pipe
// into a lineRing and, when set, a log file.
type outputCapture struct {
	name string
	pipe *os.File // read end; the server and its children have the write end
	file *os.File // nil when Spec.LogPath is empty
	ring *lineRing
	done chan struct{}
}

func newOutputCapture(name string, pipe, file *os.File) *outputCapture {
	return &outputCapture{
		name: name,
		pipe: pipe,
		file: file,
		ring: &lineRing{},
		done: make(chan struct{}),
	}
}

// run reads until every writer has closed the pipe or finish closes it, then
// closes the pipe and the log file.
func (c *outputCapture) run() {
	defer close(c.done)

	buf := make([]byte, 32*1024)
	var fileErr error
	for {
		n, readErr := c.pipe.Read(buf)
		if n > 0 {
			c.ring.Write(buf[:n])
			fileErr = c.writeFile(buf[:n], fileErr)
		}
		if readErr != nil {
			break
		}
	}
	c.ring.flush()

	// The pipe may already be closed by finish, which is expected.
	_ = c.pipe.Close()
	if c.file != nil {
		if err := c.file.Close(); err != nil {
			slog.Warn("cannot close server log file", "name", c.name, "path", c.file.Name(), "error", err)
		}
	}
}

// writeFile writes to the log file until the first error, which it logs
// once. Reading goes on after an error, because a server whose output is not
// drained blocks on its next write.
func (c *outputCapture) writeFile(data []byte, prevErr error) error {
	if c.file == nil || prevErr != nil {
		return prevErr
	}
	_, err := c.file.Write(data)
	if err != nil {
		slog.Warn("cannot write server log file; output is kept only in memory from now on", "name", c.name, "path", c.file.Name(), "error", err)
	}
	return err
}

// finish waits for run to end. When a process outside the group still holds
// the pipe after outputDrainTimeout, it closes the read end, which makes the
// pending read return.
func (c *outputCapture) finish() {
	select {
	case <-c.done:
		return
	case <-time.After(outputDrainTimeout):
	}

	slog.Warn("server output still open after the process group exited; a process that left the group may still be running",
		"name", c.name, "timeout", outputDrainTimeout)
	_ = c.pipe.Close()
	<-c.done
}
