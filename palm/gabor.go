package palm

import (
	"math"
	"sync"
)

// Orientations is the number of filter orientations: orientation k is a
// line at k*180/Orientations degrees.
const Orientations = 6

// Geometry of the competitive code. The ROI is resampled to workSize x
// workSize (half the usual 128 x 128 ROI) and the filters are evaluated at
// every step-th pixel, giving a CodeSize x CodeSize code.
const (
	workSize = 64
	step     = workSize / CodeSize
)

// gaborParams are the filter parameters in pixels at workSize (double them
// for a 128 x 128 ROI). The filter is the even (cosine) Gabor across the
// line direction with an envelope longer along the line than across it:
//
//	g(u, v) = exp(-u²/2σu² - v²/2σv²) (cos(2πu/λ) - c)
//
// u across the line, v along it, c making the sum zero, the whole scaled to
// unit L2 norm and cut where the envelope falls below exp(-cut²/2).
type gaborParams struct {
	lambda float64 // wavelength: the centre lobe is about λ/2 wide
	sigmaU float64 // envelope across the line
	sigmaV float64 // envelope along the line
	cut    float64 // support: the ellipse u²/σu² + v²/σv² <= cut²
}

var defaultParams = gaborParams{lambda: 8, sigmaU: 2.8, sigmaV: 5.6, cut: 3}

// bank is a filter bank prepared for direct convolution at sampled pixels of
// an image padded by pad pixels on every side (row stride workSize+2*pad).
//
// Each filter is point-symmetric, g(x, y) = g(-x, -y), so only the taps
// after the centre in raster order are stored, as runs of consecutive taps
// along a row: the response at pixel i is
//
//	centre*p[i] + Σ over runs r, Σ j < len(r.w): r.w[j] * (p[i+r.off+j] + p[i-r.off-j])
//
// Reading p[i-r.off-j] backwards would defeat bounds-check elimination, so
// the convolution also keeps the padded image reversed, pr[n-1-i] = p[i], in
// which the mirrored taps run forwards.
type bank struct {
	pad    int
	stride int
	centre [Orientations]float32
	runs   [Orientations][]run
}

// run is a row of consecutive taps starting off pixels after the centre.
type run struct {
	off int
	w   []float32
}

// filterBank returns the bank with the package's parameters, built once.
var filterBank = sync.OnceValue(func() *bank {
	return newBank(defaultParams)
})

// gaborKernel returns orientation k's filter as a (2r+1) x (2r+1) array,
// row-major, r = ceil(cut*sigmaV), zero outside the support ellipse, with
// zero sum and unit L2 norm.
func gaborKernel(k int, gp gaborParams) (g []float64, r int) {
	lambda, sigmaU, sigmaV, cut := gp.lambda, gp.sigmaU, gp.sigmaV, gp.cut
	r = int(math.Ceil(cut * sigmaV))
	n := 2*r + 1
	g = make([]float64, n*n)
	env := make([]float64, n*n)
	th := float64(k) * math.Pi / Orientations
	c, s := math.Cos(th), math.Sin(th)
	var se, sec float64
	for y := -r; y <= r; y++ {
		for x := -r; x <= r; x++ {
			v := float64(x)*c + float64(y)*s  // along the line
			u := -float64(x)*s + float64(y)*c // across the line
			q := u*u/(sigmaU*sigmaU) + v*v/(sigmaV*sigmaV)
			if q > cut*cut {
				continue
			}
			e := math.Exp(-q / 2)
			i := (y+r)*n + x + r
			env[i] = e
			g[i] = math.Cos(2 * math.Pi * u / lambda)
			se += e
			sec += e * g[i]
		}
	}
	dc := sec / se
	var ss float64
	for i, e := range env {
		g[i] = e * (g[i] - dc)
		ss += g[i] * g[i]
	}
	norm := 1 / math.Sqrt(ss)
	for i := range g {
		g[i] *= norm
	}
	return g, r
}

func newBank(gp gaborParams) *bank {
	b := &bank{}
	for k := range Orientations {
		g, r := gaborKernel(k, gp)
		if k == 0 {
			b.pad = r
			b.stride = workSize + 2*r
		}
		n := 2*r + 1
		b.centre[k] = float32(g[r*n+r])
		for y := 0; y <= r; y++ {
			x0 := -r
			if y == 0 {
				x0 = 1
			}
			var cur *run
			for x := x0; x <= r; x++ {
				v := g[(y+r)*n+x+r]
				if v == 0 {
					cur = nil
					continue
				}
				if cur == nil {
					b.runs[k] = append(b.runs[k], run{off: y*b.stride + x})
					cur = &b.runs[k][len(b.runs[k])-1]
				}
				cur.w = append(cur.w, float32(v))
			}
		}
	}
	return b
}

// responsesAt writes the six filter responses at index i of the padded
// image p to out; pr is p reversed.
func (b *bank) responsesAt(p, pr []float32, i int, out *[Orientations]float32) {
	ir := len(p) - 1 - i // p[i-o] == pr[ir+o]
	for k := range Orientations {
		var s0, s1, s2, s3 float32
		for _, r := range b.runs[k] {
			w := r.w
			qa := p[i+r.off:][:len(w)]
			qb := pr[ir+r.off:][:len(w)]
			j := 0
			for ; j+4 <= len(w); j += 4 {
				s0 += w[j] * (qa[j] + qb[j])
				s1 += w[j+1] * (qa[j+1] + qb[j+1])
				s2 += w[j+2] * (qa[j+2] + qb[j+2])
				s3 += w[j+3] * (qa[j+3] + qb[j+3])
			}
			for ; j < len(w); j++ {
				s0 += w[j] * (qa[j] + qb[j])
			}
		}
		out[k] = b.centre[k]*p[i] + (s0 + s1) + (s2 + s3)
	}
}

// padReflect copies the workSize x workSize image src into dst, padded by
// pad pixels on each side by reflection about the edge pixels (pad must be
// below workSize). dst must hold (workSize+2*pad)² values.
func padReflect(dst, src []float32, pad int) {
	stride := workSize + 2*pad
	refl := func(i int) int {
		if i < 0 {
			return -i
		}
		if i >= workSize {
			return 2*(workSize-1) - i
		}
		return i
	}
	for y := -pad; y < workSize+pad; y++ {
		row := src[refl(y)*workSize:][:workSize]
		out := dst[(y+pad)*stride:][:stride]
		copy(out[pad:pad+workSize], row)
		for x := 1; x <= pad; x++ {
			out[pad-x] = row[x]
			out[pad+workSize-1+x] = row[workSize-1-x]
		}
	}
}
