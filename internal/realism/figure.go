package realism

import (
	"errors"
	"fmt"
	"image"
	"image/draw"
	"image/png"
	"os"
	"path/filepath"

	"golang.org/x/image/font"
	"golang.org/x/image/font/basicfont"
	"golang.org/x/image/math/fixed"
	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/plotutil"
	"gonum.org/v1/plot/vg"
	vgdraw "gonum.org/v1/plot/vg/draw"
	"gonum.org/v1/plot/vg/vgimg"

	"github.com/palmid/palmid/eval"
	"github.com/palmid/palmid/internal/imstat"
)

// Figure layout, pixels.
const (
	gridGap   = 4
	gridLabel = 180 // width of the row labels
	gridTitle = 24  // height of the title strip
)

// WriteFigure writes the report's figures into dir, creating it:
//
//   - rois-synth.png: 6 synth ROIs of each pair, one row per pair;
//   - rois-<pair>.png: for each pair, a row of 6 synth ROIs above a row of
//     6 ROIs of each real set, at raw intensity (no contrast stretch), so
//     that brightness and contrast can be compared by eye. These files show
//     real images and must not be committed (see ../shared/data/README.md);
//     they are not written without real data;
//   - charts-<pair>.png: the mean intensity histograms and mean radial
//     spectra of synth and of each real set, overlaid;
//   - det-<pair>.png: DET curves of the NCC baseline, all pairs, synth and
//     each real set.
//
// File names use Pair.Name. WriteFigure sorts the report's score sets in
// place and must not run concurrently with another call on the same report.
func (r *Report) WriteFigure(dir string) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	var rows []gridRow
	for _, p := range r.Pairs {
		rows = append(rows, gridRow{label: "synth " + p.Modality, images: p.Synth.thumbs})
	}
	err := writePNG(filepath.Join(dir, "rois-synth.png"),
		grid("synth ROIs (ground-truth aligned, realistic difficulty), one identity per column", rows))
	if err != nil {
		return err
	}
	for _, p := range r.Pairs {
		if len(p.Real) > 0 {
			rows := []gridRow{{label: "synth " + p.Modality, images: p.Synth.thumbs}}
			for _, s := range p.Real {
				rows = append(rows, gridRow{label: s.Name, images: s.thumbs})
			}
			title := fmt.Sprintf("%s: synth above real, %dx%d ROIs at raw intensity, one palm per column", p.Name, ROISize, ROISize)
			if err := writePNG(filepath.Join(dir, "rois-"+p.Name+".png"), grid(title, rows)); err != nil {
				return err
			}
		}
		if err := writeCharts(filepath.Join(dir, "charts-"+p.Name+".png"), p); err != nil {
			return err
		}
		if err := writeDET(filepath.Join(dir, "det-"+p.Name+".png"), p); err != nil {
			return err
		}
	}
	return nil
}

// gridRow is one labelled row of ROIs.
type gridRow struct {
	label  string
	images []*image.Gray
}

// grid lays rows of ROISize images out under a title, each row labelled on
// its left.
func grid(title string, rows []gridRow) *image.RGBA {
	cols := 1
	for _, r := range rows {
		cols = max(cols, len(r.images))
	}
	w := gridLabel + cols*(ROISize+gridGap) + gridGap
	h := gridTitle + len(rows)*(ROISize+gridGap) + gridGap
	dst := image.NewRGBA(image.Rect(0, 0, w, h))
	draw.Draw(dst, dst.Bounds(), image.White, image.Point{}, draw.Src)
	text(dst, gridGap, 16, title)
	for i, r := range rows {
		y := gridTitle + i*(ROISize+gridGap)
		text(dst, gridGap, y+ROISize/2+4, r.label)
		for j, g := range r.images {
			x := gridLabel + j*(ROISize+gridGap)
			draw.Draw(dst, image.Rect(x, y, x+ROISize, y+ROISize), g, g.Bounds().Min, draw.Src)
		}
	}
	return dst
}

// text draws s in black with its baseline at y.
func text(dst draw.Image, x, y int, s string) {
	d := font.Drawer{Dst: dst, Src: image.Black, Face: basicfont.Face7x13, Dot: fixed.P(x, y)}
	d.DrawString(s)
}

func writePNG(name string, m image.Image) error {
	f, err := os.Create(name)
	if err != nil {
		return err
	}
	return errors.Join(png.Encode(f, m), f.Close())
}

// series is one set's curve in a chart.
type series struct {
	name string
	s    *SetReport
}

func pairSeries(p *PairReport) []series {
	out := []series{{"synth " + p.Modality, p.Synth}}
	for _, s := range p.Real {
		if s.Images > 0 {
			out = append(out, series{s.Name, s})
		}
	}
	return out
}

// writeCharts draws the histogram and spectrum panels of one pair side by
// side.
func writeCharts(name string, p *PairReport) error {
	ss := pairSeries(p)
	hist := plot.New()
	hist.Title.Text = p.Name + ": mean intensity histogram"
	hist.X.Label.Text = "grey level"
	hist.Y.Label.Text = "fraction of pixels"
	hist.X.Min, hist.X.Max = 0, 1
	spec := plot.New()
	spec.Title.Text = p.Name + ": mean radial power spectrum"
	spec.X.Label.Text = "frequency (cycles per pixel at 128x128)"
	spec.Y.Label.Text = "normalised power"
	spec.X.Scale, spec.Y.Scale = plot.LogScale{}, plot.LogScale{}
	spec.X.Tick.Marker, spec.Y.Tick.Marker = plot.LogTicks{Prec: -1}, plot.LogTicks{Prec: -1}
	for i, s := range ss {
		var hx plotter.XYs
		for k, v := range s.s.Summary.Hist {
			hx = append(hx, plotter.XY{X: (float64(k) + 0.5) / float64(len(s.s.Summary.Hist)), Y: v})
		}
		var sx plotter.XYs
		for k, v := range s.s.Summary.Spectrum {
			if v > 0 {
				sx = append(sx, plotter.XY{X: imstat.RingFrequency(k), Y: v})
			}
		}
		for _, c := range []struct {
			p   *plot.Plot
			xys plotter.XYs
		}{{hist, hx}, {spec, sx}} {
			if len(c.xys) == 0 {
				continue
			}
			l, err := plotter.NewLine(c.xys)
			if err != nil {
				return fmt.Errorf("realism: %s: %w", s.name, err)
			}
			l.Color = plotutil.Color(i)
			l.Dashes = plotutil.Dashes(i)
			l.Width = vg.Points(1.5)
			if c.p == hist {
				l.StepStyle = plotter.MidStep
			}
			c.p.Add(l)
			c.p.Legend.Add(s.name, l)
		}
	}
	hist.Add(plotter.NewGrid())
	spec.Add(plotter.NewGrid())
	hist.Legend.Top = true
	hist.Legend.XOffs = -vg.Millimeter * 2
	spec.Legend.Left = true // the spectra fall to the right
	spec.Legend.XOffs, spec.Legend.YOffs = vg.Millimeter*4, vg.Millimeter*4
	const w, h = 11 * vg.Inch, 4.5 * vg.Inch
	img := vgimg.NewWith(vgimg.UseWH(w, h), vgimg.UseDPI(96))
	dc := vgdraw.New(img)
	t := vgdraw.Tiles{Rows: 1, Cols: 2, PadX: vg.Millimeter * 6, PadTop: vg.Millimeter * 2, PadBottom: vg.Millimeter * 2, PadLeft: vg.Millimeter * 2, PadRight: vg.Millimeter * 4}
	hist.Draw(t.At(dc, 0, 0))
	spec.Draw(t.At(dc, 1, 0))
	f, err := os.Create(name)
	if err != nil {
		return err
	}
	_, err = vgimg.PngCanvas{Canvas: img}.WriteTo(f)
	return errors.Join(err, f.Close())
}

// writeDET draws the NCC DET curves of one pair, all pairs of each set.
func writeDET(name string, p *PairReport) error {
	var cs []eval.Curve
	for _, s := range pairSeries(p) {
		if s.s.NCC != nil {
			cs = append(cs, eval.Curve{
				Name:    fmt.Sprintf("%s (EER %.1f%%)", s.name, 100*s.s.NCC.EER),
				Genuine: &s.s.all.genuine, Impostor: &s.s.all.impostor,
			})
		}
	}
	if len(cs) == 0 {
		return nil
	}
	f, err := os.Create(name)
	if err != nil {
		return err
	}
	return errors.Join(eval.WriteDET(f, cs...), f.Close())
}
