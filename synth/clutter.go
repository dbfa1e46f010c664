package synth

import (
	"math"
)

// clutter is a procedural indoor background at reduced resolution: a wall
// or table gradient with furniture-like rectangles, round objects, stripes
// and soft texture, all slightly out of focus.
type clutter struct {
	w, h  int
	pix   []float32 // RGB interleaved, linear
	scale float32   // output pixels per clutter pixel
}

func newClutter(r rng, outW, outH int) *clutter {
	const scale = 4
	w, h := outW/scale+1, outH/scale+1
	c := &clutter{w: w, h: h, pix: make([]float32, 3*w*h), scale: scale}
	base := [3]float32{float32(r.uniform(0.1, 0.7)), 0, 0}
	base[1] = base[0] * float32(r.uniform(0.8, 1.15))
	base[2] = base[0] * float32(r.uniform(0.7, 1.2))
	gx, gy := float32(r.sym(0.5)/float64(w)), float32(r.sym(0.5)/float64(h))
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			f := 1 + gx*float32(x-w/2) + gy*float32(y-h/2)
			i := 3 * (y*w + x)
			c.pix[i], c.pix[i+1], c.pix[i+2] = base[0]*f, base[1]*f, base[2]*f
		}
	}
	nShapes := 6 + r.IntN(14)
	for range nShapes {
		col := [3]float32{float32(r.uniform(0.02, 0.9)), float32(r.uniform(0.02, 0.9)), float32(r.uniform(0.02, 0.9))}
		if r.chance(0.5) { // many objects are greyish
			m := (col[0] + col[1] + col[2]) / 3
			for k := range col {
				col[k] = 0.7*m + 0.3*col[k]
			}
		}
		cx, cy := r.uniform(0, float64(w)), r.uniform(0, float64(h))
		ax, ay := r.uniform(0.03, 0.35)*float64(w), r.uniform(0.03, 0.35)*float64(h)
		ang := r.sym(0.4)
		if r.chance(0.3) {
			ang = r.uniform(0, math.Pi)
		}
		kind := r.IntN(3) // 0 rectangle, 1 ellipse, 2 stripes
		period := r.uniform(4, 20)
		soft := r.uniform(0.8, 3)
		ca, sa := math.Cos(ang), math.Sin(ang)
		ext := math.Hypot(ax, ay) + 4
		x0, x1 := max(0, int(cx-ext)), min(w, int(cx+ext)+1)
		y0, y1 := max(0, int(cy-ext)), min(h, int(cy+ext)+1)
		for y := y0; y < y1; y++ {
			for x := x0; x < x1; x++ {
				dx, dy := float64(x)-cx, float64(y)-cy
				u := dx*ca + dy*sa
				v := -dx*sa + dy*ca
				var d float64 // signed distance-ish, px
				switch kind {
				case 1:
					k := math.Hypot(u/ax, v/ay)
					d = (k - 1) * math.Min(ax, ay)
				default:
					d = math.Max(math.Abs(u)-ax, math.Abs(v)-ay)
				}
				a := float32(clamp(0.5-d/soft, 0, 1))
				if a == 0 {
					continue
				}
				shade := float32(1)
				if kind == 2 && math.Mod(math.Abs(u), period) < period/2 {
					shade = 0.7
				}
				i := 3 * (y*w + x)
				for k := range 3 {
					c.pix[i+k] += (col[k]*shade - c.pix[i+k]) * a
				}
			}
		}
	}
	return c
}

// fill writes the background, bilinearly enlarged and multiplied by the
// colour cast, into the planar channels ch of the output frame.
func (c *clutter) fill(ch [3][]float32, cast [3]float64) {
	outW := int(float32(c.w-1) * c.scale)
	n := len(ch[0])
	outH := n / outW
	if outW*outH != n {
		panic("synth: clutter size mismatch")
	}
	inv := 1 / c.scale
	// Column tables: source column and weight of every output column.
	x0s := make([]int32, outW)
	axs := make([]float32, outW)
	for x := range x0s {
		fx := float32(x) * inv
		x0 := min(int(fx), c.w-2)
		x0s[x], axs[x] = int32(3*x0), fx-float32(x0)
	}
	row := make([]float32, 3*c.w) // the two source rows blended for one output row
	for y := 0; y < outH; y++ {
		fy := float32(y) * inv
		y0 := min(int(fy), c.h-2)
		ay := fy - float32(y0)
		r0 := c.pix[3*y0*c.w : 3*(y0+1)*c.w]
		r1 := c.pix[3*(y0+1)*c.w : 3*(y0+2)*c.w]
		for i := range row {
			row[i] = r0[i] + (r1[i]-r0[i])*ay
		}
		for k := range 3 {
			out := ch[k][y*outW : (y+1)*outW]
			ck := float32(cast[k])
			for x := range out {
				j := int(x0s[x]) + k
				a := row[j]
				out[x] = (a + (row[j+3]-a)*axs[x]) * ck
			}
		}
	}
}
