package scenario

import (
	"errors"
	"fmt"
	"math"
	"slices"
	"strings"
	"time"
)

// weightTolerance is the allowed distance of the weight sum from 1, so that
// decimal weights such as 0.1 + 0.2 + 0.7 pass despite float rounding.
const weightTolerance = 1e-6

var methods = []string{"GET", "POST", "PUT", "DELETE", "PATCH"}

// validator checks a decoded scenario. lines is nil when the values did not
// come from a file, and then errors carry no line numbers.
type validator struct {
	source string
	lines  keyLines
}

func (v *validator) fail(key string, value any, problem, fix string) *FieldError {
	e := &FieldError{
		Source:  v.source,
		Line:    v.lines.lineOf(key),
		Key:     key,
		Problem: problem,
		Fix:     fix,
	}
	if value != nil {
		e.Value = formatValue(value)
	}
	return e
}

// scenario returns the first problem of s, checking keys in file order.
func (v *validator) scenario(s *Scenario) error {
	checks := []func(*Scenario) error{
		v.header,
		v.timing,
		v.limits,
		v.data,
		v.operations,
		v.weights,
		v.fallbacks,
		v.preload,
		v.templates,
	}
	for _, check := range checks {
		if err := check(s); err != nil {
			return err
		}
	}
	return nil
}

func (v *validator) header(s *Scenario) error {
	if problem := checkName(s.Name); problem != "" {
		return v.fail("name", s.Name, problem, `use a name such as "m17_baseline"`)
	}
	if math.IsNaN(s.Rate) || s.Rate <= 0 || s.Rate > maxRate {
		return v.fail("rate", s.Rate, fmt.Sprintf("rate must be greater than 0 and at most %d ops/s", maxRate),
			"set the target arrival rate in that range")
	}
	if s.Arrival != ArrivalConstant && s.Arrival != ArrivalPoisson {
		return v.fail("arrival", s.Arrival, "unknown arrival process",
			fmt.Sprintf("use %q (fixed interval) or %q (exponential intervals)", ArrivalConstant, ArrivalPoisson))
	}
	return nil
}

// checkName returns what is wrong with a scenario or operation name, or "".
// Names appear in result file names and table columns, so they are limited
// to letters, digits, '_', '-' and '.'.
func checkName(name string) string {
	if name == "" {
		return "empty name"
	}
	if len(name) > maxNameLength {
		return fmt.Sprintf("name is %d bytes long, more than %d", len(name), maxNameLength)
	}
	for _, c := range []byte(name) {
		if !isBareKeyChar(c) && c != '.' {
			return fmt.Sprintf("name contains %q, but only letters, digits, '_', '-' and '.' are allowed", c)
		}
	}
	return ""
}

func (v *validator) timing(s *Scenario) error {
	if s.Duration <= 0 || s.Duration > maxDuration {
		return v.fail("duration", s.Duration, fmt.Sprintf("duration must be greater than 0 and at most %s", maxDuration),
			`set the measured time of a phase, such as "60s"`)
	}
	if s.Warmup < 0 || s.Warmup >= s.Duration {
		return v.fail("warmup", s.Warmup, fmt.Sprintf("warmup must be at least 0 and shorter than duration %s", s.Duration),
			`use a short warmup such as "3s", or "0s" for none`)
	}
	if s.Trials < 0 || s.Trials > maxTrials {
		return v.fail("trials", s.Trials, fmt.Sprintf("trials must be from 0 to %d", maxTrials),
			"use 0 for the harness default")
	}
	if s.Trials > 0 && s.Duration/time.Duration(s.Trials) < minTrialDuration {
		return v.fail("trials", s.Trials, fmt.Sprintf("duration %s / %d trials is shorter than %s per trial", s.Duration, s.Trials, minTrialDuration),
			"use fewer trials or a longer duration")
	}
	if s.RequestTimeout <= 0 || s.RequestTimeout > maxRequestTimeout {
		return v.fail("request_timeout", s.RequestTimeout, fmt.Sprintf("request_timeout must be greater than 0 and at most %s", maxRequestTimeout),
			`remove it for the default "2s" or set a value in that range`)
	}
	return nil
}

func (v *validator) limits(s *Scenario) error {
	if s.MaxInFlight < 1 || s.MaxInFlight > maxMaxInFlight {
		return v.fail("max_in_flight", s.MaxInFlight, fmt.Sprintf("max_in_flight must be from 1 to %d", maxMaxInFlight),
			fmt.Sprintf("remove it for the default %d or set a value in that range", defaultMaxInFlight))
	}
	return nil
}

func (v *validator) data(s *Scenario) error {
	if s.Data.EmbeddingDim < 0 || s.Data.EmbeddingDim > maxEmbeddingDim {
		return v.fail("data.embedding_dim", s.Data.EmbeddingDim, fmt.Sprintf("embedding_dim must be from 1 to %d", maxEmbeddingDim),
			"set the length of the server's embeddings, such as 768")
	}
	if s.Data.PreloadEpisodes < 0 || s.Data.PreloadEpisodes > maxPreloadEpisodes {
		return v.fail("data.preload_episodes", s.Data.PreloadEpisodes, fmt.Sprintf("preload_episodes must be from 0 to %d", maxPreloadEpisodes),
			"set the number of episodes to store before the timed stream")
	}
	return nil
}

func (v *validator) operations(s *Scenario) error {
	if len(s.Operations) == 0 {
		return v.fail("operations", nil, "a scenario needs at least one operation",
			"add an [[operations]] section with name, weight, method and path")
	}
	if len(s.Operations) > maxOperations {
		return v.fail(fmt.Sprintf("operations[%d]", maxOperations), nil,
			fmt.Sprintf("%d operations, more than %d", len(s.Operations), maxOperations), "merge or remove operations")
	}

	seen := make(map[string]int, len(s.Operations))
	for i, op := range s.Operations {
		key := fmt.Sprintf("operations[%d]", i)

		if problem := checkName(op.Name); problem != "" {
			return v.fail(key+".name", op.Name, problem, `use a name such as "store_episode"`)
		}
		if first, ok := seen[op.Name]; ok {
			return v.fail(key+".name", op.Name, fmt.Sprintf("duplicate operation name, also used by operations[%d]", first),
				"give each operation its own name")
		}
		seen[op.Name] = i

		if math.IsNaN(op.Weight) || op.Weight < 0 || op.Weight > 1 {
			return v.fail(key+".weight", op.Weight, "weight must be from 0 to 1",
				"set it to this operation's share of requests, or 0 for an operation sent only as a fallback or preload")
		}
		if !slices.Contains(methods, op.Method) {
			return v.fail(key+".method", op.Method, "unknown method",
				"use one of "+strings.Join(methods, ", ")+" in upper case")
		}
		if op.Path == "" || op.Path[0] != '/' {
			return v.fail(key+".path", op.Path, "path must start with /", `write the path of the endpoint, such as "/api/v1/episodes"`)
		}
		if op.ExpectStatus < 100 || op.ExpectStatus > 599 {
			return v.fail(key+".expect_status", op.ExpectStatus, "expect_status must be an HTTP status from 100 to 599",
				"remove it for the default 200 or set the status the endpoint returns on success")
		}
	}
	return nil
}

func (v *validator) weights(s *Scenario) error {
	sum := 0.0
	for _, op := range s.Operations {
		sum += op.Weight
	}
	if math.Abs(sum-1) > weightTolerance {
		return v.fail("operations[0].weight", nil,
			fmt.Sprintf("the weights of all operations sum to %.7g, not 1 (tolerance %g)", sum, weightTolerance),
			"change the weights so that they sum to 1")
	}
	return nil
}

// fallbacks checks that every fallback names another operation and that no
// chain of fallbacks returns to its start, so generating a request and its
// fallbacks always ends.
func (v *validator) fallbacks(s *Scenario) error {
	index := operationIndex(s.Operations)

	for i, op := range s.Operations {
		if op.Fallback == "" {
			continue
		}
		key := fmt.Sprintf("operations[%d].fallback", i)
		if op.Fallback == op.Name {
			return v.fail(key, op.Fallback, "an operation cannot be its own fallback",
				"name another operation or remove the fallback")
		}
		if _, ok := index[op.Fallback]; !ok {
			return v.fail(key, op.Fallback, "no operation has this name",
				"name one of the operations of this file or remove the fallback")
		}
	}

	// Every name resolves now. A chain longer than the number of
	// operations repeats one, and the first operation on the cycle reports
	// it with the whole cycle.
	for i, op := range s.Operations {
		chain := []string{op.Name}
		for next := op.Fallback; next != "" && len(chain) <= len(s.Operations); next = s.Operations[index[next]].Fallback {
			chain = append(chain, next)
			if next == op.Name {
				return v.fail(fmt.Sprintf("operations[%d].fallback", i), op.Fallback, "fallbacks form a cycle "+strings.Join(chain, " -> "),
					"remove one fallback of the cycle")
			}
		}
	}
	return nil
}

func operationIndex(ops []Operation) map[string]int {
	index := make(map[string]int, len(ops))
	for i, op := range ops {
		index[op.Name] = i
	}
	return index
}

func (v *validator) preload(s *Scenario) error {
	name := s.Data.PreloadOperation
	if name == "" {
		if s.Data.PreloadEpisodes > 0 {
			return v.fail("data.preload_operation", nil, fmt.Sprintf("missing, but preload_episodes is %d", s.Data.PreloadEpisodes),
				`name the operation that stores an episode, such as preload_operation = "store_episode"`)
		}
		return nil
	}
	if _, ok := operationIndex(s.Operations)[name]; !ok {
		return v.fail("data.preload_operation", name, "no operation has this name",
			"name one of the operations of this file")
	}
	return nil
}

// templates compiles every path and body, bounds their output size and runs
// each once on a scratch generator. The run checks the generated path and
// that no output exceeds the bound that memory use relies on.
func (v *validator) templates(s *Scenario) error {
	p, err := compilePlan(s)
	var te *templateError
	if errors.As(err, &te) {
		key := fmt.Sprintf("operations[%d].%s", te.operation, te.field)
		return v.fail(key, te.text, te.err.Error(), "")
	}
	if err != nil {
		return err
	}

	if p.storedIDUser >= 0 && !p.generatesIDs() {
		key := fmt.Sprintf("operations[%d]", p.storedIDUser)
		return v.fail(key, nil, "uses {{storedID}}, but no operation that is sent generates ids with {{id}}",
			"add {{id}} to the operation that stores episodes and give it a weight above 0 or make it the preload operation")
	}

	// One buffer for all outputs keeps this at one body's worth of memory.
	scratch := newGenerator(s.Seed, labelPreflight, preflightIDPrefix)
	var output []byte
	for i, op := range p.ops {
		output = op.path.appendTo(output[:0], scratch, 0)
		if problem := checkPath(output); problem != "" {
			return v.fail(fmt.Sprintf("operations[%d].path", i), s.Operations[i].Path, problem+" in the generated path "+formatValue(string(output)),
				"remove spaces and control characters from the path")
		}
		if len(output) > op.path.maxSize {
			return fmt.Errorf("internal error: operations[%d].path generated %d bytes, above its bound %d", i, len(output), op.path.maxSize)
		}

		output = op.body.appendTo(output[:0], scratch, 0)
		if len(output) > op.body.maxSize {
			return fmt.Errorf("internal error: operations[%d].body generated %d bytes, above its bound %d", i, len(output), op.body.maxSize)
		}
	}
	return nil
}

// checkPath returns what is wrong with a generated request path, or "".
func checkPath(path []byte) string {
	for _, c := range path {
		if c <= ' ' || c == 0x7f {
			return fmt.Sprintf("byte %q is not allowed", c)
		}
	}
	return ""
}
