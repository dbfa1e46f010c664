package palm

import (
	"image"
	"image/color"
	"testing"
)

// TestEdgesSkipCreases: a dark line across skin (a flexion crease) is no
// colour edge, a step from skin to clutter of another colour is.
func TestEdgesSkipCreases(t *testing.T) {
	const w, h = 96, 64
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	skin := color.RGBA{200, 150, 130, 255}
	for y := range h {
		for x := range w {
			c := skin
			switch {
			case x >= 70: // clutter
				c = color.RGBA{120, 160, 200, 255}
			case x == 30 || x == 31: // crease
				c = color.RGBA{150, 110, 95, 255}
			}
			img.Set(x, y, c)
		}
	}
	wk := newWork(img, workSide)
	e := edges(wk.lum, wk.cb, wk.cr, wk.w, wk.h)
	count := func(x0, x1 int) (n int) {
		for y := 2; y < h-2; y++ {
			for x := x0; x <= x1; x++ {
				n += int(e[y*w+x])
			}
		}
		return n
	}
	if n := count(27, 34); n != 0 {
		t.Errorf("%d edge pixels on the crease, want 0", n)
	}
	if n := count(67, 72); n < h-4 {
		t.Errorf("%d edge pixels on the skin-clutter step, want at least %d", n, h-4)
	}
}
