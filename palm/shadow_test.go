package palm

import (
	"image"
	"image/color"
	"image/draw"
	"math"
	"testing"
)

// valleyScene paints m, 640 x 640, as a palm with a gap between two
// fingers, a wedge opening upwards from its tip at (320, 200), and, where
// band, a band of darker skin below the tip down to y = 212 (the web's
// shadow on colour photos, the web itself on NIR frames); paint gives the
// colour of the gap, the band and the palm. The silhouette, at the
// working scale of a half, leaves out the wedge and the band, as a
// segmentation by brightness would.
func valleyScene(m draw.Image, slope float64, band bool, paint func(gap, band bool) color.Color) (*work, *found) {
	inGap := func(x, y float64) bool { return y < 200 && math.Abs(x-320) < slope*(200-y) }
	inBand := func(x, y float64) bool { return band && y >= 200 && y < 212 && math.Abs(x-320) < 30 }
	for y := 0; y < 640; y++ {
		for x := 0; x < 640; x++ {
			fx, fy := float64(x)+0.5, float64(y)+0.5
			g := inGap(fx, fy)
			m.Set(x, y, paint(g, !g && inBand(fx, fy)))
		}
	}
	wk := newWork(m, workSide)
	cp := &comp{bw: wk.w, bh: wk.h, mask: make([]uint8, wk.w*wk.h)}
	for y := 0; y < wk.h; y++ {
		for x := 0; x < wk.w; x++ {
			q := wk.toImage(float64(x), float64(y))
			if !inGap(q.X, q.Y) && !inBand(q.X, q.Y) {
				cp.mask[y*wk.w+x] = 1
			}
		}
	}
	f := &found{comp: cp}
	f.open = [3]bool{true, false, false}
	f.bisect[0] = Point{0, -1}
	return wk, f
}

// shadowScene is valleyScene on a colour photo: skin, a gap of colour gap
// and, where shadow, the skin at 0.7 of its brightness in the band.
func shadowScene(gap color.RGBA, shadow bool) (*image.RGBA, *work, *found) {
	m := image.NewRGBA(image.Rect(0, 0, 640, 640))
	skin := [3]float64{200, 150, 130}
	wk, f := valleyScene(m, 0.18, shadow, func(g, band bool) color.Color {
		switch {
		case g:
			return gap
		case band:
			return color.RGBA{uint8(0.7 * skin[0]), uint8(0.7 * skin[1]), uint8(0.7 * skin[2]), 255}
		}
		return color.RGBA{uint8(skin[0]), uint8(skin[1]), uint8(skin[2]), 255}
	})
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

func TestWebValley(t *testing.T) {
	for _, c := range []struct {
		name           string
		palm, web, gap uint8 // grey levels; web 0: no band
		from, want     float64
	}{
		{"web above the valley", 130, 75, 20, 212, 200},
		{"valley at the gap", 130, 0, 20, 200, 200},
		{"gap barely darker than the web", 130, 75, 60, 212, 212},
		{"band as bright as the palm", 130, 130, 20, 212, 212},
	} {
		m := image.NewGray(image.Rect(0, 0, 640, 640))
		wk, f := valleyScene(m, 0.5, c.web != 0, func(g, band bool) color.Color {
			switch {
			case g:
				return color.Gray{c.gap}
			case band:
				return color.Gray{c.web}
			}
			return color.Gray{c.palm}
		})
		v := Point{320, c.from}
		if p, ok := wk.webValley(m, f, v, f.bisect[0]); ok {
			v = p
		}
		if math.Abs(v.Y-c.want) > 4 || math.Abs(v.X-320) > 0.5 {
			t.Errorf("%s: valley moved from (320, %.0f) to (%.1f, %.1f), want (320, %.0f)", c.name, c.from, v.X, v.Y, c.want)
		}
	}
}
