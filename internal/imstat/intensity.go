package imstat

import (
	"math"
	"slices"

	"github.com/palmid/palmid/internal/fimg"
)

// HistBins is the number of intensity histogram bins IntensityOf uses.
const HistBins = 32

// PercentileLevels are the percentiles, in percent, that Intensity reports.
var PercentileLevels = [...]float64{5, 25, 50, 75, 95}

// Intensity describes the grey-level distribution of an image.
type Intensity struct {
	Mean, Std float64 // of the pixel values (population std)
	// Percentiles holds the pixel value at each PercentileLevels entry,
	// interpolating linearly between order statistics.
	Percentiles [len(PercentileLevels)]float64
	// Hist is the HistBins-bin histogram of [0, 1], normalised to sum 1.
	Hist []float64
}

// IntensityOf returns the intensity statistics of m. Values outside [0, 1]
// count in the first or last histogram bin; NaNs are ignored. An image with
// no valid pixel gives zero statistics and an all-zero histogram.
func IntensityOf(m *fimg.Image) Intensity {
	vals := make([]float64, 0, len(m.Pix))
	for _, v := range m.Pix {
		if v == v {
			vals = append(vals, float64(v))
		}
	}
	st := Intensity{Hist: HistogramTo(make([]float64, HistBins), m)}
	if len(vals) == 0 {
		return st
	}
	var sum float64
	for _, v := range vals {
		sum += v
	}
	st.Mean = sum / float64(len(vals))
	var ss float64
	for _, v := range vals {
		ss += (v - st.Mean) * (v - st.Mean)
	}
	st.Std = math.Sqrt(ss / float64(len(vals)))
	slices.Sort(vals)
	for i, p := range PercentileLevels {
		st.Percentiles[i] = percentile(vals, p)
	}
	return st
}

// percentile returns the p-th percentile of the sorted, non-empty values.
func percentile(sorted []float64, p float64) float64 {
	pos := p / 100 * float64(len(sorted)-1)
	i := int(pos)
	if i >= len(sorted)-1 {
		return sorted[len(sorted)-1]
	}
	f := pos - float64(i)
	return sorted[i] + f*(sorted[i+1]-sorted[i])
}

// HistogramTo writes into dst the histogram of m's values over [0, 1] with
// len(dst) equal bins, normalised to sum 1, and returns dst. A nil dst gets
// HistBins bins. Values below 0 count in the first bin, values of 1 and above
// in the last; NaNs are ignored. If no value is counted, dst is all zero.
func HistogramTo(dst []float64, m *fimg.Image) []float64 {
	if dst == nil {
		dst = make([]float64, HistBins)
	}
	if len(dst) == 0 {
		panic("imstat: empty histogram")
	}
	clear(dst)
	n := len(dst)
	var count int
	for _, v := range m.Pix {
		if v != v {
			continue
		}
		b := int(float64(v) * float64(n))
		b = max(0, min(b, n-1))
		dst[b]++
		count++
	}
	if count > 0 {
		for i := range dst {
			dst[i] /= float64(count)
		}
	}
	return dst
}

// HistDistance returns the earth mover's distance between two normalised
// histograms over [0, 1]: the area between their cumulative distributions,
// sum_i |A_i - B_i| / n with A_i, B_i the cumulative sums up to bin i. It is
// in intensity units: two spikes 0.25 apart are 0.25 apart, and shifting
// every pixel by d moves a histogram by about d. It panics if the lengths
// differ or are zero.
func HistDistance(a, b []float64) float64 {
	if len(a) != len(b) || len(a) == 0 {
		panic("imstat: histogram length mismatch")
	}
	var ca, cb, d float64
	for i := range a {
		ca += a[i]
		cb += b[i]
		d += math.Abs(ca - cb)
	}
	return d / float64(len(a))
}
