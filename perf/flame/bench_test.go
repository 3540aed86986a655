package flame

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"
)

// syntheticFolded returns stacks unique folded stacks shaped like a
// server's: 5 to 40 frames deep, where each frame picks one of a few
// likely callees of its caller, so stacks share prefixes, and counts
// spread over three orders of magnitude. The fixed seed makes every run
// draw the same profile.
func syntheticFolded(stacks int) []byte {
	rng := rand.New(rand.NewPCG(1, 2))
	names := make([]string, 600)
	for i := range names {
		names[i] = fmt.Sprintf("github.com/example/service/pkg%02d.(*Type%d).Method%d", i%40, i%13, i)
	}

	seen := map[string]bool{}
	var b strings.Builder
	frames := make([]string, 0, 40)
	for len(seen) < stacks {
		frames = frames[:0]
		depth := 5 + rng.IntN(36)
		caller := 0
		for range depth {
			// A caller has about six callees, the first ones more likely.
			callee := (caller*7 + rng.IntN(1+rng.IntN(6)) + 1) % len(names)
			frames = append(frames, names[callee])
			caller = callee
		}
		stack := strings.Join(frames, ";")
		if seen[stack] {
			continue
		}
		seen[stack] = true
		fmt.Fprintf(&b, "%s %d\n", stack, 1+int(rng.ExpFloat64()*100))
	}
	return []byte(b.String())
}

func BenchmarkRenderSVG5000Stacks(b *testing.B) {
	folded := syntheticFolded(5000)
	b.SetBytes(int64(len(folded)))
	b.ResetTimer()
	for b.Loop() {
		if _, err := RenderSVG(folded, "benchmark"); err != nil {
			b.Fatal(err)
		}
	}
}

func TestSyntheticFoldedRenders(t *testing.T) {
	folded := syntheticFolded(5000)
	if lines := strings.Count(string(folded), "\n"); lines != 5000 {
		t.Fatalf("synthetic profile has %d stacks, want 5000", lines)
	}
	data, err := RenderSVG(folded, "synthetic")
	if err != nil {
		t.Fatalf("RenderSVG: %v", err)
	}
	doc := parseSVG(t, data)
	if len(doc.Frames) < 1000 {
		t.Errorf("drew only %d frames of 5000 stacks", len(doc.Frames))
	}
	t.Logf("5000 stacks: %d frames drawn, %d KiB of SVG", len(doc.Frames), len(data)/1024)
}
