// Package fimg holds the float32 grey image type and the small image kernels
// (conversion, bilinear sampling, separable Gaussian blur) that palmid's
// packages share.
//
// # Layout
//
// An Image stores W*H samples row by row in Pix; sample (x, y) is
// Pix[y*W+x]. Values are nominally in [0, 1] but kernels do not clamp unless
// they say so.
package fimg

import (
	"image"
	"math"
	"sync"
)

// Image is a float32 grey image.
type Image struct {
	W, H int
	Pix  []float32
}

// New returns a zeroed w x h image. It panics if w or h is negative.
func New(w, h int) *Image {
	if w < 0 || h < 0 {
		panic("fimg: negative size")
	}
	return &Image{W: w, H: h, Pix: make([]float32, w*h)}
}

// At returns the sample at (x, y), or 0 outside the image.
func (m *Image) At(x, y int) float32 {
	if x < 0 || y < 0 || x >= m.W || y >= m.H {
		return 0
	}
	return m.Pix[y*m.W+x]
}

// Clone returns a deep copy of m.
func (m *Image) Clone() *Image {
	c := &Image{W: m.W, H: m.H, Pix: make([]float32, len(m.Pix))}
	copy(c.Pix, m.Pix)
	return c
}

// Bilinear samples m at the real-valued position (x, y), where integer
// coordinates are pixel centres. Positions outside the image clamp to the edge.
func (m *Image) Bilinear(x, y float64) float32 {
	if m.W == 0 || m.H == 0 {
		return 0
	}
	if x < 0 {
		x = 0
	}
	if y < 0 {
		y = 0
	}
	if x > float64(m.W-1) {
		x = float64(m.W - 1)
	}
	if y > float64(m.H-1) {
		y = float64(m.H - 1)
	}
	x0, y0 := int(x), int(y)
	x1, y1 := x0+1, y0+1
	if x1 >= m.W {
		x1 = m.W - 1
	}
	if y1 >= m.H {
		y1 = m.H - 1
	}
	fx, fy := float32(x-float64(x0)), float32(y-float64(y0))
	r0 := m.Pix[y0*m.W:]
	r1 := m.Pix[y1*m.W:]
	a := r0[x0] + (r0[x1]-r0[x0])*fx
	b := r1[x0] + (r1[x1]-r1[x0])*fx
	return a + (b-a)*fy
}

// FromImage converts any image to grey (ITU-R BT.601 luma) in [0, 1].
func FromImage(src image.Image) *Image {
	b := src.Bounds()
	m := New(b.Dx(), b.Dy())
	switch s := src.(type) {
	case *image.Gray:
		for y := 0; y < m.H; y++ {
			row := s.Pix[y*s.Stride : y*s.Stride+m.W]
			out := m.Pix[y*m.W : (y+1)*m.W]
			for x, v := range row {
				out[x] = float32(v) / 255
			}
		}
	case *image.Gray16:
		for y := 0; y < m.H; y++ {
			for x := 0; x < m.W; x++ {
				i := y*s.Stride + 2*x
				m.Pix[y*m.W+x] = float32(uint16(s.Pix[i])<<8|uint16(s.Pix[i+1])) / 65535
			}
		}
	case *image.RGBA:
		for y := 0; y < m.H; y++ {
			for x := 0; x < m.W; x++ {
				i := y*s.Stride + 4*x
				m.Pix[y*m.W+x] = (0.299*float32(s.Pix[i]) + 0.587*float32(s.Pix[i+1]) + 0.114*float32(s.Pix[i+2])) / 255
			}
		}
	case *image.YCbCr:
		for y := 0; y < m.H; y++ {
			for x := 0; x < m.W; x++ {
				m.Pix[y*m.W+x] = float32(s.Y[s.YOffset(b.Min.X+x, b.Min.Y+y)]) / 255
			}
		}
	default:
		for y := 0; y < m.H; y++ {
			for x := 0; x < m.W; x++ {
				r, g, bb, _ := src.At(b.Min.X+x, b.Min.Y+y).RGBA()
				m.Pix[y*m.W+x] = (0.299*float32(r) + 0.587*float32(g) + 0.114*float32(bb)) / 65535
			}
		}
	}
	return m
}

// Gray converts m to an 8-bit grey image, clamping to [0, 1].
func (m *Image) Gray() *image.Gray {
	g := image.NewGray(image.Rect(0, 0, m.W, m.H))
	for i, v := range m.Pix {
		g.Pix[i] = To8(v)
	}
	return g
}

// To8 maps v in [0, 1] to a byte, clamping and rounding.
func To8(v float32) uint8 {
	if !(v > 0) { // also catches NaN
		return 0
	}
	if v >= 1 {
		return 255
	}
	return uint8(v*255 + 0.5)
}

// GaussianKernel returns a normalised 1-D Gaussian of standard deviation
// sigma, truncated at 3 sigma. A sigma <= 0 gives the identity kernel [1].
func GaussianKernel(sigma float64) []float32 {
	if sigma <= 0 {
		return []float32{1}
	}
	r := int(math.Ceil(3 * sigma))
	k := make([]float32, 2*r+1)
	var sum float64
	for i := -r; i <= r; i++ {
		v := math.Exp(-float64(i*i) / (2 * sigma * sigma))
		k[i+r] = float32(v)
		sum += v
	}
	for i := range k {
		k[i] = float32(float64(k[i]) / sum)
	}
	return k
}

// BlurTo writes into dst the separable convolution of src with the Gaussian
// of standard deviation sigma, replicating edge pixels, and returns dst. A nil
// dst is allocated; dst may be src. It panics if dst and src differ in size.
func BlurTo(dst, src *Image, sigma float64) *Image {
	if dst == nil {
		dst = New(src.W, src.H)
	}
	if dst.W != src.W || dst.H != src.H {
		panic("fimg: size mismatch")
	}
	if sigma <= 0 {
		copy(dst.Pix, src.Pix)
		return dst
	}
	k := GaussianKernel(sigma)
	SeparableTo(dst, src, k, k)
	return dst
}

// SeparableTo convolves src with kx along rows then ky along columns (odd
// lengths, centred), replicating edges, writing into dst (which may be src).
// Each output is summed in tap order, the row pass first, as in
//
//	tmp[y][x] = kx[0]*src[y][x-rx] + kx[1]*src[y][x-rx+1] + ...
//	dst[y][x] = ky[0]*tmp[y-ry][x] + ky[1]*tmp[y-ry+1][x] + ...
//
// with rx = len(kx)/2, ry = len(ky)/2 and coordinates clamped to the image;
// on amd64 with AVX2 an assembly kernel computes the same sums eight
// outputs at a time. SeparableTo does not allocate once its scratch pool is
// warm.
func SeparableTo(dst, src *Image, kx, ky []float32) {
	w, h := src.W, src.H
	if w == 0 || h == 0 {
		return
	}
	rx, ry := len(kx)/2, len(ky)/2
	lw := w + max(len(kx)-1, 0) // padded row: rx copies of the first sample, the row, the rest of the last
	th := h + max(len(ky)-1, 0) // padded rows of the row pass: ry copies of the first above, the rest below
	sp := scratch.Get().(*[]float32)
	if cap(*sp) < th*w+lw {
		*sp = make([]float32, th*w+lw)
	}
	buf := (*sp)[:th*w+lw]
	tmp, line := buf[:th*w], buf[th*w:]
	for y := range h {
		row := src.Pix[y*w : (y+1)*w]
		first, last := row[0], row[w-1]
		for i := range rx {
			line[i] = first
		}
		copy(line[rx:], row)
		for i := rx + w; i < lw; i++ {
			line[i] = last
		}
		conv(tmp[(ry+y)*w:(ry+y+1)*w], line, kx, 1)
	}
	top := tmp[ry*w : (ry+1)*w]
	for y := range ry {
		copy(tmp[y*w:(y+1)*w], top)
	}
	bottom := tmp[(ry+h-1)*w : (ry+h)*w]
	for y := ry + h; y < th; y++ {
		copy(tmp[y*w:(y+1)*w], bottom)
	}
	conv(dst.Pix[:w*h], tmp, ky, w)
	scratch.Put(sp)
}

// scratch holds the padded buffers of SeparableTo.
var scratch = sync.Pool{New: func() any { return new([]float32) }}

// convGo writes into dst the sums dst[i] = k[0]*src[i] + k[1]*src[i+stride]
// + ..., in tap order, with each product rounded to float32 before it is
// added (no fused multiply-add), as the assembly kernel does. src must hold
// len(dst) + (len(k)-1)*stride samples; an empty k gives zeros.
func convGo(dst, src, k []float32, stride int) {
	clear(dst)
	for j, kv := range k {
		s := src[j*stride : j*stride+len(dst)]
		for i, v := range s {
			dst[i] += float32(kv * v)
		}
	}
}
