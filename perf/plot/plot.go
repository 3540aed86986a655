// Package plot draws the before/after plots of a task: the latency
// percentile spectrum of each phase's merged histogram, and P99 latency and
// throughput per second with each phase's trials laid end to end.
//
// The data behind each plot comes from pure functions (Spectrum,
// NewTimeline) so it can be tested without rendering. Fonts are the
// Liberation fonts compiled into gonum.org/v1/plot, so rendering needs no
// network and no installed fonts.
package plot

import (
	"bytes"
	"errors"
	"fmt"
	"image/color"
	"os"
	"path/filepath"

	gplot "gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
	"gonum.org/v1/plot/vg/vgimg"
	"gonum.org/v1/plot/vg/vgsvg"

	"github.com/m17/perfgate/perf/result"
)

// Size of every plot, and the resolution of the PNG: 8 × 4.5 inches at
// 144 dpi is 1152 × 648 pixels.
const (
	plotWidth  = 8 * vg.Inch
	plotHeight = 4.5 * vg.Inch
	pngDPI     = 144
)

// File name suffixes after "<task>". The performance log links these names,
// so they must not change.
const (
	spectrumSuffix           = "_spectrum.svg"
	spectrumPNGSuffix        = "_spectrum.png"
	latencyOverTimeSuffix    = "_latency_over_time.svg"
	throughputOverTimeSuffix = "_throughput_over_time.svg"
)

// Files contains the paths WriteCompare wrote, each dir joined with a file
// name.
type Files struct {
	Spectrum           string
	SpectrumPNG        string
	LatencyOverTime    string
	ThroughputOverTime string
}

// side is one phase to draw: its label, line style and result.
type side struct {
	phase  string
	color  color.Color
	dashes []vg.Length
	result *result.Result
}

// Line styles of the two phases: blue and orange, which color-blind
// readers can tell apart, and before dashed so the plots also read in
// grayscale.
var (
	beforeColor  = color.RGBA{R: 0x1f, G: 0x77, B: 0xb4, A: 0xff}
	afterColor   = color.RGBA{R: 0xff, G: 0x7f, B: 0x0e, A: 0xff}
	beforeDashes = []vg.Length{vg.Points(6), vg.Points(3)}
)

// WriteCompare draws the plots of task from before and after and writes
// <task>_spectrum.svg, <task>_spectrum.png, <task>_latency_over_time.svg and
// <task>_throughput_over_time.svg into dir, creating dir if needed.
//
// Either side may be nil, and then only the other is drawn. All four plots
// are rendered before the first file is written, and each file is written
// atomically, so a failure never leaves a half-written plot.
func WriteCompare(dir, task string, before, after *result.Result) (Files, error) {
	if err := result.ValidateTask(task); err != nil {
		return Files{}, fmt.Errorf("plot: %w", err)
	}
	if before == nil && after == nil {
		return Files{}, fmt.Errorf("plot task %s: both results are nil; measure at least the before phase first", task)
	}

	sides := presentSides(before, after)

	spectrum, err := newSpectrumPlot(task, sides)
	if err != nil {
		return Files{}, err
	}
	latency, err := newOverTimePlot(task, sides, latencyMetric)
	if err != nil {
		return Files{}, err
	}
	throughput, err := newOverTimePlot(task, sides, throughputMetric)
	if err != nil {
		return Files{}, err
	}

	files := Files{
		Spectrum:           filepath.Join(dir, task+spectrumSuffix),
		SpectrumPNG:        filepath.Join(dir, task+spectrumPNGSuffix),
		LatencyOverTime:    filepath.Join(dir, task+latencyOverTimeSuffix),
		ThroughputOverTime: filepath.Join(dir, task+throughputOverTimeSuffix),
	}
	outputs := []struct {
		path   string
		render func() ([]byte, error)
	}{
		{files.Spectrum, func() ([]byte, error) { return renderSVG(spectrum) }},
		{files.SpectrumPNG, func() ([]byte, error) { return renderPNG(spectrum) }},
		{files.LatencyOverTime, func() ([]byte, error) { return renderSVG(latency) }},
		{files.ThroughputOverTime, func() ([]byte, error) { return renderSVG(throughput) }},
	}

	rendered := make([][]byte, len(outputs))
	for i, out := range outputs {
		data, err := out.render()
		if err != nil {
			return Files{}, fmt.Errorf("render %s: %w", filepath.Base(out.path), err)
		}
		rendered[i] = data
	}

	if err := os.MkdirAll(dir, 0o755); err != nil {
		return Files{}, fmt.Errorf("create plot folder %s: %w; choose a writable folder", dir, err)
	}
	for i, out := range outputs {
		if err := result.WriteFile(out.path, rendered[i]); err != nil {
			return Files{}, fmt.Errorf("write plot: %w", err)
		}
	}
	return files, nil
}

// presentSides returns the non-nil results in before, after order.
func presentSides(before, after *result.Result) []side {
	var sides []side
	if before != nil {
		sides = append(sides, side{phase: result.PhaseBefore, color: beforeColor, dashes: beforeDashes, result: before})
	}
	if after != nil {
		sides = append(sides, side{phase: result.PhaseAfter, color: afterColor, result: after})
	}
	return sides
}

// newBasePlot returns a plot with the title, axis labels and legend
// placement every plot here shares.
func newBasePlot(title, xLabel, yLabel string) *gplot.Plot {
	p := gplot.New()
	p.Title.Text = title
	p.Title.Padding = vg.Points(8)
	p.X.Label.Text = xLabel
	p.Y.Label.Text = yLabel
	p.X.Tick.Marker = linearTicks{}
	p.Y.Tick.Marker = linearTicks{}
	p.Legend.Top = true
	p.Legend.Left = true
	p.Legend.XOffs = vg.Points(8)
	p.Legend.YOffs = -vg.Points(4)
	p.Add(plotter.NewGrid())
	return p
}

// addSegments draws each segment of xys as one line in s's style, with a
// dot for a segment of one point (a line through one point is invisible).
// The first segment gets the legend entry label, unless label is empty.
func addSegments(p *gplot.Plot, s side, segments []plotter.XYs, label string) error {
	for i, xys := range segments {
		line, err := plotter.NewLine(xys)
		if err != nil {
			return fmt.Errorf("%s line: %w", s.phase, err)
		}
		line.Color = s.color
		line.Width = vg.Points(1.5)
		line.Dashes = s.dashes
		p.Add(line)

		if len(xys) == 1 {
			dot, err := plotter.NewScatter(xys)
			if err != nil {
				return fmt.Errorf("%s point: %w", s.phase, err)
			}
			dot.Color = s.color
			dot.Shape = draw.CircleGlyph{}
			dot.Radius = vg.Points(2)
			p.Add(dot)
		}

		if i == 0 && label != "" {
			p.Legend.Add(label, line)
		}
	}
	return nil
}

// renderSVG returns p drawn as an SVG document.
func renderSVG(p *gplot.Plot) (data []byte, err error) {
	defer recoverRender(&err)

	c := vgsvg.New(plotWidth, plotHeight)
	p.Draw(draw.New(c))

	var buf bytes.Buffer
	if _, err := c.WriteTo(&buf); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// renderPNG returns p drawn as a PNG image at pngDPI.
func renderPNG(p *gplot.Plot) (data []byte, err error) {
	defer recoverRender(&err)

	c := vgimg.NewWith(vgimg.UseWH(plotWidth, plotHeight), vgimg.UseDPI(pngDPI))
	p.Draw(draw.New(c))

	var buf bytes.Buffer
	if _, err := (vgimg.PngCanvas{Canvas: c}).WriteTo(&buf); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// recoverRender turns a panic in gonum's drawing code into an error.
// gonum panics on a log axis that reaches 0 and on some invalid ranges. The
// plots set their ranges to rule these out, so this only keeps a missed
// case from crashing perf:compare.
func recoverRender(err *error) {
	if r := recover(); r != nil {
		*err = errors.Join(*err, fmt.Errorf("gonum plot failed: %v", r))
	}
}
