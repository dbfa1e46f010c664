package palm

import (
	"image"
	"math"
)

// This file places the open valleys at the input image's resolution: the
// working image locates each to about a working pixel (up to 6 input
// pixels of a phone photo), and the ROI's scale and position follow the
// valleys.

// refineValleys moves each open valley of f (already mapped to input
// pixels in v) along its bisector to the hand's edge in the input image.
// About the valley it takes the mean colour of the working pixels inside
// the silhouette and of those outside it, away from its outline (and the
// gap's middle above the valley, where the gap is narrow). Along the
// bisector and the lines an input pixel either side of it, the edge is
// where the input image's colour falls fastest from the one towards the
// other, near where it first falls below half-way (shading darkens the
// hand towards its outline, so the half-way level lies inside it); the
// valley moves to the mean of those edges. The bisector, not the lowest
// point of the outline, as synth's ground truth places a valley where the
// bisector of the two fingers leaves the hand. A valley whose surroundings
// do not tell hand from gap keeps its place, as do all valleys where the
// working image is the input. The valley then follows the web up to the
// gap: its shadow on colour photos (shadowValley), the web itself on grey
// NIR frames (webValley).
func (wk *work) refineValleys(img image.Image, f *found, v *[3]Point) {
	if math.Max(wk.sx, wk.sy) < 1.5 {
		return // the working image is the input
	}
	for k := range 3 {
		if !f.open[k] {
			continue
		}
		if p, ok := wk.refineValley(img, f, v[k], f.bisect[k]); ok {
			v[k] = p
		}
		follow := wk.webValley
		if wk.colour {
			follow = wk.shadowValley
		}
		if p, ok := follow(img, f, v[k], f.bisect[k]); ok {
			v[k] = p
		}
	}
}

// refineValley refines one valley at p (input pixels) whose bisector,
// pointing out of the palm into the gap, is u (working image).
func (wk *work) refineValley(img image.Image, f *found, p, u Point) (Point, bool) {
	u = wk.toImageDir(u)
	if u == (Point{}) {
		return p, false
	}
	n := Point{-u.Y, u.X}
	sc := math.Max(wk.sx, wk.sy)
	L := refineRange * sc // march half-length, input pixels
	pt, ok := readPatchAbout(img, p, int(L+3*sc)+3, wk.colour)
	if !ok {
		return p, false
	}
	// mean colours inside and outside the silhouette, from working pixels
	// in the patch whose 3 x 3 neighbourhood is all inside or all outside
	in := func(x, y int) int {
		if f.comp.at(x, y) {
			return 1
		}
		return 0
	}
	var sum [2][3]float64
	var cnt [2]float64
	wx0, wy0, wx1, wy1 := wk.within(pt.r)
	add := func(q Point, k int) {
		if c, ok := pt.at(q.X, q.Y); ok {
			for i := range 3 {
				sum[k][i] += float64(c[i])
			}
			cnt[k]++
		}
	}
	for y := wy0; y <= wy1; y++ {
		for x := wx0; x <= wx1; x++ {
			s := in(x, y) + in(x-1, y) + in(x+1, y) + in(x, y-1) + in(x, y+1)
			if s == 0 || s == 5 {
				add(wk.toImage(float64(x), float64(y)), s/5)
			}
		}
	}
	// a narrow gap has few such pixels: add the gap's middle above the
	// valley
	for t := sc; t <= L; t += 1 {
		q := Point{p.X + t*u.X, p.Y + t*u.Y}
		if in(int(math.Floor((q.X+0.5)/wk.sx)), int(math.Floor((q.Y+0.5)/wk.sy))) == 0 {
			add(q, 0)
		}
	}
	if cnt[0] < 3 || cnt[1] < 3 {
		return p, false
	}
	var mo, d [3]float64
	var dd float64
	for i := range 3 {
		mo[i] = sum[0][i] / cnt[0]
		d[i] = sum[1][i]/cnt[1] - mo[i]
		dd += d[i] * d[i]
	}
	if dd < 10*10 {
		return p, false // hand and gap hardly differ
	}
	// handness: 1 at the inside mean, 0 at the outside mean
	hand := func(q Point) (float64, bool) {
		c, ok := pt.at(q.X, q.Y)
		if !ok {
			return 0, false
		}
		var s float64
		for i := range 3 {
			s += (float64(c[i]) - mo[i]) * d[i]
		}
		return s / dd, true
	}
	const step = 0.5
	var ts []float64
	nt := int(2*L/step) + 1
	prof := make([]float64, nt)
	for s := -1.0; s <= 1; s++ {
		o := Point{p.X + s*n.X, p.Y + s*n.Y}
		m := 0
		for ; m < nt; m++ {
			t := -L + float64(m)*step
			h, ok := hand(Point{o.X + t*u.X, o.Y + t*u.Y})
			if !ok {
				break
			}
			prof[m] = h
		}
		if m < 3 || prof[0] < 0.5 {
			continue
		}
		// the first fall below half-way, then the steepest fall about it
		// (shading darkens the hand towards its edge, so the half-way
		// level would sit inside it)
		c := 1
		for c < m && prof[c] >= 0.5 {
			c++
		}
		if c == m {
			continue
		}
		a, b := max(1, c-int(1.5*sc/step)), min(m-2, c+int(sc/step))
		bi, bv := -1, 0.0
		for j := a; j <= b; j++ {
			if g := prof[j-1] - prof[j+1]; g > bv {
				bi, bv = j, g
			}
		}
		if bi < 0 {
			continue
		}
		// the vertex of the parabola through the fall at bi and its
		// neighbours
		t := -L + float64(bi)*step
		if bi > 1 && bi < m-2 {
			t += step * vertex(prof[bi-2]-prof[bi], bv, prof[bi]-prof[bi+2])
		}
		ts = append(ts, t)
	}
	if len(ts) < 2 {
		return p, false
	}
	var t float64
	for _, v := range ts {
		t += v
	}
	t /= float64(len(ts))
	// A gap that narrows towards its web fades out in the image before
	// it ends: an edge more than a working pixel above the working
	// outline is that fading gap, not the web.
	t = math.Min(t, sc)
	return Point{p.X + t*u.X, p.Y + t*u.Y}, true
}

// vertex is the offset, in steps, of the peak of the parabola through
// (-1, g0), (0, g1) and (1, g2), bounded to a step either way: where g1 is
// the largest of the three but barely, the parabola is nearly flat and
// its vertex could lie anywhere. It is 0 where the parabola has no peak.
func vertex(g0, g1, g2 float64) float64 {
	den := g0 - 2*g1 + g2
	if !(den < 0) {
		return 0
	}
	return clamp(0.5*(g0-g2)/den, -1, 1)
}

// readPatchAbout reads the patch of the input image within pad pixels of
// p, clipped to the image; false where less than 4 x 4 pixels remain.
func readPatchAbout(img image.Image, p Point, pad int, colour bool) (*patch, bool) {
	b := img.Bounds()
	r := image.Rect(int(p.X)-pad, int(p.Y)-pad, int(p.X)+pad+1, int(p.Y)+pad+1).Intersect(image.Rect(0, 0, b.Dx(), b.Dy()))
	if r.Dx() < 4 || r.Dy() < 4 {
		return nil, false
	}
	return readPatch(img, r, colour), true
}

// within is the box of working pixels, less a margin of one, whose input
// pixels lie in r.
func (wk *work) within(r image.Rectangle) (x0, y0, x1, y1 int) {
	return int(float64(r.Min.X)/wk.sx) + 1, int(float64(r.Min.Y)/wk.sy) + 1, int(float64(r.Max.X)/wk.sx) - 1, int(float64(r.Max.Y)/wk.sy) - 1
}

// patch is a rectangle of the input image as luma and, for colour
// images, chroma, in grey levels.
type patch struct {
	r     image.Rectangle
	ch    [3][]float32 // Y, Cb, Cr; Cb and Cr nil for grey
	w, nc int
}

// readPatch reads r (coordinates relative to img's bounds' minimum).
func readPatch(img image.Image, r image.Rectangle, colour bool) *patch {
	b := img.Bounds()
	pt := &patch{r: r, w: r.Dx(), nc: 1}
	n := r.Dx() * r.Dy()
	if colour {
		pt.nc = 3
	}
	for i := range pt.nc {
		pt.ch[i] = make([]float32, n)
	}
	if s, ok := img.(*image.YCbCr); ok {
		// the case of the loop below, a row at a time
		for y := r.Min.Y; y < r.Max.Y; y++ {
			Y := b.Min.Y + y
			o := (y - r.Min.Y) * pt.w
			yrow := s.Y[s.YOffset(b.Min.X+r.Min.X, Y):]
			lum := pt.ch[0][o : o+pt.w]
			for i := range lum {
				lum[i] = float32(yrow[i])
			}
			if colour {
				cb, cr := pt.ch[1][o:o+pt.w], pt.ch[2][o:o+pt.w]
				for i := range cb {
					c := s.COffset(b.Min.X+r.Min.X+i, Y)
					cb[i], cr[i] = float32(s.Cb[c]), float32(s.Cr[c])
				}
			}
		}
		return pt
	}
	o := 0
	for y := r.Min.Y; y < r.Max.Y; y++ {
		for x := r.Min.X; x < r.Max.X; x++ {
			X, Y := b.Min.X+x, b.Min.Y+y
			var l, cb, cr float32
			switch s := img.(type) {
			case *image.Gray:
				l = float32(s.Pix[s.PixOffset(X, Y)])
			case *image.YCbCr:
				l = float32(s.Y[s.YOffset(X, Y)])
				if colour {
					c := s.COffset(X, Y)
					cb, cr = float32(s.Cb[c]), float32(s.Cr[c])
				}
			case *image.RGBA:
				i := s.PixOffset(X, Y)
				l, cb, cr = ycc(float32(s.Pix[i]), float32(s.Pix[i+1]), float32(s.Pix[i+2]))
			case *image.NRGBA:
				i := s.PixOffset(X, Y)
				l, cb, cr = ycc(float32(s.Pix[i]), float32(s.Pix[i+1]), float32(s.Pix[i+2]))
			default:
				rr, g, bb, _ := img.At(X, Y).RGBA()
				l, cb, cr = ycc(float32(rr>>8), float32(g>>8), float32(bb>>8))
			}
			pt.ch[0][o] = l
			if colour {
				pt.ch[1][o], pt.ch[2][o] = cb, cr
			}
			o++
		}
	}
	return pt
}

// at interpolates the patch bilinearly at input position (x, y).
func (pt *patch) at(x, y float64) ([3]float32, bool) {
	var c [3]float32
	fx, fy := x-float64(pt.r.Min.X), y-float64(pt.r.Min.Y)
	x0, y0 := int(math.Floor(fx)), int(math.Floor(fy))
	if x0 < 0 || y0 < 0 || x0+1 >= pt.r.Dx() || y0+1 >= pt.r.Dy() {
		return c, false
	}
	ax, ay := float32(fx-float64(x0)), float32(fy-float64(y0))
	i := y0*pt.w + x0
	for k := range pt.nc {
		v := pt.ch[k]
		top := v[i] + ax*(v[i+1]-v[i])
		bot := v[i+pt.w] + ax*(v[i+pt.w+1]-v[i+pt.w])
		c[k] = top + ay*(bot-top)
	}
	return c, true
}
