package synth

import (
	"fmt"
	"image"
	"image/draw"
	"math"

	"github.com/palmid/palmid/internal/fimg"
)

// Attack is a presentation attack: an artefact shown to a sensor in place of
// a live palm. The zero value, Live, is no attack.
type Attack int

// The presentation attacks synth renders.
const (
	// Live is a live palm, no attack.
	Live Attack = iota
	// Print is a phone photo of the palm printed on paper at life size and
	// held where the palm would be. Under NIR the paper is bright and flat,
	// the printed hand shows its surface lines weakly (colour inks are
	// nearly transparent in NIR) and no veins; the paper's grain and, unless
	// the hand was cut out, the sheet's edges show.
	Print
	// Screen is the photo replayed on a phone or tablet screen. Screens emit
	// almost no NIR, so a device sees a dark, low-contrast frame: the glass
	// and bezel lit by its LEDs, a specular hot spot, and the hand faint or
	// absent. A phone camera sees the photo with the screen's pixel grid
	// (moiré), a raised black level, a colour cast and glare.
	Screen
	// Silicone is a cast of the hand in silicone or latex: the hand's shape
	// and its moulded surface lines on a smooth, translucent, uniformly
	// coloured material with a sheen, different NIR reflectance and no
	// veins.
	Silicone
)

// Attacks lists the presentation attacks, Live excluded.
var Attacks = []Attack{Print, Screen, Silicone}

func (a Attack) String() string {
	switch a {
	case Live:
		return "live"
	case Print:
		return "print"
	case Screen:
		return "screen"
	case Silicone:
		return "silicone"
	}
	return fmt.Sprintf("attack(%d)", int(a))
}

// ParseAttack parses "live" (or ""), "print", "screen" or "silicone".
func ParseAttack(s string) (Attack, error) {
	switch s {
	case "live", "", "none":
		return Live, nil
	case "print":
		return Print, nil
	case "screen":
		return Screen, nil
	case "silicone":
		return Silicone, nil
	}
	return 0, fmt.Errorf("synth: unknown attack %q (want live, print, screen or silicone)", s)
}

// tagAttack separates the random streams of attack artefacts.
const tagAttack uint64 = 0x62

// RenderAttack renders sample number sample of presentation attack a against
// the identity in modality m. The artefact is held in the pose of the live
// capture with the same arguments, so Truth (Valleys, Centre, Mask, ...)
// places the hand shown by the artefact and Capture.TruthROI cuts where a
// perfect ROI extractor fooled by it would; Truth.Attack is a. RenderAttack
// with Live is Render. The same arguments always give the same pixels. It
// panics for an unknown attack. RenderAttack is safe for concurrent use.
func (id *Identity) RenderAttack(a Attack, m Modality, sample int, opts *Options) *Capture {
	if a == Live {
		return id.Render(m, sample, opts)
	}
	checkAttack(a)
	if m == Phone {
		return id.renderAttackPhone(a, sample, opts)
	}
	p, v := id.renderAttackDevice(a, sample, opts)
	if m == NIRPalm {
		return p
	}
	return v
}

// RenderAttackDevice renders the NIR palm-surface and vein images of one
// device capture of presentation attack a (see RenderAttack).
func (id *Identity) RenderAttackDevice(a Attack, sample int, opts *Options) (palm, vein *Capture) {
	if a == Live {
		return id.RenderDevice(sample, opts)
	}
	checkAttack(a)
	return id.renderAttackDevice(a, sample, opts)
}

func checkAttack(a Attack) {
	if a < Print || a > Silicone {
		panic(fmt.Sprintf("synth: unknown attack %d", int(a)))
	}
}

// artefact holds the drawn parameters of one attack capture.
type artefact struct {
	// print
	cutout        bool    // the hand was cut out of the sheet
	paper         float32 // NIR reflectance of the paper
	ink           float32 // NIR absorption of the darkest ink, 850 nm band
	sheet         rect    // the sheet (print) or screen, image pixels
	bgInk         *fimg.Image
	curl          [2]float32 // shading across the sheet: gradient along u, v
	skinLum       float32    // luminance of the printed skin
	glareX, glare float32
	// screen
	leak         float32 // NIR leaking through the screen, relative to skin
	spec         Point   // specular hot spot, image pixels
	specR, specA float32
	bezel        float32 // bezel width, pixels
	pitch, angle float64 // screen pixel pitch (camera pixels) and angle
	// silicone
	albedo  [2]float32 // NIR reflectance at the palm and vein bands
	colour  [3]float32 // visible colour, linear
	sheen   Point      // centre of the sheen
	sheenR  float32
	sheenA  float32
	creaseK float32 // moulded crease contrast relative to skin
}

// rect is a rotated rectangle in image pixels.
type rect struct {
	cx, cy, hw, hh, cos, sin float64
}

// coverage returns how much of pixel (x, y) the rectangle covers, with a one
// pixel soft edge, and the pixel's coordinates (u, v) in [-1, 1] across it.
func (r *rect) coverage(x, y int) (a, u, v float32) {
	dx, dy := float64(x)+0.5-r.cx, float64(y)+0.5-r.cy
	pu := dx*r.cos + dy*r.sin
	pv := -dx*r.sin + dy*r.cos
	e := math.Min(r.hw-math.Abs(pu), r.hh-math.Abs(pv)) + 0.5
	return float32(clamp(e, 0, 1)), float32(pu / r.hw), float32(pv / r.hh)
}

func (s *scene) newArtefact(a Attack, sample int, phone bool, tr *Truth) *artefact {
	kind := uint64(1)
	if phone {
		kind = 2
	}
	r := newRNG(s.id.Seed, tagAttack, uint64(int64(s.id.Index)), s.id.texSeed, uint64(a), kind, uint64(sample))
	ar := &artefact{}
	res := s.n.scale
	axis := tr.Orientation + math.Pi // the hand's long axis, towards the wrist
	switch a {
	case Print:
		ar.cutout = r.chance(0.3)
		ar.paper = float32(0.62 * r.uniform(1.05, 1.35))
		ar.ink = float32(r.uniform(0.3, 0.6))
		// A4 or letter at life size, the hand along its long side, the
		// palm centre somewhat above the sheet's centre.
		w, h := 210.0, 297.0
		if r.chance(0.5) {
			w, h = 216, 279
		}
		ang := axis + r.sym(0.12)
		off := r.uniform(0, 15) * res
		ar.sheet = rect{
			cx: tr.Centre.X + off*math.Cos(ang) + r.sym(15)*res, cy: tr.Centre.Y + off*math.Sin(ang) + r.sym(15)*res,
			hw: h / 2 * res, hh: w / 2 * res, cos: math.Cos(ang), sin: math.Sin(ang),
		}
		ar.bgInk = smoothNoise(r, s.w/32+2, s.h/32+2)
		ar.curl = [2]float32{float32(r.sym(0.15)), float32(r.sym(0.15))}
		sk := s.id.Skin.RGB
		ar.skinLum = float32(0.75 * (0.3*sk[0] + 0.59*sk[1] + 0.11*sk[2]))
		ar.glareX, ar.glare = float32(r.uniform(0, 1)), float32(r.uniform(0, 0.25))
	case Screen:
		// A tablet at life size, or a phone showing the hand smaller.
		w, h := r.uniform(150, 200), r.uniform(220, 270)
		ang := axis + r.sym(0.1)
		ar.sheet = rect{
			cx: tr.Centre.X + r.sym(20)*res, cy: tr.Centre.Y + r.sym(20)*res,
			hw: h / 2 * res, hh: w / 2 * res, cos: math.Cos(ang), sin: math.Sin(ang),
		}
		ar.bezel = float32(r.uniform(4, 12) * res)
		ar.leak = 0
		if r.chance(0.6) {
			ar.leak = float32(r.uniform(0.005, 0.03))
		}
		ar.spec = Point{tr.Centre.X + r.sym(60)*res, tr.Centre.Y + r.sym(60)*res}
		ar.specR = float32(r.uniform(15, 45) * res)
		ar.specA = float32(r.uniform(0.05, 0.4))
		ar.pitch = r.uniform(2.1, 3.6)
		ar.angle = r.sym(0.14)
		ar.glareX, ar.glare = float32(r.uniform(0, 1)), float32(r.uniform(0.05, 0.3))
	case Silicone:
		ar.albedo = [2]float32{float32(0.62 * r.uniform(0.8, 1.35)), float32(0.50 * r.uniform(0.85, 1.45))}
		base := [][3]float64{{0.70, 0.50, 0.42}, {0.62, 0.44, 0.36}, {0.75, 0.62, 0.52}, {0.55, 0.36, 0.30}}
		c := base[r.IntN(len(base))]
		for k := range 3 {
			ar.colour[k] = float32(c[k] * r.tnormal(1, 0.05))
		}
		ar.sheen = Point{tr.Centre.X + r.sym(25)*res, tr.Centre.Y + r.sym(25)*res}
		ar.sheenR = float32(r.uniform(12, 30) * res)
		ar.sheenA = float32(r.uniform(0.04, 0.18))
		ar.creaseK = float32(r.uniform(0.35, 0.8))
	}
	return ar
}

// smoothNoise is a w x h field of smooth noise in [0, 1].
func smoothNoise(r rng, w, h int) *fimg.Image {
	m := fimg.New(w, h)
	for i := range m.Pix {
		m.Pix[i] = float32(r.Float64())
	}
	fimg.BlurTo(m, m, 0.8)
	return m
}

func (ar *artefact) bgInkAt(x, y int) float32 {
	return clamp32(0.5+2.5*(ar.bgInk.Bilinear(float64(x)/32, float64(y)/32)-0.5), 0.05, 0.95)
}

// gauss2 is exp(-d²/2r²) for the squared distance d2.
func gauss2(d2, r float32) float32 {
	return float32(math.Exp(-float64(d2 / (2 * r * r))))
}

func (id *Identity) renderAttackDevice(a Attack, sampleN int, opts *Options) (*Capture, *Capture) {
	s := id.newScene(sampleN, false, opts)
	_, _, _, diff := opts.frame(false)
	tr := s.truth(sampleN, NIRPalm, diff)
	tr.Attack = a
	ar := s.newArtefact(a, sampleN, false, &tr)
	pl := make([]float32, s.w*s.h)
	vn := make([]float32, s.w*s.h)
	mask := image.NewGray(image.Rect(0, 0, s.w, s.h))
	lf := s.light()
	ambient := float32(s.n.ambient)
	ax, ay := float32(math.Cos(s.n.ambientDir)), float32(math.Sin(s.n.ambientDir))
	exp := float32(s.n.exposure)
	kc := float32(0.25 * id.crease)
	grain := newNoiseGen(mix(id.texSeed^uint64(sampleN)<<8) ^ 0xa7)
	s.walk(s.n.scale, true, func(i, x, y int, sm *sample) {
		amb := ambient * (0.5 + 0.5*(ax*(float32(x)/float32(s.w)-0.5)+ay*(float32(y)/float32(s.h)-0.5))*2)
		bg := 0.035 + amb
		l := lf.at(x, y)
		hand := sm.alpha
		switch a {
		case Print:
			cov, u, v := ar.sheet.coverage(x, y)
			if ar.cutout {
				cov = hand
			}
			g := grain.next()
			if cov == 0 {
				pl[i], vn[i] = bg, bg
				break
			}
			// Printed ink: the photo's darkness, the hand's skin with its
			// shading and creases over the photo's printed background.
			lum := ar.skinLum * sm.shade * (1 - 0.6*float32(id.crease)*sm.crease)
			ink := hand*(1-srgbF(lum)) + (1-hand)*ar.bgInkAt(x, y)
			flat := l * exp * ar.paper * (1 + ar.curl[0]*u + ar.curl[1]*v) * (1 + 0.025*g)
			p := flat * (1 - ar.ink*ink)
			q := flat * 0.97 * (1 - 0.5*ar.ink*ink)
			pl[i] = cov*p + (1-cov)*bg + amb*0.5
			vn[i] = cov*q + (1-cov)*bg + amb*0.5
			if hand >= 0.5 && cov >= 0.5 {
				mask.Pix[i] = 255
			}
		case Screen:
			cov, u, v := ar.sheet.coverage(x, y)
			if cov == 0 {
				pl[i], vn[i] = bg, bg
				break
			}
			dx, dy := float32(x)-float32(ar.spec.X), float32(y)-float32(ar.spec.Y)
			glass := l*exp*0.03 + ar.specA*gauss2(dx*dx+dy*dy, ar.specR)
			// The bezel is matte plastic, a little brighter than the glass.
			edge := float32(math.Min(float64((1-abs32(u))*float32(ar.sheet.hw)), float64((1-abs32(v))*float32(ar.sheet.hh))))
			if edge < ar.bezel {
				glass = l * exp * 0.07
			} else {
				lum := ar.skinLum * sm.shade * (1 - 0.45*float32(id.crease)*sm.crease)
				glass += hand * ar.leak * l * srgbF(lum)
				if hand >= 0.5 {
					mask.Pix[i] = 255
				}
			}
			pl[i] = cov*glass + (1-cov)*bg + amb*0.5
			vn[i] = cov*glass*0.9 + (1-cov)*bg + amb*0.5
		case Silicone:
			if hand == 0 {
				pl[i], vn[i] = bg, bg
				break
			}
			// Translucent: the edge darkens less, the moulded lines are
			// softened by scattering, and there are no veins.
			shade := 1 - (1-sm.shade)*0.6
			dx, dy := float32(x)-float32(ar.sheen.X), float32(y)-float32(ar.sheen.Y)
			sheen := ar.sheenA * gauss2(dx*dx+dy*dy, ar.sheenR)
			cr := ar.creaseK * (0.4*sm.crease + 0.6*sm.blurC)
			p := l*shade*exp*ar.albedo[0]*(1-kc*cr) + sheen*exp
			q := l*shade*exp*ar.albedo[1]*(1-0.12*sm.blurC*ar.creaseK) + sheen*exp*0.8
			pl[i] = hand*p + (1-hand)*bg + amb*0.5
			vn[i] = hand*q + (1-hand)*bg + amb*0.5
			if hand >= 0.5 {
				mask.Pix[i] = 255
			}
		}
	})
	tr.Mask = mask
	tv := tr
	tv.Modality = NIRVein
	return &Capture{Image: s.finishNIR(sampleN, pl, 0x11), Truth: tr}, &Capture{Image: s.finishNIR(sampleN, vn, 0x12), Truth: tv}
}

func abs32(v float32) float32 {
	if v < 0 {
		return -v
	}
	return v
}

// srgbF is the sRGB encoding of a linear value, in [0, 1].
func srgbF(v float32) float32 { return float32(srgb8(v)) / 255 }

// linLUT decodes 8-bit sRGB to linear.
var linLUT = func() [256]float32 {
	var t [256]float32
	for i := range t {
		v := float64(i) / 255
		if v <= 0.04045 {
			t[i] = float32(v / 12.92)
		} else {
			t[i] = float32(math.Pow((v+0.055)/1.055, 2.4))
		}
	}
	return t
}()

func (id *Identity) renderAttackPhone(a Attack, sampleN int, opts *Options) *Capture {
	if a == Silicone {
		return id.renderSiliconePhone(sampleN, opts)
	}
	// A print or a screen shows a phone photo of the palm; the photo of the
	// same sample stands in for the enrolment photo the attacker holds, and
	// the attack capture photographs it again.
	live := id.renderPhone(sampleN, opts)
	s := id.newScene(sampleN, true, opts)
	tr := live.Truth
	tr.Attack = a
	tr.Mask = image.NewGray(live.Truth.Mask.Rect)
	copy(tr.Mask.Pix, live.Truth.Mask.Pix)
	ar := s.newArtefact(a, sampleN, true, &tr)
	b := live.Image.Bounds()
	src := image.NewRGBA(b)
	draw.Draw(src, b, live.Image, b.Min, draw.Src)
	out := image.NewRGBA(b)
	w, h := b.Dx(), b.Dy()
	g := newNoiseGen(mix(id.texSeed^uint64(sampleN)<<8) ^ 0xb3)
	r := newRNG(id.Seed, tagAttack, uint64(int64(id.Index)), uint64(a), 3, uint64(sampleN))
	// The surface the print lies on, or the room around the screen.
	table := [3]float32{float32(r.uniform(0.05, 0.4)), 0, 0}
	table[1] = table[0] * float32(r.uniform(0.8, 1.1))
	table[2] = table[0] * float32(r.uniform(0.6, 1.1))
	sc, sn := math.Cos(ar.angle), math.Sin(ar.angle)
	for y := range h {
		for x := range w {
			i := 4 * (y*w + x)
			var c [3]float32
			for k := range 3 {
				c[k] = linLUT[src.Pix[i+k]]
			}
			cov, u, v := ar.sheet.coverage(x, y)
			var o [3]float32
			switch a {
			case Print:
				// Paper white and ink black compress the range; prints lose
				// saturation; matte paper has grain and the sheet may catch a
				// broad glare.
				grey := 0.3*c[0] + 0.59*c[1] + 0.11*c[2]
				gl := ar.glare * gauss2((u-(2*ar.glareX-1))*(u-(2*ar.glareX-1)), 0.35)
				n := 1 + 0.03*g.next()
				for k := range 3 {
					p := 0.8*c[k] + 0.2*grey
					p = 0.04 + 0.78*p
					o[k] = (p*(1+ar.curl[0]*u+ar.curl[1]*v)*n + gl)
				}
			case Screen:
				// The screen's sub-pixel stripes and pixel rows, sampled by
				// the camera, alias into moiré; black is grey, the cast is
				// blue and a window reflects on the glass.
				px := float64(x)*sc + float64(y)*sn
				py := -float64(x)*sn + float64(y)*sc
				row := float32(0.8 + 0.2*math.Cos(2*math.Pi*py/ar.pitch))
				gl := ar.glare * gauss2((u-(2*ar.glareX-1))*(u-(2*ar.glareX-1)), 0.2)
				cast := [3]float32{0.9, 0.97, 1.1}
				edge := float32(math.Min(float64((1-abs32(u))*float32(ar.sheet.hw)), float64((1-abs32(v))*float32(ar.sheet.hh))))
				for k := range 3 {
					sub := float32(0.55 + 0.45*math.Cos(2*math.Pi*(px/ar.pitch-float64(k)/3)))
					o[k] = (0.015+0.85*c[k]*cast[k])*sub*row*1.3 + gl
					if edge < ar.bezel*1.8 {
						o[k] = 0.02 + gl*0.5
					}
				}
			}
			for k := range 3 {
				vv := cov*o[k] + (1-cov)*table[k]*(1+0.02*g.next())
				out.Pix[i+k] = srgb8(vv)
			}
			out.Pix[i+3] = 255
			if cov < 0.5 {
				tr.Mask.Pix[y*tr.Mask.Stride+x] = 0
			}
		}
	}
	img, enc := jpegRoundTrip(out, s.n.jpegQ)
	return &Capture{Image: img, Truth: tr, jpeg: enc}
}

// renderSiliconePhone renders a silicone hand on the phone's cluttered
// background: renderPhone's scene with the cast's uniform colour, softened
// moulded lines, a translucent edge and a sheen.
func (id *Identity) renderSiliconePhone(sampleN int, opts *Options) *Capture {
	s := id.newScene(sampleN, true, opts)
	_, _, _, diff := opts.frame(true)
	tr := s.truth(sampleN, Phone, diff)
	tr.Attack = Silicone
	ar := s.newArtefact(Silicone, sampleN, true, &tr)
	n := s.w * s.h
	ch := [3][]float32{make([]float32, n), make([]float32, n), make([]float32, n)}
	bg := newClutter(newRNG(id.Seed, tagBack, uint64(int64(id.Index)), uint64(sampleN)), s.w, s.h)
	bg.fill(ch, s.n.cast)
	mask := image.NewGray(image.Rect(0, 0, s.w, s.h))
	lf := s.light()
	var col [3]float32
	for c := range 3 {
		col[c] = float32(0.75 * float64(ar.colour[c]) * s.n.cast[c] * s.n.exposure)
	}
	kc := 0.45 * ar.creaseK * float32(id.crease)
	s.walk(s.n.scale, false, func(i, x, y int, sm *sample) {
		if sm.alpha == 0 {
			return
		}
		shade := 1 - (1-sm.shade)*0.6
		dx, dy := float32(x)-float32(ar.sheen.X), float32(y)-float32(ar.sheen.Y)
		sheen := ar.sheenA * gauss2(dx*dx+dy*dy, ar.sheenR)
		for c := range 3 {
			v := col[c]*shade*(1-kc*sm.crease) + sheen
			ch[c][i] = sm.alpha*v + (1-sm.alpha)*ch[c][i]
		}
		if sm.alpha >= 0.5 {
			mask.Pix[i] = 255
		}
	})
	out := image.NewRGBA(image.Rect(0, 0, s.w, s.h))
	g := newNoiseGen(mix(id.texSeed^uint64(sampleN)<<8) ^ 0xc5)
	ns := float32(s.n.noise)
	for c := range 3 {
		img := &fimg.Image{W: s.w, H: s.h, Pix: ch[c]}
		for y := range s.h {
			for x := range s.w {
				ch[c][y*s.w+x] *= lf.at(x, y)
			}
		}
		s.blur(img)
		for i, v := range ch[c] {
			v += ns * g.next() * (0.3 + v)
			out.Pix[4*i+c] = srgb8(v)
		}
	}
	for i := 0; i < n; i++ {
		out.Pix[4*i+3] = 255
	}
	tr.Mask = mask
	img, enc := jpegRoundTrip(out, s.n.jpegQ)
	return &Capture{Image: img, Truth: tr, jpeg: enc}
}
