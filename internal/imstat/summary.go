package imstat

import (
	"fmt"
	"math"
	"strings"

	"github.com/palmid/palmid/internal/fimg"
)

// Stats holds the statistics of one image.
type Stats struct {
	Intensity   Intensity
	Coherence   float64 // mean orientation coherence, see Coherence
	LineDensity float64 // fraction of pixels on dark lines at FineLines, see LineMaskTo
	BandDensity float64 // the same at CoarseLines
	Spectrum    Spectrum
}

// Analyze resamples m to ROISize x ROISize (see ROI) and returns its
// statistics. It panics if m is empty.
func Analyze(m *fimg.Image) Stats {
	r := ROI(m)
	return Stats{
		Intensity:   IntensityOf(r),
		Coherence:   Coherence(r),
		LineDensity: LineDensity(r, FineLines),
		BandDensity: LineDensity(r, CoarseLines),
		Spectrum:    SpectrumOf(r),
	}
}

// Moments are the mean and the population standard deviation of a scalar
// statistic over a set of images.
type Moments struct {
	Mean, Std float64
}

func (m Moments) String() string { return fmt.Sprintf("%.4g ± %.2g", m.Mean, m.Std) }

// moments returns the Moments of f over stats.
func moments(stats []Stats, f func(*Stats) float64) Moments {
	var s, ss float64
	for i := range stats {
		v := f(&stats[i])
		s += v
		ss += v * v
	}
	n := float64(len(stats))
	mean := s / n
	return Moments{Mean: mean, Std: math.Sqrt(math.Max(ss/n-mean*mean, 0))}
}

// Summary aggregates Stats over a set of images, such as all real NIR ROIs
// or all synthetic ones, so that the two sets can be compared.
type Summary struct {
	N int // number of images

	Mean, Std   Moments // of Intensity.Mean and Intensity.Std
	Percentiles [len(PercentileLevels)]Moments
	Coherence   Moments
	LineDensity Moments
	BandDensity Moments
	Slope       Moments // of Spectrum.Slope
	MidFraction Moments // of Spectrum.MidFraction

	Hist     []float64 // mean of Intensity.Hist, sums to 1
	Spectrum []float64 // mean of Spectrum.Power, sums to 1
}

// Summarize aggregates stats. An empty stats gives a Summary with N 0 and
// nil Hist and Spectrum.
func Summarize(stats []Stats) Summary {
	var s Summary
	s.N = len(stats)
	if s.N == 0 {
		return s
	}
	s.Mean = moments(stats, func(t *Stats) float64 { return t.Intensity.Mean })
	s.Std = moments(stats, func(t *Stats) float64 { return t.Intensity.Std })
	for i := range s.Percentiles {
		s.Percentiles[i] = moments(stats, func(t *Stats) float64 { return t.Intensity.Percentiles[i] })
	}
	s.Coherence = moments(stats, func(t *Stats) float64 { return t.Coherence })
	s.LineDensity = moments(stats, func(t *Stats) float64 { return t.LineDensity })
	s.BandDensity = moments(stats, func(t *Stats) float64 { return t.BandDensity })
	s.Slope = moments(stats, func(t *Stats) float64 { return t.Spectrum.Slope })
	s.MidFraction = moments(stats, func(t *Stats) float64 { return t.Spectrum.MidFraction })
	s.Hist = meanOf(stats, func(t *Stats) []float64 { return t.Intensity.Hist })
	s.Spectrum = meanOf(stats, func(t *Stats) []float64 { return t.Spectrum.Power })
	return s
}

// meanOf averages equal-length vectors; it panics if lengths differ.
func meanOf(stats []Stats, f func(*Stats) []float64) []float64 {
	out := make([]float64, len(f(&stats[0])))
	for i := range stats {
		v := f(&stats[i])
		if len(v) != len(out) {
			panic("imstat: vector length mismatch")
		}
		for j, x := range v {
			out[j] += x
		}
	}
	for j := range out {
		out[j] /= float64(len(stats))
	}
	return out
}

// String formats the scalar statistics, one a line, as mean ± std. The
// histogram and spectrum are left out; Compare measures them.
func (s Summary) String() string {
	var b strings.Builder
	fmt.Fprintf(&b, "images        %d\n", s.N)
	fmt.Fprintf(&b, "mean          %v\n", s.Mean)
	fmt.Fprintf(&b, "std           %v\n", s.Std)
	for i, p := range PercentileLevels {
		fmt.Fprintf(&b, "p%-12g %v\n", p, s.Percentiles[i])
	}
	fmt.Fprintf(&b, "coherence     %v\n", s.Coherence)
	fmt.Fprintf(&b, "line density  %v\n", s.LineDensity)
	fmt.Fprintf(&b, "band density  %v\n", s.BandDensity)
	fmt.Fprintf(&b, "slope         %v\n", s.Slope)
	fmt.Fprintf(&b, "mid fraction  %v\n", s.MidFraction)
	return b.String()
}

// Comparison lists how far a set of images (B) is from a reference set (A).
type Comparison struct {
	// HistDistance is the earth mover's distance between the mean
	// histograms, in intensity units (see HistDistance).
	HistDistance float64
	// SpectrumDistance is the RMS log10 ratio of the mean spectra (see
	// SpectrumDistance).
	SpectrumDistance float64
	// Z holds, for each scalar, (B.Mean - A.Mean) / A.Std: how many
	// reference standard deviations B's average lies away. It is
	// ±Inf when A.Std is 0 and the means differ, 0 when they are equal.
	Z map[string]float64
}

// Compare returns the distances of summary b from the reference summary a.
// It panics if either is empty.
func Compare(a, b Summary) Comparison {
	if a.N == 0 || b.N == 0 {
		panic("imstat: empty summary")
	}
	z := func(x, y Moments) float64 {
		d := y.Mean - x.Mean
		if d == 0 {
			return 0
		}
		return d / x.Std
	}
	c := Comparison{
		HistDistance:     HistDistance(a.Hist, b.Hist),
		SpectrumDistance: SpectrumDistance(a.Spectrum, b.Spectrum),
		Z: map[string]float64{
			"mean":         z(a.Mean, b.Mean),
			"std":          z(a.Std, b.Std),
			"coherence":    z(a.Coherence, b.Coherence),
			"line density": z(a.LineDensity, b.LineDensity),
			"band density": z(a.BandDensity, b.BandDensity),
			"slope":        z(a.Slope, b.Slope),
			"mid fraction": z(a.MidFraction, b.MidFraction),
		},
	}
	for i, p := range PercentileLevels {
		c.Z[fmt.Sprintf("p%g", p)] = z(a.Percentiles[i], b.Percentiles[i])
	}
	return c
}
