package scenario

import "fmt"

// plan is a scenario compiled for request generation. It is read-only after
// compilePlan, so streams and Preflight can share one.
type plan struct {
	seed uint64
	ops  []compiledOperation

	// cumulativeWeights[i] is the sum of the weights of ops[0..i].
	cumulativeWeights []float64

	preloadOperation int // index in ops, -1 when there is no preload
	preloadCount     int

	// preloadIDs is the number of ids that the whole preload generates.
	// The timed stream numbers its ids after them.
	preloadIDs uint64

	// storedIDUser is the first operation that uses {{storedID}}, -1 if none.
	storedIDUser int
}

type compiledOperation struct {
	name, method string
	path, body   *template
	staticPath   string // the path when it has no placeholders, else ""
	expectStatus int
	fallback     int // index in ops, -1 when there is none
}

// templateError is a path or body that does not compile or may grow too
// large. The validator turns it into a FieldError.
type templateError struct {
	operation int
	field     string // "path" or "body"
	text      string
	err       error
}

func (e *templateError) Error() string {
	return fmt.Sprintf("operations[%d].%s: %v", e.operation, e.field, e.err)
}

// compilePlan compiles the templates of s. It expects operation names,
// fallbacks and the preload operation to be valid already.
func compilePlan(s *Scenario) (*plan, error) {
	p := &plan{
		seed:             s.Seed,
		ops:              make([]compiledOperation, len(s.Operations)),
		preloadOperation: -1,
		storedIDUser:     -1,
	}
	index := operationIndex(s.Operations)

	total := 0.0
	for i, op := range s.Operations {
		path, err := compileBounded(op.Path, s.Data.EmbeddingDim, maxPathSize)
		if err != nil {
			return nil, &templateError{operation: i, field: "path", text: op.Path, err: err}
		}
		body, err := compileBounded(op.Body, s.Data.EmbeddingDim, maxBodySize)
		if err != nil {
			return nil, &templateError{operation: i, field: "body", text: op.Body, err: err}
		}

		c := compiledOperation{
			name:         op.Name,
			method:       op.Method,
			path:         path,
			body:         body,
			expectStatus: op.ExpectStatus,
			fallback:     -1,
		}
		if path.static() {
			c.staticPath = op.Path
		}
		if op.Fallback != "" {
			c.fallback = index[op.Fallback]
		}
		p.ops[i] = c

		total += op.Weight
		p.cumulativeWeights = append(p.cumulativeWeights, total)

		if p.storedIDUser < 0 && path.storedIDs+body.storedIDs > 0 {
			p.storedIDUser = i
		}
	}

	for i := range p.ops {
		if size := p.requestMaxSize(i); size > maxRequestSize {
			return nil, &templateError{operation: i, field: "fallback", text: s.Operations[i].Fallback,
				err: fmt.Errorf("a request with its fallbacks may reach %d bytes, more than the limit of %d, so shorten the fallback chain or its bodies", size, maxRequestSize)}
		}
	}

	if s.Data.PreloadEpisodes > 0 {
		p.preloadOperation = index[s.Data.PreloadOperation]
		p.preloadCount = s.Data.PreloadEpisodes
		p.preloadIDs = uint64(p.preloadCount) * p.idsPerRequest(p.preloadOperation)
	}
	return p, nil
}

func compileBounded(text string, embeddingDim, maxSize int) (*template, error) {
	t, err := compileTemplate(text, embeddingDim)
	if err != nil {
		return nil, err
	}
	if t.maxSize > maxSize {
		return nil, fmt.Errorf("output may reach %d bytes, more than the limit of %d, so use shorter text or fewer or smaller generators", t.maxSize, maxSize)
	}
	return t, nil
}

// idsPerRequest counts the ids that one request of ops[i] generates,
// fallbacks included. The depth bound guards against cycles, which
// validation rejects before this runs.
func (p *plan) idsPerRequest(i int) uint64 {
	var n uint64
	for depth := 0; i >= 0 && depth < len(p.ops); depth++ {
		n += uint64(p.ops[i].path.ids + p.ops[i].body.ids)
		i = p.ops[i].fallback
	}
	return n
}

// requestMaxSize bounds the bytes of paths and bodies of one request of
// ops[i] and its fallbacks.
func (p *plan) requestMaxSize(i int) int {
	size := 0
	for depth := 0; i >= 0 && depth < len(p.ops); depth++ {
		size += p.ops[i].path.maxSize + p.ops[i].body.maxSize
		i = p.ops[i].fallback
	}
	return size
}

// generatesIDs reports whether some operation that can be sent (weight
// above 0, the preload operation, or a fallback of either) uses {{id}}.
func (p *plan) generatesIDs() bool {
	sent := make([]bool, len(p.ops))
	for i := range p.ops {
		chosen := p.weight(i) > 0 || (i == p.preloadOperation && p.preloadCount > 0)
		for depth := 0; chosen && i >= 0 && depth < len(p.ops); depth++ {
			sent[i] = true
			i = p.ops[i].fallback
		}
	}

	for i, op := range p.ops {
		if sent[i] && op.path.ids+op.body.ids > 0 {
			return true
		}
	}
	return false
}

func (p *plan) weight(i int) float64 {
	if i == 0 {
		return p.cumulativeWeights[0]
	}
	return p.cumulativeWeights[i] - p.cumulativeWeights[i-1]
}

// chooseOperation maps a uniform value in [0, 1) to an operation index by
// weight. Rounding can leave the last cumulative weight a little below 1,
// so a value beyond it picks the last operation with a positive weight.
func (p *plan) chooseOperation(unit float64) int {
	for i, cumulative := range p.cumulativeWeights {
		if unit < cumulative {
			return i
		}
	}
	for i := len(p.ops) - 1; i > 0; i-- {
		if p.weight(i) > 0 {
			return i
		}
	}
	return 0
}
