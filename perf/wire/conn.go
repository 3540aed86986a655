package wire

import (
	"bufio"
	"context"
	"crypto/tls"
	"fmt"
	"io"
	"net"
	"os"
	"syscall"
	"time"
)

// conn is one keep-alive connection.
type conn struct {
	nc  net.Conn
	raw syscall.RawConn // nil for TLS, which reads and writes through nc
	r   *bufio.Reader   // reads from the conn itself
	buf []byte          // the request being written, reused
	got int             // response bytes read since the request was written
}

// dial opens a connection, finishing the TLS handshake for https, before
// deadline.
func (c *Client) dial(ctx context.Context, deadline time.Time) (*conn, error) {
	dialer := c.dialer
	dialer.Deadline = deadline
	nc, err := dialer.DialContext(ctx, "tcp", c.addr)
	if err != nil {
		return nil, err
	}

	cn := &conn{nc: nc}
	if c.tls != nil {
		tc := tls.Client(nc, c.tls)
		nc.SetDeadline(deadline)
		if err := tc.HandshakeContext(ctx); err != nil {
			nc.Close()
			return nil, fmt.Errorf("TLS handshake with %s failed: %w", c.addr, err)
		}
		cn.nc = tc
	} else if sc, ok := nc.(syscall.Conn); ok {
		if cn.raw, err = sc.SyscallConn(); err != nil {
			nc.Close()
			return nil, err
		}
	}
	cn.r = bufio.NewReaderSize(cn, 4<<10)
	return cn, nil
}

func (cn *conn) close() { cn.nc.Close() }

// Read reads from the socket. On a plain connection the read is a raw
// system call, and the runtime's poller waits while the socket is empty.
func (cn *conn) Read(p []byte) (int, error) {
	if cn.raw == nil {
		n, err := cn.nc.Read(p)
		cn.got += n
		return n, err
	}
	if len(p) == 0 {
		return 0, nil
	}

	var n int
	var errno syscall.Errno
	err := cn.raw.Read(func(fd uintptr) bool {
		n, errno = readRaw(fd, p)
		return errno != syscall.EAGAIN // false: wait until readable
	})
	switch {
	case err != nil: // deadline passed or connection closed
		return 0, err
	case errno != 0:
		return 0, os.NewSyscallError("read", errno)
	case n == 0:
		return 0, io.EOF
	}
	cn.got += n
	return n, nil
}

// write writes all of b.
func (cn *conn) write(b []byte) error {
	if cn.raw == nil {
		_, err := cn.nc.Write(b)
		return err
	}

	var errno syscall.Errno
	err := cn.raw.Write(func(fd uintptr) bool {
		for len(b) > 0 {
			var n int
			n, errno = writeRaw(fd, b)
			if errno == syscall.EAGAIN {
				errno = 0
				return false // wait until writable
			}
			if errno != 0 {
				return true
			}
			b = b[n:]
		}
		return true
	})
	if err != nil {
		return err
	}
	if errno != 0 {
		return os.NewSyscallError("write", errno)
	}
	return nil
}
