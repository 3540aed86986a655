package profile

import (
	"bufio"
	"fmt"
	"io"
	"math"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"

	"github.com/google/pprof/profile"
)

var (
	// threadPattern matches the pid or pid/tid field of a sample header.
	threadPattern = regexp.MustCompile(`^\d+(/\d+)?$`)
	// timePattern matches the timestamp field, "553.949777:".
	timePattern = regexp.MustCompile(`^\d+\.\d+:$`)
	// offsetPattern matches the "+0x38" that perf appends to a symbol.
	offsetPattern = regexp.MustCompile(`\+0x[0-9a-fA-F]+$`)
)

// ParsePerfScript converts the text of `perf script` for a recording made
// with call graphs (perf record -g) into a profile.
//
// Each sample is a header line, its stack one frame per indented line
// ("ADDRESS SYMBOL+OFFSET (DSO)", leaf first) and a blank line:
//
//	refserver 4242 [001] 553.949777:   10101010 cpu-clock:pppH:
//		  4a1b2c main.handle+0x2c (/usr/local/bin/refserver)
//		  4a0f00 main.main+0x40 (/usr/local/bin/refserver)
//
// The profile has two sample types: samples/count (1 per sample) and the
// event's period, as cpu/nanoseconds for the cpu-clock and task-clock
// events, which matches Go CPU profiles, and as EVENT/events otherwise.
// Each sample carries its thread name in the "comm" label. A frame whose
// symbol perf could not resolve is named "[unknown] (DSO)" after the file
// base name, so unknown code in different binaries stays apart.
//
// perf script indents frames with a tab, and only frames, so a tab is what
// tells a frame from a header (headers of recordings without -g start with
// padding spaces). Lines starting with '#' are skipped. A header whose
// frame is on the same line (a recording without -g) gives a one-frame
// sample, and a sample without any frame is skipped.
func ParsePerfScript(r io.Reader) (*profile.Profile, error) {
	b := newPerfBuilder()
	scanner := bufio.NewScanner(r)
	scanner.Buffer(make([]byte, 0, 64*1024), 1<<20)

	var current *perfSample
	lineNumber := 0
	for scanner.Scan() {
		lineNumber++
		line := scanner.Text()
		trimmed := strings.TrimSpace(line)
		switch {
		case trimmed == "":
			if err := b.add(current); err != nil {
				return nil, err
			}
			current = nil
		case strings.HasPrefix(trimmed, "#"):
			// perf script --header comments.
		case line[0] == '\t':
			if current == nil {
				return nil, fmt.Errorf("line %d %q: stack frame outside a sample; pass the unmodified output of perf script", lineNumber, trimmed)
			}
			frame, err := parseFrame(trimmed)
			if err != nil {
				return nil, fmt.Errorf("line %d: %w", lineNumber, err)
			}
			current.frames = append(current.frames, frame)
		default:
			if err := b.add(current); err != nil {
				return nil, err
			}
			sample, err := parseHeader(line)
			if err != nil {
				return nil, fmt.Errorf("line %d: %w", lineNumber, err)
			}
			current = sample
		}
	}
	if err := scanner.Err(); err != nil {
		return nil, fmt.Errorf("read perf script output at line %d: %w", lineNumber, err)
	}
	if err := b.add(current); err != nil {
		return nil, err
	}
	return b.profile(), nil
}

// perfSample is one sample as perf script prints it.
type perfSample struct {
	comm   string
	event  string
	period int64
	frames []perfFrame // leaf first
}

type perfFrame struct {
	address uint64
	symbol  string
	dso     string
}

// parseHeader reads a sample header such as
// "refserver 4242/4243 [001] 553.949777:   10101010 cpu-clock:pppH:".
// The fields before the event depend on perf's options, so the parser
// looks for the thread id, the event and the period before it, and treats
// everything before the thread id as the thread name, which may contain
// spaces.
func parseHeader(line string) (*perfSample, error) {
	fields := strings.Fields(line)
	threadIndex := -1
	eventIndex := -1
	for i, f := range fields {
		if threadIndex < 0 && i > 0 && threadPattern.MatchString(f) {
			threadIndex = i
		}
		if threadIndex >= 0 && i > threadIndex && strings.HasSuffix(f, ":") && !timePattern.MatchString(f) {
			eventIndex = i
			break
		}
	}
	if threadIndex < 0 || eventIndex < 0 {
		return nil, fmt.Errorf("sample header %q has no thread id or event name; pass perf script's default output, where stack frames are indented with a tab", strings.TrimSpace(line))
	}

	sample := &perfSample{
		comm:  strings.Join(fields[:threadIndex], " "),
		event: strings.TrimSuffix(fields[eventIndex], ":"),
	}
	// Modifiers follow the event name after a colon: "cpu-clock:pppH".
	sample.event, _, _ = strings.Cut(sample.event, ":")
	if period, err := strconv.ParseInt(fields[eventIndex-1], 10, 64); err == nil && eventIndex-1 > threadIndex {
		sample.period = period
	}

	// Without -g the sampled frame follows the event on the same line.
	if rest := strings.Join(fields[eventIndex+1:], " "); rest != "" {
		frame, err := parseFrame(rest)
		if err != nil {
			return nil, err
		}
		sample.frames = append(sample.frames, frame)
	}
	return sample, nil
}

// parseFrame reads "ADDRESS SYMBOL+OFFSET (DSO)". The symbol may contain
// spaces (demangled C++), so the DSO is taken from the last " (".
func parseFrame(text string) (perfFrame, error) {
	addressText, rest, _ := strings.Cut(text, " ")
	address, err := strconv.ParseUint(addressText, 16, 64)
	if err != nil {
		return perfFrame{}, fmt.Errorf("stack frame %q does not start with a hex address; pass perf script's default output", text)
	}

	rest = strings.TrimSpace(rest)
	symbol := rest
	dso := ""
	if open := strings.LastIndex(rest, " ("); open >= 0 && strings.HasSuffix(rest, ")") {
		symbol = strings.TrimSpace(rest[:open])
		dso = rest[open+2 : len(rest)-1]
	} else if strings.HasPrefix(rest, "(") && strings.HasSuffix(rest, ")") {
		symbol = ""
		dso = rest[1 : len(rest)-1]
	}
	symbol = offsetPattern.ReplaceAllString(symbol, "")
	if symbol == "" {
		symbol = unknownSymbol
	}
	return perfFrame{address: address, symbol: symbol, dso: dso}, nil
}

// perfBuilder accumulates samples into a profile, sharing one mapping per
// DSO, one function per name and one location per (DSO, address, symbol).
type perfBuilder struct {
	p         *profile.Profile
	event     string
	mappings  map[string]*profile.Mapping
	functions map[string]*profile.Function
	locations map[perfFrame]*profile.Location
}

func newPerfBuilder() *perfBuilder {
	return &perfBuilder{
		p:         &profile.Profile{},
		mappings:  map[string]*profile.Mapping{},
		functions: map[string]*profile.Function{},
		locations: map[perfFrame]*profile.Location{},
	}
}

// add appends s to the profile. A nil s, or one without frames, adds
// nothing. All samples must come from one event, because their periods are
// summed as one value.
func (b *perfBuilder) add(s *perfSample) error {
	if s == nil || len(s.frames) == 0 {
		return nil
	}
	if b.event == "" {
		b.event = s.event
		b.p.SampleType = []*profile.ValueType{{Type: "samples", Unit: "count"}, periodType(s.event)}
		b.p.PeriodType = periodType(s.event)
		b.p.Period = s.period
	} else if s.event != b.event {
		return fmt.Errorf("perf script output mixes events %q and %q; record one event (perf record -e %s)", b.event, s.event, b.event)
	}

	locations := make([]*profile.Location, 0, len(s.frames))
	for _, f := range s.frames {
		locations = append(locations, b.location(f))
	}
	sample := &profile.Sample{Location: locations, Value: []int64{1, s.period}}
	if s.comm != "" {
		sample.Label = map[string][]string{"comm": {s.comm}}
	}
	b.p.Sample = append(b.p.Sample, sample)
	return nil
}

func (b *perfBuilder) location(f perfFrame) *profile.Location {
	if loc, ok := b.locations[f]; ok {
		return loc
	}
	name := f.symbol
	if name == unknownSymbol && f.dso != "" && f.dso != unknownSymbol {
		name = unknownSymbol + " (" + filepath.Base(f.dso) + ")"
	}
	fn, ok := b.functions[name]
	if !ok {
		fn = &profile.Function{ID: uint64(len(b.p.Function) + 1), Name: name, SystemName: name}
		b.functions[name] = fn
		b.p.Function = append(b.p.Function, fn)
	}
	loc := &profile.Location{
		ID:      uint64(len(b.p.Location) + 1),
		Mapping: b.mapping(f.dso),
		Address: f.address,
		Line:    []profile.Line{{Function: fn}},
	}
	b.locations[f] = loc
	b.p.Location = append(b.p.Location, loc)
	return loc
}

// mapping returns the mapping of dso. perf script prints no load
// addresses, so each mapping spans the whole address space and only
// records the file.
func (b *perfBuilder) mapping(dso string) *profile.Mapping {
	if dso == "" {
		return nil
	}
	if m, ok := b.mappings[dso]; ok {
		return m
	}
	m := &profile.Mapping{ID: uint64(len(b.p.Mapping) + 1), Limit: math.MaxUint64, File: dso, HasFunctions: true}
	b.mappings[dso] = m
	b.p.Mapping = append(b.p.Mapping, m)
	return m
}

func (b *perfBuilder) profile() *profile.Profile {
	if b.event == "" {
		// No samples: keep the types, so the empty profile can be merged
		// with and written like any other.
		b.p.SampleType = []*profile.ValueType{{Type: "samples", Unit: "count"}, periodType("cpu-clock")}
		b.p.PeriodType = periodType("cpu-clock")
	}
	return b.p
}

// periodType is the value type of an event's period. The software clock
// events count nanoseconds, the same unit as Go's CPU profile.
func periodType(event string) *profile.ValueType {
	if event == "cpu-clock" || event == "task-clock" {
		return &profile.ValueType{Type: "cpu", Unit: "nanoseconds"}
	}
	return &profile.ValueType{Type: event, Unit: "events"}
}
