package scenario

import (
	"cmp"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
	"time"
)

// Keys allowed in each table of a scenario file.
var (
	scenarioKeys  = []string{"name", "seed", "rate", "duration", "warmup", "trials", "arrival", "request_timeout", "max_in_flight", "data", "operations"}
	dataKeys      = []string{"embedding_dim", "preload_episodes", "preload_operation"}
	operationKeys = []string{"name", "weight", "method", "path", "body", "expect_status", "fallback"}
)

// decoder converts the generic TOML tree into a Scenario and checks key
// names and value types.
//
// It decodes into map[string]any rather than into tagged structs, for two
// reasons. The struct decoder matches key names case-insensitively, so
// "Rate" would set Rate without showing up in MetaData.Undecoded. And its
// type errors do not say which element of an array of tables is wrong.
type decoder struct {
	source string
	lines  keyLines
}

func (d *decoder) fail(key string, value any, problem, fix string) *FieldError {
	e := &FieldError{
		Source:  d.source,
		Line:    d.lines.lineOf(key),
		Key:     key,
		Problem: problem,
		Fix:     fix,
	}
	if value != nil {
		e.Value = formatValue(value)
	}
	return e
}

func (d *decoder) scenario(root map[string]any) (*Scenario, error) {
	if err := d.checkKeys(root, "", scenarioKeys); err != nil {
		return nil, err
	}

	s := &Scenario{
		RequestTimeout: defaultRequestTimeout,
		MaxInFlight:    defaultMaxInFlight,
	}
	var err error
	if s.Name, err = d.requiredString(root, "", "name", `name = "my_workload"`); err != nil {
		return nil, err
	}
	if s.Seed, err = d.seed(root); err != nil {
		return nil, err
	}
	if s.Rate, err = d.requiredFloat(root, "", "rate", "rate = 1000 (ops/s)"); err != nil {
		return nil, err
	}
	if s.Duration, err = d.requiredDuration(root, "", "duration", `duration = "60s"`); err != nil {
		return nil, err
	}
	if s.Warmup, err = d.requiredDuration(root, "", "warmup", `warmup = "3s"`); err != nil {
		return nil, err
	}
	if s.Trials, err = d.optionalInt(root, "", "trials", 0); err != nil {
		return nil, err
	}
	if s.Arrival, err = d.requiredString(root, "", "arrival", `arrival = "constant" or arrival = "poisson"`); err != nil {
		return nil, err
	}
	if v, ok := root["request_timeout"]; ok {
		if s.RequestTimeout, err = d.duration("request_timeout", v); err != nil {
			return nil, err
		}
	}
	if s.MaxInFlight, err = d.optionalInt(root, "", "max_in_flight", defaultMaxInFlight); err != nil {
		return nil, err
	}

	if s.Data, err = d.data(root); err != nil {
		return nil, err
	}
	if s.Operations, err = d.operations(root); err != nil {
		return nil, err
	}
	return s, nil
}

func (d *decoder) data(root map[string]any) (Data, error) {
	var data Data
	raw, ok := root["data"]
	if !ok {
		return data, nil
	}
	table, ok := raw.(map[string]any)
	if !ok {
		return data, d.wrongType("data", raw, "a table", "write it as a [data] section")
	}
	if err := d.checkKeys(table, "data", dataKeys); err != nil {
		return data, err
	}

	var err error
	if data.EmbeddingDim, err = d.optionalInt(table, "data", "embedding_dim", 0); err != nil {
		return data, err
	}
	if data.PreloadEpisodes, err = d.optionalInt(table, "data", "preload_episodes", 0); err != nil {
		return data, err
	}
	if data.PreloadOperation, err = d.optionalString(table, "data", "preload_operation"); err != nil {
		return data, err
	}
	return data, nil
}

func (d *decoder) operations(root map[string]any) ([]Operation, error) {
	raw, ok := root["operations"]
	if !ok {
		return nil, d.fail("operations", nil, "missing required key",
			"add an [[operations]] section with name, weight, method and path")
	}

	// An array of tables decodes to []map[string]any, an inline array of
	// inline tables to []any.
	var tables []map[string]any
	switch list := raw.(type) {
	case []map[string]any:
		tables = list
	case []any:
		for i, item := range list {
			table, ok := item.(map[string]any)
			if !ok {
				return nil, d.wrongType(fmt.Sprintf("operations[%d]", i), item, "a table", "write each operation as an [[operations]] section")
			}
			tables = append(tables, table)
		}
	default:
		return nil, d.wrongType("operations", raw, "an array of tables", "write each operation as an [[operations]] section")
	}

	ops := make([]Operation, 0, len(tables))
	for i, table := range tables {
		op, err := d.operation(table, fmt.Sprintf("operations[%d]", i))
		if err != nil {
			return nil, err
		}
		ops = append(ops, op)
	}
	return ops, nil
}

func (d *decoder) operation(table map[string]any, prefix string) (Operation, error) {
	op := Operation{ExpectStatus: defaultExpectStatus}
	if err := d.checkKeys(table, prefix, operationKeys); err != nil {
		return op, err
	}

	var err error
	if op.Name, err = d.requiredString(table, prefix, "name", `name = "store_episode"`); err != nil {
		return op, err
	}
	if op.Weight, err = d.requiredFloat(table, prefix, "weight", "weight = 0.5 (the weights of all operations sum to 1)"); err != nil {
		return op, err
	}
	if op.Method, err = d.requiredString(table, prefix, "method", `method = "POST" (or GET, PUT, DELETE, PATCH)`); err != nil {
		return op, err
	}
	if op.Path, err = d.requiredString(table, prefix, "path", `path = "/api/v1/..."`); err != nil {
		return op, err
	}
	if op.Body, err = d.optionalString(table, prefix, "body"); err != nil {
		return op, err
	}
	if op.ExpectStatus, err = d.optionalInt(table, prefix, "expect_status", defaultExpectStatus); err != nil {
		return op, err
	}
	if op.Fallback, err = d.optionalString(table, prefix, "fallback"); err != nil {
		return op, err
	}
	return op, nil
}

// checkKeys rejects the first key of table, in file order, that is not in
// allowed. Map order is random, so sorting by line keeps the error stable.
func (d *decoder) checkKeys(table map[string]any, prefix string, allowed []string) error {
	var unknown []string
	for name := range table {
		if !slices.Contains(allowed, name) {
			unknown = append(unknown, name)
		}
	}
	if len(unknown) == 0 {
		return nil
	}

	slices.SortFunc(unknown, func(a, b string) int {
		lineA := d.lines.lineOf(joinKey(prefix, a))
		lineB := d.lines.lineOf(joinKey(prefix, b))
		return cmp.Or(cmp.Compare(lineA, lineB), strings.Compare(a, b))
	})
	name := unknown[0]

	fix := "remove it or use one of " + strings.Join(allowed, ", ")
	for _, known := range allowed {
		if strings.EqualFold(known, name) {
			fix = fmt.Sprintf("write it as %s (keys are case-sensitive)", known)
		}
	}
	return d.fail(joinKey(prefix, name), table[name], "unknown key", fix)
}

func (d *decoder) wrongType(key string, value any, want, fix string) *FieldError {
	return d.fail(key, value, fmt.Sprintf("wrong type %s, want %s", tomlType(value), want), fix)
}

func (d *decoder) missing(key, example string) *FieldError {
	return d.fail(key, nil, "missing required key", "add "+example)
}

func (d *decoder) requiredString(table map[string]any, prefix, name, example string) (string, error) {
	key := joinKey(prefix, name)
	v, ok := table[name]
	if !ok {
		return "", d.missing(key, example)
	}
	s, ok := v.(string)
	if !ok {
		return "", d.wrongType(key, v, "a string", "write it as "+example)
	}
	return s, nil
}

func (d *decoder) optionalString(table map[string]any, prefix, name string) (string, error) {
	v, ok := table[name]
	if !ok {
		return "", nil
	}
	s, ok := v.(string)
	if !ok {
		return "", d.wrongType(joinKey(prefix, name), v, "a string", "put the value in quotes")
	}
	return s, nil
}

func (d *decoder) requiredFloat(table map[string]any, prefix, name, example string) (float64, error) {
	key := joinKey(prefix, name)
	v, ok := table[name]
	if !ok {
		return 0, d.missing(key, example)
	}
	switch x := v.(type) {
	case float64:
		return x, nil
	case int64:
		return float64(x), nil
	default:
		return 0, d.wrongType(key, v, "a number", "write it as "+example)
	}
}

func (d *decoder) optionalInt(table map[string]any, prefix, name string, fallback int) (int, error) {
	key := joinKey(prefix, name)
	v, ok := table[name]
	if !ok {
		return fallback, nil
	}
	x, ok := v.(int64)
	if !ok {
		return 0, d.wrongType(key, v, "an integer", "write a whole number without quotes or decimal point")
	}
	if x < math.MinInt || x > math.MaxInt {
		return 0, d.fail(key, v, "out of range for this platform's int", "use a smaller value")
	}
	return int(x), nil
}

func (d *decoder) requiredDuration(table map[string]any, prefix, name, example string) (time.Duration, error) {
	key := joinKey(prefix, name)
	v, ok := table[name]
	if !ok {
		return 0, d.missing(key, example)
	}
	return d.duration(key, v)
}

// duration accepts only strings such as "60s", because a bare number would
// leave the unit to guess.
func (d *decoder) duration(key string, v any) (time.Duration, error) {
	s, ok := v.(string)
	if !ok {
		return 0, d.wrongType(key, v, `a duration string such as "60s"`, `write it in quotes with a unit, such as "500ms", "60s" or "1m30s"`)
	}
	dur, err := time.ParseDuration(s)
	if err != nil {
		return 0, d.fail(key, v, "invalid duration", `use a number with a unit, such as "500ms", "60s" or "1m30s"`)
	}
	return dur, nil
}

// seed accepts a non-negative TOML integer (0xDEADBEEF is one) or a string
// in decimal, 0x hex, 0o octal or 0b binary. The string form reaches seeds
// up to 2^64-1, beyond the int64 range of TOML integers.
func (d *decoder) seed(root map[string]any) (uint64, error) {
	const example = "seed = 0xDEADBEEF"
	v, ok := root["seed"]
	if !ok {
		return 0, d.missing("seed", example)
	}

	switch x := v.(type) {
	case int64:
		if x < 0 {
			return 0, d.fail("seed", v, "negative seed", `use a non-negative integer, or a string such as "0xFFFFFFFFFFFFFFFF" for seeds of 2^63 and above`)
		}
		return uint64(x), nil
	case string:
		seed, err := strconv.ParseUint(strings.TrimSpace(x), 0, 64)
		if err != nil {
			return 0, d.fail("seed", v, "invalid seed string, want an unsigned 64-bit integer", `write it as "0xDEADBEEF" or "12345"`)
		}
		return seed, nil
	default:
		return 0, d.wrongType("seed", v, "an integer or a string", "write it as "+example)
	}
}
