package imstat

import (
	"math"

	"github.com/palmid/palmid/internal/fimg"
)

// Structure tensor scales, in pixels at ROISize.
const (
	// GradientSigma is the Gaussian smoothing applied before taking
	// central-difference gradients.
	GradientSigma = 1.0
	// TensorSigma is the Gaussian window over which gradient products are
	// averaged: orientation is judged over a neighbourhood about 2.5 px
	// in radius, a couple of crease widths.
	TensorSigma = 2.5
)

// flatTrace is the structure-tensor trace below which a pixel counts as flat
// (coherence 0). Gradients are in grey levels per pixel on a [0, 1] scale;
// 1e-12 corresponds to a gradient of about 1e-6, far below one 8-bit level.
const flatTrace = 1e-12

// gradients returns central-difference gradients of m after smoothing with
// GradientSigma, replicating the border.
func gradients(m *fimg.Image) (gx, gy []float32) {
	s := fimg.BlurTo(nil, m, GradientSigma)
	w, h := s.W, s.H
	gx = make([]float32, w*h)
	gy = make([]float32, w*h)
	for y := 0; y < h; y++ {
		ym, yp := max(y-1, 0), min(y+1, h-1)
		for x := 0; x < w; x++ {
			xm, xp := max(x-1, 0), min(x+1, w-1)
			gx[y*w+x] = (s.Pix[y*w+xp] - s.Pix[y*w+xm]) / 2
			gy[y*w+x] = (s.Pix[yp*w+x] - s.Pix[ym*w+x]) / 2
		}
	}
	return gx, gy
}

// CoherenceMapTo writes into dst the local orientation coherence of m and
// returns dst. With J the structure tensor (products of gradients averaged
// over a Gaussian window of TensorSigma) and l1 >= l2 its eigenvalues,
// coherence is (l1-l2)/(l1+l2) = sqrt((Jxx-Jyy)^2 + 4 Jxy^2) / (Jxx+Jyy):
// 1 where all gradients in the window are parallel (stripes, a straight
// line), 0 where they point every way equally (noise, blobs) or vanish
// (flat regions). A nil dst is allocated; it panics if dst and m differ in
// size.
func CoherenceMapTo(dst, m *fimg.Image) *fimg.Image {
	if dst == nil {
		dst = fimg.New(m.W, m.H)
	}
	if dst.W != m.W || dst.H != m.H {
		panic("imstat: size mismatch")
	}
	gx, gy := gradients(m)
	jxx := fimg.New(m.W, m.H)
	jyy := fimg.New(m.W, m.H)
	jxy := fimg.New(m.W, m.H)
	for i := range gx {
		jxx.Pix[i] = gx[i] * gx[i]
		jyy.Pix[i] = gy[i] * gy[i]
		jxy.Pix[i] = gx[i] * gy[i]
	}
	fimg.BlurTo(jxx, jxx, TensorSigma)
	fimg.BlurTo(jyy, jyy, TensorSigma)
	fimg.BlurTo(jxy, jxy, TensorSigma)
	for i := range dst.Pix {
		a, b, c := float64(jxx.Pix[i]), float64(jyy.Pix[i]), float64(jxy.Pix[i])
		tr := a + b
		if tr <= flatTrace {
			dst.Pix[i] = 0
			continue
		}
		coh := math.Sqrt((a-b)*(a-b)+4*c*c) / tr
		dst.Pix[i] = float32(min(coh, 1))
	}
	return dst
}

// Coherence returns the mean of CoherenceMapTo over all pixels of m, in
// [0, 1]; 0 for an empty image.
func Coherence(m *fimg.Image) float64 {
	if len(m.Pix) == 0 {
		return 0
	}
	cm := CoherenceMapTo(nil, m)
	var s float64
	for _, v := range cm.Pix {
		s += float64(v)
	}
	return s / float64(len(cm.Pix))
}
