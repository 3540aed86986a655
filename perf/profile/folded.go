package profile

import (
	"bytes"
	"slices"
	"strconv"
	"strings"

	"github.com/google/pprof/profile"
)

// unknownSymbol is the frame name of a function without a name. perf
// script prints the same for an address without a symbol.
const unknownSymbol = "[unknown]"

// DefaultSampleIndex returns the index of the "samples" sample type, which
// both Go CPU profiles and ParsePerfScript profiles have, or else the last
// sample type (pprof's own default). It returns 0 for a profile without
// sample types.
func DefaultSampleIndex(p *profile.Profile) int {
	if p == nil {
		return 0
	}
	for i, st := range p.SampleType {
		if st != nil && st.Type == "samples" {
			return i
		}
	}
	return max(len(p.SampleType)-1, 0)
}

// Folded returns p's stacks in the folded format that flamegraph.pl,
// inferno and speedscope read: one line per unique stack,
// "root;caller;leaf COUNT", sorted by stack, each ending in '\n'. COUNT is
// the sum of value sampleIndex over the samples with that stack.
//
// Frames are function names. Inlined calls are frames of their own: pprof
// lists a location's lines innermost first, so they are written in reverse
// to keep the caller before the callee. A location without lines is named
// by its address ("0x4a1b2c"). A ';' in a name becomes ':' and line breaks
// become spaces, so a name cannot split a line or a stack.
//
// Samples whose value is zero or negative (as in pprof's diff-base
// profiles) are skipped. A nil profile or a sampleIndex outside p's sample
// types returns nil.
func Folded(p *profile.Profile, sampleIndex int) []byte {
	if p == nil || sampleIndex < 0 || sampleIndex >= len(p.SampleType) {
		return nil
	}

	counts := map[string]int64{}
	var frames []string
	for _, s := range p.Sample {
		if s == nil || sampleIndex >= len(s.Value) || s.Value[sampleIndex] <= 0 {
			continue
		}
		frames = stackFrames(frames[:0], s)
		if len(frames) == 0 {
			continue
		}
		counts[strings.Join(frames, ";")] += s.Value[sampleIndex]
	}

	stacks := make([]string, 0, len(counts))
	for stack := range counts {
		stacks = append(stacks, stack)
	}
	slices.Sort(stacks)

	var buf bytes.Buffer
	for _, stack := range stacks {
		buf.WriteString(stack)
		buf.WriteByte(' ')
		buf.WriteString(strconv.FormatInt(counts[stack], 10))
		buf.WriteByte('\n')
	}
	return buf.Bytes()
}

// stackFrames appends the frame names of s to dst, root first.
func stackFrames(dst []string, s *profile.Sample) []string {
	for i := len(s.Location) - 1; i >= 0; i-- {
		loc := s.Location[i]
		if loc == nil {
			continue
		}
		if len(loc.Line) == 0 {
			dst = append(dst, "0x"+strconv.FormatUint(loc.Address, 16))
			continue
		}
		for j := len(loc.Line) - 1; j >= 0; j-- {
			dst = append(dst, frameName(loc.Line[j].Function))
		}
	}
	return dst
}

var frameNameReplacer = strings.NewReplacer(";", ":", "\n", " ", "\r", " ")

// frameName returns fn's name made safe for the folded format.
func frameName(fn *profile.Function) string {
	if fn == nil || fn.Name == "" {
		if fn != nil && fn.SystemName != "" {
			return frameNameReplacer.Replace(fn.SystemName)
		}
		return unknownSymbol
	}
	return frameNameReplacer.Replace(fn.Name)
}
