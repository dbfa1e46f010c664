package palm

import (
	"fmt"
	"image"
	"image/color"
	"math"

	"github.com/palmid/palmid/internal/fimg"
	"github.com/palmid/palmid/internal/roi"
)

// Quality limits (see Quality).
const (
	focusNorm   = 0.8  // Focus of a typical in-focus palm ROI, before normalising
	minFocus    = 0.40 // ErrTooBlurry below
	darkLevel   = 0.10 // median palm grey level that scores Exposure 1
	clipFrac    = 0.25 // fraction of clipped ROI pixels that scores Exposure 1
	insideFrac  = 0.8  // fraction of the ROI on the visible hand that scores Inside 1
	minScale    = 0.25 // ErrTooFar below: the ROI magnifies more than 4 times
	refineRange = 3.0  // working pixels searched about each valley at full resolution
)

// finish maps the hand found in the working image to the input image, judges
// its quality and cuts the ROI. classic leaves out the learned steps; the
// valley network runs passes times.
func (wk *work) finish(img image.Image, f *found, size int, classic bool, passes int, sink func(string, image.Image)) (*Hand, error) {
	hd := &Hand{size: size, w: wk.fw, h: wk.fh}
	lm := &hd.Landmarks
	for k := range 3 {
		lm.Valleys[k] = wk.toImage(f.valleys[k].X, f.valleys[k].Y)
	}
	// The valley network (netValleys, below) places every valley, in
	// valleyPasses passes, each from the last one's answer (and the frame
	// it gives); on photos the second pass has a network of its own. On
	// grey (NIR) frames it starts from the full-resolution refinement's
	// answer.
	if classic || !wk.colour {
		wk.refineValleys(img, f, &lm.Valleys)
	}
	if !f.guessed {
		wk.seamValleys(img, f, &lm.Valleys)
	}
	if f.tips != ([4]Point{}) {
		for k := range 4 {
			lm.Tips[k] = wk.toImage(f.tips[k].X, f.tips[k].Y)
		}
	}
	lm.Centre = wk.toImage(f.centre.X, f.centre.Y)
	for pass := range passes {
		wk.netValleys(img, &lm.Valleys, lm.Centre, pass, f.open)
	}
	lm.Side = f.side
	lm.Open = f.open
	lm.Thumb = f.thumb
	lm.Contour = make([]Point, len(f.contour))
	for i, p := range f.contour {
		lm.Contour[i] = wk.toImage(float64(p.x), float64(p.y))
	}
	rp := func(p Point) roi.Point { return roi.Point{X: p.X, Y: p.Y} }
	fr, ok := roi.FromValleys(rp(lm.Valleys[0]), rp(lm.Valleys[2]), rp(lm.Centre))
	if !ok {
		return nil, fmt.Errorf("%w: the valleys coincide", ErrFingersClosed)
	}
	hd.frame = fr
	lm.Orientation = math.Atan2(-fr.Y.Y, -fr.Y.X)
	lm.PalmWidth = wk.palmWidth(f, fr)
	for k, c := range fr.Corners() {
		hd.Corners[k] = Point{c.X, c.Y}
	}
	hd.ROI = cutROI(img, fr, size)
	q := &hd.Quality
	q.Scale = fr.Side / float64(size)
	q.Openness = float64(openValleys(f.open)) / 3
	mask := f.comp.full(wk.w, wk.h)
	inside, med, clipped := wk.roiStats(mask, fr)
	q.Inside = inside / insideFrac
	q.Exposure = math.Min(2, math.Min(float64(med)/darkLevel, clipFrac/math.Max(clipped, 1e-3)))
	q.Focus = focus(img, fr, size) / focusNorm
	if sink != nil {
		sink("mask", maskImage(mask, wk.w, wk.h))
		sink("contour", wk.overlay(hd, mask, false))
		sink("keypoints", wk.overlay(hd, mask, true))
		sink("roi", hd.ROI)
	}
	short := float64(min(wk.fw, wk.fh))
	switch {
	case fr.Side > short:
		return hd, fmt.Errorf("%w: the ROI square (%.0f px) is larger than the frame's short side (%.0f px)", ErrTooNear, fr.Side, short)
	case q.Scale < minScale:
		return hd, fmt.Errorf("%w: the ROI square is %.0f px wide, want at least %.0f", ErrTooFar, fr.Side, minScale*float64(size))
	case !fr.Inside(wk.fw, wk.fh):
		return hd, fmt.Errorf("%w: the ROI square reaches past the frame", ErrPartialPalm)
	case q.Inside < 1:
		return hd, fmt.Errorf("%w: %.0f%% of the ROI square is on the visible hand, want %.0f%%", ErrPartialPalm, 100*inside, 100*insideFrac)
	case float64(med) < darkLevel:
		return hd, fmt.Errorf("%w: median palm grey level %.0f of 255", ErrTooDark, 255*med)
	case clipped > clipFrac:
		return hd, fmt.Errorf("%w: %.0f%% of the palm is clipped white", ErrTooBright, 100*clipped)
	case q.Focus < minFocus:
		return hd, fmt.Errorf("%w: focus score %.2f, want %.2f", ErrTooBlurry, q.Focus, minFocus)
	}
	return hd, nil
}

// openValleys counts the valleys with a gap between the fingers above.
func openValleys(open [3]bool) int {
	n := 0
	for _, o := range open {
		if o {
			n++
		}
	}
	return n
}

// roiStats samples the ROI square on a 24 x 24 grid of the working image:
// the fraction of samples on the hand silhouette and inside the frame, the
// median luma of those and the fraction of them clipped white.
func (wk *work) roiStats(mask []uint8, fr roi.Frame) (inside float64, med float32, clipped float64) {
	const g = 24
	var vals []float32
	for v := 0; v < g; v++ {
		for u := 0; u < g; u++ {
			p := fr.ToImage(float64(u), float64(v), g)
			x := int(math.Floor((p.X + 0.5) / wk.sx))
			y := int(math.Floor((p.Y + 0.5) / wk.sy))
			if x < 0 || y < 0 || x >= wk.w || y >= wk.h || mask[y*wk.w+x] == 0 {
				continue
			}
			l := wk.lum[y*wk.w+x]
			vals = append(vals, l)
			if l >= 250.0/255 {
				clipped++
			}
		}
	}
	if len(vals) == 0 {
		return 0, 0, 0
	}
	return float64(len(vals)) / (g * g), percentile(vals, 0.5, 1), clipped / float64(len(vals))
}

// palmWidth measures the silhouette across the palm just below the
// valleys, along the valley line, in input pixels.
func (wk *work) palmWidth(f *found, fr roi.Frame) float64 {
	mid := Point{(f.valleys[0].X + f.valleys[2].X) / 2, (f.valleys[0].Y + f.valleys[2].Y) / 2}
	D := dist(f.valleys[0], f.valleys[2])
	X := unit(Point{f.valleys[0].X - f.valleys[2].X, f.valleys[0].Y - f.valleys[2].Y})
	Y := Point{fr.Y.X, fr.Y.Y} // same direction in both images
	o := Point{mid.X + 0.3*D*Y.X, mid.Y + 0.3*D*Y.Y}
	in := func(p Point) bool {
		x, y := int(math.Round(p.X)), int(math.Round(p.Y))
		c := f.comp
		x, y = x-c.x0, y-c.y0
		return x >= 0 && y >= 0 && x < c.bw && y < c.bh && c.mask[y*c.bw+x] != 0
	}
	span := 0.0
	for _, s := range [2]float64{1, -1} {
		t := 0.0
		for ; t < 4*D; t += 0.5 {
			if !in(Point{o.X + s*t*X.X, o.Y + s*t*X.Y}) {
				break
			}
		}
		span += t
	}
	// to input pixels: scale by the step along X
	return span * hypot(X.X*wk.sx, X.Y*wk.sy)
}

// focus measures the sharpness of the palm in the input image at its own
// resolution, over the central square of half the ROI's side: the RMS of a
// Laplacian of the image averaged k x k, k the ROI's pixel in source pixels
// but at least 2, over that of the image averaged 2k x 2k (plus a floor of 1.5 grey levels, the Laplacian of rounding to 8 bits). Defocus and motion take the
// fine scale first; brightness and contrast cancel, and averaging first
// keeps sensor noise from passing for detail.
func focus(img image.Image, fr roi.Frame, size int) float64 {
	b := img.Bounds()
	half := fr.Side / 4
	r := image.Rect(int(fr.Centre.X-half), int(fr.Centre.Y-half), int(fr.Centre.X+half), int(fr.Centre.Y+half))
	r = r.Intersect(image.Rect(0, 0, b.Dx(), b.Dy()))
	if r.Dx() < 16 || r.Dy() < 16 {
		return 0
	}
	// at most 256 x 256 source pixels, taken every step
	step := max(1, (max(r.Dx(), r.Dy())+255)/256)
	g := greyRect(img, r)
	if step > 1 {
		g = shrink(g, step)
	}
	// the fine scale is the ROI's pixel, at least two source pixels
	k := max(2, int(fr.Side/float64(size)/float64(step)+0.5))
	return lapRMS(shrink(g, k)) / (lapRMS(shrink(g, 2*k)) + 1.5/255)
}

// shrink averages m over k x k blocks.
func shrink(m *fimg.Image, k int) *fimg.Image {
	o := fimg.New(m.W/k, m.H/k)
	inv := 1 / float32(k*k)
	for y := 0; y < o.H; y++ {
		for x := 0; x < o.W; x++ {
			var s float32
			for j := 0; j < k; j++ {
				row := m.Pix[(y*k+j)*m.W+x*k:]
				for i := 0; i < k; i++ {
					s += row[i]
				}
			}
			o.Pix[y*o.W+x] = s * inv
		}
	}
	return o
}

func lapRMS(m *fimg.Image) float64 {
	var s float64
	n := 0
	for y := 1; y < m.H-1; y++ {
		for x := 1; x < m.W-1; x++ {
			i := y*m.W + x
			l := float64(4*m.Pix[i] - m.Pix[i-1] - m.Pix[i+1] - m.Pix[i-m.W] - m.Pix[i+m.W])
			s += l * l
			n++
		}
	}
	if n == 0 {
		return 0
	}
	return math.Sqrt(s / float64(n))
}

func maskImage(m []uint8, w, h int) *image.Gray {
	g := image.NewGray(image.Rect(0, 0, w, h))
	for i, v := range m {
		g.Pix[i] = 255 * v
	}
	return g
}

// overlay draws the working image with the silhouette mask tinted and the
// hand's outline (green); with marks, also the valleys (red), fingertips
// (blue), centre (yellow) and ROI square (cyan). hd and mask may be nil.
func (wk *work) overlay(hd *Hand, mask []uint8, marks bool) *image.RGBA {
	out := image.NewRGBA(image.Rect(0, 0, wk.w, wk.h))
	for i, v := range wk.lum {
		g := uint8(math.Max(0, math.Min(255, float64(v)*255)))
		r, b := g, g
		if mask != nil && mask[i] != 0 {
			r = uint8(min(255, int(g)/2+128))
			b = g / 2
		}
		out.Pix[4*i], out.Pix[4*i+1], out.Pix[4*i+2], out.Pix[4*i+3] = r, g, b, 255
	}
	if hd == nil {
		return out
	}
	toW := func(p Point) (float64, float64) { return (p.X+0.5)/wk.sx - 0.5, (p.Y+0.5)/wk.sy - 0.5 }
	for _, p := range hd.Landmarks.Contour {
		x, y := toW(p)
		out.Set(int(math.Round(x)), int(math.Round(y)), color.RGBA{0, 220, 0, 255})
	}
	if !marks {
		return out
	}
	line := func(a, b Point, c color.RGBA) {
		ax, ay := toW(a)
		bx, by := toW(b)
		n := int(math.Max(math.Abs(bx-ax), math.Abs(by-ay))) + 1
		for i := 0; i <= n; i++ {
			t := float64(i) / float64(n)
			out.Set(int(math.Round(ax+(bx-ax)*t)), int(math.Round(ay+(by-ay)*t)), c)
		}
	}
	cy := color.RGBA{0, 220, 255, 255}
	for k := range 4 {
		line(hd.Corners[k], hd.Corners[(k+1)%4], cy)
	}
	dot := func(p Point, c color.RGBA) {
		x, y := toW(p)
		for dy := -2; dy <= 2; dy++ {
			for dx := -2; dx <= 2; dx++ {
				out.Set(int(math.Round(x))+dx, int(math.Round(y))+dy, c)
			}
		}
	}
	for _, t := range hd.Landmarks.Tips {
		if t != (Point{}) {
			dot(t, color.RGBA{40, 80, 255, 255})
		}
	}
	for _, v := range hd.Landmarks.Valleys {
		dot(v, color.RGBA{255, 0, 0, 255})
	}
	dot(hd.Landmarks.Centre, color.RGBA{255, 220, 0, 255})
	return out
}
