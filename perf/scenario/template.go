package scenario

import (
	"fmt"
	"math"
	"strconv"
	"strings"
)

// A template is a body or path with {{generator args}} placeholders. These
// generators exist:
//
//	{{embedding}}    JSON array of data.embedding_dim floats in [-1, 1], 4 decimals
//	{{embedding N}}  the same with N floats, 1 <= N <= 65536
//	{{id}}           a new episode id, "ep-00000042", which joins the stored ids
//	{{storedID}}     an id generated earlier, chosen uniformly ({{stored_id}} too)
//	{{int A B}}      integer uniform in [A, B]
//	{{float A B}}    float uniform in [A, B], 4 decimals, |A| and |B| at most 1e15
//	{{seq}}          sequence number of the request in its stream
//
// Text outside placeholders is copied as is, and "{{" always opens a
// placeholder. A lone "}}" is literal text, as in JSON bodies that end "}}".
//
// Templates are compiled once into segments rather than run through
// text/template, which calls FuncMap functions through reflection on every
// execution. Nine in ten requests of the default scenario carry a
// 768-float embedding, so producing a body should be a loop of appends. Compiling also lets Validate check every
// generator name and argument, and bound the output size, at load time.
type template struct {
	segments []segment

	// maxSize is an upper bound of the output length in bytes.
	maxSize int

	// ids counts {{id}} placeholders, and storedIDs {{storedID}} ones.
	ids, storedIDs int
}

type segmentKind uint8

const (
	segmentLiteral segmentKind = iota
	segmentEmbedding
	segmentID
	segmentStoredID
	segmentInt
	segmentFloat
	segmentSeq
)

type segment struct {
	kind segmentKind

	text string // literal text

	length int // floats in an embedding

	intMin, intMax     int64
	floatMin, floatMax float64
}

// Size bounds of generated values, in bytes.
const (
	maxIntSize       = len("-9223372036854775808")
	maxFloatArgument = 1e15
	maxFloatSize     = len("-1000000000000000.0000")
	maxEmbeddingItem = len("-1.0000,")
	idNumberSize     = 20 // digits of the largest uint64
)

// generatorUsage lists the generators for error messages.
const generatorUsage = "use one of {{embedding}}, {{embedding N}}, {{id}}, {{storedID}}, {{int A B}}, {{float A B}}, {{seq}}"

// compileTemplate parses text. embeddingDim is the length of {{embedding}}
// without an argument, 0 when the scenario sets none.
func compileTemplate(text string, embeddingDim int) (*template, error) {
	t := &template{}
	rest := text
	offset := 0

	for rest != "" {
		open := strings.Index(rest, "{{")
		if open < 0 {
			t.addLiteral(rest)
			break
		}
		t.addLiteral(rest[:open])

		closing := strings.Index(rest[open+2:], "}}")
		if closing < 0 {
			return nil, fmt.Errorf("unclosed {{ at byte %d, so close the placeholder with }}", offset+open)
		}
		inner := rest[open+2 : open+2+closing]

		seg, err := parsePlaceholder(inner, embeddingDim)
		if err != nil {
			return nil, fmt.Errorf("placeholder {{%s}} at byte %d: %w", inner, offset+open, err)
		}
		t.add(seg)

		consumed := open + 2 + closing + 2
		rest = rest[consumed:]
		offset += consumed
	}
	return t, nil
}

func (t *template) addLiteral(text string) {
	if text != "" {
		t.add(segment{kind: segmentLiteral, text: text})
	}
}

func (t *template) add(seg segment) {
	t.segments = append(t.segments, seg)

	switch seg.kind {
	case segmentLiteral:
		t.maxSize += len(seg.text)
	case segmentEmbedding:
		t.maxSize += 2 + seg.length*maxEmbeddingItem
	case segmentID:
		t.ids++
		t.maxSize += len(preflightIDPrefix) + idNumberSize
	case segmentStoredID:
		t.storedIDs++
		t.maxSize += len(preflightIDPrefix) + idNumberSize
	case segmentInt, segmentSeq:
		t.maxSize += maxIntSize
	case segmentFloat:
		t.maxSize += maxFloatSize
	}
}

// static reports whether the template has no placeholders, so that its
// output can be computed once.
func (t *template) static() bool {
	for _, seg := range t.segments {
		if seg.kind != segmentLiteral {
			return false
		}
	}
	return true
}

func parsePlaceholder(inner string, embeddingDim int) (segment, error) {
	fields := strings.Fields(inner)
	if len(fields) == 0 {
		return segment{}, fmt.Errorf("empty placeholder, so %s", generatorUsage)
	}
	name, args := fields[0], fields[1:]

	switch name {
	case "embedding":
		return parseEmbedding(args, embeddingDim)
	case "id":
		return segment{kind: segmentID}, noArguments(name, args)
	case "storedID", "stored_id":
		return segment{kind: segmentStoredID}, noArguments(name, args)
	case "seq":
		return segment{kind: segmentSeq}, noArguments(name, args)
	case "int":
		return parseIntRange(args)
	case "float":
		return parseFloatRange(args)
	default:
		return segment{}, fmt.Errorf("unknown generator %q, so %s", name, generatorUsage)
	}
}

func noArguments(name string, args []string) error {
	if len(args) > 0 {
		return fmt.Errorf("{{%s}} takes no arguments, so remove %q", name, strings.Join(args, " "))
	}
	return nil
}

func parseEmbedding(args []string, embeddingDim int) (segment, error) {
	switch len(args) {
	case 0:
		if embeddingDim <= 0 {
			return segment{}, fmt.Errorf("{{embedding}} needs data.embedding_dim, so set it or write {{embedding N}}")
		}
		return segment{kind: segmentEmbedding, length: embeddingDim}, nil
	case 1:
		n, err := strconv.Atoi(args[0])
		if err != nil || n < 1 || n > maxEmbeddingDim {
			return segment{}, fmt.Errorf("invalid length %q, so use an integer from 1 to %d", args[0], maxEmbeddingDim)
		}
		return segment{kind: segmentEmbedding, length: n}, nil
	default:
		return segment{}, fmt.Errorf("{{embedding}} takes at most one argument, so write {{embedding}} or {{embedding 768}}")
	}
}

func parseIntRange(args []string) (segment, error) {
	const usage = "write {{int A B}} with integers A <= B, such as {{int 1 100}}"
	if len(args) != 2 {
		return segment{}, fmt.Errorf("want 2 arguments, got %d, so %s", len(args), usage)
	}
	lo, errLo := strconv.ParseInt(args[0], 10, 64)
	hi, errHi := strconv.ParseInt(args[1], 10, 64)
	if errLo != nil || errHi != nil || lo > hi {
		return segment{}, fmt.Errorf("invalid range %s %s, so %s", args[0], args[1], usage)
	}
	return segment{kind: segmentInt, intMin: lo, intMax: hi}, nil
}

func parseFloatRange(args []string) (segment, error) {
	usage := fmt.Sprintf("write {{float A B}} with numbers A <= B of magnitude at most %g, such as {{float 0 1}}", maxFloatArgument)
	if len(args) != 2 {
		return segment{}, fmt.Errorf("want 2 arguments, got %d, so %s", len(args), usage)
	}
	lo, errLo := strconv.ParseFloat(args[0], 64)
	hi, errHi := strconv.ParseFloat(args[1], 64)
	if errLo != nil || errHi != nil || !(lo <= hi) || math.Abs(lo) > maxFloatArgument || math.Abs(hi) > maxFloatArgument {
		return segment{}, fmt.Errorf("invalid range %s %s, so %s", args[0], args[1], usage)
	}
	return segment{kind: segmentFloat, floatMin: lo, floatMax: hi}, nil
}

// appendTo appends one execution of t to dst. It has no error result,
// because compileTemplate checked every argument.
func (t *template) appendTo(dst []byte, g *generator, seq int64) []byte {
	for i := range t.segments {
		seg := &t.segments[i]
		switch seg.kind {
		case segmentLiteral:
			dst = append(dst, seg.text...)
		case segmentEmbedding:
			dst = g.appendEmbedding(dst, seg.length)
		case segmentID:
			dst = g.appendNewID(dst)
		case segmentStoredID:
			dst = g.appendStoredID(dst)
		case segmentInt:
			dst = strconv.AppendInt(dst, g.intInRange(seg.intMin, seg.intMax), 10)
		case segmentFloat:
			dst = strconv.AppendFloat(dst, g.floatInRange(seg.floatMin, seg.floatMax), 'f', 4, 64)
		case segmentSeq:
			dst = strconv.AppendInt(dst, seq, 10)
		}
	}
	return dst
}
