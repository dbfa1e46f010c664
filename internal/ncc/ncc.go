package ncc

import (
	"errors"
	"fmt"
	"math"

	"github.com/palmid/palmid/internal/fimg"
	"github.com/palmid/palmid/internal/imstat"
)

// Size is the side of a template in pixels: every ROI is resampled to
// Size x Size.
const Size = 64

// Errors returned by NewTemplate.
var (
	ErrEmpty   = errors.New("ncc: empty image")
	ErrFlat    = errors.New("ncc: image has no contrast")
	ErrOptions = errors.New("ncc: invalid options")
)

// Options are the matcher's settings. Lengths are in pixels at Size.
type Options struct {
	// MaxShift is the largest translation tried along each axis, 0 to
	// Size/4 (16).
	MaxShift int
	// MinOverlap is the smallest fraction of the Size x Size template that
	// two shifted templates must share for the shift to count, in (0, 1].
	MinOverlap float64
	// Flatten is the standard deviation of the Gaussian blur that is
	// subtracted from the resampled ROI to remove illumination and other
	// broad shading, 0 to Size/2; 0 turns it off.
	Flatten float64
}

// DefaultOptions are the options used when nil is passed: shifts up to 4 px
// (6% of the ROI side), at least half of the template overlapping (always
// true at that shift), and shading broader than an 8 px Gaussian removed.
var DefaultOptions = Options{MaxShift: 4, MinOverlap: 0.5, Flatten: 8}

func (o *Options) check() error {
	if o.MaxShift < 0 || o.MaxShift > Size/4 {
		return fmt.Errorf("%w: MaxShift %d not in [0, %d]", ErrOptions, o.MaxShift, Size/4)
	}
	if !(o.MinOverlap > 0 && o.MinOverlap <= 1) {
		return fmt.Errorf("%w: MinOverlap %g not in (0, 1]", ErrOptions, o.MinOverlap)
	}
	if !(o.Flatten >= 0 && o.Flatten <= Size/2) {
		return fmt.Errorf("%w: Flatten %g not in [0, %d]", ErrOptions, o.Flatten, Size/2)
	}
	return nil
}

// stride of the integral images.
const istride = Size + 1

// Template is a prepared ROI. It is immutable and safe for concurrent use.
type Template struct {
	opts Options
	pix  [Size * Size]float32 // preprocessed, zero mean, unit variance
	// Integral images of pix and pix^2: sum[y*istride+x] is the sum over
	// the pixels above and left of (x, y).
	sum, sq [istride * istride]float64
}

// NewTemplate prepares a ROI for matching:
//
//  1. resample it to Size x Size by area averaging (imstat.ResampleTo),
//     stretching it if it is not square;
//  2. if opts.Flatten > 0, subtract its Gaussian blur of that standard
//     deviation (edges replicated), which removes illumination gradients
//     and shading broader than about 2*Flatten px, keeping creases,
//     wrinkles and veins;
//  3. scale to zero mean and unit variance.
//
// A nil opts means DefaultOptions. It returns ErrOptions for options out of
// range, ErrEmpty for an empty roi and ErrFlat when nothing is left after
// step 2 (a constant image).
func NewTemplate(roi *fimg.Image, opts *Options) (*Template, error) {
	if opts == nil {
		opts = &DefaultOptions
	}
	if err := opts.check(); err != nil {
		return nil, err
	}
	if roi == nil || roi.W == 0 || roi.H == 0 {
		return nil, ErrEmpty
	}
	t := &Template{opts: *opts}
	m := imstat.ResampleTo(&fimg.Image{W: Size, H: Size, Pix: t.pix[:]}, roi)
	if opts.Flatten > 0 {
		bg := fimg.BlurTo(nil, m, opts.Flatten)
		for i := range m.Pix {
			m.Pix[i] -= bg.Pix[i]
		}
	}
	var s, ss float64
	for _, v := range m.Pix {
		s += float64(v)
	}
	mean := s / float64(len(m.Pix))
	for _, v := range m.Pix {
		d := float64(v) - mean
		ss += d * d
	}
	std := math.Sqrt(ss / float64(len(m.Pix)))
	if !(std > 1e-6) {
		return nil, ErrFlat
	}
	for i, v := range m.Pix {
		m.Pix[i] = float32((float64(v) - mean) / std)
	}
	for y := 0; y < Size; y++ {
		var rs, rq float64
		for x := 0; x < Size; x++ {
			v := float64(t.pix[y*Size+x])
			rs += v
			rq += v * v
			i := (y+1)*istride + x + 1
			t.sum[i] = t.sum[i-istride] + rs
			t.sq[i] = t.sq[i-istride] + rq
		}
	}
	return t, nil
}

// Options returns the options t was made with.
func (t *Template) Options() Options { return t.opts }

// Image returns a copy of the preprocessed Size x Size template (zero mean,
// unit variance), for display and debugging.
func (t *Template) Image() *fimg.Image {
	m := fimg.New(Size, Size)
	copy(m.Pix, t.pix[:])
	return m
}

// box returns the sum of an integral image over [x0, x1) x [y0, y1).
func box(ii *[istride * istride]float64, x0, y0, x1, y1 int) float64 {
	return ii[y1*istride+x1] - ii[y0*istride+x1] - ii[y1*istride+x0] + ii[y0*istride+x0]
}

// Compare returns the similarity of a and b in [-1, 1], higher meaning more
// alike: the largest normalised cross-correlation over integer shifts of up
// to MaxShift px along each axis (see Match). It does not allocate. It
// panics if a and b were made with different options.
func Compare(a, b *Template) float64 {
	s, _, _ := Match(a, b)
	return s
}

// Match returns the score of Compare and the shift (dx, dy) that achieves
// it: b's content lies dx px right of and dy px below a's, that is
// a(x, y) best matches b(x+dx, y+dy). For each shift the correlation is
//
//	sum (a - ma)(b - mb) / sqrt(sum (a - ma)^2 * sum (b - mb)^2)
//
// over the overlapping pixels only, ma and mb being the means over that
// overlap, so each shift is judged on its own pixels. Shifts whose overlap
// is below MinOverlap of the template, or on which either template is
// constant, are skipped; if every shift is skipped the score is 0 at shift
// (0, 0). Ties go to the smaller shift. Match does not allocate and is safe
// for concurrent use. It panics if a and b were made with different
// options.
func Match(a, b *Template) (score float64, dx, dy int) {
	if a.opts != b.opts {
		panic("ncc: templates made with different options")
	}
	S := a.opts.MaxShift
	minN := a.opts.MinOverlap * Size * Size
	best, bx, by := math.Inf(-1), 0, 0
	for sy := -S; sy <= S; sy++ {
		for sx := -S; sx <= S; sx++ {
			// Overlap in a's coordinates: x in [ax0, ax1), b at x+sx.
			ax0, ax1 := max(0, -sx), min(Size, Size-sx)
			ay0, ay1 := max(0, -sy), min(Size, Size-sy)
			w, h := ax1-ax0, ay1-ay0
			n := float64(w * h)
			if n < minN {
				continue
			}
			sa := box(&a.sum, ax0, ay0, ax1, ay1)
			qa := box(&a.sq, ax0, ay0, ax1, ay1)
			sb := box(&b.sum, ax0+sx, ay0+sy, ax1+sx, ay1+sy)
			qb := box(&b.sq, ax0+sx, ay0+sy, ax1+sx, ay1+sy)
			va, vb := qa-sa*sa/n, qb-sb*sb/n
			if !(va > 1e-9*n && vb > 1e-9*n) {
				continue
			}
			var sab float64
			for y := ay0; y < ay1; y++ {
				ra := a.pix[y*Size+ax0 : y*Size+ax1]
				rb := b.pix[(y+sy)*Size+ax0+sx : (y+sy)*Size+ax1+sx]
				sab += float64(dot(ra, rb))
			}
			c := (sab - sa*sb/n) / math.Sqrt(va*vb)
			if c > best || (c == best && abs(sx)+abs(sy) < abs(bx)+abs(by)) {
				best, bx, by = c, sx, sy
			}
		}
	}
	if math.IsInf(best, -1) {
		return 0, 0, 0
	}
	return max(-1, min(1, best)), bx, by
}

// dot returns sum a[i]*b[i] over a, in float32 with four partial sums (a
// row holds at most Size products of unit-variance values, so float32 loses
// nothing that matters). b must be at least as long as a.
func dot(a, b []float32) float32 {
	b = b[:len(a)]
	var s0, s1, s2, s3 float32
	i := 0
	for ; i+4 <= len(a); i += 4 {
		s0 += a[i] * b[i]
		s1 += a[i+1] * b[i+1]
		s2 += a[i+2] * b[i+2]
		s3 += a[i+3] * b[i+3]
	}
	for ; i < len(a); i++ {
		s0 += a[i] * b[i]
	}
	return (s0 + s1) + (s2 + s3)
}

func abs(v int) int {
	if v < 0 {
		return -v
	}
	return v
}
