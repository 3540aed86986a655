package scenario

import (
	"os"
	"strings"
	"testing"
)

// FuzzParse checks that Parse returns a scenario or a one-line error for
// any input, and that every scenario it returns validates and produces
// requests within the size limits. The seed corpus in
// testdata/fuzz/FuzzParse holds the default scenario and invalid files.
func FuzzParse(f *testing.F) {
	if data, err := os.ReadFile(defaultScenarioPath); err == nil {
		f.Add(data)
	}
	f.Add([]byte(validScenario))
	f.Add([]byte(storedIDScenario))

	f.Fuzz(func(t *testing.T, data []byte) {
		s, err := Parse(data, "fuzz.toml")
		if err != nil {
			if s != nil {
				t.Fatalf("Parse returned a scenario and the error %v", err)
			}
			if msg := err.Error(); strings.ContainsAny(msg, "\n\r") {
				t.Fatalf("error spans lines: %q", msg)
			}
			return
		}

		if err := s.Validate(); err != nil {
			t.Fatalf("parsed scenario fails Validate: %v", err)
		}

		st := NewStream(s)
		for i := 0; i < 3; i++ {
			if req, ok := st.NextPreload(); ok {
				checkRequestSize(t, &req)
			}
		}
		for i := 0; i < 5; i++ {
			req := st.Next()
			checkRequestSize(t, &req)
		}

		again := NewStream(s)
		for i := 0; i < 5; i++ {
			again.Next()
		}
		if st.NextPreload(); again.Digest() == "" {
			t.Fatal("empty digest")
		}

		for _, req := range Preflight(s) {
			checkRequestSize(t, &req)
		}
	})
}

// checkRequestSize fails when a request and its fallbacks exceed the size
// limit that validation promises.
func checkRequestSize(t *testing.T, req *Request) {
	t.Helper()
	size := 0
	for r := req; r != nil; r = r.Fallback {
		size += len(r.Path) + len(r.Body)
	}
	if size > maxRequestSize {
		t.Fatalf("request %s is %d bytes with fallbacks, above the limit %d", req.Op, size, maxRequestSize)
	}
}
