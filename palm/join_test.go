package palm

import "testing"

// TestJoinPieces checks that where colour edges cut a finger along a
// crease, largest joins the cut-off part back to the hand, while clutter
// beyond an edge stays out: a piece of another colour, and a piece of the
// hand's colour too large to be a finger's part.
func TestJoinPieces(t *testing.T) {
	const w, h = 160, 120
	n := w * h
	m := make([]uint8, n)
	edge := make([]uint8, n)
	lum := make([]float32, n)
	nb := make([]float32, n)
	nr := make([]float32, n)
	type region int
	const (
		bg region = iota
		palm
		tip   // a finger's part beyond a crease
		other // clutter of another colour beside the finger
		panel // a large piece of the hand's colour beside the palm
	)
	at := func(x, y int) region {
		dx, dy := float64(x-50), float64(y-60)
		switch {
		case dx*dx+dy*dy < 28*28, x >= 50 && x < 101 && y >= 56 && y < 64:
			return palm // palm and a finger's base
		case x >= 101 && x < 130 && y >= 56 && y < 64:
			return tip
		case x >= 100 && x < 130 && y >= 64 && y < 80:
			return other
		case x >= 60 && x < 110 && y >= 86 && y < 104:
			return panel
		}
		return bg
	}
	for y := range h {
		for x := range w {
			i := y*w + x
			r := at(x, y)
			tx := float32((x*7+y*13)%5-2) * 0.5 // texture, so that the hand's chroma has spread
			switch r {
			case palm, tip, panel:
				m[i], lum[i], nb[i], nr[i] = 1, 0.6, -12+tx, 18-tx
			case other:
				m[i], lum[i], nb[i], nr[i] = 1, 0.6, -4, 8
			default:
				lum[i] = 0.3
			}
		}
	}
	// colour edges where regions meet: the crease across the finger, the
	// rims between the finger and the clutter beside it and between the
	// palm and the panel
	for y := 1; y < h-1; y++ {
		for x := 1; x < w-1; x++ {
			r := at(x, y)
			for _, q := range [4][2]int{{x - 1, y}, {x + 1, y}, {x, y - 1}, {x, y + 1}} {
				if o := at(q[0], q[1]); r != bg && o != bg && o != r {
					edge[y*w+x] = 1
				}
			}
		}
	}
	cs := largest(append([]uint8(nil), m...), edge, w, h, 1, 100, true, lum, nb, nr)
	if len(cs) != 1 {
		t.Fatalf("%d components, want 1", len(cs))
	}
	full := cs[0].full(w, h)
	var in, all [5]int
	for y := range h {
		for x := range w {
			r := at(x, y)
			all[r]++
			if full[y*w+x] != 0 {
				in[r]++
			}
		}
	}
	if in[tip] < all[tip]*9/10 {
		t.Errorf("finger part beyond the crease: %d of %d pixels joined", in[tip], all[tip])
	}
	if in[other] > all[other]/5 { // the rims grow back by two pixels
		t.Errorf("clutter of another colour: %d of %d pixels joined", in[other], all[other])
	}
	if in[panel] > all[panel]/5 {
		t.Errorf("large piece of the hand's colour: %d of %d pixels joined", in[panel], all[panel])
	}
	if in[palm] < all[palm]*9/10 {
		t.Errorf("palm: %d of %d pixels kept", in[palm], all[palm])
	}
}
