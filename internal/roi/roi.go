// Package roi builds the palm region of interest from finger-valley points:
// the square in the palm centre that palmprint and vein features are read
// from.
//
// # Construction
//
// Let a be the valley between index and middle fingers and b the valley
// between ring and little fingers, D = |a - b|. The ROI frame has its x axis
// along b→a (from the little-finger side towards the index side) and its y
// axis perpendicular to it, pointing away from the fingers into the palm. The
// square has side Side·D and its centre lies Offset·D from the midpoint of
// a and b along the y axis:
//
//	     middle  ring
//	index  |  |  |  little
//	     \ |  |  | /
//	      a ------- b      <- valley line, length D
//	        .    .
//	    +-----------+      <- square of side Side·D whose centre is
//	    |           |         Offset·D below the valley midpoint
//	    |   palm    |
//	    |  centre   |
//	    +-----------+
//
// Because the x axis always runs from the little finger towards the index
// finger and y into the palm, a left hand's ROI comes out mirrored: every ROI
// is in the canonical form of a right palm seen from the palm side.
package roi

import (
	"math"

	"github.com/palmid/palmid/internal/fimg"
)

// Side and Offset fix the ROI's size and position in units of the valley
// distance D (see the package doc).
const (
	Side   = 1.05
	Offset = 0.8
)

// Point is an image position in pixels.
type Point struct{ X, Y float64 }

// Frame is the ROI's coordinate system in an image.
type Frame struct {
	Centre Point   // centre of the square, pixels
	X, Y   Point   // unit axes: x from little to index side, y into the palm
	Side   float64 // side of the square, pixels
}

// FromValleys builds the frame from the index–middle valley a, the
// ring–little valley b and any point p on the palm side of the valley line
// (the palm centre, say). It returns ok = false when a and b coincide.
func FromValleys(a, b, p Point) (f Frame, ok bool) {
	dx, dy := a.X-b.X, a.Y-b.Y
	d := math.Hypot(dx, dy)
	if !(d > 1e-6) {
		return Frame{}, false
	}
	f.X = Point{dx / d, dy / d}
	f.Y = Point{-f.X.Y, f.X.X}
	m := Point{(a.X + b.X) / 2, (a.Y + b.Y) / 2}
	if (p.X-m.X)*f.Y.X+(p.Y-m.Y)*f.Y.Y < 0 {
		f.Y = Point{-f.Y.X, -f.Y.Y}
	}
	f.Side = Side * d
	f.Centre = Point{m.X + Offset*d*f.Y.X, m.Y + Offset*d*f.Y.Y}
	return f, true
}

// Corners returns the square's corners in image pixels, in the order
// top-left, top-right, bottom-right, bottom-left of the ROI.
func (f Frame) Corners() [4]Point {
	h := f.Side / 2
	at := func(u, v float64) Point {
		return Point{f.Centre.X + u*f.X.X + v*f.Y.X, f.Centre.Y + u*f.X.Y + v*f.Y.Y}
	}
	return [4]Point{at(-h, -h), at(h, -h), at(h, h), at(-h, h)}
}

// ToImage maps ROI pixel coordinates (u, v) in a size x size ROI to image
// pixels.
func (f Frame) ToImage(u, v float64, size int) Point {
	s := f.Side / float64(size)
	x := (u+0.5)*s - f.Side/2
	y := (v+0.5)*s - f.Side/2
	return Point{f.Centre.X + x*f.X.X + y*f.Y.X, f.Centre.Y + x*f.X.Y + y*f.Y.Y}
}

// Inside reports whether the whole square lies within a w x h image.
func (f Frame) Inside(w, h int) bool {
	for _, c := range f.Corners() {
		if c.X < 0 || c.Y < 0 || c.X > float64(w-1) || c.Y > float64(h-1) {
			return false
		}
	}
	return true
}

// CutTo resamples the ROI of src into dst (size dst.W x dst.H, normally
// square) and returns dst; a nil dst allocates a 128x128 one. Each ROI pixel
// averages an n x n grid of bilinear samples, n growing with the
// downsampling factor, so a large image does not alias.
func (f Frame) CutTo(dst, src *fimg.Image) *fimg.Image {
	if dst == nil {
		dst = fimg.New(128, 128)
	}
	if src.W == 0 || src.H == 0 { // Bilinear's zero
		clear(dst.Pix)
		return dst
	}
	step := f.Side / float64(dst.W)
	n := int(math.Ceil(step))
	if n < 1 {
		n = 1
	}
	if n > 6 {
		n = 6
	}
	inv := float32(1) / float32(n*n)
	// Each sample is ToImage(U, V, dst.W) with U = u - 0.5 + (i + 0.5)/n
	// and V likewise: Centre + x X + y Y with x from U and y from V. The
	// part Centre + x X, which depends on u and i only, is computed once per
	// column; the rest of the sum is done per sample as ToImage does it.
	s := f.Side / float64(dst.W)
	half := f.Side / 2
	cx := make([]Point, dst.W*n)
	for u := 0; u < dst.W; u++ {
		for i := 0; i < n; i++ {
			U := float64(u) - 0.5 + (float64(i)+0.5)/float64(n)
			x := (U+0.5)*s - half
			cx[u*n+i] = Point{f.Centre.X + x*f.X.X, f.Centre.Y + x*f.X.Y}
		}
	}
	// the range of the column parts, for the rows whose samples all lie
	// well inside src (below)
	ax0, ax1 := math.Inf(1), math.Inf(-1)
	ay0, ay1 := math.Inf(1), math.Inf(-1)
	for _, p := range cx {
		ax0, ax1 = min(ax0, p.X), max(ax1, p.X)
		ay0, ay1 = min(ay0, p.Y), max(ay1, p.Y)
	}
	ys := make([]float64, n)
	w, h, pix := src.W, src.H, src.Pix
	xmax, ymax := float64(w-1), float64(h-1)
	for v := 0; v < dst.H; v++ {
		bx0, bx1 := math.Inf(1), math.Inf(-1)
		by0, by1 := math.Inf(1), math.Inf(-1)
		for j := range ys {
			V := float64(v) - 0.5 + (float64(j)+0.5)/float64(n)
			y := (V+0.5)*s - half
			ys[j] = y
			bx0, bx1 = min(bx0, y*f.Y.X), max(bx1, y*f.Y.X)
			by0, by1 = min(by0, y*f.Y.Y), max(by1, y*f.Y.Y)
		}
		row := dst.Pix[v*dst.W : (v+1)*dst.W]
		// Rounding is monotonic, so every sample of this row lies within
		// the sums of the parts' bounds; a pixel's margin covers any
		// rounding. Where the row's samples lie that well inside src, the
		// clamps of Bilinear change nothing and are left out.
		if ax0+bx0 >= 1 && ax1+bx1 <= xmax-1 && ay0+by0 >= 1 && ay1+by1 <= ymax-1 {
			for u := range row {
				var acc float32
				c := cx[u*n : (u+1)*n]
				for _, y := range ys {
					for _, p := range c {
						px, py := p.X+y*f.Y.X, p.Y+y*f.Y.Y
						x0, y0 := int(px), int(py)
						fx, fy := float32(px-float64(x0)), float32(py-float64(y0))
						q := pix[y0*w+x0:]
						q = q[:w+2]
						a := q[0] + (q[1]-q[0])*fx
						b := q[w] + (q[w+1]-q[w])*fx
						acc += a + (b-a)*fy
					}
				}
				row[u] = acc * inv
			}
			continue
		}
		for u := range row {
			var acc float32
			c := cx[u*n : (u+1)*n]
			for _, y := range ys {
				for _, p := range c {
					// src.Bilinear(p.X+y*f.Y.X, p.Y+y*f.Y.Y), inlined: the
					// same operations in the same order
					px, py := p.X+y*f.Y.X, p.Y+y*f.Y.Y
					if px < 0 {
						px = 0
					}
					if py < 0 {
						py = 0
					}
					if px > xmax {
						px = xmax
					}
					if py > ymax {
						py = ymax
					}
					x0, y0 := int(px), int(py)
					x1, y1 := x0+1, y0+1
					if x1 >= w {
						x1 = w - 1
					}
					if y1 >= h {
						y1 = h - 1
					}
					fx, fy := float32(px-float64(x0)), float32(py-float64(y0))
					r0, r1 := pix[y0*w:], pix[y1*w:]
					a := r0[x0] + (r0[x1]-r0[x0])*fx
					b := r1[x0] + (r1[x1]-r1[x0])*fx
					acc += a + (b-a)*fy
				}
			}
			row[u] = acc * inv
		}
	}
	return dst
}
