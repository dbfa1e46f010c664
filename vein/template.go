package vein

import (
	"image"
	"math"
	"math/bits"
	"slices"
)

// Template geometry and matching constants.
const (
	// GridSize is the side of a template's grid: one cell per 2 x 2
	// working pixels, 4 x 4 pixels of a 128 x 128 ROI.
	GridSize = Size / 2
	// MaxShift is the largest shift, in cells along each axis, that
	// Compare tries: 6 cells, 24 pixels of a 128 x 128 ROI.
	MaxShift = 6
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
	// warp holds the grid rotated and scaled about its centre by warps,
	// derived from vein and mask (never serialised).
	warp [len(warps)]plane
}

// A plane is a vein map and its validity mask, one row per word.
type plane struct{ vein, mask [GridSize]uint64 }

// warps are the rotations (degrees) and scales besides the identity under
// which Match also compares the grids: the ROI placed from finger valleys
// turns and scales with the spread of the fingers and the tilt of the hand
// by several degrees and per cent between captures, more than the coarse
// grid tolerates.
var warps = [...]struct{ deg, scale float64 }{
	{-warpDeg, 1}, {warpDeg, 1}, {0, 1 - warpScale}, {0, 1 + warpScale},
}

// warpDeg and warpScale are the rotation and the scale change of warps.
const warpDeg, warpScale = 6.0, 0.07

// derive fills the warped planes from the vein and mask planes: each cell
// takes the nearest cell of the unwarped grid, invalid where that falls
// outside it.
func (t *Template) derive() {
	const c = (GridSize - 1) / 2.0
	for k, w := range warps {
		sin, cos := math.Sincos(w.deg * math.Pi / 180)
		p := &t.warp[k]
		*p = plane{}
		for y := range GridSize {
			for x := range GridSize {
				u, v := float64(x)-c, float64(y)-c
				sx := int(math.Round(c + (cos*u+sin*v)/w.scale))
				sy := int(math.Round(c + (-sin*u+cos*v)/w.scale))
				if uint(sx) >= GridSize || uint(sy) >= GridSize || t.mask[sy]>>sx&1 == 0 {
					continue
				}
				p.mask[y] |= 1 << x
				p.vein[y] |= t.vein[sy] >> sx & 1 << x
			}
		}
	}
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
	t.derive()
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
// up to MaxShift cells along each axis, and over the same shifts with one
// of the two grids rotated by ±6° or scaled by ±7% about its centre (see
// warps), and returns the best score with its shift: cell (x, y) of a meets
// cell (x+dx, y+dy) of b. The score at a shift is the Dice coefficient of
// the two vein maps over the cells valid in both, 2|A∩B| / (|A|+|B|), as in
// the mismatch-free part of Miura's matching, pulled towards VeinFraction
// when fewer than fullOverlap cells are common (see overlapScore); shifts
// with fewer than MinValid cells in common are skipped. Two unrelated maps
// of VeinFraction density score about 0.3 at one shift, identical ones 1
// (less than 1 with fewer than fullOverlap valid cells).
// Match(a, b) and Match(b, a) give the same score. Match returns 0 when no
// shift counts, or when either template is the zero Template. It does not
// allocate and is safe for concurrent use.
func Match(a, b *Template) (score float64, dx, dy int) {
	if a.nVein == 0 || b.nVein == 0 {
		return 0, 0, 0
	}
	// Warp one template only, the same one whichever comes first, so that
	// the score is symmetric.
	if less(b, a) {
		a, b = b, a
		defer func() { dx, dy = -dx, -dy }()
	}
	// Coarse search: every plane of b at every other shift.
	type cand struct {
		score  float64
		dx, dy int
	}
	var coarse [len(warps) + 1]cand
	for k := range coarse {
		bv, bm := &b.vein, &b.mask
		if k > 0 {
			bv, bm = &b.warp[k-1].vein, &b.warp[k-1].mask
		}
		c := &coarse[k]
		for sy := -MaxShift; sy <= MaxShift; sy += coarseStep {
			for sx := -MaxShift; sx <= MaxShift; sx += coarseStep {
				if s := shiftScore(&a.vein, &a.mask, bv, bm, sx, sy); s > c.score {
					*c = cand{s, sx, sy}
				}
			}
		}
	}
	// Fine search: the shifts around the best coarse shift of the
	// refinePlanes best planes.
	for range refinePlanes {
		k := 0
		for i := range coarse {
			if coarse[i].score > coarse[k].score {
				k = i
			}
		}
		c := coarse[k]
		if c.score <= 0 {
			break
		}
		coarse[k].score = -1
		if c.score > score {
			score, dx, dy = c.score, c.dx, c.dy
		}
		bv, bm := &b.vein, &b.mask
		if k > 0 {
			bv, bm = &b.warp[k-1].vein, &b.warp[k-1].mask
		}
		for sy := max(c.dy-1, -MaxShift); sy <= min(c.dy+1, MaxShift); sy++ {
			for sx := max(c.dx-1, -MaxShift); sx <= min(c.dx+1, MaxShift); sx++ {
				if (sx-c.dx)%coarseStep == 0 && (sy-c.dy)%coarseStep == 0 {
					continue
				}
				if s := shiftScore(&a.vein, &a.mask, bv, bm, sx, sy); s > score {
					score, dx, dy = s, sx, sy
				}
			}
		}
	}
	return score, dx, dy
}

// Match's search: the coarse search tries every coarseStep-th shift of
// every plane, the fine one the neighbours of the best coarse shift of the
// refinePlanes best planes.
const coarseStep, refinePlanes = 2, 2

// less orders templates by their planes.
func less(a, b *Template) bool {
	for y := range GridSize {
		if a.vein[y] != b.vein[y] {
			return a.vein[y] < b.vein[y]
		}
	}
	for y := range GridSize {
		if a.mask[y] != b.mask[y] {
			return a.mask[y] < b.mask[y]
		}
	}
	return false
}

// shiftScore returns the score of plane b shifted by (sx, sy) against
// plane a (cell (x, y) of a meets (x+sx, y+sy) of b), or 0 when fewer than
// MinValid cells are common or neither map has a vein cell there.
func shiftScore(av0, am0, bv0, bm0 *[GridSize]uint64, sx, sy int) float64 {
	const lowBits = 1<<GridSize - 1
	y0, y1 := max(0, -sy), min(GridSize, GridSize-sy)
	var common, inter, na, nb int
	for y := y0; y < y1; y++ {
		bv, bm := bv0[y+sy], bm0[y+sy]
		if sx >= 0 {
			bv, bm = bv>>sx, bm>>sx
		} else {
			bv, bm = bv<<-sx&lowBits, bm<<-sx&lowBits
		}
		m := am0[y] & bm
		av := av0[y] & m
		bv &= m
		common += bits.OnesCount64(m)
		inter += bits.OnesCount64(av & bv)
		na += bits.OnesCount64(av)
		nb += bits.OnesCount64(bv)
	}
	if common < MinValid || na+nb == 0 {
		return 0
	}
	return overlapScore(inter, na, nb, common)
}

// fullOverlap is the number of common valid cells from which a Dice
// coefficient counts in full.
const fullOverlap = 640

// overlapScore is the Dice coefficient 2 inter / (na+nb) of two vein maps
// that share common valid cells, pulled towards VeinFraction, the Dice of
// unrelated maps, when fewer than fullOverlap cells are common: d' = f +
// (d-f) sqrt(common/fullOverlap). As with Daugman's normalisation of iris
// Hamming distances, a small overlap gives a noisy score, and the best of
// many noisy scores would otherwise let impostors through.
func overlapScore(inter, na, nb, common int) float64 {
	d := 2 * float64(inter) / float64(na+nb)
	if common >= fullOverlap {
		return d
	}
	return VeinFraction + (d-VeinFraction)*math.Sqrt(float64(common)/fullOverlap)
}
