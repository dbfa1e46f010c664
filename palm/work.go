package palm

import (
	"fmt"
	"image"
	"image/color"
	"math"
)

// workSide is the long side of the working image that hands are found in.
const workSide = 320

// work is the reduced image hands are found in: luma and, for colour
// images, the chroma of each pixel, from a sparse area sample of the input.
type work struct {
	w, h   int
	sx, sy float64 // input pixels per working pixel along x and y
	fw, fh int     // input size
	lum    []float32
	cb, cr []float32 // BT.601 chroma in [0, 255], nil for grey images
	colour bool
	// prior is the hand network's probability of each pixel being the
	// hand (handPrior), nil where findHand is to go without it.
	prior []float32
	netIn []float32 // the hand and keypoint networks' input (handInput)
	// closest is, where findHand finds no hand, the silhouette with the
	// most finger-like shapes (at least two), its palm centre found.
	closest *found
	hbuf    []hypo       // fingers' hypotheses, reused from call to call
	bufs    []*[]float32 // pooled buffers: lum, cb, cr and findHand's (release)
}

// scratch returns a pooled buffer of n float32 (content unspecified) that
// release gives back.
func (wk *work) scratch(n int) []float32 {
	p := scratchFloat32(n)
	wk.bufs = append(wk.bufs, p)
	return *p
}

// release gives the pooled buffers back; wk's slices must not be used
// after it.
func (wk *work) release() {
	for _, p := range wk.bufs {
		f32Pool.Put(p)
	}
	wk.bufs = nil
	wk.lum, wk.cb, wk.cr, wk.prior = nil, nil, nil, nil
}

// newWork samples img down to at most side pixels on its long side (it
// never enlarges). Each working pixel averages a k x k grid of input
// pixels spread over its footprint, k at most 2, so the cost does not grow
// with the input size.
func newWork(img image.Image, side int) *work {
	b := img.Bounds()
	fw, fh := b.Dx(), b.Dy()
	f := math.Max(float64(fw), float64(fh)) / float64(side)
	if f < 1 {
		f = 1
	}
	w := max(1, int(math.Round(float64(fw)/f)))
	h := max(1, int(math.Round(float64(fh)/f)))
	wk := &work{w: w, h: h, fw: fw, fh: fh, sx: float64(fw) / float64(w), sy: float64(fh) / float64(h)}
	n := w * h
	wk.lum = wk.scratch(n) // every pixel is written below
	k := 1
	if f >= 1.5 {
		k = 2
	}
	// sample offsets within a working pixel's footprint
	xs := make([]int, w*k)
	for x := 0; x < w; x++ {
		for i := 0; i < k; i++ {
			xs[x*k+i] = min(fw-1, int((float64(x)+(float64(i)+0.5)/float64(k))*wk.sx))
		}
	}
	ys := make([]int, h*k)
	for y := 0; y < h; y++ {
		for j := 0; j < k; j++ {
			ys[y*k+j] = min(fh-1, int((float64(y)+(float64(j)+0.5)/float64(k))*wk.sy))
		}
	}
	inv := 1 / float32(k*k)
	switch s := img.(type) {
	case *image.Gray:
		// whole grey levels, summed exactly as integers (see sampleYCbCr)
		for y := 0; y < h; y++ {
			lum := wk.lum[y*w : (y+1)*w]
			if k == 2 {
				r0, r1 := s.Pix[ys[2*y]*s.Stride:], s.Pix[ys[2*y+1]*s.Stride:]
				for x := range lum {
					xa, xb := xs[2*x], xs[2*x+1]
					lum[x] = lum2x2[int(r0[xa])+int(r0[xb])+int(r1[xa])+int(r1[xb])]
				}
				continue
			}
			for x := range lum {
				a := 0
				for j := 0; j < k; j++ {
					row := s.Pix[ys[y*k+j]*s.Stride:]
					for i := 0; i < k; i++ {
						a += int(row[xs[x*k+i]])
					}
				}
				lum[x] = float32(a) * inv / 255
			}
		}
		return wk
	case *image.Gray16:
		for y := 0; y < h; y++ {
			for x := 0; x < w; x++ {
				var a float32
				for j := 0; j < k; j++ {
					for i := 0; i < k; i++ {
						o := ys[y*k+j]*s.Stride + 2*xs[x*k+i]
						a += float32(uint16(s.Pix[o])<<8 | uint16(s.Pix[o+1]))
					}
				}
				wk.lum[y*w+x] = a * inv / 65535
			}
		}
		return wk
	}
	wk.cb = wk.scratch(n)
	wk.cr = wk.scratch(n)
	if s, ok := img.(*image.YCbCr); ok {
		wk.sampleYCbCr(s, xs, ys, k)
	} else {
		wk.sampleRGB(img, xs, ys, k)
	}
	wk.decideColour()
	return wk
}

// lum2x2[s] is the luma of a working pixel whose 2 x 2 samples sum to s
// grey levels: float32(s) * inv / 255 with inv = 1/4, as newWork computes
// it.
var lum2x2 = func() (t [1024]float32) { // 4*255+1 used; a power of two masks the index
	inv := 1 / float32(2*2)
	for s := range t {
		t[s] = float32(s) * inv / 255
	}
	return t
}()

// sampleYCbCr fills lum, cb and cr from a YCbCr image (a decoded JPEG).
func (wk *work) sampleYCbCr(s *image.YCbCr, xs, ys []int, k int) {
	b := s.Rect
	inv := 1 / float32(k*k)
	// chroma offsets per sample column, by subsampling ratio
	cx := func(x int) int {
		switch s.SubsampleRatio {
		case image.YCbCrSubsampleRatio420, image.YCbCrSubsampleRatio422, image.YCbCrSubsampleRatio410, image.YCbCrSubsampleRatio411:
			if s.SubsampleRatio == image.YCbCrSubsampleRatio410 || s.SubsampleRatio == image.YCbCrSubsampleRatio411 {
				return (b.Min.X+x)/4 - b.Min.X/4
			}
			return (b.Min.X+x)/2 - b.Min.X/2
		}
		return x
	}
	cy := func(y int) int {
		switch s.SubsampleRatio {
		case image.YCbCrSubsampleRatio420, image.YCbCrSubsampleRatio440, image.YCbCrSubsampleRatio410:
			return (b.Min.Y+y)/2 - b.Min.Y/2
		}
		return y
	}
	cxs := make([]int, len(xs))
	for i, x := range xs {
		cxs[i] = cx(x)
	}
	crows := make([]int, len(ys))
	for i, yy := range ys {
		crows[i] = cy(yy) * s.CStride
	}
	// The k x k samples are whole grey levels whose sum (at most 4 x 255)
	// a float32 holds exactly, so they are summed as integers.
	if k == 2 {
		// each working column's two luma and two chroma sample columns
		type col struct{ ya, yb, ca, cb int32 }
		cols := make([]col, wk.w)
		for x := range cols {
			cols[x] = col{int32(xs[2*x]), int32(xs[2*x+1]), int32(cxs[2*x]), int32(cxs[2*x+1])}
		}
		for y := 0; y < wk.h; y++ {
			y0, y1 := s.Y[ys[2*y]*s.YStride:], s.Y[ys[2*y+1]*s.YStride:]
			c0, c1 := crows[2*y], crows[2*y+1]
			cb0, cb1 := s.Cb[c0:], s.Cb[c1:]
			cr0, cr1 := s.Cr[c0:], s.Cr[c1:]
			lum := wk.lum[y*wk.w : (y+1)*wk.w]
			cb, cr := wk.cb[y*wk.w:(y+1)*wk.w], wk.cr[y*wk.w:(y+1)*wk.w]
			cb, cr, cols := cb[:len(lum)], cr[:len(lum)], cols[:len(lum)]
			for x := range lum {
				c := cols[x]
				ly := int(y0[c.ya]) + int(y0[c.yb]) + int(y1[c.ya]) + int(y1[c.yb])
				lcb := int(cb0[c.ca]) + int(cb0[c.cb]) + int(cb1[c.ca]) + int(cb1[c.cb])
				lcr := int(cr0[c.ca]) + int(cr0[c.cb]) + int(cr1[c.ca]) + int(cr1[c.cb])
				lum[x] = lum2x2[ly&(len(lum2x2)-1)]
				cb[x] = float32(lcb) * inv
				cr[x] = float32(lcr) * inv
			}
		}
		return
	}
	for y := 0; y < wk.h; y++ {
		for x := 0; x < wk.w; x++ {
			var ly, lcb, lcr int
			for j := 0; j < k; j++ {
				yy := ys[y*k+j]
				yrow := s.Y[yy*s.YStride:]
				crow := crows[y*k+j]
				for i := 0; i < k; i++ {
					xi := x*k + i
					ly += int(yrow[xs[xi]])
					co := crow + cxs[xi]
					lcb += int(s.Cb[co])
					lcr += int(s.Cr[co])
				}
			}
			o := y*wk.w + x
			wk.lum[o] = float32(ly) * inv / 255
			wk.cb[o] = float32(lcb) * inv
			wk.cr[o] = float32(lcr) * inv
		}
	}
}

// sampleRGB fills lum, cb and cr from any other colour image.
func (wk *work) sampleRGB(img image.Image, xs, ys []int, k int) {
	b := img.Bounds()
	w, h := wk.w, wk.h
	inv := 1 / float32(k*k)
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			var ly, lcb, lcr float32
			for j := 0; j < k; j++ {
				yy := ys[y*k+j]
				for i := 0; i < k; i++ {
					xx := xs[x*k+i]
					var Y, Cb, Cr float32
					switch s := img.(type) {
					case *image.RGBA:
						o := yy*s.Stride + 4*xx
						Y, Cb, Cr = ycc(float32(s.Pix[o]), float32(s.Pix[o+1]), float32(s.Pix[o+2]))
					case *image.NRGBA:
						o := yy*s.Stride + 4*xx
						Y, Cb, Cr = ycc(float32(s.Pix[o]), float32(s.Pix[o+1]), float32(s.Pix[o+2]))
					default:
						r, g, bb, _ := img.At(b.Min.X+xx, b.Min.Y+yy).RGBA()
						Y, Cb, Cr = ycc(float32(r>>8), float32(g>>8), float32(bb>>8))
					}
					ly += Y
					lcb += Cb
					lcr += Cr
				}
			}
			o := y*w + x
			wk.lum[o] = ly * inv / 255
			wk.cb[o] = lcb * inv
			wk.cr[o] = lcr * inv
		}
	}
}

// decideColour treats as grey a colour image whose chroma hardly varies.
func (wk *work) decideColour() {
	n := len(wk.cb)
	// A colour image whose chroma hardly varies (a grey JPEG saved as
	// colour, a tinted NIR frame) is handled as grey.
	var sb, sr, sbb, srr float64
	for i := range wk.cb {
		b, r := float64(wk.cb[i]), float64(wk.cr[i])
		sb += b
		sr += r
		sbb += b * b
		srr += r * r
	}
	nf := float64(n)
	vb := sbb/nf - (sb/nf)*(sb/nf)
	vr := srr/nf - (sr/nf)*(sr/nf)
	wk.colour = math.Sqrt(vb+vr) > 3
	if !wk.colour {
		wk.cb, wk.cr = nil, nil
	}
}

// ycc converts 8-bit RGB to BT.601 full-range Y, Cb, Cr.
func ycc(r, g, b float32) (y, cb, cr float32) {
	y = 0.299*r + 0.587*g + 0.114*b
	cb = 128 - 0.168736*r - 0.331264*g + 0.5*b
	cr = 128 + 0.5*r - 0.418688*g - 0.081312*b
	return
}

var _ = color.Gray{}

// toImage maps a working-image position to input pixels.
// toImageDir returns the unit direction in the input image of the
// working image's direction u (zero for a zero u).
func (wk *work) toImageDir(u Point) Point {
	return unit(Point{u.X * wk.sx, u.Y * wk.sy})
}

func (wk *work) toImage(x, y float64) Point {
	return Point{(x+0.5)*wk.sx - 0.5, (y+0.5)*wk.sy - 0.5}
}

// percentile returns the p-quantile (0..1) of v, whose values lie in
// [0, scale], to 1/1024 of scale.
func percentile(v []float32, p float64, scale float32) float32 {
	var q quantiles
	q.count(v, scale)
	return q.at(p)
}

// quantiles is the histogram of values in [0, scale] that percentile reads
// a quantile from; several quantiles of the same values share it.
type quantiles struct {
	hist [1024]int32
	n    int
	k    float32 // bins per unit
	max  float32 // scale
}

// count sets q to the histogram of v, whose values lie in [0, scale].
func (q *quantiles) count(v []float32, scale float32) {
	q.n, q.k, q.max = len(v), 1023/scale, scale
	if len(v) == 0 {
		return
	}
	histogram(v, 0, q.k, q.hist[:])
}

// at returns the p-quantile (0..1), to 1/1024 of the scale, as percentile.
func (q *quantiles) at(p float64) float32 {
	if q.n == 0 {
		return 0
	}
	t := int32(p * float64(q.n-1))
	var acc int32
	for i, c := range q.hist {
		acc += c
		if acc > t {
			return float32(i) / q.k
		}
	}
	return q.max
}

// exposureCheck rejects images with nothing but near-black or near-white
// pixels, where no hand can be seen.
func (wk *work) exposureCheck() error {
	var hist [256]int
	for _, v := range wk.lum {
		hist[lumBin(v)]++
	}
	n := len(wk.lum)
	q := func(p float64) int {
		t := int(p * float64(n))
		acc := 0
		for i, c := range hist {
			acc += c
			if acc > t {
				return i
			}
		}
		return 255
	}
	if hi := q(0.99); hi < 16 {
		return fmt.Errorf("%w: the brightest pixels reach only %d of 255", ErrTooDark, hi)
	}
	if lo := q(0.01); lo > 245 {
		return fmt.Errorf("%w: the darkest pixels are at %d of 255", ErrTooBright, lo)
	}
	if q(0.95)-q(0.05) < 6 {
		return fmt.Errorf("%w: the image is flat (no contrast)", ErrNoHand)
	}
	return nil
}

func lumBin(v float32) int {
	if !(v > 0) {
		return 0
	}
	if v >= 1 {
		return 255
	}
	return int(v * 255)
}

// histogram counts the values v into hist (at most 1024 bins): x falls in
// bin int((x-lo)*scale), clamped to the bins, NaN in bin 0. It counts into
// four histograms, so that runs of equal values do not wait on each
// other's counts.
func histogram(v []float32, lo, scale float32, hist []int32) {
	n := len(hist)
	bin := func(x float32) int {
		i := int((x - lo) * scale)
		if i < 0 || x != x {
			i = 0
		} else if i > n-1 {
			i = n - 1
		}
		return i
	}
	var hs [4][1024]int32
	j := 0
	for ; j+4 <= len(v); j += 4 {
		hs[0][bin(v[j])]++
		hs[1][bin(v[j+1])]++
		hs[2][bin(v[j+2])]++
		hs[3][bin(v[j+3])]++
	}
	for ; j < len(v); j++ {
		hs[0][bin(v[j])]++
	}
	for i := range hist {
		hist[i] = hs[0][i] + hs[1][i] + hs[2][i] + hs[3][i]
	}
}

// otsu returns Otsu's threshold of the values v in [lo, hi] (256 bins).
func otsu(v []float32, lo, hi float32) float32 {
	if !(hi > lo) {
		return lo
	}
	sc := 255 / (hi - lo)
	var counts [256]int32
	histogram(v, lo, sc, counts[:])
	// a float64 holds the counts exactly
	var hist [256]float64
	for i, c := range counts {
		hist[i] = float64(c)
	}
	var total, sum float64
	for i, c := range hist {
		total += c
		sum += float64(i) * c
	}
	var wB, sumB, best float64
	bi := 128
	for i, c := range hist {
		wB += c
		if wB == 0 {
			continue
		}
		wF := total - wB
		if wF == 0 {
			break
		}
		sumB += float64(i) * c
		mB := sumB / wB
		mF := (sum - sumB) / wF
		between := wB * wF * (mB - mF) * (mB - mF)
		if between > best {
			best, bi = between, i
		}
	}
	return lo + (float32(bi)+0.5)/sc
}
