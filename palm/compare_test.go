package palm

import (
	"image"
	"math"
	"math/rand/v2"
	"sync"
	"testing"
)

// randomCode returns a code with uniformly random orientations, each sample
// valid with probability pValid (forced to at least MinValid samples).
func randomCode(r *rand.Rand, pValid float64) *Code {
	var rows [planes][CodeSize]uint32
	n := 0
	for y := range CodeSize {
		for x := range CodeSize {
			if r.Float64() >= pValid {
				continue
			}
			n++
			b := orientBits[r.IntN(Orientations)]
			for p := range 3 {
				rows[p][y] |= uint32(b>>p&1) << x
			}
			rows[3][y] |= 1 << x
		}
	}
	c := new(Code)
	c.setRows(&rows)
	return c
}

// refMatch is Match written plainly over the samples, for checking the
// packed implementation.
func refMatch(a, b *Code, S int) (score float64, dx, dy int) {
	best, bx, by := math.Inf(1), 0, 0
	for sy := -S; sy <= S; sy++ {
		for sx := -S; sx <= S; sx++ {
			d, n := 0, 0
			for y := range CodeSize {
				for x := range CodeSize {
					if x+sx < 0 || x+sx >= CodeSize || y+sy < 0 || y+sy >= CodeSize {
						continue
					}
					oa, va := a.At(x, y)
					ob, vb := b.At(x+sx, y+sy)
					if !va || !vb {
						continue
					}
					n++
					diff := abs(oa - ob)
					d += min(diff, Orientations-diff)
				}
			}
			if n < MinValid {
				continue
			}
			D := float64(d) / float64(3*n)
			if D < best || (D == best && abs(sx)+abs(sy) < abs(bx)+abs(by)) {
				best, bx, by = D, sx, sy
			}
		}
	}
	if math.IsInf(best, 1) {
		return 0, 0, 0
	}
	return 1 - best, bx, by
}

// TestMatchReference compares the packed exhaustive search with the plain
// loop on random codes with various masks, and on shifted copies of one
// code, and checks that Match never beats the exhaustive search. (Random
// codes have no spatial coherence, so the coarse-to-fine Match may miss
// their best shift; TestMatchShiftedCopies checks it on a texture.)
func TestMatchReference(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	for _, tc := range []struct {
		name   string
		pa, pb float64
	}{
		{"all valid", 1, 1},
		{"a half valid", 0.5, 1},
		{"both sparse", 0.5, 0.6},
		{"too sparse to overlap", 0.3, 0.3},
	} {
		for i := range 5 {
			a, b := randomCode(r, tc.pa), randomCode(r, tc.pb)
			if tc.name == "all valid" && i > 0 {
				// b is a shifted copy of a, masked where it has no data.
				b = shifted(a, i-3, 4-i)
			}
			all, _, _ := matchAll(a, b, MaxShift)
			if s := Compare(a, b); s > all {
				t.Errorf("%s #%d: coarse-to-fine score %g above the exhaustive %g", tc.name, i, s, all)
			}
			for _, S := range []int{0, 1, MaxShift, maxShiftLimit} {
				s, dx, dy := matchAll(a, b, S)
				rs, rdx, rdy := refMatch(a, b, S)
				if math.Abs(s-rs) > 1e-12 || dx != rdx || dy != rdy {
					t.Errorf("%s #%d, S=%d: got %.6f at (%d, %d), reference %.6f at (%d, %d)",
						tc.name, i, S, s, dx, dy, rs, rdx, rdy)
				}
			}
		}
	}
}

// shifted returns c's content moved so that shifted(x+dx, y+dy) = c(x, y),
// invalid where c has no data.
func shifted(c *Code, dx, dy int) *Code {
	var rows [planes][CodeSize]uint32
	for y := range CodeSize {
		for x := range CodeSize {
			o, ok := c.At(x, y)
			X, Y := x+dx, y+dy
			if !ok || X < 0 || Y < 0 || X >= CodeSize || Y >= CodeSize {
				continue
			}
			b := orientBits[o]
			for p := range 3 {
				rows[p][Y] |= uint32(b>>p&1) << X
			}
			rows[3][Y] |= 1 << X
		}
	}
	s := new(Code)
	s.setRows(&rows)
	return s
}

func TestMatchShiftedCopies(t *testing.T) {
	a := mustCode(t, noiseROI(7))
	for _, d := range []image.Point{{0, 0}, {1, 0}, {0, -1}, {-4, 3}, {4, 4}, {-3, -4}} {
		b := shifted(a, d.X, d.Y)
		s, dx, dy := Match(a, b)
		if s != 1 || dx != d.X || dy != d.Y {
			t.Errorf("copy shifted by %v: score %g at (%d, %d)", d, s, dx, dy)
		}
		// Swapping the arguments negates the shift and keeps the score.
		if s2, dx2, dy2 := Match(b, a); s2 != s || dx2 != -dx || dy2 != -dy {
			t.Errorf("swapped, shift %v: score %g at (%d, %d)", d, s2, dx2, dy2)
		}
	}
	// Beyond MaxShift the copy is not found.
	if s := Compare(a, shifted(a, MaxShift+3, 0)); s > 0.7 {
		t.Errorf("copy shifted by %d: score %g", MaxShift+3, s)
	}
}

// TestMatchROIShift checks shift recovery on the ROI level: a window of a
// larger texture moved by whole code steps (4 px at 128).
func TestMatchROIShift(t *testing.T) {
	big := noiseROI(8)
	crop := func(x0, y0 int) image.Image { return scaleUp(big, 2).SubImage(image.Rect(x0, y0, x0+128, y0+128)) }
	a := mustCode(t, crop(64, 64))
	for _, d := range []image.Point{{1, 0}, {-2, 3}, {4, -4}} {
		b := mustCode(t, crop(64+4*d.X, 64+4*d.Y))
		s, dx, dy := Match(a, b)
		// b's content lies -d from a's. The padding at the edges differs,
		// so the score is below 1.
		if dx != -d.X || dy != -d.Y || s < 0.85 {
			t.Errorf("ROI moved by %v steps: score %.3f at (%d, %d)", d, s, dx, dy)
		}
	}
}

func TestCompareSpecial(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	a := randomCode(r, 1)
	for _, tc := range []struct {
		name string
		a, b *Code
		want float64
	}{
		{"self", a, a, 1},
		{"zero code", &Code{}, a, 0},
		{"both zero", &Code{}, &Code{}, 0},
	} {
		if s := Compare(tc.a, tc.b); s != tc.want {
			t.Errorf("%s: score %g, want %g", tc.name, s, tc.want)
		}
	}
	// Every sample 3 steps away at shift 0; other shifts look random.
	if s, _, _ := matchAll(a, inverse(a), 0); s != 0 {
		t.Errorf("inverse orientations, no shift: score %g, want 0", s)
	}
	// Unrelated random codes sit near 0.5 plus the gain of the best shift.
	var sum float64
	for range 20 {
		sum += Compare(randomCode(r, 1), randomCode(r, 1))
	}
	if m := sum / 20; m < 0.5 || m > 0.53 {
		t.Errorf("mean score of random codes %.4f, want just above 0.5", m)
	}
}

// inverse returns c with every orientation turned by 90 degrees.
func inverse(c *Code) *Code {
	var rows [planes][CodeSize]uint32
	for y := range CodeSize {
		for x := range CodeSize {
			o, ok := c.At(x, y)
			if !ok {
				continue
			}
			b := orientBits[(o+3)%Orientations]
			for p := range 3 {
				rows[p][y] |= uint32(b>>p&1) << x
			}
			rows[3][y] |= 1 << x
		}
	}
	s := new(Code)
	s.setRows(&rows)
	return s
}

func TestCompareBest(t *testing.T) {
	r := rand.New(rand.NewPCG(5, 6))
	a, b, c := randomCode(r, 1), randomCode(r, 1), randomCode(r, 1)
	if s := CompareBest(a, nil); s != 0 {
		t.Errorf("no enrolled codes: %g", s)
	}
	if s := CompareBest(a, []*Code{b, a, c}); s != 1 {
		t.Errorf("probe among the enrolled: %g", s)
	}
	if s, want := CompareBest(a, []*Code{b, c}), max(Compare(b, a), Compare(c, a)); s != want {
		t.Errorf("best of two: %g, want %g", s, want)
	}
}

func TestCompareAllocs(t *testing.T) {
	a, b := mustCode(t, noiseROI(1)), mustCode(t, noiseROI(2))
	enrolled := []*Code{a, b}
	for name, f := range map[string]func(){
		"Compare":     func() { Compare(a, b) },
		"CompareBest": func() { CompareBest(b, enrolled) },
	} {
		if n := testing.AllocsPerRun(20, f); n != 0 {
			t.Errorf("%s allocates %g times a call", name, n)
		}
	}
}

// TestConcurrentUse makes and compares codes from several goroutines at
// once (run with -race).
func TestConcurrentUse(t *testing.T) {
	ref := make([]*Code, 4)
	for i := range ref {
		ref[i] = mustCode(t, noiseROI(uint64(10+i)))
	}
	var wg sync.WaitGroup
	for g := range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			c, err := NewCode(noiseROI(uint64(10 + g)))
			if err != nil {
				t.Error(err)
				return
			}
			for i, r := range ref {
				if s := Compare(r, c); (i == g) != (s == 1) {
					t.Errorf("goroutine %d: score %g against code %d", g, s, i)
				}
			}
		}()
	}
	wg.Wait()
}
