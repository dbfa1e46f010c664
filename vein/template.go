package vein

import (
	"image"
	"math/bits"
	"slices"
)

// Template geometry and matching constants.
const (
	// GridSize is the side of a template's grid: one cell per 2 x 2
	// working pixels, 4 x 4 pixels of a 128 x 128 ROI.
	GridSize = Size / 2
	// MaxShift is the largest shift, in cells along each axis, that
	// Compare tries: 4 cells, 16 pixels of a 128 x 128 ROI.
	MaxShift = 4
	// MinValid is the least number of valid cells a template has, and the
	// least two templates must have in common at a shift for it to count.
	MinValid = GridSize * GridSize / 4
)

// A Template is the binary vein map of a ROI on a GridSize x GridSize grid
// with a validity mask. Row y of each plane is the low GridSize bits of a
// uint64, bit x for column x. Templates are immutable once made and safe
// for concurrent use.
type Template struct {
	vein, mask    [GridSize]uint64
	nVein, nValid int
}

// NewTemplate extracts the vessels of a vein ROI (see Extract) and returns
// its template. It returns the errors of Extract, and ErrFlatROI when fewer
// than MinValid cells are valid or no cell is vein.
func NewTemplate(roi image.Image) (*Template, error) {
	v, err := Extract(roi)
	if err != nil {
		return nil, err
	}
	return v.Template()
}

// Template returns the template of the extracted vessels: a cell is valid
// when its four working pixels are, and vein when its mean probability is
// positive and among the top VeinFraction of valid cells. It returns
// ErrFlatROI when fewer than MinValid cells are valid or no cell is vein.
func (v *Vessels) Template() (*Template, error) {
	var cell [GridSize * GridSize]float32
	var ok [GridSize * GridSize]bool
	vals := make([]float32, 0, len(cell))
	for y := range GridSize {
		for x := range GridSize {
			i := 2*y*Size + 2*x
			if !v.Mask[i] || !v.Mask[i+1] || !v.Mask[i+Size] || !v.Mask[i+Size+1] {
				continue
			}
			c := (v.Prob[i] + v.Prob[i+1] + v.Prob[i+Size] + v.Prob[i+Size+1]) / 4
			cell[y*GridSize+x], ok[y*GridSize+x] = c, true
			vals = append(vals, c)
		}
	}
	if len(vals) < MinValid {
		return nil, ErrFlatROI
	}
	slices.Sort(vals)
	th := vals[int(float64(len(vals))*(1-VeinFraction))]
	t := new(Template)
	for y := range GridSize {
		for x := range GridSize {
			i := y*GridSize + x
			if !ok[i] {
				continue
			}
			t.mask[y] |= 1 << x
			if c := cell[i]; c > 0 && c >= th {
				t.vein[y] |= 1 << x
			}
		}
	}
	t.count()
	if t.nVein == 0 {
		return nil, ErrFlatROI
	}
	return t, nil
}

func (t *Template) count() {
	t.nVein, t.nValid = 0, 0
	for y := range GridSize {
		t.nVein += bits.OnesCount64(t.vein[y])
		t.nValid += bits.OnesCount64(t.mask[y])
	}
}

// At reports whether cell (x, y) is vein and whether it is valid. It panics
// if x or y is outside [0, GridSize).
func (t *Template) At(x, y int) (vein, valid bool) {
	if uint(x) >= GridSize || uint(y) >= GridSize {
		panic("vein: Template.At outside the grid")
	}
	return t.vein[y]>>x&1 != 0, t.mask[y]>>x&1 != 0
}

// Compare returns the similarity of two templates in [0, 1], higher
// meaning more alike; see Match.
func Compare(a, b *Template) float64 {
	s, _, _ := Match(a, b)
	return s
}

// Match compares two templates over every shift (dx, dy) of b against a of
// up to MaxShift cells along each axis and returns the best score with its
// shift: cell (x, y) of a meets cell (x+dx, y+dy) of b. The score at a shift
// is the Dice coefficient of the two vein maps over the cells valid in both,
// 2|A∩B| / (|A|+|B|), as in the mismatch-free part of Miura's matching; shifts
// with fewer than MinValid cells in common are skipped. Two unrelated maps of
// VeinFraction density score about 0.3, identical ones 1. Match returns 0
// when no shift counts, or when either template is the zero Template. It
// does not allocate and is safe for concurrent use.
func Match(a, b *Template) (score float64, dx, dy int) {
	best, bx, by := 0, 0, 0 // best = 2|A∩B| / (|A|+|B|) as num/den, compared by cross-multiplying
	bestDen := 1
	const lowBits = 1<<GridSize - 1
	for sy := -MaxShift; sy <= MaxShift; sy++ {
		y0, y1 := max(0, -sy), min(GridSize, GridSize-sy)
		for sx := -MaxShift; sx <= MaxShift; sx++ {
			var common, inter, na, nb int
			for y := y0; y < y1; y++ {
				bv, bm := b.vein[y+sy], b.mask[y+sy]
				if sx >= 0 {
					bv, bm = bv>>sx, bm>>sx
				} else {
					bv, bm = bv<<-sx&lowBits, bm<<-sx&lowBits
				}
				m := a.mask[y] & bm
				av := a.vein[y] & m
				bv &= m
				common += bits.OnesCount64(m)
				inter += bits.OnesCount64(av & bv)
				na += bits.OnesCount64(av)
				nb += bits.OnesCount64(bv)
			}
			if common < MinValid || na+nb == 0 {
				continue
			}
			if 2*inter*bestDen > best*(na+nb) {
				best, bestDen, bx, by = 2*inter, na+nb, sx, sy
			}
		}
	}
	if best == 0 {
		return 0, 0, 0
	}
	return float64(best) / float64(bestDen), bx, by
}
