package scenario

import (
	"encoding/json"
	"math"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

func execute(t *testing.T, text string, g *generator, seq int64) string {
	t.Helper()
	tmpl, err := compileTemplate(text, 8)
	if err != nil {
		t.Fatalf("compileTemplate(%q): %v", text, err)
	}
	out := tmpl.appendTo(nil, g, seq)
	if len(out) > tmpl.maxSize {
		t.Errorf("output of %q is %d bytes, above its bound %d", text, len(out), tmpl.maxSize)
	}
	return string(out)
}

func TestTemplateLiteralsAndSeq(t *testing.T) {
	g := newGenerator(1, labelStream, streamIDPrefix)
	cases := []struct {
		text, want string
	}{
		{"", ""},
		{"/plain/path", "/plain/path"},
		{`{"a":{"b":1}}`, `{"a":{"b":1}}`},
		{`{"seq":{{seq}}}`, `{"seq":42}`},
		{`{{ seq }}-{{seq}}`, `42-42`},
		{`}}{{seq}}}}`, `}}42}}`},
	}
	for _, c := range cases {
		if got := execute(t, c.text, g, 42); got != c.want {
			t.Errorf("%q: got %q, want %q", c.text, got, c.want)
		}
	}
}

func TestTemplateCompileErrors(t *testing.T) {
	cases := []struct {
		text, want string
	}{
		{"{{", "unclosed {{ at byte 0"},
		{"ab{{seq", "unclosed {{ at byte 2"},
		{"{{}}", "empty placeholder"},
		{"{{   }}", "empty placeholder"},
		{"{{Seq}}", `unknown generator "Seq"`},
		{"{{seq 1}}", "takes no arguments"},
		{"{{storedID x}}", "takes no arguments"},
		{"{{int 1}}", "want 2 arguments, got 1"},
		{"{{int 1 2 3}}", "want 2 arguments, got 3"},
		{"{{int a 2}}", "invalid range a 2"},
		{"{{int 1 99999999999999999999}}", "invalid range"},
		{"{{float 2 1}}", "invalid range 2 1"},
		{"{{float 0 NaN}}", "invalid range 0 NaN"},
		{"{{float 0 1e16}}", "magnitude at most 1e+15"},
		{"{{float -Inf 0}}", "invalid range"},
		{"{{embedding 65537}}", `invalid length "65537"`},
		{"{{embedding -1}}", `invalid length "-1"`},
		{"{{embedding 1 2}}", "at most one argument"},
	}
	for _, c := range cases {
		_, err := compileTemplate(c.text, 8)
		if err == nil {
			t.Errorf("%q compiled, want error %q", c.text, c.want)
			continue
		}
		if !strings.Contains(err.Error(), c.want) {
			t.Errorf("%q: error %q does not contain %q", c.text, err, c.want)
		}
		if !strings.Contains(err.Error(), ", so ") {
			t.Errorf("%q: error %q gives no fix", c.text, err)
		}
	}
}

func TestTemplateStoredIDAlias(t *testing.T) {
	for _, text := range []string{"{{storedID}}", "{{stored_id}}"} {
		tmpl, err := compileTemplate(text, 0)
		if err != nil {
			t.Errorf("%s: %v", text, err)
			continue
		}
		if tmpl.storedIDs != 1 {
			t.Errorf("%s: storedIDs = %d, want 1", text, tmpl.storedIDs)
		}
	}
}

func TestGeneratorIDs(t *testing.T) {
	g := newGenerator(1, labelStream, streamIDPrefix)
	if got := execute(t, "{{storedID}}", g, 0); got != "ep-00000000" {
		t.Errorf("storedID before any id = %s, want ep-00000000", got)
	}
	if got := execute(t, "{{id}},{{id}}", g, 0); got != "ep-00000000,ep-00000001" {
		t.Errorf("ids = %s", got)
	}
	for i := 0; i < 100; i++ {
		got := execute(t, "{{storedID}}", g, 0)
		if got != "ep-00000000" && got != "ep-00000001" {
			t.Fatalf("storedID = %s, want one of the two ids generated", got)
		}
	}

	g.nextID = 123456789
	if got := execute(t, "{{id}}", g, 0); got != "ep-123456789" {
		t.Errorf("id past 8 digits = %s, want ep-123456789", got)
	}
	if got := string(appendID(nil, preflightIDPrefix, math.MaxUint64)); got != "ep-preflight-18446744073709551615" {
		t.Errorf("largest id = %s", got)
	}
}

func TestGeneratorIntRange(t *testing.T) {
	g := newGenerator(3, labelStream, streamIDPrefix)
	seen := map[int64]bool{}
	for i := 0; i < 1000; i++ {
		v, err := strconv.ParseInt(execute(t, "{{int -2 2}}", g, 0), 10, 64)
		if err != nil || v < -2 || v > 2 {
			t.Fatalf("{{int -2 2}} gave %d (%v)", v, err)
		}
		seen[v] = true
	}
	if len(seen) != 5 {
		t.Errorf("{{int -2 2}} gave %d distinct values in 1000 draws, want 5", len(seen))
	}

	if got := execute(t, "{{int 7 7}}", g, 0); got != "7" {
		t.Errorf("{{int 7 7}} = %s, want 7", got)
	}
	full := execute(t, "{{int -9223372036854775808 9223372036854775807}}", g, 0)
	if _, err := strconv.ParseInt(full, 10, 64); err != nil {
		t.Errorf("full int64 range gave %q: %v", full, err)
	}
}

var fourDecimals = regexp.MustCompile(`^-?\d+\.\d{4}$`)

func TestGeneratorFloatRange(t *testing.T) {
	g := newGenerator(4, labelStream, streamIDPrefix)
	for i := 0; i < 1000; i++ {
		text := execute(t, "{{float 0.5 1.0}}", g, 0)
		if !fourDecimals.MatchString(text) {
			t.Fatalf("{{float 0.5 1.0}} = %q, want 4 decimals", text)
		}
		v, _ := strconv.ParseFloat(text, 64)
		if v < 0.5 || v > 1 {
			t.Fatalf("{{float 0.5 1.0}} = %g, outside the range", v)
		}
	}
	big := execute(t, "{{float -1e15 1e15}}", g, 0)
	if !fourDecimals.MatchString(big) {
		t.Errorf("{{float -1e15 1e15}} = %q, want plain decimals", big)
	}
}

func TestGeneratorEmbedding(t *testing.T) {
	g := newGenerator(5, labelStream, streamIDPrefix)
	for _, n := range []int{1, 2, 3, 768, 769} {
		text := execute(t, "{{embedding "+strconv.Itoa(n)+"}}", g, 0)

		var values []float64
		if err := json.Unmarshal([]byte(text), &values); err != nil {
			t.Fatalf("embedding %d is not a JSON array: %v: %.80s", n, err, text)
		}
		if len(values) != n {
			t.Errorf("embedding %d has %d values", n, len(values))
		}
		for _, item := range strings.Split(strings.Trim(text, "[]"), ",") {
			if !fourDecimals.MatchString(item) {
				t.Fatalf("embedding item %q does not have 4 decimals", item)
			}
		}
		for _, v := range values {
			if v < -1 || v > 1 {
				t.Fatalf("embedding value %g outside [-1, 1]", v)
			}
		}
	}

	if got := execute(t, "{{embedding}}", g, 0); strings.Count(got, ",") != 7 {
		t.Errorf("{{embedding}} with dimension 8 = %s, want 8 values", got)
	}
}

func TestGeneratorEmbeddingSpread(t *testing.T) {
	g := newGenerator(6, labelStream, streamIDPrefix)
	var values []float64
	if err := json.Unmarshal(g.appendEmbedding(nil, 100000), &values); err != nil {
		t.Fatal(err)
	}

	negative, mean := 0, 0.0
	for _, v := range values {
		if v < 0 {
			negative++
		}
		mean += v
	}
	mean /= float64(len(values))
	// Uniform on [-1, 1]: half negative, mean 0 with standard error 0.0018.
	if negative < 49000 || negative > 51000 {
		t.Errorf("%d of 100000 values negative, want about 50000", negative)
	}
	if math.Abs(mean) > 0.01 {
		t.Errorf("mean %g, want about 0", mean)
	}
}

func TestEmbeddingWordsTable(t *testing.T) {
	for _, m := range []int{0, 1, 42, 9999, 10000} {
		var word [8]byte
		for i := range word {
			word[i] = byte(fixed4Words[m] >> (8 * i))
		}
		want := strconv.FormatFloat(float64(m)/10000, 'f', 4, 64) + ","
		if got := string(word[:7]); got != want || word[7] != 0 {
			t.Errorf("fixed4Words[%d] = %q, want %q", m, word, want)
		}
	}
}
