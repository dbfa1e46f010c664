package imstat

import (
	"math"

	"gonum.org/v1/gonum/dsp/fourier"

	"github.com/palmid/palmid/internal/fimg"
)

// Spectrum settings.
const (
	// SpectrumBins is the number of rings between frequency 0 and the
	// Nyquist frequency, 0.5 cycles per pixel; each is 1/64 cycle per pixel
	// wide, 2 FFT samples at ROISize.
	SpectrumBins = 32
	// MidLow and MidHigh bound the mid-frequency band, in cycles per pixel:
	// periods from 16 px down to 4 px at ROISize, where palm creases, their
	// spacing and veins put their energy.
	MidLow, MidHigh = 1.0 / 16, 1.0 / 4
)

// Spectrum describes the radially averaged power spectrum of an image.
type Spectrum struct {
	// Power holds the mean power in each of SpectrumBins rings of equal
	// width from 0 to 0.5 cycles per pixel (ring i holds frequencies f
	// with i/64 <= f < (i+1)/64), normalised to sum 1. The DC term is
	// left out; frequencies beyond Nyquist (the corners) are not counted.
	Power []float64
	// Slope is the least-squares slope of ln Power against ln f (ring
	// centres) over rings 1 to SpectrumBins-1, skipping empty rings: about
	// 0 for white noise, about -2 for natural images, more negative for
	// blurred ones.
	Slope float64
	// MidFraction is the fraction of the total (non-DC) power whose
	// frequency lies in [MidLow, MidHigh).
	MidFraction float64
}

// SpectrumOf returns the radial power spectrum of m: the mean is removed,
// a separable Hann window applied, and the 2-D DFT computed with gonum's
// FFT, rows then columns. Any size works, but rings are only comparable
// between images of the same size (Analyze uses ROISize). A flat or empty
// image gives zero Power, Slope and MidFraction.
func SpectrumOf(m *fimg.Image) Spectrum {
	sp := Spectrum{Power: make([]float64, SpectrumBins)}
	w, h := m.W, m.H
	if w < 2 || h < 2 {
		return sp
	}
	var mean float64
	for _, v := range m.Pix {
		mean += float64(v)
	}
	mean /= float64(len(m.Pix))
	wx, wy := hann(w), hann(h)

	// Real FFT of each row: w/2+1 coefficients, the rest follow by symmetry.
	nc := w/2 + 1
	rows := make([]complex128, h*nc)
	rfft := fourier.NewFFT(w)
	seq := make([]float64, w)
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			seq[x] = (float64(m.Pix[y*w+x]) - mean) * wx[x] * wy[y]
		}
		rfft.Coefficients(rows[y*nc:(y+1)*nc], seq)
	}
	// Complex FFT down each column kx in [0, w/2].
	cfft := fourier.NewCmplxFFT(h)
	col := make([]complex128, h)
	ringSum := make([]float64, SpectrumBins)
	ringN := make([]float64, SpectrumBins)
	var total, mid float64
	for kx := 0; kx < nc; kx++ {
		for y := 0; y < h; y++ {
			col[y] = rows[y*nc+kx]
		}
		cfft.Coefficients(col, col)
		// Columns 1..ceil(w/2)-1 stand for themselves and their mirror
		// -kx; column 0 and, for even w, column w/2 stand for themselves.
		mult := 2.0
		if kx == 0 || 2*kx == w {
			mult = 1
		}
		fx := float64(kx) / float64(w)
		for ky := 0; ky < h; ky++ {
			if kx == 0 && ky == 0 {
				continue
			}
			fy := float64(ky) / float64(h)
			if ky > h/2 {
				fy = float64(ky-h) / float64(h)
			}
			p := real(col[ky])*real(col[ky]) + imag(col[ky])*imag(col[ky])
			f := math.Hypot(fx, fy)
			total += mult * p
			if f >= MidLow && f < MidHigh {
				mid += mult * p
			}
			b := int(f * 2 * SpectrumBins)
			if b < SpectrumBins {
				ringSum[b] += mult * p
				ringN[b] += mult
			}
		}
	}
	if total <= 0 {
		return sp
	}
	sp.MidFraction = mid / total
	var norm float64
	for i := range sp.Power {
		if ringN[i] > 0 {
			sp.Power[i] = ringSum[i] / ringN[i]
			norm += sp.Power[i]
		}
	}
	for i := range sp.Power {
		sp.Power[i] /= norm
	}
	sp.Slope = spectralSlope(sp.Power)
	return sp
}

// RingFrequency returns the centre frequency, in cycles per pixel, of ring
// i of Spectrum.Power.
func RingFrequency(i int) float64 {
	return (float64(i) + 0.5) / (2 * SpectrumBins)
}

// spectralSlope fits ln p = a + slope ln f over rings 1.. with p > 0.
func spectralSlope(p []float64) float64 {
	var n, sx, sy, sxx, sxy float64
	for i := 1; i < len(p); i++ {
		if !(p[i] > 0) {
			continue
		}
		x, y := math.Log(RingFrequency(i)), math.Log(p[i])
		n++
		sx += x
		sy += y
		sxx += x * x
		sxy += x * y
	}
	d := n*sxx - sx*sx
	if n < 2 || d == 0 {
		return 0
	}
	return (n*sxy - sx*sy) / d
}

// hann returns the n-point Hann window 0.5 - 0.5 cos(2 pi (i+0.5)/n), which
// is symmetric and nowhere exactly zero.
func hann(n int) []float64 {
	w := make([]float64, n)
	for i := range w {
		w[i] = 0.5 - 0.5*math.Cos(2*math.Pi*(float64(i)+0.5)/float64(n))
	}
	return w
}

// SpectrumDistance returns the root-mean-square difference of the base-10
// logarithms of two normalised spectra, over the rings where both are
// positive: 0.3 means the spectra differ by a factor of about 2 at a typical
// ring. It returns 0 if no ring is positive in both, and panics if the
// lengths differ.
func SpectrumDistance(a, b []float64) float64 {
	if len(a) != len(b) {
		panic("imstat: spectrum length mismatch")
	}
	var s float64
	var n int
	for i := range a {
		if a[i] > 0 && b[i] > 0 {
			d := math.Log10(a[i] / b[i])
			s += d * d
			n++
		}
	}
	if n == 0 {
		return 0
	}
	return math.Sqrt(s / float64(n))
}
