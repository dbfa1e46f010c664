package vein

import (
	"errors"
	"image"
	"math"
	"sync"

	"github.com/palmid/palmid/internal/fimg"
)

// Errors returned for ROIs that cannot be processed.
var (
	// ErrEmptyROI is returned for a ROI with no pixels.
	ErrEmptyROI = errors.New("vein: empty ROI image")
	// ErrFlatROI is returned for a ROI with too few valid pixels or no
	// contrast.
	ErrFlatROI = errors.New("vein: ROI has too little usable texture")
)

// Size is the side of the working maps: every ROI is resampled to
// Size x Size (half of a 128 x 128 ROI) before enhancement.
const Size = 64

// Algorithm constants, in pixels of the Size x Size working maps.
const (
	illumSigma = 6.0  // large-scale illumination estimate
	claheTiles = 4    // CLAHE tiles per side
	claheBins  = 64   // CLAHE histogram bins
	claheClip  = 2.5  // CLAHE clip limit, times the mean bin count
	bilatSigma = 1.0  // bilateral filter, spatial
	bilatRange = 0.12 // bilateral filter, range (enhanced grey levels)
	occIllum   = 16.0 // occluder detection, illumination
	occSigma   = 3.0  // occluder detection blur
	occLevel   = 0.12 // occluder detection, relative contrast
	occGrow    = 3    // occluder mask growth
	occMin     = 8    // fewest pixels that make an occluder
	// minOccValid is the fewest valid pixels left after an occluder is
	// masked (a third of the map, MinValid cells with a margin).
	minOccValid = Size * Size / 3
)

// Vessels holds what Extract saw of one ROI: the enhanced image, the vessel
// probability map, the binary vein map and the mask of valid pixels, all
// Size x Size row by row (index y*Size+x), and the liveness energy.
type Vessels struct {
	// Enhanced is the ROI after background normalisation, CLAHE and
	// edge-preserving smoothing, in [0, 1].
	Enhanced []float32
	// Prob is the vessel probability: multi-scale vesselness scaled to
	// [0, 1] (1 at the 99th percentile of valid pixels and above).
	Prob []float32
	// Vein marks vessel pixels: valid pixels in the top VeinFraction of
	// Prob with positive vesselness.
	Vein []bool
	// Mask marks valid pixels (neither background nor clipped, not next
	// to such pixels, and not under an occluder).
	Mask []bool
	// Energy is the vesselness energy returned by Liveness.
	Energy float64
	// Level is the mean grey level of the valid pixels of the ROI, in
	// [0, 1].
	Level float64
}

// Extract enhances a vein ROI and extracts its vessels. The ROI is any
// square-ish grey or colour image of the palm centre in the canonical
// orientation, normally 128 x 128; it is resampled to Size x Size by area
// averaging. It returns ErrEmptyROI for an empty image and ErrFlatROI when
// fewer than half of the pixels are valid or the ROI has no contrast.
// Extract is safe for concurrent use.
func Extract(roi image.Image) (*Vessels, error) {
	img, valid, err := resample(roi)
	if err != nil {
		return nil, err
	}
	v := &Vessels{Mask: valid}
	n := 0
	for _, ok := range valid {
		if ok {
			n++
		}
	}
	if n < Size*Size/2 {
		return nil, ErrFlatROI
	}
	for i, ok := range valid {
		if ok {
			v.Level += float64(img.Pix[i])
		}
	}
	v.Level /= float64(n)
	flat := flatField(img, valid, illumSigma)
	// Liveness: vesselness energy of the flat-fielded image, before any
	// contrast normalisation.
	ves := fimg.New(Size, Size)
	vesselnessTo(ves, flat, []float64{2}, valid)
	var e float64
	for i, ok := range valid {
		if ok {
			e += float64(ves.Pix[i])
		}
	}
	v.Energy = e / float64(n)
	if occ := occluded(img, valid); occ != nil {
		// Something lies over the palm: leave it out and measure the
		// illumination again without it.
		m := 0
		for i, ok := range valid {
			if ok && !occ[i] {
				m++
			}
		}
		// A palm mostly hidden keeps its mask: a template needs MinValid
		// cells, and the occluder's edges are better than nothing.
		if m >= minOccValid {
			for i, o := range occ {
				if o {
					valid[i] = false
				}
			}
			flat = flatField(img, valid, illumSigma)
		}
	}
	// flat becomes the enhanced image.
	if !claheTo(flat, flat, valid) {
		return nil, ErrFlatROI
	}
	enh := bilateralTo(flat, flat)
	v.Enhanced = enh.Pix
	vesselnessTo(ves, enh, []float64{1.5, 2.25, 3}, valid)
	v.Prob, v.Vein = threshold(ves.Pix, valid)
	return v, nil
}

// Liveness returns the vesselness energy of a vein ROI: the mean, over its
// valid pixels, of the scale-normalised vesselness of dark tubular
// structures (scale 2 px of the 64 x 64 working map) in the
// background-normalised image, in units of relative contrast. A live palm
// under NIR shows veins at a few percent of contrast; a print or a silicone
// cast shows much less. The caller chooses the threshold (see the package
// documentation for measured values).
func Liveness(roi image.Image) (float64, error) {
	v, err := Extract(roi)
	if err != nil {
		return 0, err
	}
	return v.Energy, nil
}

// resample converts roi to grey and resamples it to Size x Size by area
// averaging, with a validity mask: a working pixel is valid when at least
// three quarters of the source pixels under it are neither black nor white
// (background, clipped highlights) and all its 8 neighbours are valid too.
func resample(roi image.Image) (*fimg.Image, []bool, error) {
	b := roi.Bounds()
	if b.Empty() {
		return nil, nil, ErrEmptyROI
	}
	src := fimg.FromImage(roi)
	w, h := src.W, src.H
	dst := fimg.New(Size, Size)
	good := make([]bool, Size*Size)
	const lo, hi = 0.5 / 255, 254.5 / 255
	for y := range Size {
		y0, y1 := y*h/Size, max((y+1)*h/Size, y*h/Size+1)
		for x := range Size {
			x0, x1 := x*w/Size, max((x+1)*w/Size, x*w/Size+1)
			var s float32
			var all, ok int
			for yy := y0; yy < y1; yy++ {
				row := src.Pix[yy*w+x0 : yy*w+x1]
				for _, p := range row {
					s += p
					all++
					if p > lo && p < hi {
						ok++
					}
				}
			}
			dst.Pix[y*Size+x] = s / float32(all)
			good[y*Size+x] = 4*ok >= 3*all
		}
	}
	valid := make([]bool, Size*Size)
	for y := range Size {
		for x := range Size {
			ok := true
			for dy := -1; dy <= 1 && ok; dy++ {
				for dx := -1; dx <= 1; dx++ {
					xx, yy := x+dx, y+dy
					if xx >= 0 && yy >= 0 && xx < Size && yy < Size && !good[yy*Size+xx] {
						ok = false
						break
					}
				}
			}
			valid[y*Size+x] = ok
		}
	}
	return dst, valid, nil
}

// flatField divides img by its large-scale illumination (a Gaussian blur
// of the valid pixels, normalised by the blurred mask) and subtracts one:
// the result is relative contrast, 0 on average, negative on veins.
// Invalid pixels are 0.
func flatField(img *fimg.Image, valid []bool, sigma float64) *fimg.Image {
	num, den := fimg.New(Size, Size), fimg.New(Size, Size)
	for i, ok := range valid {
		if ok {
			num.Pix[i], den.Pix[i] = img.Pix[i], 1
		}
	}
	fimg.BlurTo(num, num, sigma)
	fimg.BlurTo(den, den, sigma)
	// The result goes into num, each pixel after its illumination is read.
	for i, ok := range valid {
		var v float32
		if d := den.Pix[i]; ok && d > 0 {
			if illum := num.Pix[i] / d; illum > 1.0/255 {
				v = img.Pix[i]/illum - 1
			}
		}
		num.Pix[i] = v
	}
	return num
}

// occluded returns the pixels to leave out as lying under an occluder, or
// nil when there are none: pixels where the flat-fielded image blurred at
// σ = occSigma is more than occLevel away from the illumination (a patch
// far darker or brighter than skin, which thin veins are not once
// blurred), grown by occGrow pixels so that the patch's edges, which look
// like vessels, go with it.
func occluded(img *fimg.Image, valid []bool) []bool {
	sm := fimg.BlurTo(nil, flatField(img, valid, occIllum), occSigma)
	var seed []int
	for i, ok := range valid {
		if ok && (sm.Pix[i] < -occLevel || sm.Pix[i] > occLevel) {
			seed = append(seed, i)
		}
	}
	if len(seed) < occMin {
		return nil
	}
	occ := make([]bool, Size*Size)
	for _, i := range seed {
		x0, y0 := i%Size, i/Size
		for y := max(y0-occGrow, 0); y <= min(y0+occGrow, Size-1); y++ {
			for x := max(x0-occGrow, 0); x <= min(x0+occGrow, Size-1); x++ {
				occ[y*Size+x] = true
			}
		}
	}
	return occ
}

// claheTo writes into dst the flat-fielded image m equalised tile by tile
// with clipped histograms (contrast-limited adaptive histogram
// equalisation), interpolating the tile mappings bilinearly between tile
// centres; dst may be m. The histogram range is the mean ± 3 standard
// deviations of the valid pixels. Invalid pixels become 0.5. It reports
// false, leaving dst as it was, for an image with no contrast.
func claheTo(dst, m *fimg.Image, valid []bool) bool {
	var s, s2, n float64
	for i, ok := range valid {
		if ok {
			p := float64(m.Pix[i])
			s, s2, n = s+p, s2+p*p, n+1
		}
	}
	mean := s / n
	sd := math.Sqrt(max(s2/n-mean*mean, 0))
	if sd < 1e-4 {
		return false
	}
	lo, scale := float32(mean-3*sd), float32(claheBins/(6*sd))
	var bins [Size * Size]uint8
	claheBinsTo(bins[:], m.Pix[:Size*Size], lo, scale)
	const t = Size / claheTiles
	var lut [claheTiles][claheTiles][claheBins]float32
	for ty := range claheTiles {
		for tx := range claheTiles {
			var count [claheBins]int32
			cnt := 0
			for y := ty * t; y < (ty+1)*t; y++ {
				row := bins[y*Size+tx*t : y*Size+(tx+1)*t]
				ok := valid[y*Size+tx*t : y*Size+(tx+1)*t]
				for x, b := range row {
					if ok[x] {
						count[b%claheBins]++
						cnt++
					}
				}
			}
			l := &lut[ty][tx]
			if cnt == 0 {
				for b := range l {
					l[b] = (float32(b) + 0.5) / claheBins
				}
				continue
			}
			var hist [claheBins]float32
			limit := claheClip * float32(cnt) / claheBins
			var excess float32
			for b, c := range count {
				hist[b] = float32(c)
				if hist[b] > limit {
					excess += hist[b] - limit
					hist[b] = limit
				}
			}
			add := excess / claheBins
			var cum float32
			for b, c := range hist {
				cum += c + add
				l[b] = (cum - (c+add)/2) / float32(cnt)
			}
		}
	}
	// m is not read again: dst may be m.
	for y := range Size {
		ay := &claheAxis[y]
		l0, l1 := &lut[ay.t0%claheTiles], &lut[ay.t1%claheTiles]
		r := y * Size
		claheRow((*[Size]float32)(dst.Pix[r:]), (*[Size]uint8)(bins[r:]), (*[Size]bool)(valid[r:]), l0, l1, ay.w, ay.w1)
	}
	return true
}

// claheBinsGo is claheBinsTo in plain Go: dst[i] is the histogram bin of
// src[i], (src[i] - lo) * scale truncated and clamped to [0, claheBins-1]
// (NaN to 0).
func claheBinsGo(dst []uint8, src []float32, lo, scale float32) {
	for i, p := range src[:len(dst)] {
		f := (p - lo) * scale
		var b uint8
		if f >= 1 {
			if f > claheBins-1 {
				f = claheBins - 1
			}
			b = uint8(f)
		}
		dst[i] = b
	}
}

// claheRowGo is claheRow in plain Go: each valid pixel of the row gets the
// mappings of its bin interpolated bilinearly between the four tiles
// around it, l0 the row of tiles above and l1 below, with weights w1 and
// w of claheAxis across and wy1, wy down; invalid pixels get 0.5.
func claheRowGo(dst *[Size]float32, bins *[Size]uint8, ok *[Size]bool, l0, l1 *[claheTiles][claheBins]float32, wy, wy1 float32) {
	for _, run := range claheRuns {
		ax := &claheAxis[run.x0]
		a0, a1 := &l0[ax.t0%claheTiles], &l0[ax.t1%claheTiles]
		b0, b1 := &l1[ax.t0%claheTiles], &l1[ax.t1%claheTiles]
		for x := int(run.x0); x < int(run.x1); x++ {
			if !ok[x] {
				dst[x] = 0.5
				continue
			}
			b := bins[x] % claheBins
			wx, wx1 := claheWX[x], claheWX1[x]
			// float32(x*y) + z: no fused multiply-add, as in the kernel.
			top := float32(a0[b]*wx1) + float32(a1[b]*wx)
			bot := float32(b0[b]*wx1) + float32(b1[b]*wx)
			dst[x] = float32(top*wy1) + float32(bot*wy)
		}
	}
}

// claheWX and claheWX1 are the weights w and w1 of claheAxis, column by
// column.
var claheWX, claheWX1 = func() (w, w1 [Size]float32) {
	for x, a := range claheAxis {
		w[x], w1[x] = a.w, a.w1
	}
	return w, w1
}()

// claheRuns splits the columns (and rows) into runs between the same two
// tile centres: x0 <= x < x1.
var claheRuns = func() (runs [claheTiles + 1]struct{ x0, x1 uint8 }) {
	k := 0
	for x := 1; x <= Size; x++ {
		if x == Size || claheAxis[x].t0 != claheAxis[x-1].t0 || claheAxis[x].t1 != claheAxis[x-1].t1 {
			runs[k].x1 = uint8(x)
			if k+1 < len(runs) && x < Size {
				runs[k+1].x0 = uint8(x)
			}
			k++
		}
	}
	if k != len(runs) {
		panic("vein: CLAHE runs")
	}
	return runs
}()

// claheTap is, for one column (or row) of the working map, the two CLAHE
// tiles whose mappings it interpolates, t0 with weight w1 = 1 - w and t1
// with weight w (t0 = t1 at the edges).
type claheTap struct {
	t0, t1 uint8
	w, w1  float32
}

// claheAxis holds the claheTap of each column (and row): the position
// between tile centres is (x + 0.5)/t - 0.5 tiles, t = Size/claheTiles.
var claheAxis = func() (a [Size]claheTap) {
	const t = Size / claheTiles
	for x := range Size {
		fx := (float32(x)+0.5)/t - 0.5
		x0 := int(math.Floor(float64(fx)))
		w := fx - float32(x0)
		a[x] = claheTap{uint8(max(x0, 0)), uint8(min(x0+1, claheTiles-1)), w, 1 - w}
	}
	return a
}()

// bilateralTo writes into dst, and returns, m smoothed with a 5 x 5
// bilateral filter: neighbours are weighted by distance and by grey-level
// difference, so noise is averaged away while vessel edges, steps larger
// than bilatRange, are kept. dst may be m; a nil dst is allocated. Each
// output is
//
//	s, w := 0, 0
//	for dy, dx := -2..2 (dx inner): p := m[y+dy][x+dx] (clamped to the map)
//		k := bilatSpatial[5(dy+2) + dx+2] * bilatRangeLUT[min(int(|p-c|*256), 255)]
//		s, w = s + k*p, w + k
//	out[y][x] = s / w
//
// in that order (c = m[y][x]). A pair of pixels has the same range weight
// seen from either (|p - c| = |c - p| exactly), so the weights are looked
// up once per pair, for the 12 offsets after the centre in tap order and
// the centre itself (bilatRanges), and each pixel's sums then read them;
// on amd64 with AVX2 assembly kernels do both eight pixels at a time.
func bilateralTo(dst, m *fimg.Image) *fimg.Image {
	b := bilatPool.Get().(*bilatScratch)
	// The map with its edge pixels replicated bilatR times around it.
	pad := &b.pad
	for y := range bilatP {
		row := m.Pix[min(max(y-bilatR, 0), Size-1)*Size:][:Size]
		prow := pad[y*bilatP : (y+1)*bilatP]
		for x := range bilatR {
			prow[x], prow[bilatR+Size+x] = row[0], row[Size-1]
		}
		copy(prow[bilatR:], row)
	}
	// r[t-bilatC][i] is the range weight between padded pixels i and i+f
	// for tap t >= bilatC at flat offset f; past bilatN-f it is unused.
	for t := bilatC; t < bilatTaps; t++ {
		f := bilatOff[t]
		bilatRanges(b.r[t-bilatC][:bilatN-f], pad[:bilatN-f], pad[f:])
	}
	if dst == nil {
		dst = fimg.New(Size, Size)
	}
	for y := range Size {
		bilateralRow(dst.Pix[y*Size:(y+1)*Size], b, (y+bilatR)*bilatP+bilatR)
	}
	bilatPool.Put(b)
	return dst
}

// bilatScratch is bilateralTo's padded map and range weights.
type bilatScratch struct {
	pad [bilatN]float32
	r   [bilatTaps - bilatC][bilatN]float32
}

var bilatPool = sync.Pool{New: func() any { return new(bilatScratch) }}

// bilatTaps is the number of taps of the bilateral filter, bilatC the
// centre's, and bilatOff the flat offset of each tap in the padded map.
const (
	bilatTaps = (2*bilatR + 1) * (2*bilatR + 1)
	bilatC    = bilatTaps / 2
	bilatN    = bilatP * bilatP
)

var bilatOff = func() (o [bilatTaps]int) {
	for t := range o {
		o[t] = (t/(2*bilatR+1)-bilatR)*bilatP + t%(2*bilatR+1) - bilatR
	}
	return o
}()

// bilatRangesGo is bilatRanges in plain Go: dst[i] is the range weight
// of the difference between a[i] and b[i].
func bilatRangesGo(dst, a, b []float32) {
	a, b = a[:len(dst)], b[:len(dst)]
	for i := range dst {
		f := math.Float32frombits(math.Float32bits(b[i]-a[i])&^(1<<31)) * bilatLUT
		if !(f < bilatLUT-1) { // also NaN
			f = bilatLUT - 1
		}
		dst[i] = bilatRangeLUT[uint8(int32(f))]
	}
}

// bilateralRowGo is bilateralRow in plain Go: dst gets the filtered
// pixels of one row, whose first pixel is at c0 in the padded map.
func bilateralRowGo(dst []float32, b *bilatScratch, c0 int) {
	ws := &bilatSpatial
	for x := range dst {
		c := c0 + x
		var s, w float32
		for t, f := range bilatOff {
			p := b.pad[c+f]
			var r float32
			if t >= bilatC {
				r = b.r[t-bilatC][c]
			} else {
				r = b.r[bilatTaps-1-t-bilatC][c+f] // the pair seen from c+f
			}
			kk := ws[t] * r
			s += float32(kk * p) // no fused multiply-add, as in the kernel
			w += kk
		}
		dst[x] = s / w
	}
}

// bilatR is the radius of the bilateral filter and bilatP the side of its
// padded map.
const (
	bilatR = 2
	bilatP = Size + 2*bilatR
	// bilatLUT is the number of steps of the range weight over [0, 1).
	bilatLUT = 256
)

// bilatSpatial is the bilateral filter's weight of each tap,
// exp(-(dx² + dy²)/2 bilatSigma²), row by row.
var bilatSpatial = func() (ws [bilatTaps]float32) {
	for dy := -bilatR; dy <= bilatR; dy++ {
		for dx := -bilatR; dx <= bilatR; dx++ {
			ws[(dy+bilatR)*(2*bilatR+1)+dx+bilatR] = float32(math.Exp(-float64(dx*dx+dy*dy) / (2 * bilatSigma * bilatSigma)))
		}
	}
	return ws
}()

// bilatRangeLUT is the bilateral filter's weight of a grey-level
// difference |d| in [i/256, (i+1)/256), exp(-d²/2 bilatRange²) at the
// middle of the step; the last entry serves every |d| >= 255/256.
var bilatRangeLUT = func() (rl [bilatLUT]float32) {
	for i := range rl {
		d := (float64(i) + 0.5) / bilatLUT
		rl[i] = float32(math.Exp(-d * d / (2 * bilatRange * bilatRange)))
	}
	return rl
}()

// vesselnessTo writes into dst the multi-scale vesselness of dark tubular
// structures in m (Frangi et al., MICCAI 1998, for dark lines): at each
// scale σ the image is blurred, the Hessian taken by finite differences,
// and with eigenvalues |λ1| <= |λ2| a pixel with λ2 > 0 (brighter on both
// sides across the line) scores σ² λ2 exp(-(λ1/λ2)² / 2β²), β = 0.5;
// the maximum over scales is kept. Pixels that are invalid, or whose
// Hessian stencil touches an invalid pixel, score 0.
func vesselnessTo(dst, m *fimg.Image, scales []float64, valid []bool) {
	clear(dst.Pix)
	g := fimg.New(Size, Size)
	const beta2 = 2 * 0.5 * 0.5
	for _, sigma := range scales {
		fimg.BlurTo(g, m, sigma)
		s2 := float32(sigma * sigma)
		p := g.Pix
		for y := 1; y < Size-1; y++ {
			for x := 1; x < Size-1; x++ {
				i := y*Size + x
				if !valid[i] {
					continue
				}
				hxx := p[i-1] - 2*p[i] + p[i+1]
				hyy := p[i-Size] - 2*p[i] + p[i+Size]
				hxy := (p[i+Size+1] - p[i+Size-1] - p[i-Size+1] + p[i-Size-1]) / 4
				tr, d := (hxx+hyy)/2, float32(math.Sqrt(float64((hxx-hyy)*(hxx-hyy)/4+hxy*hxy)))
				l1, l2 := tr-d, tr+d // l1 <= l2
				if -l1 > l2 {
					l1, l2 = l2, l1
				}
				if l2 <= 0 {
					continue
				}
				rb := l1 / l2
				v := s2 * l2 * float32(math.Exp(-float64(rb*rb)/beta2))
				if v > dst.Pix[i] {
					dst.Pix[i] = v
				}
			}
		}
	}
	for i, ok := range valid {
		if !ok {
			dst.Pix[i] = 0
		}
	}
}

// VeinFraction is the share of valid pixels (and of valid template cells)
// marked as vein.
const VeinFraction = 0.3

// threshold scales the vesselness to a probability (1 at the 99th
// percentile of valid pixels) and marks the top VeinFraction of valid
// pixels with positive vesselness as vein.
func threshold(v []float32, valid []bool) ([]float32, []bool) {
	vals := make([]float32, 0, len(v))
	for i, ok := range valid {
		if ok {
			vals = append(vals, v[i])
		}
	}
	sortFloat32s(vals)
	hi := vals[len(vals)*99/100]
	t := vals[int(float64(len(vals))*(1-VeinFraction))]
	prob := make([]float32, len(v))
	vein := make([]bool, len(v))
	for i, p := range v {
		if hi > 0 {
			prob[i] = min(p/hi, 1)
		}
		vein[i] = valid[i] && p > 0 && p >= t
	}
	return prob, vein
}

// sortFloat32s sorts a in increasing order, as slices.Sort does for
// values that are not NaN (-0 and +0 may come in either order), with an
// LSD radix sort of the values' bits mapped to increasing uint32 keys:
// four passes of 8 bits instead of the comparisons of slices.Sort (1.5
// times faster on the working map's values in BenchmarkStageThreshold's
// run).
func sortFloat32s(a []float32) {
	var kb, tb [Size * Size]uint32
	keys, tmp := kb[:0], tb[:0]
	if len(a) > len(kb) {
		keys, tmp = make([]uint32, 0, len(a)), make([]uint32, 0, len(a))
	}
	keys, tmp = keys[:len(a)], tmp[:len(a)]
	for i, v := range a {
		b := math.Float32bits(v)
		if b>>31 != 0 {
			b = ^b // negative: larger magnitude, smaller key
		} else {
			b |= 1 << 31
		}
		keys[i] = b
	}
	for shift := 0; shift < 32; shift += 8 {
		var pos [256]int
		for _, k := range keys {
			pos[uint8(k>>shift)]++
		}
		sum := 0
		for d, c := range pos {
			pos[d] = sum
			sum += c
		}
		for _, k := range keys {
			d := uint8(k >> shift)
			tmp[pos[d]] = k
			pos[d]++
		}
		keys, tmp = tmp, keys
	}
	for i, b := range keys {
		if b>>31 != 0 {
			b &^= 1 << 31
		} else {
			b = ^b
		}
		a[i] = math.Float32frombits(b)
	}
}

// padLevel is the ROI grey level below which PADScore scales the vesselness
// energy down in proportion (64/255).
const padLevel = 0.25

// PADScore returns a presentation attack detection (PAD) score of a NIR
// vein ROI: higher means more like a live palm, 0 for a ROI that Extract
// rejects. It is the vesselness energy of Liveness, the veins' contrast,
// scaled by min(1, level/0.25) where level is the ROI's mean grey level in
// [0, 1]: a surface that barely reflects the device's own NIR light (a
// screen) shows only sensor noise, which flat-fielding amplifies into
// spurious vesselness, so its energy does not count in full. See the
// package documentation for the threshold measured against synthetic
// printed photos, screen replays and silicone hands. PADScore is safe for
// concurrent use.
func PADScore(roi image.Image) float64 {
	v, err := Extract(roi)
	if err != nil {
		return 0
	}
	return v.PADScore()
}

// PADScore returns the presentation attack detection score of the extracted
// vessels (see the function PADScore).
func (v *Vessels) PADScore() float64 {
	return v.Energy * min(1, v.Level/padLevel)
}
