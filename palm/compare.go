package palm

import "math/bits"

// MaxShift is the largest translation, in grid points along each axis,
// that Match tries: 4 points are 16 pixels of a 128 x 128 ROI, 12% of its
// side.
const MaxShift = 4

// maxShiftLimit bounds the shift range of matchAll.
const maxShiftLimit = 8

// laneMasks[dx+maxShiftLimit] clears the bits of a row-pair word rotated by dx
// that crossed from one 32-bit row lane into the other (or wrapped around).
var laneMasks = func() (m [2*maxShiftLimit + 1]uint64) {
	for dx := -maxShiftLimit; dx <= maxShiftLimit; dx++ {
		keep := ^uint64(0)
		// Rotating right by dx moves bit x+dx to bit x, so for dx > 0 the
		// top dx bits of each lane come from the other lane.
		for i := 0; i < abs(dx); i++ {
			if dx > 0 {
				keep &^= 1<<(31-i) | 1<<(63-i)
			} else {
				keep &^= 1<<i | 1<<(32+i)
			}
		}
		m[dx+maxShiftLimit] = keep
	}
	return m
}()

// Compare returns the similarity of two codes in [0, 1], higher meaning
// more alike: one minus the smallest normalised angular distance between
// them over the shifts that Match tries. Identical codes score 1; different
// palms score about 0.55 and rarely above 0.62, the same palm mostly above
// that (see the package documentation for thresholds). It returns 0 when no
// shift leaves MinValid samples valid in both codes. Compare does not
// allocate and is safe for concurrent use. Swapping the arguments gives the
// same score, except after rare ties in the coarse search of Match.
func Compare(a, b *Code) float64 {
	s, _, _ := Match(a, b)
	return s
}

// CompareBest returns the largest Compare(e, probe) over the enrolled
// codes, such as those of EnrolCodes, or 0 when there are none. It does not
// allocate and is safe for concurrent use.
func CompareBest(probe *Code, enrolled []*Code) float64 {
	best := 0.0
	for _, e := range enrolled {
		best = max(best, Compare(e, probe))
	}
	return best
}

// Match returns the score of Compare and the shift (dx, dy) that achieves
// it: b's content lies dx grid points right of and dy below a's, that is
// a(x, y) best matches b(x+dx, y+dy). For a shift it computes the angular
// distance
//
//	D = Σ d(a(x, y), b(x+dx, y+dy)) / (3 n)
//
// over the n grid points valid in both codes, d being the number of
// orientation steps between the two samples (0 to 3, the Hamming distance
// of their 3-bit codes), and the score is 1 - min D over the shifts tried.
// Shifts with n < MinValid are skipped; ties go to the smaller |dx|+|dy|.
// Match does not allocate and is safe for concurrent use.
//
// The search runs coarse to fine over |dx|, |dy| <= MaxShift: the 25 shifts
// with even dx and dy, then the (at most 8) untried neighbours of the best
// of them, 33 of the 81 shifts at most. Codes vary smoothly with position
// (the filters are wider than the grid step), so this finds the best of all
// 81 shifts for nearly every genuine pair; on the real and synthetic sets it
// changed no error rate measurably (see the package documentation).
func Match(a, b *Code) (score float64, dx, dy int) {
	var s search
	s.init(a, b)
	for sx := -MaxShift; sx <= MaxShift; sx += 2 {
		s.shiftX(sx)
		for sy := -MaxShift; sy <= MaxShift; sy += 2 {
			s.try(sy)
		}
	}
	cx, cy := s.bx, s.by
	for sx := max(-MaxShift, cx-1); sx <= min(MaxShift, cx+1); sx++ {
		s.shiftX(sx)
		for sy := max(-MaxShift, cy-1); sy <= min(MaxShift, cy+1); sy++ {
			if (sx-cx)%2 != 0 || (sy-cy)%2 != 0 {
				s.try(sy)
			}
		}
	}
	return s.result()
}

// matchAll is Match trying every shift with |dx|, |dy| <= S, S at most
// maxShiftLimit; it is the reference for the coarse-to-fine search.
func matchAll(a, b *Code, S int) (score float64, dx, dy int) {
	var s search
	s.init(a, b)
	for sx := -S; sx <= S; sx++ {
		s.shiftX(sx)
		for sy := -S; sy <= S; sy++ {
			s.try(sy)
		}
	}
	return s.result()
}

// search is the state of a shift search of b against a.
type search struct {
	a, b *Code
	// bs is b moved left by sx points: bs(x) = b(x+sx), with the bits
	// that crossed between row lanes cleared from the mask plane.
	bs [planes][CodeSize]uint64
	sx int
	// The best distance so far is bestD/(3*bestN) at (bx, by); it starts
	// above 1.
	bestD, bestN, bx, by int
}

func (s *search) init(a, b *Code) {
	s.a, s.b = a, b
	s.bestD, s.bestN = 4, 1
}

// shiftX sets up the horizontal shift sx.
func (s *search) shiftX(sx int) {
	s.sx = sx
	lane := laneMasks[sx+maxShiftLimit]
	for y := range CodeSize {
		s.bs[0][y] = bits.RotateLeft64(s.b.w[0][y], -sx)
		s.bs[1][y] = bits.RotateLeft64(s.b.w[1][y], -sx)
		s.bs[2][y] = bits.RotateLeft64(s.b.w[2][y], -sx)
		s.bs[3][y] = bits.RotateLeft64(s.b.w[3][y], -sx) & lane
	}
}

// try scores the shift (s.sx, sy).
func (s *search) try(sy int) {
	y0, y1 := max(0, -sy), min(CodeSize, CodeSize-sy)
	d, n := distance(&s.a.w, &s.bs, y0, y1, sy)
	if n < MinValid {
		return
	}
	// d/n < bestD/bestN, or equal with a smaller shift.
	l, r := d*s.bestN, s.bestD*n
	if l < r || (l == r && abs(s.sx)+abs(sy) < abs(s.bx)+abs(s.by)) {
		s.bestD, s.bestN, s.bx, s.by = d, n, s.sx, sy
	}
}

func (s *search) result() (score float64, dx, dy int) {
	if s.bestD > 3*s.bestN {
		return 0, 0, 0
	}
	return 1 - float64(s.bestD)/float64(3*s.bestN), s.bx, s.by
}

// distance returns the summed angular distance d and the number n of
// points valid in both codes, over a's rows [y0, y1) against b's rows
// shifted by sy. Rows are taken two at a time; when y1-y0 is odd the last
// word's upper lane is the all-zero row CodeSize of one of the codes, so it
// counts nothing.
func distance(a, b *[planes][CodeSize]uint64, y0, y1, sy int) (d, n int) {
	var lo, hi, cnt int
	for y := y0; y < y1; y += 2 {
		// The masks keep the indices provably in range (they are already).
		i, j := y&(CodeSize-1), (y+sy)&(CodeSize-1)
		m := a[3][i] & b[3][j]
		x0, x1, x2 := a[0][i]^b[0][j], a[1][i]^b[1][j], a[2][i]^b[2][j]
		// Per point, x0+x1+x2 in binary is (h, l).
		t := x0 ^ x1
		l := t ^ x2
		h := x0&x1 | t&x2
		lo += bits.OnesCount64(l & m)
		hi += bits.OnesCount64(h & m)
		cnt += bits.OnesCount64(m)
	}
	return lo + 2*hi, cnt
}

func abs(v int) int {
	if v < 0 {
		return -v
	}
	return v
}

// popcount32 is bits.OnesCount32.
func popcount32(v uint32) int { return bits.OnesCount32(v) }
