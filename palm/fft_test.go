package palm

import (
	"math"
	"testing"

	"gonum.org/v1/gonum/dsp/fourier"

	"github.com/palmid/palmid/internal/fimg"
	"github.com/palmid/palmid/internal/imstat"
)

// fftBank computes the same grid responses as bank by FFT convolution with
// gonum's dsp/fourier, for the speed comparison in BenchmarkFilterBank. The
// padded image (stride x stride) is zero-extended to n x n, n a power of
// two at least stride, so the circular convolution equals the linear one
// on the part of the image the grid reads.
type fftBank struct {
	n      int
	stride int
	pad    int
	row    *fourier.FFT               // real, length n
	col    *fourier.CmplxFFT          // complex, length n
	kern   [Orientations][]complex128 // (n/2+1) x n spectra, column-major: [u*n+v]
	// scratch
	seq   []float64
	coef  []complex128
	spec  []complex128 // image spectrum, (n/2+1) columns of n
	prod  []complex128
	rowsC [][]complex128
	out   []float64
}

func newFFTBank(b *bank) *fftBank {
	n := 1
	for n < b.stride {
		n *= 2
	}
	f := &fftBank{n: n, stride: b.stride, pad: b.pad, row: fourier.NewFFT(n), col: fourier.NewCmplxFFT(n)}
	h := n/2 + 1
	f.seq = make([]float64, n)
	f.coef = make([]complex128, h)
	f.spec = make([]complex128, h*n)
	f.prod = make([]complex128, n)
	f.out = make([]float64, n)
	f.rowsC = make([][]complex128, CodeSize)
	for i := range f.rowsC {
		f.rowsC[i] = make([]complex128, h)
	}
	for k := range Orientations {
		g, r := gaborKernel(k, defaultParams)
		m := 2*r + 1
		img := make([]float64, n*n) // kernel with its centre at (0, 0), wrapped
		for y := -r; y <= r; y++ {
			for x := -r; x <= r; x++ {
				img[((y+n)%n)*n+(x+n)%n] = g[(y+r)*m+x+r]
			}
		}
		f.kern[k] = f.forward(img, n)
		f.kern[k] = append([]complex128(nil), f.kern[k]...)
	}
	return f
}

// forward returns the 2-D spectrum of the rows x n image img (rows below n
// are zero), (n/2+1) columns of n values each, in f.spec.
func (f *fftBank) forward(img []float64, rows int) []complex128 {
	n, h := f.n, f.n/2+1
	clear(f.spec)
	for y := range rows {
		f.row.Coefficients(f.coef, img[y*n:(y+1)*n])
		for u := range h {
			f.spec[u*n+y] = f.coef[u]
		}
	}
	for u := range h {
		c := f.spec[u*n : (u+1)*n]
		f.col.Coefficients(c, c)
	}
	return f.spec
}

// responses writes the responses at every grid point: resp[(gy*CodeSize+gx)*Orientations+k].
func (f *fftBank) responses(p []float32, resp []float32) {
	n, h := f.n, f.n/2+1
	img := make([]float64, n*n)
	for y := range f.stride {
		for x := range f.stride {
			img[y*n+x] = float64(p[y*f.stride+x])
		}
	}
	spec := f.forward(img, f.stride)
	norm := 1 / float64(n*n)
	for k := range Orientations {
		kern := f.kern[k]
		for u := range h {
			for v := range n {
				f.prod[v] = spec[u*n+v] * kern[u*n+v]
			}
			f.col.Sequence(f.prod, f.prod)
			for gy := range CodeSize {
				f.rowsC[gy][u] = f.prod[gy*step+step/2+f.pad]
			}
		}
		for gy := range CodeSize {
			f.row.Sequence(f.out, f.rowsC[gy])
			for gx := range CodeSize {
				resp[(gy*CodeSize+gx)*Orientations+k] = float32(f.out[gx*step+step/2+f.pad] * norm)
			}
		}
	}
}

func paddedNoise(b *bank) []float32 {
	m := imstat.ResampleTo(fimg.New(workSize, workSize), fimg.FromImage(noiseROI(1)))
	p := make([]float32, b.stride*b.stride)
	padReflect(p, m.Pix, b.pad)
	return p
}

// directResponses is what encode computes, for every grid point.
func directResponses(b *bank, p, pr []float32, resp []float32) {
	for i := len(p) - 1; i >= 0; i-- {
		pr[len(p)-1-i] = p[i]
	}
	var r [Orientations]float32
	for gy := range CodeSize {
		for gx := range CodeSize {
			b.responsesAt(p, pr, (gy*step+step/2+b.pad)*b.stride+gx*step+step/2+b.pad, &r)
			copy(resp[(gy*CodeSize+gx)*Orientations:], r[:])
		}
	}
}

func TestFFTMatchesDirect(t *testing.T) {
	b := filterBank()
	p := paddedNoise(b)
	direct := make([]float32, CodeSize*CodeSize*Orientations)
	viaFFT := make([]float32, len(direct))
	directResponses(b, p, make([]float32, len(p)), direct)
	newFFTBank(b).responses(p, viaFFT)
	var maxAbs, maxDiff float64
	for i := range direct {
		maxAbs = max(maxAbs, math.Abs(float64(direct[i])))
		maxDiff = max(maxDiff, math.Abs(float64(direct[i]-viaFFT[i])))
	}
	if maxDiff > 1e-4*maxAbs {
		t.Errorf("FFT and direct responses differ by up to %g (largest response %g)", maxDiff, maxAbs)
	}
}

// BenchmarkFilterBank times the six filters at the 32 x 32 grid points of
// one ROI, directly (what NewCode does) and by FFT with gonum's
// dsp/fourier: the direct convolution at the grid points is the faster.
func BenchmarkFilterBank(b *testing.B) {
	fb := filterBank()
	p := paddedNoise(fb)
	resp := make([]float32, CodeSize*CodeSize*Orientations)
	b.Run("direct", func(b *testing.B) {
		pr := make([]float32, len(p))
		for b.Loop() {
			directResponses(fb, p, pr, resp)
		}
	})
	b.Run("gonum-fft", func(b *testing.B) {
		f := newFFTBank(fb)
		for b.Loop() {
			f.responses(p, resp)
		}
	})
}
