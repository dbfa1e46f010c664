package synth

import (
	"image"
	"image/color"
	"image/draw"
	"math"

	xdraw "golang.org/x/image/draw"
)

// ContactSheet renders sample 0 of each identity in all three modalities, one
// row per identity (phone photo, NIR palm, NIR vein), each cell cell pixels
// wide, with the ground-truth keypoints drawn: valleys in red, green and
// blue, the palm centre in yellow and the orientation as a yellow line.
func ContactSheet(ids []*Identity, cell int, opts *Options) *image.RGBA {
	ch := cell * 3 / 4
	sheet := image.NewRGBA(image.Rect(0, 0, 3*cell, len(ids)*ch))
	draw.Draw(sheet, sheet.Bounds(), image.NewUniform(color.Gray{32}), image.Point{}, draw.Src)
	for row, id := range ids {
		ph := id.Render(Phone, 0, opts)
		p, v := id.RenderDevice(0, opts)
		for col, c := range []*Capture{ph, p, v} {
			b := c.Image.Bounds()
			s := math.Min(float64(cell)/float64(b.Dx()), float64(ch)/float64(b.Dy()))
			r := image.Rect(0, 0, int(float64(b.Dx())*s), int(float64(b.Dy())*s)).Add(image.Pt(col*cell, row*ch))
			xdraw.ApproxBiLinear.Scale(sheet, r, c.Image, b, draw.Src, nil)
			DrawTruth(sheet, &c.Truth, s, r.Min)
		}
	}
	return sheet
}

// DrawTruth draws a capture's keypoints onto dst, scaled by s and offset by
// off (the placement of the capture within dst).
func DrawTruth(dst draw.Image, t *Truth, s float64, off image.Point) {
	at := func(p Point) (int, int) {
		return off.X + int(p.X*s), off.Y + int(p.Y*s)
	}
	cols := []color.RGBA{{255, 40, 40, 255}, {40, 255, 40, 255}, {60, 120, 255, 255}}
	for i, v := range t.Valleys {
		x, y := at(v)
		dot(dst, x, y, 3, cols[i])
	}
	if f, err := t.ROIFrame(); err == nil {
		cs := f.Corners()
		cyan := color.RGBA{0, 230, 255, 255}
		for k := range cs {
			a, b := cs[k], cs[(k+1)%4]
			x0, y0 := at(Point{a.X, a.Y})
			x1, y1 := at(Point{b.X, b.Y})
			line(dst, x0, y0, x1, y1, cyan)
		}
	}
	cx, cy := at(t.Centre)
	yellow := color.RGBA{255, 230, 0, 255}
	dot(dst, cx, cy, 3, yellow)
	l := 25 * t.PxPerMM * s
	for k := 0.0; k < l; k++ {
		dst.Set(cx+int(k*math.Cos(t.Orientation)), cy+int(k*math.Sin(t.Orientation)), yellow)
	}
}

func dot(dst draw.Image, x, y, r int, c color.Color) {
	for dy := -r; dy <= r; dy++ {
		for dx := -r; dx <= r; dx++ {
			if dx*dx+dy*dy <= r*r {
				dst.Set(x+dx, y+dy, c)
			}
		}
	}
}

func line(dst draw.Image, x0, y0, x1, y1 int, c color.Color) {
	n := max(abs(x1-x0), abs(y1-y0), 1)
	for k := 0; k <= n; k++ {
		dst.Set(x0+(x1-x0)*k/n, y0+(y1-y0)*k/n, c)
	}
}

func abs(x int) int {
	if x < 0 {
		return -x
	}
	return x
}
