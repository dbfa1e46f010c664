package palm

import (
	"errors"
	"fmt"
	"image"
	"math"

	"github.com/palmid/palmid/internal/fimg"
	"github.com/palmid/palmid/internal/imstat"
)

// CodeSize is the side of a Code's grid: a code holds CodeSize x CodeSize
// orientation samples, one every 4 pixels of a 128 x 128 ROI.
const CodeSize = 32

// Errors returned by NewCode.
var (
	// ErrEmptyROI is returned for a nil image or one with no pixels.
	ErrEmptyROI = errors.New("palm: empty ROI image")
	// ErrFlatROI is returned when the ROI has no contrast, or when fewer
	// than MinValid of its code samples are usable (the rest saturated,
	// black or transparent).
	ErrFlatROI = errors.New("palm: ROI has too little usable texture")
)

// MinValid is the smallest number of valid samples a Code has: NewCode
// rejects ROIs with fewer, and a comparison ignores shifts at which fewer
// samples of the two codes overlap. It is a quarter of the grid.
const MinValid = CodeSize * CodeSize / 4

// Masking thresholds: a working pixel is bad when its value is within
// clipLevel of 0 or 1 (clipped sensor output or black background) or when
// it is transparent (alpha below one half); a code sample is invalid when
// more than badShare of the (2*badRadius+1)² working pixels around it are
// bad.
const (
	clipLevel = 0.5 / 255
	badRadius = 2
	badShare  = 0.25
)

// Bit encoding of an orientation: adjacent orientations differ in one bit
// and the Hamming distance between the codes of orientations i and j is
// their angular distance min(|i-j|, 6-|i-j|), from 0 to 3.
var orientBits = [Orientations]uint8{0b000, 0b001, 0b011, 0b111, 0b110, 0b100}

// Code is the competitive code of a palm ROI: at each of CodeSize x CodeSize
// grid points, the orientation of the strongest dark line (one of
// Orientations), or no value where the ROI is not usable. Made by NewCode,
// NewCodeRotated, EnrolCodes or UnmarshalBinary, it is immutable and safe
// for concurrent use. The zero Code has no valid sample and scores 0
// against everything.
type Code struct {
	// w[p][y] holds row y of bit-plane p in bits 0-31 (bit x is grid column
	// x) and row y+1 in bits 32-63, row CodeSize being all zero. Planes
	// 0-2 are the orientation bits (orientBits, bit p of the value in plane
	// p); plane 3 is the validity mask. Orientation bits are zero where the
	// mask is. Pairing rows lets Compare handle two rows per 64-bit word
	// at any vertical shift.
	w [planes][CodeSize]uint64
	// valid is the number of valid samples.
	valid int
}

const planes = 4

// row returns row y of plane p.
func (c *Code) row(p, y int) uint32 { return uint32(c.w[p][y]) }

// setRows fills c.w from rows and counts the valid samples.
func (c *Code) setRows(rows *[planes][CodeSize]uint32) {
	c.valid = 0
	for p := range planes {
		for y := range CodeSize {
			v := uint64(rows[p][y])
			if y+1 < CodeSize {
				v |= uint64(rows[p][y+1]) << 32
			}
			c.w[p][y] = v
		}
	}
	for y := range CodeSize {
		c.valid += popcount32(rows[planes-1][y])
	}
}

// At returns the orientation at grid point (x, y), 0 <= x, y < CodeSize: a
// dark line at orientation*180/Orientations degrees from the x axis towards
// the y axis (clockwise on screen, y pointing down), and whether the sample
// is valid. It panics if (x, y) is outside the grid.
func (c *Code) At(x, y int) (orientation int, valid bool) {
	if uint(x) >= CodeSize || uint(y) >= CodeSize {
		panic(fmt.Sprintf("palm: code point (%d, %d) outside the %d x %d grid", x, y, CodeSize, CodeSize))
	}
	if c.row(3, y)>>x&1 == 0 {
		return 0, false
	}
	var v uint8
	for p := range 3 {
		v |= uint8(c.row(p, y)>>x&1) << p
	}
	for k, b := range orientBits {
		if b == v {
			return k, true
		}
	}
	panic("palm: corrupt code") // unreachable: NewCode and UnmarshalBinary write only orientBits values
}

// Valid returns the number of valid samples: between MinValid and
// CodeSize*CodeSize for a code made by NewCode or UnmarshalBinary, 0 for
// the zero Code. It is a simple quality measure: the share of the ROI that
// could be read.
func (c *Code) Valid() int { return c.valid }

// NewCode computes the competitive code of a palm ROI: a square grey image
// of the palm centre in the canonical orientation, normally 128 x 128 (any
// size is resampled, and a non-square image is stretched to a square).
// Colour images are converted to luma. Pixels whose alpha is below one
// half, and pixels at the ends of the range (clipped highlights, black
// background), count as missing: they are filled with a local mean before
// filtering, and the code is marked invalid where they make up more than a
// quarter of the pixels around a sample.
//
// It returns ErrEmptyROI for a nil or empty image and ErrFlatROI when the
// image has no contrast or fewer than MinValid usable samples.
func NewCode(roi image.Image) (*Code, error) {
	return NewCodeRotated(roi, 0)
}

// NewCodeRotated computes the code of the ROI rotated by degrees about its
// centre, positive turning the content clockwise on screen (from the x
// axis towards the y axis, which points down). Corners brought in from
// outside the ROI are marked invalid. Errors are those of NewCode. It
// panics if degrees is not finite.
func NewCodeRotated(roi image.Image, degrees float64) (*Code, error) {
	if math.IsNaN(degrees) || math.IsInf(degrees, 0) {
		panic(fmt.Sprintf("palm: rotation of %v degrees", degrees))
	}
	in, err := prepare(roi)
	if err != nil {
		return nil, err
	}
	return in.code(degrees, filterBank())
}

// EnrolStep is the rotation, in degrees, between the codes that EnrolCodes
// returns.
const EnrolStep = 4

// EnrolCodes returns the codes of the ROI rotated by -EnrolStep, 0 and
// +EnrolStep degrees (see NewCodeRotated), in that order: what to store at
// enrolment so that CompareBest tolerates more residual rotation between
// enrolment and probe ROIs than one code does. Errors are those of NewCode
// for the unrotated ROI; a rotated code that fails is left out.
func EnrolCodes(roi image.Image) ([]*Code, error) {
	in, err := prepare(roi)
	if err != nil {
		return nil, err
	}
	fb := filterBank()
	c0, err := in.code(0, fb)
	if err != nil {
		return nil, err
	}
	codes := make([]*Code, 0, 3)
	if c, err := in.code(-EnrolStep, fb); err == nil {
		codes = append(codes, c)
	}
	codes = append(codes, c0)
	if c, err := in.code(EnrolStep, fb); err == nil {
		codes = append(codes, c)
	}
	return codes, nil
}

// input is a ROI converted to grey, with the share of missing input in
// each pixel (bad, nil when nothing is missing).
type input struct {
	src, srcBad *fimg.Image
	// hi and hiBad are src and srcBad at twice workSize, made on first use
	// by a rotation.
	hi, hiBad *fimg.Image
}

// prepare converts the ROI.
func prepare(roi image.Image) (*input, error) {
	if roi == nil || roi.Bounds().Empty() {
		return nil, ErrEmptyROI
	}
	src := fimg.FromImage(roi)
	return &input{src: src, srcBad: badPixels(roi, src)}, nil
}

// code returns the code of the input rotated by degrees, or ErrFlatROI.
//
// Unrotated, the input is resampled to workSize by area averaging. A
// rotation is applied with bilinear sampling at twice workSize, then
// averaged down 2 x 2: rotating at workSize itself would leave a blur
// pattern that depends only on the angle, which the codes of two different
// palms rotated alike would share.
func (in *input) code(degrees float64, fb *bank) (*Code, error) {
	var work, bad *fimg.Image
	if degrees == 0 {
		work = imstat.ResampleTo(fimg.New(workSize, workSize), in.src)
		if in.srcBad != nil {
			bad = imstat.ResampleTo(fimg.New(workSize, workSize), in.srcBad)
		}
	} else {
		if in.hi == nil {
			in.hi = imstat.ResampleTo(fimg.New(2*workSize, 2*workSize), in.src)
			if in.srcBad != nil {
				in.hiBad = imstat.ResampleTo(fimg.New(2*workSize, 2*workSize), in.srcBad)
			}
		}
		hi, hiBad := rotate(in.hi, in.hiBad, degrees)
		work = imstat.ResampleTo(fimg.New(workSize, workSize), hi)
		bad = imstat.ResampleTo(fimg.New(workSize, workSize), hiBad)
	}
	if flat(work, bad) {
		return nil, ErrFlatROI
	}
	if bad != nil {
		fill(work, bad)
	}
	c := encode(work, bad, fb)
	if c.valid < MinValid {
		return nil, fmt.Errorf("%w: %d valid samples of %d", ErrFlatROI, c.valid, CodeSize*CodeSize)
	}
	return c, nil
}

// badPixels returns a map that is 1 on the missing pixels of src (m is its
// grey conversion) and 0 elsewhere, or nil when no pixel is missing.
func badPixels(src image.Image, m *fimg.Image) *fimg.Image {
	var bad *fimg.Image
	mark := func(i int) {
		if bad == nil {
			bad = fimg.New(m.W, m.H)
		}
		bad.Pix[i] = 1
	}
	for i, v := range m.Pix {
		if v <= clipLevel || v >= 1-clipLevel {
			mark(i)
		}
	}
	if o, ok := src.(interface{ Opaque() bool }); ok && o.Opaque() {
		return bad
	}
	b := src.Bounds()
	for y := 0; y < m.H; y++ {
		for x := 0; x < m.W; x++ {
			if _, _, _, a := src.At(b.Min.X+x, b.Min.Y+y).RGBA(); a < 0x8000 {
				mark(y*m.W + x)
			}
		}
	}
	return bad
}

// flat reports whether the good pixels of m have (almost) no contrast.
func flat(m, bad *fimg.Image) bool {
	var n, s, ss float64
	for i, v := range m.Pix {
		if bad != nil && bad.Pix[i] > badShare {
			continue
		}
		n++
		s += float64(v)
		ss += float64(v) * float64(v)
	}
	if n < 2 {
		return true
	}
	mean := s / n
	return !(ss/n-mean*mean > 1e-8)
}

// fillSigma is the standard deviation, in working pixels, of the blur
// that fills missing pixels.
const fillSigma = 4

// fill replaces the missing part of each pixel of m (bad is the missing
// share) by a local mean of the pixels around it that are not missing: a
// Gaussian blur of m weighted by the present shares, divided by the blur of
// the shares. Without it the edge between the image and whatever stands in
// for the missing pixels (black background, the corners a rotation brings
// in) would dominate the filter responses nearby and give different palms
// the same orientations there.
func fill(m, bad *fimg.Image) {
	num, den := fimg.New(m.W, m.H), fimg.New(m.W, m.H)
	var sum, n float64
	for i, b := range bad.Pix {
		w := 1 - min(max(b, 0), 1)
		den.Pix[i] = w
		num.Pix[i] = w * m.Pix[i]
		sum += float64(num.Pix[i])
		n += float64(w)
	}
	mean := float32(sum / n) // n > 0: flat has checked that some pixels are present
	fimg.BlurTo(num, num, fillSigma)
	fimg.BlurTo(den, den, fillSigma)
	for i, b := range bad.Pix {
		if b <= 0 {
			continue
		}
		f := mean
		if den.Pix[i] > 1e-3 {
			f = num.Pix[i] / den.Pix[i]
		}
		w := 1 - min(b, 1)
		m.Pix[i] = w*m.Pix[i] + (1-w)*f
	}
}

// rotate returns the square image m and its missing shares bad (nil: none)
// rotated by degrees about the image centre with bilinear sampling; pixels
// brought in from outside m are missing.
func rotate(m, bad *fimg.Image, degrees float64) (*fimg.Image, *fimg.Image) {
	n := m.W
	out, outBad := fimg.New(n, n), fimg.New(n, n)
	th := degrees * math.Pi / 180
	c, s := math.Cos(th), math.Sin(th)
	h := float64(n-1) / 2
	lim := float64(n) - 0.5
	for y := range n {
		for x := range n {
			// Inverse map: the output pixel shows the input at R(-th)(p).
			dx, dy := float64(x)-h, float64(y)-h
			sx, sy := c*dx+s*dy+h, -s*dx+c*dy+h
			i := y*n + x
			if sx < -0.5 || sy < -0.5 || sx > lim || sy > lim {
				outBad.Pix[i] = 1
				continue
			}
			out.Pix[i] = m.Bilinear(sx, sy)
			if bad != nil {
				outBad.Pix[i] = bad.Bilinear(sx, sy)
			}
		}
	}
	return out, outBad
}

// encode computes the code of the workSize x workSize image m, with bad the
// share of missing input in each pixel (nil: none).
func encode(m, bad *fimg.Image, b *bank) *Code {
	var padBuf, revBuf [(workSize + 2*maxPad) * (workSize + 2*maxPad)]float32
	p, pr := padBuf[:b.stride*b.stride], revBuf[:b.stride*b.stride]
	padReflect(p, m.Pix, b.pad)
	for i, v := range p {
		pr[len(pr)-1-i] = v
	}
	var rows [planes][CodeSize]uint32
	var resp [Orientations]float32
	for gy := range CodeSize {
		y := gy*step + step/2
		for gx := range CodeSize {
			x := gx*step + step/2
			if bad != nil && badAround(bad, x, y) {
				continue
			}
			b.responsesAt(p, pr, (y+b.pad)*b.stride+x+b.pad, &resp)
			// The winner is the most negative response: palm lines are
			// darker than the skin around them.
			k := 0
			for j := 1; j < Orientations; j++ {
				if resp[j] < resp[k] {
					k = j
				}
			}
			bits := orientBits[k]
			for pl := range 3 {
				rows[pl][gy] |= uint32(bits>>pl&1) << gx
			}
			rows[3][gy] |= 1 << gx
		}
	}
	c := new(Code)
	c.setRows(&rows)
	return c
}

// maxPad bounds bank.pad, for the stack buffer in encode.
const maxPad = 32

// badAround reports whether more than badShare of the pixels within
// badRadius of (x, y) are missing.
func badAround(bad *fimg.Image, x, y int) bool {
	var s, n float32
	for yy := max(0, y-badRadius); yy <= min(workSize-1, y+badRadius); yy++ {
		for xx := max(0, x-badRadius); xx <= min(workSize-1, x+badRadius); xx++ {
			s += bad.Pix[yy*workSize+xx]
			n++
		}
	}
	return s > badShare*n
}
