package palm

import "testing"

// TestContrastFit checks that a background patch of a colour near the
// palm's, touching it, is left out of the mask, while the palm and a
// finger of the palm's colour far from the seed are kept.
func TestContrastFit(t *testing.T) {
	const w, h = 160, 120
	lum := make([]float32, w*h)
	nb := make([]float32, w*h)
	nr := make([]float32, w*h)
	type px struct{ l, b, r float32 }
	skin := px{0.6, -12, 18}
	peach := px{0.6, -15, 14} // clutter near skin colour: refit keeps it
	grey := px{0.5, 0, 0}
	at := func(x, y int) px {
		dx, dy := float64(x-60), float64(y-60)
		switch {
		case dx*dx+dy*dy < 25*25, x >= 60 && x < 150 && y >= 55 && y < 65: // palm and a finger
			return skin
		case x >= 85 && y >= 70: // clutter touching the palm
			return peach
		}
		return grey
	}
	for y := range h {
		for x := range w {
			p := at(x, y)
			// a little texture so the models have spread
			n := float32((x*7+y*13)%5-2) * 0.5
			i := y*w + x
			lum[i], nb[i], nr[i] = p.l, p.b+n, p.r-n
		}
	}
	m := contrastFit(seed{Point{60, 60}, 25}, lum, nb, nr, w, h)
	if m == nil {
		t.Fatal("no mask")
	}
	var in, out [3]int // skin, peach, grey: pixels in and out of the mask
	for y := range h {
		for x := range w {
			k := 0
			switch at(x, y) {
			case peach:
				k = 1
			case grey:
				k = 2
			}
			if m[y*w+x] != 0 {
				in[k]++
			} else {
				out[k]++
			}
		}
	}
	t.Logf("in %v out %v", in, out)
	if in[0] < 19*out[0] {
		t.Errorf("palm and finger: %d pixels in the mask, %d out", in[0], out[0])
	}
	if in[1] > out[1]/20 || in[2] != 0 {
		t.Errorf("clutter in the mask: %d of %d peach pixels, %d grey", in[1], in[1]+out[1], in[2])
	}
}
