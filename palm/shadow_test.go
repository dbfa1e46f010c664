package palm

import (
	"image"
	"image/color"
	"math"
	"testing"
)

// shadowScene is a 640 x 640 palm of skin colour with a gap of colour gap
// between two fingers, a wedge opening upwards from its tip at (320, 200),
// and below the tip, where shadow, the web's shadow down to y = 212 (the
// skin at 0.7 of its brightness). The silhouette, at the working scale of
// a half, leaves out the wedge and, where shadow, the shadow, as a
// segmentation by brightness would.
func shadowScene(gap color.RGBA, shadow bool) (*image.RGBA, *work, *found) {
	m := image.NewRGBA(image.Rect(0, 0, 640, 640))
	skin := [3]float64{200, 150, 130}
	inGap := func(x, y float64) bool { return y < 200 && math.Abs(x-320) < 0.18*(200-y) }
	inShadow := func(x, y float64) bool { return shadow && y >= 200 && y < 212 && math.Abs(x-320) < 30 }
	for y := 0; y < 640; y++ {
		for x := 0; x < 640; x++ {
			fx, fy := float64(x)+0.5, float64(y)+0.5
			switch {
			case inGap(fx, fy):
				m.Set(x, y, gap)
			case inShadow(fx, fy):
				m.Set(x, y, color.RGBA{uint8(0.7 * skin[0]), uint8(0.7 * skin[1]), uint8(0.7 * skin[2]), 255})
			default:
				m.Set(x, y, color.RGBA{uint8(skin[0]), uint8(skin[1]), uint8(skin[2]), 255})
			}
		}
	}
	wk := newWork(m, workSide)
	cp := &comp{bw: wk.w, bh: wk.h, mask: make([]uint8, wk.w*wk.h)}
	for y := 0; y < wk.h; y++ {
		for x := 0; x < wk.w; x++ {
			q := wk.toImage(float64(x), float64(y))
			if !inGap(q.X, q.Y) && !inShadow(q.X, q.Y) {
				cp.mask[y*wk.w+x] = 1
			}
		}
	}
	f := &found{comp: cp}
	f.open = [3]bool{true, false, false}
	f.bisect[0] = Point{0, -1}
	return m, wk, f
}

func TestShadowValley(t *testing.T) {
	blue := color.RGBA{150, 180, 230, 255}
	for _, c := range []struct {
		name   string
		gap    color.RGBA
		shadow bool
		from   float64 // the valley's y before
		want   float64 // and after
	}{
		{"coloured gap above a shadow", blue, true, 212, 200},
		{"black gap above a shadow", color.RGBA{10, 10, 10, 255}, true, 212, 200},
		{"valley at the gap", blue, false, 200, 200},
		{"gap of the hand's chroma", color.RGBA{250, 188, 163, 255}, true, 212, 212},
	} {
		img, wk, f := shadowScene(c.gap, c.shadow)
		v := [3]Point{{320, c.from}}
		if p, ok := wk.shadowValley(img, f, v[0], f.bisect[0]); ok {
			v[0] = p
		}
		// within 2 working pixels: the wedge is under a pixel wide for
		// its last 3 pixels
		if math.Abs(v[0].Y-c.want) > 4 || math.Abs(v[0].X-320) > 0.5 {
			t.Errorf("%s: valley moved from (320, %.0f) to (%.1f, %.1f), want (320, %.0f)", c.name, c.from, v[0].X, v[0].Y, c.want)
		}
	}
}
