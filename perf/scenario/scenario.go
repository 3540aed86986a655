// Package scenario reads workload files and turns them into a deterministic
// stream of HTTP requests for the load generator.
//
// A scenario is a TOML file with a target arrival rate, a measured duration
// and a weighted mix of operations, each with a request template (see
// scenarios/m17_baseline.toml for a commented example). Parsing is strict.
// Unknown keys, wrong types and out-of-range values are errors that name the
// key, its line and the fix, because a typo that silently falls back to a
// default would change the workload and the comparison along with it.
//
// The request stream is a pure function of the file content, seed included,
// so a before run and an after run send the same requests in the same order,
// and Stream.Digest lets the harness check that they did.
package scenario

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/BurntSushi/toml"
)

// Limits on scenario values. They exist so that no file can request
// unbounded memory or time from the harness. None of them is sized for a
// particular machine.
const (
	maxFileSize        = 1 << 20 // bytes of a scenario file
	maxRate            = 100_000 // ops/s
	maxDuration        = 24 * time.Hour
	maxTrials          = 100
	minTrialDuration   = time.Second // duration / trials
	maxRequestTimeout  = 10 * time.Minute
	maxMaxInFlight     = 100_000
	maxEmbeddingDim    = 65_536
	maxPreloadEpisodes = 1_000_000
	maxOperations      = 64
	maxNameLength      = 128     // bytes, for scenario and operation names
	maxBodySize        = 1 << 20 // bytes, estimated upper bound of one body
	maxPathSize        = 8 << 10 // bytes, estimated upper bound of one path

	// maxRequestSize bounds the paths and bodies of a request and its
	// fallbacks together, so that Next allocates at most this much and
	// Preflight at most maxOperations times this much.
	maxRequestSize = 2 << 20
)

// Defaults for optional keys.
const (
	defaultRequestTimeout = 2 * time.Second
	defaultMaxInFlight    = 512
	defaultExpectStatus   = 200
)

// Arrival processes, the values of Scenario.Arrival.
const (
	ArrivalConstant = "constant" // fixed interval of 1/rate between requests
	ArrivalPoisson  = "poisson"  // exponential intervals with mean 1/rate
)

// Scenario is one workload: how fast to send, for how long, and which
// requests. Load and Parse return only scenarios that pass Validate.
type Scenario struct {
	Name string

	// Seed is the only source of randomness in the request stream.
	Seed uint64

	// Rate is the target arrival rate in operations per second. Arrivals
	// do not wait for responses (open model).
	Rate float64

	// Duration is the measured time of one phase. Warmup is the load sent
	// before each trial and left out of its results. It is shorter than
	// Duration.
	Duration, Warmup time.Duration

	// Trials is the number of trials that share Duration. Zero means the
	// harness default.
	Trials int

	// Arrival is ArrivalConstant or ArrivalPoisson.
	Arrival string

	RequestTimeout time.Duration

	// MaxInFlight is the maximum number of requests waiting for a
	// response at once.
	MaxInFlight int

	Data       Data
	Operations []Operation

	// Path is the file the scenario was read from, "" when parsed from bytes.
	Path string

	// Hash is the hex SHA-256 of the file content. Overrides do not change
	// it, so record them next to it.
	Hash string
}

// Data describes the synthetic data: embedding size and the episodes stored
// before the timed stream starts.
type Data struct {
	// EmbeddingDim is the length of {{embedding}} arrays. Zero means unset,
	// and then only {{embedding N}} may be used.
	EmbeddingDim int

	PreloadEpisodes int

	// PreloadOperation names the operation sent PreloadEpisodes times.
	PreloadOperation string
}

// Operation is one kind of request in the mix.
type Operation struct {
	Name string

	// Weight is the probability of choosing this operation for the next
	// request. The weights of a scenario sum to 1. An operation with
	// weight 0 is sent only as a preload or a fallback.
	Weight float64

	Method string

	// Path and Body are templates (see the generators in template.go).
	Path, Body string

	ExpectStatus int

	// Fallback names the operation sent instead when the server responds
	// 404 or 501, for servers that lack an endpoint. "" means none.
	Fallback string
}

// Load reads and validates the scenario file at path.
func Load(path string) (*Scenario, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("read scenario %s: %w", path, err)
	}
	defer f.Close()

	// Read one byte past the limit to tell "at the limit" from "over it".
	data, err := io.ReadAll(io.LimitReader(f, maxFileSize+1))
	if err != nil {
		return nil, fmt.Errorf("read scenario %s: %w", path, err)
	}

	s, err := Parse(data, path)
	if err != nil {
		return nil, err
	}
	s.Path = path
	return s, nil
}

// Parse decodes and validates a scenario. source names the input in error
// messages, usually the file name.
func Parse(data []byte, source string) (*Scenario, error) {
	if source == "" {
		source = "scenario"
	}
	if len(data) > maxFileSize {
		return nil, &FieldError{Source: source, Problem: fmt.Sprintf("file is larger than the limit of %d bytes", maxFileSize),
			Fix: "check that the path names a scenario file"}
	}

	if line, problem := checkStructure(string(data)); problem != "" {
		return nil, &FieldError{Source: source, Line: line, Problem: problem, Fix: "flatten the file, which a scenario never needs"}
	}

	var root map[string]any
	if _, err := toml.NewDecoder(bytes.NewReader(data)).Decode(&root); err != nil {
		return nil, syntaxError(source, err)
	}

	d := decoder{source: source, lines: locateKeys(string(data))}
	s, err := d.scenario(root)
	if err != nil {
		return nil, err
	}

	v := validator{source: source, lines: d.lines}
	if err := v.scenario(s); err != nil {
		return nil, err
	}

	sum := sha256.Sum256(data)
	s.Hash = hex.EncodeToString(sum[:])
	return s, nil
}

// syntaxError turns a TOML decoder error into one line with the source and
// line number.
func syntaxError(source string, err error) error {
	var pe toml.ParseError
	if errors.As(err, &pe) {
		return &FieldError{
			Source:  source,
			Line:    pe.Position.Line,
			Key:     pe.LastKey,
			Problem: fmt.Sprintf("invalid TOML at column %d: %s", pe.Position.Col, pe.Message),
			Fix:     "fix the syntax there (see https://toml.io)",
		}
	}
	return &FieldError{
		Source:  source,
		Problem: "invalid TOML: " + err.Error(),
		Fix:     "fix the syntax (see https://toml.io)",
	}
}

// Validate checks every value and template of s. Load and Parse call it.
// Call it again after changing fields, for example with a rate taken from
// the environment. Its errors carry no line numbers, because a value changed
// after parsing has no line.
func (s *Scenario) Validate() error {
	v := validator{source: fmt.Sprintf("scenario %q", s.Name)}
	return v.scenario(s)
}
