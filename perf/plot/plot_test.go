package plot

import (
	"bytes"
	"encoding/xml"
	"errors"
	"image/png"
	"io"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/m17/perfgate/perf/result"
)

func TestWriteCompareFiles(t *testing.T) {
	dir := t.TempDir()
	before := syntheticResult(t, result.PhaseBefore, 3, 10, 200, 1)
	after := syntheticResult(t, result.PhaseAfter, 3, 10, 200, 2)

	files, err := WriteCompare(dir, "017", before, after)
	if err != nil {
		t.Fatalf("WriteCompare: %v", err)
	}

	want := Files{
		Spectrum:           filepath.Join(dir, "017_spectrum.svg"),
		SpectrumPNG:        filepath.Join(dir, "017_spectrum.png"),
		LatencyOverTime:    filepath.Join(dir, "017_latency_over_time.svg"),
		ThroughputOverTime: filepath.Join(dir, "017_throughput_over_time.svg"),
	}
	if files != want {
		t.Errorf("files = %+v, want %+v", files, want)
	}
	checkSVG(t, files.Spectrum)
	checkSVG(t, files.LatencyOverTime)
	checkSVG(t, files.ThroughputOverTime)
	checkPNG(t, files.SpectrumPNG)
	checkOnlyFiles(t, dir, 4)
}

func TestWriteCompareContent(t *testing.T) {
	dir := t.TempDir()
	before := syntheticResult(t, result.PhaseBefore, 3, 10, 200, 1)
	after := syntheticResult(t, result.PhaseAfter, 3, 10, 200, 2)

	files, err := WriteCompare(dir, "017", before, after)
	if err != nil {
		t.Fatalf("WriteCompare: %v", err)
	}

	spectrum := readText(t, files.Spectrum)
	for _, text := range []string{"Task 017: latency by percentile", "Latency (ms)", "99.9%", "before, 6000 samples", "after, 6000 samples"} {
		if !strings.Contains(spectrum, text) {
			t.Errorf("spectrum SVG lacks %q", text)
		}
	}
	latency := readText(t, files.LatencyOverTime)
	for _, text := range []string{"Task 017: P99 latency per second", "P99 latency (ms)", "Measured time (s)", "trial start"} {
		if !strings.Contains(latency, text) {
			t.Errorf("latency SVG lacks %q", text)
		}
	}
	throughput := readText(t, files.ThroughputOverTime)
	for _, text := range []string{"Task 017: throughput per second", "Throughput (successful ops/s)"} {
		if !strings.Contains(throughput, text) {
			t.Errorf("throughput SVG lacks %q", text)
		}
	}
}

func TestWriteCompareOneSide(t *testing.T) {
	tests := []struct {
		name          string
		before, after *result.Result
		present       string
		absent        string
	}{
		{"before only", syntheticResult(t, result.PhaseBefore, 2, 5, 100, 1), nil, "before only", "after,"},
		{"after only", nil, syntheticResult(t, result.PhaseAfter, 2, 5, 100, 1), "after only", "before,"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()

			files, err := WriteCompare(dir, "017", tt.before, tt.after)
			if err != nil {
				t.Fatalf("WriteCompare: %v", err)
			}

			checkSVG(t, files.Spectrum)
			checkSVG(t, files.LatencyOverTime)
			checkSVG(t, files.ThroughputOverTime)
			checkPNG(t, files.SpectrumPNG)
			spectrum := readText(t, files.Spectrum)
			if !strings.Contains(spectrum, tt.present) {
				t.Errorf("spectrum SVG lacks %q", tt.present)
			}
			if strings.Contains(spectrum, tt.absent) {
				t.Errorf("spectrum SVG contains %q for the missing side", tt.absent)
			}
		})
	}
}

func TestWriteCompareOddData(t *testing.T) {
	oneSample := result.NewHistogram()
	result.Record(oneSample, time.Millisecond)
	oneSampleHDR, err := result.EncodeHistogram(oneSample)
	if err != nil {
		t.Fatal(err)
	}
	nanSeries := seriesOf(3, math.NaN())
	nanSeries[1].ThroughputOpsPerSec = math.Inf(1)

	tests := []struct {
		name          string
		before, after *result.Result
	}{
		{"empty results", &result.Result{}, &result.Result{}},
		{"trials without series", &result.Result{Trials: []result.Trial{{}, {}}}, nil},
		{"one sample", &result.Result{HistogramHDR: oneSampleHDR}, &result.Result{HistogramHDR: oneSampleHDR}},
		{"one second", &result.Result{Trials: []result.Trial{{Series: seriesOf(1, 2)}}}, nil},
		{"NaN and Inf in series", &result.Result{Trials: []result.Trial{{Series: nanSeries}}}, nil},
		{"all zero series", &result.Result{Trials: []result.Trial{{Series: make([]result.Second, 5)}}}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()

			files, err := WriteCompare(dir, "odd", tt.before, tt.after)
			if err != nil {
				t.Fatalf("WriteCompare: %v", err)
			}

			checkSVG(t, files.Spectrum)
			checkSVG(t, files.LatencyOverTime)
			checkSVG(t, files.ThroughputOverTime)
			checkPNG(t, files.SpectrumPNG)
		})
	}
}

func TestWriteCompareErrors(t *testing.T) {
	valid := syntheticResult(t, result.PhaseBefore, 1, 2, 10, 1)
	corrupt := &result.Result{Timestamp: "20250102_030405", HistogramHDR: "not base64 HDR"}

	tests := []struct {
		name          string
		task          string
		before, after *result.Result
		wantInError   []string
	}{
		{"both nil", "017", nil, nil, []string{"017", "both results are nil"}},
		{"task with path", "../017", valid, nil, []string{"../017"}},
		{"empty task", "", valid, nil, []string{"task id is empty"}},
		{"corrupt after histogram", "017", valid, corrupt, []string{"after result 20250102_030405", "rerun the after phase"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()

			_, err := WriteCompare(dir, tt.task, tt.before, tt.after)
			if err == nil {
				t.Fatal("WriteCompare returned no error")
			}
			for _, text := range tt.wantInError {
				if !strings.Contains(err.Error(), text) {
					t.Errorf("error %q lacks %q", err, text)
				}
			}
			checkOnlyFiles(t, dir, 0)
		})
	}
}

func TestWriteCompareCreatesFolder(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "results", "plots")

	files, err := WriteCompare(dir, "017", syntheticResult(t, result.PhaseBefore, 1, 3, 10, 1), nil)
	if err != nil {
		t.Fatalf("WriteCompare: %v", err)
	}
	checkSVG(t, files.Spectrum)
}

func BenchmarkWriteCompare(b *testing.B) {
	// 3 trials of 20 s at 1000 ops/s: 60 trial-seconds and 60000 samples
	// per side.
	before := syntheticResult(b, result.PhaseBefore, 3, 20, 1000, 1)
	after := syntheticResult(b, result.PhaseAfter, 3, 20, 1000, 2)
	dir := b.TempDir()

	for b.Loop() {
		if _, err := WriteCompare(dir, "017", before, after); err != nil {
			b.Fatal(err)
		}
	}
}

// checkSVG fails t unless path is a whole XML document whose root is svg.
func checkSVG(t *testing.T, path string) {
	t.Helper()

	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("read SVG: %v", err)
	}
	decoder := xml.NewDecoder(bytes.NewReader(data))
	root := ""
	for {
		token, err := decoder.Token()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			t.Fatalf("%s is not valid XML: %v", filepath.Base(path), err)
		}
		if start, ok := token.(xml.StartElement); ok && root == "" {
			root = start.Name.Local
		}
	}
	if root != "svg" {
		t.Errorf("%s has root element %q, want svg", filepath.Base(path), root)
	}
}

// checkPNG fails t unless path decodes as a PNG of the plot size.
func checkPNG(t *testing.T, path string) {
	t.Helper()

	f, err := os.Open(path)
	if err != nil {
		t.Fatalf("open PNG: %v", err)
	}
	defer f.Close()

	img, err := png.Decode(f)
	if err != nil {
		t.Fatalf("%s is not a valid PNG: %v", filepath.Base(path), err)
	}
	size := img.Bounds().Size()
	if size.X != 1152 || size.Y != 648 {
		t.Errorf("%s is %d×%d pixels, want 1152×648 (8×4.5 in at 144 dpi)", filepath.Base(path), size.X, size.Y)
	}
}

// checkOnlyFiles fails t unless dir holds exactly n entries, so no temp
// file is left behind.
func checkOnlyFiles(t *testing.T, dir string, n int) {
	t.Helper()

	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatalf("read %s: %v", dir, err)
	}
	if len(entries) != n {
		var names []string
		for _, e := range entries {
			names = append(names, e.Name())
		}
		t.Errorf("%s holds %v, want %d files", dir, names, n)
	}
}

func readText(t *testing.T, path string) string {
	t.Helper()

	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("read %s: %v", path, err)
	}
	return string(data)
}
