package synth

import (
	"math"

	"github.com/palmid/palmid/internal/fimg"
)

// Canonical texture extent, millimetres, in the canonical hand frame. It
// covers the palm, the finger bases and the wrist for every hand size synth
// draws.
const (
	texX0, texX1 = -66.0, 66.0
	texY0, texY1 = -86.0, 100.0
	texRes       = 5.0 // pixels per millimetre at pyramid level 0
)

// mipmap is a pyramid of a canonical map; level k has texRes/2^k px/mm.
type mipmap []*fimg.Image

// textures are an identity's canonical-frame maps.
type textures struct {
	crease mipmap // surface darkening: principal lines, creases, dermal texture
	vein   mipmap // vessel darkening under NIR (level 0 is at texRes/2)
}

// maps returns the identity's canonical maps, building them on first use.
// It is safe for concurrent use.
func (id *Identity) maps() *textures {
	id.texOnce.Do(func() { id.tex = id.buildTextures() })
	return id.tex
}

func (id *Identity) buildTextures() *textures {
	w := int((texX1 - texX0) * texRes)
	h := int((texY1 - texY0) * texRes)
	c := fimg.New(w, h)
	for i := range id.principal {
		splatCurve(c, &id.principal[i], texRes, id.crease)
	}
	for i := range id.creases {
		splatCurve(c, &id.creases[i], texRes, id.crease)
	}
	addDermal(c, id.texSeed)

	vr := texRes / 2
	v := fimg.New(int((texX1-texX0)*vr), int((texY1-texY0)*vr))
	for i := range id.vessels {
		splatVessel(v, &id.vessels[i], vr, id.veinGain)
	}
	return &textures{crease: pyramid(c, 3), vein: pyramid(v, 2)}
}

// splatCurve draws a crease into m (max-combining darkness) by stamping its
// cross-section profile along the curve at sub-pixel steps.
func splatCurve(m *fimg.Image, c *curve, res, gain float64) {
	// Approximate arc length from a coarse polyline.
	const coarse = 16
	var length float64
	prev := c.at(0)
	for i := 1; i <= coarse; i++ {
		p := c.at(float64(i) / coarse)
		length += p.sub(prev).len()
		prev = p
	}
	n := int(length*res*2) + 2
	sigma := c.Width / 2.2 * res // pixels
	if sigma < 0.6 {
		sigma = 0.6
	}
	rad := int(math.Ceil(2.5 * sigma))
	inv := 1 / (2 * sigma * sigma)
	for i := 0; i <= n; i++ {
		t := float64(i) / float64(n)
		taper := 1.0
		if t < c.Taper0 {
			taper = t / c.Taper0
		} else if 1-t < c.Taper1 {
			taper = (1 - t) / c.Taper1
		}
		taper = taper * taper * (3 - 2*taper)
		d := c.Depth * gain * taper
		if d <= 0.01 {
			continue
		}
		stamp(m, c.at(t), res, rad, inv, d)
	}
}

// stamp max-combines into m a Gaussian bump of height amp centred on the
// canonical point p, with exponent factor inv (1/(2 sigma^2) in texels)
// and support radius rad texels.
func stamp(m *fimg.Image, p vec, res float64, rad int, inv, amp float64) {
	px, py := (p.X-texX0)*res, (p.Y-texY0)*res
	cx, cy := int(px), int(py)
	for y := max(cy-rad, 0); y <= min(cy+rad, m.H-1); y++ {
		dy := float64(y) + 0.5 - py
		row := m.Pix[y*m.W : (y+1)*m.W]
		for x := max(cx-rad, 0); x <= min(cx+rad, m.W-1); x++ {
			dx := float64(x) + 0.5 - px
			if v := float32(amp * math.Exp(-(dx*dx+dy*dy)*inv)); v > row[x] {
				row[x] = v
			}
		}
	}
}

// splatVessel draws a vein as it looks through the skin: light scattering
// widens it and lowers its contrast with depth.
func splatVessel(m *fimg.Image, v *vessel, res, gain float64) {
	spread := math.Hypot(v.Radius, 0.3*v.Depth) // mm
	sigma := spread * res
	contrast := gain * 0.8 * (v.Radius / spread) * math.Exp(-(v.Depth-3)/4)
	rad := int(math.Ceil(2.5 * sigma))
	inv := 1 / (2 * sigma * sigma)
	for i := 1; i < len(v.Pts); i++ {
		a, b := v.Pts[i-1], v.Pts[i]
		steps := int(b.sub(a).len()*res*1.5) + 1
		for s := 0; s < steps; s++ {
			stamp(m, a.lerp(b, float64(s)/float64(steps)), res, rad, inv, contrast)
		}
	}
}

// addDermal adds the skin texture as small signed darkening: a fine grain
// (papillary ridges and pores at the canonical resolution), an isotropic
// mottle of about 0.6 mm that survives at ROI resolution, and blotches of a
// few millimetres, and the relief of the palm over centimetres.
func addDermal(m *fimg.Image, seed uint64) {
	g := newNoiseGen(seed)
	fine := fimg.New(m.W, m.H)
	for i := range fine.Pix {
		fine.Pix[i] = g.next()
	}
	mottle := fine.Clone()
	fimg.BlurTo(fine, fine, 0.8)
	boxBlur(mottle, 3)
	// Normalise the mottle to unit standard deviation.
	var ss float64
	for _, v := range mottle.Pix {
		ss += float64(v * v)
	}
	norm := float32(1 / math.Sqrt(ss/float64(len(mottle.Pix))+1e-12))
	// Blotches: blur a decimated noise field.
	cw, ch := m.W/8+2, m.H/8+2
	cn := fimg.New(cw, ch)
	for i := range cn.Pix {
		cn.Pix[i] = g.next()
	}
	fimg.BlurTo(cn, cn, 1.2)
	// Relief: the palm's hollows and mounds shade it over centimetres.
	rw, rh := m.W/40+2, m.H/40+2
	rl := fimg.New(rw, rh)
	for i := range rl.Pix {
		rl.Pix[i] = g.next()
	}
	fimg.BlurTo(rl, rl, 0.7)
	for y := 0; y < m.H; y++ {
		for x := 0; x < m.W; x++ {
			i := y*m.W + x
			b := cn.Bilinear(float64(x)/8, float64(y)/8)
			r := rl.Bilinear(float64(x)/40, float64(y)/40)
			m.Pix[i] += 0.10*fine.Pix[i] + 0.035*norm*mottle.Pix[i] + 0.10*b + 0.25*r
		}
	}
}

// pyramid builds n levels by 2x2 box averaging.
func pyramid(m *fimg.Image, n int) mipmap {
	p := mipmap{m}
	for k := 1; k < n; k++ {
		s := p[k-1]
		d := fimg.New(s.W/2, s.H/2)
		for y := 0; y < d.H; y++ {
			r0 := s.Pix[2*y*s.W:]
			r1 := s.Pix[(2*y+1)*s.W:]
			for x := 0; x < d.W; x++ {
				d.Pix[y*d.W+x] = 0.25 * (r0[2*x] + r0[2*x+1] + r1[2*x] + r1[2*x+1])
			}
		}
		p = append(p, d)
	}
	return p
}

// level picks the pyramid level for sampling at outRes pixels per mm:
// the coarsest level whose resolution is still at least outRes.
func (p mipmap) level(baseRes, outRes float64) (*fimg.Image, float64) {
	k, res := 0, baseRes
	for k+1 < len(p) && res/2 >= outRes {
		k++
		res /= 2
	}
	return p[k], res
}
