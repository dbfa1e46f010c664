package imstat

import (
	"math"

	"github.com/palmid/palmid/internal/fimg"
)

// ROISize is the side, in pixels, of the square that Analyze resamples every
// image to. All scales in this package are stated at this size.
const ROISize = 128

// ROI returns src resampled to ROISize x ROISize (see ResampleTo). Images
// that are not square are stretched.
func ROI(src *fimg.Image) *fimg.Image {
	return ResampleTo(fimg.New(ROISize, ROISize), src)
}

// ResampleTo resamples src to the size of dst, writes the result into dst and
// returns it. Each axis is handled separately: shrinking averages the source
// pixels that each destination pixel covers, weighted by the covered length
// (area averaging, which does not alias); enlarging interpolates linearly
// between pixel centres. An equal size copies. dst must not be src. It
// panics if dst is nil or either image is empty.
func ResampleTo(dst, src *fimg.Image) *fimg.Image {
	if dst == nil {
		panic("imstat: nil destination")
	}
	if src.W == 0 || src.H == 0 || dst.W == 0 || dst.H == 0 {
		panic("imstat: empty image")
	}
	xs := axisTaps(src.W, dst.W)
	ys := axisTaps(src.H, dst.H)
	// Rows first: src.W -> dst.W, into tmp (dst.W x src.H).
	tmp := make([]float32, dst.W*src.H)
	for y := 0; y < src.H; y++ {
		row := src.Pix[y*src.W : (y+1)*src.W]
		out := tmp[y*dst.W : (y+1)*dst.W]
		for x, taps := range xs {
			var s float32
			for _, t := range taps {
				s += t.w * row[t.i]
			}
			out[x] = s
		}
	}
	// Then columns: src.H -> dst.H.
	for y, taps := range ys {
		out := dst.Pix[y*dst.W : (y+1)*dst.W]
		clear(out)
		for _, t := range taps {
			row := tmp[t.i*dst.W : (t.i+1)*dst.W]
			for x, v := range row {
				out[x] += t.w * v
			}
		}
	}
	return dst
}

// tap is one source index and its weight.
type tap struct {
	i int
	w float32
}

// axisTaps returns, for each of m destination positions, the source taps
// along an axis of n source pixels.
func axisTaps(n, m int) [][]tap {
	taps := make([][]tap, m)
	scale := float64(n) / float64(m)
	if n < m {
		// Linear interpolation between source pixel centres.
		for i := range taps {
			x := (float64(i)+0.5)*scale - 0.5
			x = math.Max(0, math.Min(x, float64(n-1)))
			j := int(x)
			f := x - float64(j)
			if j+1 < n && f > 0 {
				taps[i] = []tap{{j, float32(1 - f)}, {j + 1, float32(f)}}
			} else {
				taps[i] = []tap{{j, 1}}
			}
		}
		return taps
	}
	// Area averaging: destination pixel i covers [i*scale, (i+1)*scale).
	for i := range taps {
		lo, hi := float64(i)*scale, float64(i+1)*scale
		for j := int(lo); j < n && float64(j) < hi; j++ {
			cover := math.Min(hi, float64(j+1)) - math.Max(lo, float64(j))
			if cover > 1e-9 {
				taps[i] = append(taps[i], tap{j, float32(cover / scale)})
			}
		}
	}
	return taps
}
