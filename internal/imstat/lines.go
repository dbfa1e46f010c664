package imstat

import (
	"math"

	"github.com/palmid/palmid/internal/fimg"
)

// LineScale sets the scale of the dark-line detector, in pixels at ROISize.
type LineScale struct {
	// Radius is the half-side of the square structuring element: dark
	// features narrower than 2*Radius+1 px are candidates.
	Radius int
	// SmoothSigma is the Gaussian smoothing applied first, so that pixel
	// noise and JPEG blocks do not count as lines.
	SmoothSigma float64
	// ContrastRadius is the half-side of the square window over which the
	// local contrast is measured.
	ContrastRadius int
}

// The two scales that Analyze reports.
var (
	// FineLines finds creases and thin veins, up to 8 px wide at ROISize
	// (palm creases there are 2 to 6 px wide).
	FineLines = LineScale{Radius: 4, SmoothSigma: 0.7, ContrastRadius: 12}
	// CoarseLines finds dark bands up to 20 px wide: the veins of NIR
	// palm images and the broad principal lines. Thin lines less than
	// half as deep as a band within 10 px are left out, so it does not
	// contain everything FineLines finds.
	CoarseLines = LineScale{Radius: 10, SmoothSigma: 2, ContrastRadius: 30}
)

// Threshold constants of the line detector.
const (
	// LineK scales the local contrast into the top-hat threshold.
	LineK = 1.0
	// LineMinDepth is the smallest top-hat value that can count as a line,
	// 0.01 of the grey range (2.5 of 255 levels), so that flat regions
	// give no lines.
	LineMinDepth = 0.01
)

// LineMaskTo writes into dst a mask of the pixels of m that lie on dark
// lines at scale sc (1) or not (0), and returns dst. The detector:
//
//  1. s = m smoothed with a Gaussian of sc.SmoothSigma.
//  2. t = closing(s) - s, the black top-hat with a square of side
//     2*sc.Radius+1: how much darker each pixel is than the level its
//     surroundings would fill a narrow dark feature to. It equals the
//     depth of dark lines and spots narrower than the square, and is 0 on
//     flat regions, ramps (also those running into the image edge, which
//     is extended by replication) and bright features.
//  3. c = the standard deviation of s in the square of side
//     2*sc.ContrastRadius+1 around each pixel (cut at the image edges).
//  4. p = the maximum of t over the square of step 2, the depth of the
//     deepest dark feature nearby. Candidates are the pixels with
//     t >= max(p/2, LineK*c, LineMinDepth): at least half as deep as that
//     feature, so that a line is measured at its half-depth width, and
//     deeper than the local contrast, so that faint texture in an
//     otherwise flat patch does not count.
//  5. Lines are the 8-connected groups of candidates that are longer than
//     the square, that is whose bounding box is at least 2*sc.Radius+1
//     px wide or high; smaller groups are spots (pores, specks, noise)
//     and are dropped.
//
// The threshold is relative to local contrast, so the result hardly depends
// on gain or illumination; a clean dark line of width w on a flat background
// is found at about width w. A nil dst is allocated; it panics if dst and m
// differ in size or sc.Radius < 1.
func LineMaskTo(dst, m *fimg.Image, sc LineScale) *fimg.Image {
	if dst == nil {
		dst = fimg.New(m.W, m.H)
	}
	if dst.W != m.W || dst.H != m.H {
		panic("imstat: size mismatch")
	}
	if sc.Radius < 1 {
		panic("imstat: line radius < 1")
	}
	s := fimg.BlurTo(nil, m, sc.SmoothSigma)
	closed := closing(s, sc.Radius)
	c := localStd(s, sc.ContrastRadius)
	th := fimg.New(m.W, m.H)
	for i, v := range s.Pix {
		th.Pix[i] = closed.Pix[i] - v
	}
	peak := dilateTo(nil, th, sc.Radius)
	for i, t := range th.Pix {
		lim := max(LineK*c.Pix[i], 0.5*peak.Pix[i], LineMinDepth)
		if t >= lim {
			dst.Pix[i] = 1
		} else {
			dst.Pix[i] = 0
		}
	}
	dropSmall(dst, 2*sc.Radius+1)
	return dst
}

// LineDensity returns the fraction of m's pixels that LineMaskTo marks as on
// a dark line at scale sc; 0 for an empty image.
func LineDensity(m *fimg.Image, sc LineScale) float64 {
	if len(m.Pix) == 0 {
		return 0
	}
	mask := LineMaskTo(nil, m, sc)
	var n float64
	for _, v := range mask.Pix {
		n += float64(v)
	}
	return n / float64(len(mask.Pix))
}

// dropSmall clears the 8-connected groups of 1s in mask whose bounding box
// is less than minLen px both wide and high.
func dropSmall(mask *fimg.Image, minLen int) {
	w, h := mask.W, mask.H
	seen := make([]bool, w*h)
	var group, stack []int
	for start, v := range mask.Pix {
		if v == 0 || seen[start] {
			continue
		}
		group, stack = group[:0], append(stack[:0], start)
		seen[start] = true
		x0, y0, x1, y1 := w, h, -1, -1
		for len(stack) > 0 {
			i := stack[len(stack)-1]
			stack = stack[:len(stack)-1]
			group = append(group, i)
			x, y := i%w, i/w
			x0, y0, x1, y1 = min(x0, x), min(y0, y), max(x1, x), max(y1, y)
			for dy := -1; dy <= 1; dy++ {
				for dx := -1; dx <= 1; dx++ {
					nx, ny := x+dx, y+dy
					if nx < 0 || ny < 0 || nx >= w || ny >= h {
						continue
					}
					if j := ny*w + nx; mask.Pix[j] != 0 && !seen[j] {
						seen[j] = true
						stack = append(stack, j)
					}
				}
			}
		}
		if x1-x0+1 < minLen && y1-y0+1 < minLen {
			for _, i := range group {
				mask.Pix[i] = 0
			}
		}
	}
}

// localStd returns the standard deviation of s over the (2r+1)-square
// around each pixel, cut at the edges, using integral images of s and s^2.
func localStd(s *fimg.Image, r int) *fimg.Image {
	w, h := s.W, s.H
	// Integral images with a zero first row and column.
	sum := make([]float64, (w+1)*(h+1))
	sq := make([]float64, (w+1)*(h+1))
	for y := 0; y < h; y++ {
		var rs, rq float64
		for x := 0; x < w; x++ {
			v := float64(s.Pix[y*w+x])
			rs += v
			rq += v * v
			i := (y+1)*(w+1) + x + 1
			sum[i] = sum[i-(w+1)] + rs
			sq[i] = sq[i-(w+1)] + rq
		}
	}
	box := func(t []float64, x0, y0, x1, y1 int) float64 {
		return t[y1*(w+1)+x1] - t[y0*(w+1)+x1] - t[y1*(w+1)+x0] + t[y0*(w+1)+x0]
	}
	out := fimg.New(w, h)
	for y := 0; y < h; y++ {
		y0, y1 := max(y-r, 0), min(y+r+1, h)
		for x := 0; x < w; x++ {
			x0, x1 := max(x-r, 0), min(x+r+1, w)
			n := float64((x1 - x0) * (y1 - y0))
			mu := box(sum, x0, y0, x1, y1) / n
			v := box(sq, x0, y0, x1, y1)/n - mu*mu
			out.Pix[y*w+x] = float32(math.Sqrt(math.Max(v, 0)))
		}
	}
	return out
}

// closing returns the closing of s by a (2r+1)-square, computed on a copy
// of s padded by 2r px of replicated border and cropped back, so that a
// ramp falling towards the edge is not taken for half a valley.
func closing(s *fimg.Image, r int) *fimg.Image {
	p := 2 * r
	pw, ph := s.W+2*p, s.H+2*p
	pad := fimg.New(pw, ph)
	for y := 0; y < ph; y++ {
		sy := min(max(y-p, 0), s.H-1)
		for x := 0; x < pw; x++ {
			sx := min(max(x-p, 0), s.W-1)
			pad.Pix[y*pw+x] = s.Pix[sy*s.W+sx]
		}
	}
	c := erodeTo(nil, dilateTo(nil, pad, r), r)
	out := fimg.New(s.W, s.H)
	for y := 0; y < s.H; y++ {
		copy(out.Pix[y*s.W:(y+1)*s.W], c.Pix[(y+p)*pw+p:])
	}
	return out
}

// dilateTo writes the maximum of src over a (2r+1)-square into dst
// (allocated if nil) and returns it; windows are cut at the image edges.
func dilateTo(dst, src *fimg.Image, r int) *fimg.Image {
	return rankTo(dst, src, r, true)
}

// erodeTo is dilateTo with the minimum.
func erodeTo(dst, src *fimg.Image, r int) *fimg.Image {
	return rankTo(dst, src, r, false)
}

// rankTo applies a separable square max (or min) filter.
func rankTo(dst, src *fimg.Image, r int, isMax bool) *fimg.Image {
	w, h := src.W, src.H
	if dst == nil {
		dst = fimg.New(w, h)
	}
	tmp := make([]float32, w*h)
	line := make([]float32, max(w, h))
	for y := 0; y < h; y++ {
		rank1D(tmp[y*w:(y+1)*w], src.Pix[y*w:(y+1)*w], r, isMax)
	}
	out := make([]float32, h)
	for x := 0; x < w; x++ {
		col := line[:h]
		for y := range col {
			col[y] = tmp[y*w+x]
		}
		rank1D(out, col, r, isMax)
		for y, v := range out {
			dst.Pix[y*w+x] = v
		}
	}
	return dst
}

// rank1D writes into dst the max (or min) of src over windows of radius r,
// cut at the ends. It uses the van Herk/Gil-Werman algorithm: three
// comparisons a sample whatever r. The minimum is computed as the negated
// maximum of the negated samples.
func rank1D(dst, src []float32, r int, isMax bool) {
	n, k := len(src), 2*r+1
	// ext is src with r samples of -Inf on each side, rounded up to whole
	// blocks of k.
	m := (n + 2*r + k - 1) / k * k
	ext := make([]float32, 3*m)
	ext, g, h := ext[:m], ext[m:2*m], ext[2*m:]
	sign := float32(1)
	if !isMax {
		sign = -1
	}
	inf := float32(math.Inf(-1))
	for i := range ext {
		ext[i] = inf
	}
	for i, v := range src {
		ext[i+r] = sign * v
	}
	// g: running max from each block's start; h: from each block's end.
	for b := 0; b < m; b += k {
		g[b] = ext[b]
		for i := b + 1; i < b+k; i++ {
			g[i] = max(g[i-1], ext[i])
		}
		h[b+k-1] = ext[b+k-1]
		for i := b + k - 2; i >= b; i-- {
			h[i] = max(h[i+1], ext[i])
		}
	}
	// Window i covers ext[i : i+k], which spans at most two blocks.
	for i := range dst[:n] {
		dst[i] = sign * max(h[i], g[i+k-1])
	}
}
