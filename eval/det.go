package eval

import (
	"fmt"
	"image/color"
	"io"
	"math"
	"slices"
	"strconv"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/plotutil"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
	"gonum.org/v1/plot/vg/vgimg"
)

// Curve names one pair of score sets for a DET plot.
type Curve struct {
	Name              string
	Genuine, Impostor *Scores
}

// detPoint is one point of a DET curve.
type detPoint struct {
	threshold, fmr, fnmr float64
}

// detRatio is the ratio between successive sampled error counts. Counts step
// by 1 up to 200 and then by at least 1%, so each score set contributes about
// 200 + ln(N/200)/ln 1.01 thresholds: some 1,300 for ten million scores.
const detRatio = 1.01

// detPoints samples the DET curve of the ascending score slices g and im.
// It takes thresholds at the impostor scores whose rank from the top is in
// counts(len(im)) and at the genuine scores whose rank from the bottom is in
// counts(len(g)), so the curve is dense where the error counts are small, and
// returns the exact (FMR, FNMR) at each distinct threshold, ascending.
func detPoints(g, im []float64) []detPoint {
	var ts []float64
	for _, c := range counts(len(im)) {
		ts = append(ts, im[len(im)-c])
	}
	for _, c := range counts(len(g)) {
		ts = append(ts, g[c-1])
	}
	slices.Sort(ts)
	ts = slices.Compact(ts)
	pts := make([]detPoint, len(ts))
	for i, t := range ts {
		pts[i] = detPoint{
			threshold: t,
			fmr:       float64(atLeast(im, t)) / float64(len(im)),
			fnmr:      float64(below(g, t)) / float64(len(g)),
		}
	}
	return pts
}

// counts returns 1, 2, ... up to n, stepping by at least 1 and by a factor of
// at least detRatio, always ending with n.
func counts(n int) []int {
	var cs []int
	for c := 1; c <= n; c = max(c+1, int(float64(c)*detRatio)) {
		cs = append(cs, c)
	}
	if len(cs) > 0 && cs[len(cs)-1] != n {
		cs = append(cs, n)
	}
	return cs
}

// WriteDET draws the detection error trade-off curves of curves, FMR on the
// x axis and FNMR on the y axis, both on the normal-deviate (probit) scale,
// with a legend, and writes them to w as a PNG image.
//
// Each curve is sampled at a few thousand thresholds at most (see detPoints);
// points with a zero or unit rate cannot be drawn on this scale and are left
// out. The axes run from the decade below the smallest drawn rate to 0.5.
//
// It returns ErrNoScores, naming the curve, if a curve has an empty set, and
// panics if curves is empty.
func WriteDET(w io.Writer, curves ...Curve) error {
	if len(curves) == 0 {
		panic("eval: WriteDET needs at least one curve")
	}
	p := plot.New()
	p.Title.Text = "DET"
	p.X.Label.Text = "FMR (false match rate)"
	p.Y.Label.Text = "FNMR (false non-match rate)"
	const hi = 0.5
	lo := 0.1
	for i, c := range curves {
		g, im := c.Genuine.sorted(), c.Impostor.sorted()
		if err := checkSets(g, im); err != nil {
			return fmt.Errorf("curve %q: %w", c.Name, err)
		}
		var xys plotter.XYs
		for _, q := range detPoints(g, im) {
			if q.fmr > 0 && q.fmr < 1 && q.fnmr > 0 && q.fnmr < 1 {
				xys = append(xys, plotter.XY{X: q.fmr, Y: q.fnmr})
				lo = min(lo, q.fmr, q.fnmr)
			}
		}
		line, err := plotter.NewLine(xys)
		if err != nil {
			return fmt.Errorf("eval: curve %q: %w", c.Name, err)
		}
		line.Color = plotutil.Color(i)
		line.Dashes = plotutil.Dashes(i / len(plotutil.DefaultColors))
		line.Width = vg.Points(1.5)
		if len(xys) > 0 {
			p.Add(line)
		}
		p.Legend.Add(c.Name, line)
	}
	lo = math.Pow(10, math.Floor(math.Log10(lo)))
	diag, err := plotter.NewLine(plotter.XYs{{X: lo, Y: lo}, {X: hi, Y: hi}})
	if err != nil {
		return err
	}
	diag.Color = color.Gray{Y: 0x80}
	diag.Dashes = []vg.Length{vg.Points(2), vg.Points(2)}
	diag.Width = vg.Points(0.5)
	p.Add(diag, plotter.NewGrid())
	for _, ax := range []*plot.Axis{&p.X, &p.Y} {
		ax.Min, ax.Max = lo, hi
		ax.Scale = probitScale{}
		ax.Tick.Marker = probitTicks{}
	}
	// The legend goes below the plot, one line per curve, so that it never
	// hides a curve however many there are.
	const plotH, lineH = 5 * vg.Inch, 0.17 * vg.Inch
	legendH := lineH*vg.Length(len(curves)) + 0.15*vg.Inch
	c := vgimg.New(5.5*vg.Inch, plotH+legendH)
	dc := draw.New(c)
	legend := p.Legend
	p.Legend = plot.NewLegend() // empty: the plot draws no legend of its own
	p.Draw(draw.Crop(dc, 0, 0, legendH, 0))
	legend.Left, legend.Top = true, true
	legend.XOffs = 0.4 * vg.Inch
	legend.Draw(draw.Crop(dc, 0, 0, 0, -plotH))
	_, err = vgimg.PngCanvas{Canvas: c}.WriteTo(w)
	return err
}

// probit is the normal deviate of p: the x where the standard normal CDF is p.
func probit(p float64) float64 { return math.Sqrt2 * math.Erfinv(2*p-1) }

// probitScale places rates on an axis by their normal deviates, which turns
// the DET curves of normally distributed scores into straight lines.
type probitScale struct{}

func (probitScale) Normalize(min, max, x float64) float64 {
	lo := probit(min)
	return (probit(x) - lo) / (probit(max) - lo)
}

// probitTicks marks decades and 0.2 and 0.5 with labels, and 2 and 5 times
// each decade without.
type probitTicks struct{}

func (probitTicks) Ticks(min, max float64) []plot.Tick {
	var ts []plot.Tick
	for e := math.Floor(math.Log10(min)); e < 0; e++ {
		d := math.Pow(10, e)
		for _, m := range []float64{1, 2, 5} {
			v := m * d
			if v < min*(1-1e-9) || v > max*(1+1e-9) {
				continue
			}
			t := plot.Tick{Value: v}
			if m == 1 || e == -1 {
				t.Label = tickLabel(v, e)
			}
			ts = append(ts, t)
		}
	}
	return ts
}

func tickLabel(v, exp float64) string {
	if exp < -3 {
		return "1e" + strconv.Itoa(int(exp))
	}
	return strconv.FormatFloat(v, 'g', -1, 64)
}
