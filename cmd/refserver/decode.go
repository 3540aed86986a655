package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strconv"
	"unicode/utf8"
)

// storeRequest is the body of POST /api/v1/episodes. Pointer fields tell a
// missing value from a zero one.
type storeRequest struct {
	ID         string    `json:"id"`
	Content    string    `json:"content"`
	Confidence *float64  `json:"confidence"`
	Embedding  []float32 `json:"embedding"`
}

// recallRequest is the body of the POST /api/v1/recall/* endpoints.
type recallRequest struct {
	Cue []float32 `json:"cue"`
	K   *int      `json:"k"`
}

// decodeStoreRequest parses body into req.
//
// encoding/json spends about 95 µs on a body with 768 floats, mostly in
// reflection and per-number allocation, which is a tenth of a core at 1000
// requests per second. The fast path below handles the common shape: known
// keys, strings without escapes, and plain numbers. Anything else, such as
// unknown or differently cased keys, escapes, null or a syntax error, falls
// back to encoding/json. So results and errors match encoding/json, which
// the fuzz tests check.
func decodeStoreRequest(body []byte, req *storeRequest) error {
	if decodeStoreFast(body, req) {
		return nil
	}

	*req = storeRequest{Embedding: req.Embedding[:0]}
	if err := json.Unmarshal(body, req); err != nil {
		return describeJSONError(err)
	}

	return nil
}

// decodeRecallRequest parses body into req, with the same fast path and
// fallback as decodeStoreRequest.
func decodeRecallRequest(body []byte, req *recallRequest) error {
	if decodeRecallFast(body, req) {
		return nil
	}

	*req = recallRequest{Cue: req.Cue[:0]}
	if err := json.Unmarshal(body, req); err != nil {
		return describeJSONError(err)
	}

	return nil
}

// describeJSONError turns an encoding/json error into a message that names
// the offending field or byte offset.
func describeJSONError(err error) error {
	var syntaxErr *json.SyntaxError
	var typeErr *json.UnmarshalTypeError
	switch {
	case errors.As(err, &syntaxErr):
		return fmt.Errorf("body: invalid JSON at byte %d: %v", syntaxErr.Offset, syntaxErr)
	case errors.As(err, &typeErr) && typeErr.Field != "":
		return fmt.Errorf("%s: cannot use JSON %s as %s", typeErr.Field, typeErr.Value, typeErr.Type)
	case errors.As(err, &typeErr):
		return fmt.Errorf("body: cannot use JSON %s as the request object; send a JSON object", typeErr.Value)
	case errors.Is(err, io.ErrUnexpectedEOF):
		return errors.New("body: JSON ends early; send a complete JSON object")
	default:
		return fmt.Errorf("body: %v", err)
	}
}

func decodeStoreFast(body []byte, req *storeRequest) bool {
	return decodeObjectFast(body, func(s *jsonScanner, key []byte) bool {
		switch string(key) {
		case "id":
			v, ok := s.plainString()
			req.ID = string(v)
			return ok
		case "content":
			v, ok := s.plainString()
			req.Content = string(v)
			return ok
		case "confidence":
			tok, _, ok := s.number()
			if !ok {
				return false
			}
			v, err := strconv.ParseFloat(string(tok), 64)
			req.Confidence = &v
			return err == nil
		case "embedding":
			var ok bool
			req.Embedding, ok = s.floatArray(req.Embedding[:0])
			return ok
		}
		return false
	})
}

func decodeRecallFast(body []byte, req *recallRequest) bool {
	return decodeObjectFast(body, func(s *jsonScanner, key []byte) bool {
		switch string(key) {
		case "cue":
			var ok bool
			req.Cue, ok = s.floatArray(req.Cue[:0])
			return ok
		case "k":
			tok, integer, ok := s.number()
			if !ok || !integer {
				return false
			}
			v, err := strconv.Atoi(string(tok))
			req.K = &v
			return err == nil
		}
		return false
	})
}

// decodeObjectFast walks one JSON object and calls value for each key, with
// the scanner positioned at the key's value. It returns false as soon as
// value does, or when the body is not a single object.
func decodeObjectFast(body []byte, value func(s *jsonScanner, key []byte) bool) bool {
	s := jsonScanner{buf: body}
	if !s.consume('{') {
		return false
	}
	if s.consume('}') {
		return s.atEnd()
	}

	for {
		key, ok := s.plainString()
		if !ok || !s.consume(':') || !value(&s, key) {
			return false
		}
		if s.consume(',') {
			continue
		}
		if s.consume('}') {
			return s.atEnd()
		}
		return false
	}
}

// jsonScanner reads the subset of JSON that the fast path accepts. Every
// method returns false on input outside that subset, which includes all
// invalid JSON, and the caller then falls back to encoding/json.
type jsonScanner struct {
	buf []byte
	pos int
}

func (s *jsonScanner) skipSpace() {
	for s.pos < len(s.buf) {
		switch s.buf[s.pos] {
		case ' ', '\t', '\n', '\r':
			s.pos++
		default:
			return
		}
	}
}

// consume skips white space and then c, and reports whether c was next.
func (s *jsonScanner) consume(c byte) bool {
	s.skipSpace()
	if s.pos < len(s.buf) && s.buf[s.pos] == c {
		s.pos++
		return true
	}

	return false
}

func (s *jsonScanner) atEnd() bool {
	s.skipSpace()
	return s.pos == len(s.buf)
}

// plainString reads a string without escapes and returns its bytes, which
// alias the body. Strings with escapes or invalid UTF-8 are rejected
// because encoding/json rewrites them.
func (s *jsonScanner) plainString() ([]byte, bool) {
	if !s.consume('"') {
		return nil, false
	}

	start := s.pos
	ascii := true
	for ; s.pos < len(s.buf); s.pos++ {
		c := s.buf[s.pos]
		switch {
		case c == '"':
			v := s.buf[start:s.pos]
			s.pos++
			return v, ascii || utf8.Valid(v)
		case c == '\\' || c < 0x20:
			return nil, false
		case c >= utf8.RuneSelf:
			ascii = false
		}
	}

	return nil, false
}

// number reads a JSON number token and reports whether it has neither a
// fraction nor an exponent.
func (s *jsonScanner) number() (tok []byte, integer bool, ok bool) {
	s.skipSpace()
	start := s.pos
	s.acceptByte('-')

	switch {
	case s.acceptByte('0'):
	case s.acceptDigits() == 0:
		return nil, false, false
	}

	integer = true
	if s.acceptByte('.') {
		integer = false
		if s.acceptDigits() == 0 {
			return nil, false, false
		}
	}
	if s.acceptByte('e') || s.acceptByte('E') {
		integer = false
		if !s.acceptByte('+') {
			s.acceptByte('-')
		}
		if s.acceptDigits() == 0 {
			return nil, false, false
		}
	}

	return s.buf[start:s.pos], integer, true
}

func (s *jsonScanner) acceptByte(c byte) bool {
	if s.pos < len(s.buf) && s.buf[s.pos] == c {
		s.pos++
		return true
	}

	return false
}

// acceptDigits skips decimal digits and returns how many it skipped.
func (s *jsonScanner) acceptDigits() int {
	start := s.pos
	for s.pos < len(s.buf) && '0' <= s.buf[s.pos] && s.buf[s.pos] <= '9' {
		s.pos++
	}

	return s.pos - start
}

// floatArray reads an array of numbers and appends them to dst.
func (s *jsonScanner) floatArray(dst []float32) ([]float32, bool) {
	if !s.consume('[') {
		return dst, false
	}
	if s.consume(']') {
		return dst, true
	}

	for {
		tok, _, ok := s.number()
		if !ok {
			return dst, false
		}
		f, ok := parseFloat32(tok)
		if !ok {
			return dst, false
		}
		dst = append(dst, f)

		if s.consume(',') {
			continue
		}
		return dst, s.consume(']')
	}
}
