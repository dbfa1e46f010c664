package palm

import (
	"image"
	"image/color"
	"math"
	"testing"
)

// seamImage is a 640 x 640 skin-coloured image with, where seam, a dark
// seam down x = 320 from y = 100 to y = 300 and, always, a dark crease
// across it at y = 200 (a palm line, which is no seam).
func seamImage(seam bool) *image.RGBA {
	m := image.NewRGBA(image.Rect(0, 0, 640, 640))
	for y := 0; y < 640; y++ {
		for x := 0; x < 640; x++ {
			k := 1.0
			if seam && y >= 100 && y <= 300 {
				dx := float64(x - 320)
				k -= 0.3 * math.Exp(-dx*dx/(2*4*4))
			}
			if dy := float64(y - 200); math.Abs(dy) < 3 {
				k -= 0.25
			}
			m.Set(x, y, color.RGBA{uint8(200 * k), uint8(150 * k), uint8(130 * k), 255})
		}
	}
	return m
}

func TestSeamLength(t *testing.T) {
	for _, seam := range []bool{true, false} {
		img := seamImage(seam)
		wk := newWork(img, workSide)
		sc := math.Max(wk.sx, wk.sy)
		prof := wk.seamProfile(img, Point{320, 100}, Point{0, -1}, 150)
		got := seamLength(prof) * sc // input pixels
		want := 0.0
		if seam {
			want = 200
		}
		if math.Abs(got-want) > 3*sc {
			t.Errorf("seam %v: length %.0f px, want %.0f", seam, got, want)
		}
	}
}
