package synth

import (
	"bytes"
	"image"
	"image/jpeg"
	"math"

	"github.com/palmid/palmid/internal/fimg"
)

// Modality is the kind of image a capture is.
type Modality int

// The modalities synth renders.
const (
	// Phone is a visible-light RGB photo of the whole hand on a cluttered
	// background, 1280x960 by default, JPEG-compressed.
	Phone Modality = iota
	// NIRPalm is a device's near-infrared palm-surface image, 640x480 8-bit
	// by default: creases clear, veins faint.
	NIRPalm
	// NIRVein is a device's near-infrared vein image from the same pose as
	// NIRPalm: veins dark under the skin, surface lines faint.
	NIRVein
)

func (m Modality) String() string {
	switch m {
	case NIRPalm:
		return "nir-palm"
	case NIRVein:
		return "nir-vein"
	}
	return "phone"
}

// Options control rendering. A nil *Options means the defaults.
type Options struct {
	Difficulty Difficulty
	// Width and Height of the frame; zero means 1280x960 for Phone and
	// 640x480 for the device modalities.
	Width, Height int
	// PxPerMM is the nominal scale at the palm centre before the scale
	// nuisance; zero means 3.6 for Phone and 2.0 for the device.
	PxPerMM float64
}

// Capture is a rendered image with its ground truth.
type Capture struct {
	// Image is *image.YCbCr (a decoded JPEG) for Phone and *image.Gray for
	// the NIR modalities.
	Image image.Image
	Truth Truth

	jpeg []byte // the encoded phone photo, for writing without re-encoding
}

// Truth is what the renderer knows about a capture.
type Truth struct {
	Seed       uint64
	Identity   int // -1 for relatives
	Sample     int
	Modality   Modality
	Hand       Hand
	Difficulty Difficulty
	// Valleys are the finger valleys on the hand contour: index–middle,
	// middle–ring and ring–little, in image pixels.
	Valleys [3]Point
	// ValleysOpen is false where two fingers are held together so the gap
	// above the valley is closed; the valley is still the web between them.
	ValleysOpen [3]bool
	// Centre is the palm centre in image pixels.
	Centre Point
	// Orientation is the image direction from the palm centre towards the
	// middle finger, radians, atan2(dy, dx) with y down.
	Orientation float64
	// PxPerMM is the local image scale at the palm centre.
	PxPerMM float64
	// PalmWidth is the palm width in millimetres.
	PalmWidth float64
	// Mask is 255 on visible (unoccluded) hand pixels, 0 elsewhere.
	Mask *image.Gray
	// Occluded is the fraction of the palm hidden by an occluder.
	Occluded float64
	// Blur is the defocus or motion blur sigma in pixels.
	Blur float64
	// Attack is the presentation attack the capture shows, Live (the zero
	// value) for a live palm; see RenderAttack.
	Attack Attack
}

// device and phone defaults.
const (
	phoneW, phoneH      = 1280, 960
	deviceW, deviceH    = 640, 480
	phoneRes, deviceRes = 3.6, 2.0
)

func (o *Options) frame(phone bool) (w, h int, res float64, d Difficulty) {
	if o != nil {
		w, h, res, d = o.Width, o.Height, o.PxPerMM, o.Difficulty
	}
	if w <= 0 || h <= 0 {
		w, h = deviceW, deviceH
		if phone {
			w, h = phoneW, phoneH
		}
	}
	if res <= 0 {
		res = deviceRes
		if phone {
			res = phoneRes
		}
	}
	return w, h, res, d
}

// Render renders sample number sample of the identity in modality m. The
// same (identity, modality, sample, options) always gives the same pixels;
// NIRPalm and NIRVein of one sample share the pose, as a device captures both
// together. Render is safe for concurrent use.
func (id *Identity) Render(m Modality, sample int, opts *Options) *Capture {
	if m == Phone {
		return id.renderPhone(sample, opts)
	}
	p, v := id.renderDevice(sample, opts, m == NIRPalm, m == NIRVein)
	if m == NIRPalm {
		return p
	}
	return v
}

// RenderDevice renders the NIR palm-surface and vein images of one device
// capture in a single pass.
func (id *Identity) RenderDevice(sample int, opts *Options) (palm, vein *Capture) {
	return id.renderDevice(sample, opts, true, true)
}

// scene is the per-capture state shared by the modality renderers.
type scene struct {
	id   *Identity
	n    nuisance
	t    *xform
	pose *pose
	w, h int
	tex  *textures
}

func (id *Identity) newScene(sample int, phone bool, opts *Options) *scene {
	w, h, res, d := opts.frame(phone)
	kind := uint64(1)
	if phone {
		kind = 2
	}
	r := newRNG(id.Seed, tagCapture, uint64(int64(id.Index)), id.texSeed, kind, uint64(sample))
	n := drawNuisance(r, RangesFor(d), phone, w, h, res)
	s := &scene{id: id, n: n, w: w, h: h, tex: id.maps()}
	s.t = newXform(&s.n, id, w, h)
	s.pose = newPose(&id.Geometry, n.spread, n.thumb)
	return s
}

// truth computes the ground truth of the scene.
func (s *scene) truth(sample int, m Modality, d Difficulty) Truth {
	tr := Truth{
		Seed: s.id.Seed, Identity: s.id.Index, Sample: sample, Modality: m,
		Hand: s.id.Hand, Difficulty: d, PalmWidth: s.id.Geometry.PalmWidth,
		Occluded: s.n.occlusion, Blur: s.n.blur,
	}
	for i := range 3 {
		v, open := s.pose.valley(i)
		tr.Valleys[i] = s.t.toImage(v)
		tr.ValleysOpen[i] = open
	}
	tr.Centre = s.t.toImage(vec{0, 0})
	up := s.t.toImage(vec{0, -10})
	tr.Orientation = math.Atan2(up.Y-tr.Centre.Y, up.X-tr.Centre.X)
	a := s.t.toImage(vec{-5, 0})
	b := s.t.toImage(vec{5, 0})
	c := s.t.toImage(vec{0, -5})
	e := s.t.toImage(vec{0, 5})
	tr.PxPerMM = (math.Hypot(b.X-a.X, b.Y-a.Y) + math.Hypot(e.X-c.X, e.Y-c.Y)) / 20
	return tr
}

// sample is what the renderer knows at one hand pixel.
type sample struct {
	alpha  float32 // hand coverage 0..1 (after occlusion)
	occ    float32 // occluder coverage 0..1
	shade  float32 // 1 deep in the hand, darker near the edge
	crease float32 // surface darkening
	blurC  float32 // surface darkening seen through scattering
	vein   float32 // vein darkening
}

const block = 8

// walk visits every pixel of the frame with its hand sample. Pixels of blocks
// that lie entirely off the hand get alpha 0 and are visited cheaply. Only
// when subsurface is true are the NIR-only fields (blurC, vein) sampled.
func (s *scene) walk(outRes float64, subsurface bool, visit func(i, x, y int, sm *sample)) {
	gw, gh := s.w/block+2, s.h/block+2
	gx := make([]float64, gw*gh)
	gy := make([]float64, gw*gh)
	for j := range gh {
		for i := range gw {
			c := s.t.toCanon(float64(i*block), float64(j*block))
			gx[j*gw+i], gy[j*gw+i] = c.X, c.Y
		}
	}
	creaseTex, cres := s.tex.crease.level(texRes, outRes)
	blurTex, bres := s.tex.crease.level(texRes, outRes/3)
	veinTex, vres := s.tex.vein.level(texRes/2, outRes)
	g := &s.id.Geometry
	occ := s.n.occlusion > 0
	var occC, occA vec
	var occCos, occSin float64
	if occ {
		// The occluder is an ellipse on the palm whose area is the drawn
		// fraction of the palm area.
		area := s.n.occlusion * g.PalmWidth * g.PalmLength * 0.9
		ax := math.Sqrt(area / (math.Pi * s.n.occAxes.Y))
		occA = vec{ax, ax * s.n.occAxes.Y}
		occC = vec{s.n.occCentre.X * g.PalmWidth * 0.6, s.n.occCentre.Y * g.PalmLength * 0.6}
		occCos, occSin = math.Cos(s.n.occAngle), math.Sin(s.n.occAngle)
	}
	var sm sample
	rmm := float64(block) / s.n.scale / math.Cos(s.n.tilt) * 1.2
	for by := 0; by*block < s.h; by++ {
		for bx := 0; bx*block < s.w; bx++ {
			// Block centre in canonical coordinates.
			k := by*gw + bx
			cx := 0.25 * (gx[k] + gx[k+1] + gx[k+gw] + gx[k+gw+1])
			cy := 0.25 * (gy[k] + gy[k+1] + gy[k+gw] + gy[k+gw+1])
			dmin, parts, dpalm := s.pose.nearParts(vec{cx, cy}, rmm)
			y0, x0 := by*block, bx*block
			y1, x1 := min(y0+block, s.h), min(x0+block, s.w)
			if dmin > rmm+s.pose.smooth {
				sm = sample{}
				for y := y0; y < y1; y++ {
					for x := x0; x < x1; x++ {
						visit(y*s.w+x, x, y, &sm)
					}
				}
				continue
			}
			// A block well inside the palm proper needs no per-pixel
			// distance: every pixel is palm, and the distance, which only
			// shades it, is interpolated from the block's corners.
			interior := dpalm < -(rmm + 1)
			var dc [4]float64
			if interior {
				for j, kk := range [4]int{k, k + 1, k + gw, k + gw + 1} {
					dc[j], _, _ = s.pose.eval(vec{gx[kk], gy[kk]}, parts)
				}
			}
			for y := y0; y < y1; y++ {
				fy := float64(y-y0) / block
				lx0 := gx[k] + (gx[k+gw]-gx[k])*fy
				ly0 := gy[k] + (gy[k+gw]-gy[k])*fy
				lx1 := gx[k+1] + (gx[k+gw+1]-gx[k+1])*fy
				ly1 := gy[k+1] + (gy[k+gw+1]-gy[k+1])*fy
				for x := x0; x < x1; x++ {
					fx := float64(x-x0) / block
					q := vec{lx0 + (lx1-lx0)*fx, ly0 + (ly1-ly0)*fx}
					var d, u float64
					var part int
					if interior {
						d0 := dc[0] + (dc[1]-dc[0])*fx
						d1 := dc[2] + (dc[3]-dc[2])*fx
						d, part = d0+(d1-d0)*fy, partPalm
					} else {
						d, part, u = s.pose.eval(q, parts)
					}
					a := float32(0.5 - d*s.n.scale)
					if a <= 0 {
						sm = sample{}
						visit(y*s.w+x, x, y, &sm)
						continue
					}
					if a > 1 {
						a = 1
					}
					sm.alpha = a
					depth := float32(-d)
					if depth < 0 {
						depth = 0
					}
					sm.shade = edgeShade(depth)
					if part == partPalm || part == partWrist {
						folded := q.Y > texFold
						if folded {
							// The forearm runs past the maps: fold its
							// skin back into the wrist band, mirrored.
							q.Y = foldY(q.Y)
						}
						tx := float64((q.X-texX0)*cres - 0.5)
						ty := float64((q.Y-texY0)*cres - 0.5)
						sm.crease = creaseTex.Bilinear(tx, ty)
						sm.blurC, sm.vein = 0, 0
						if subsurface {
							sm.blurC = blurTex.Bilinear((q.X-texX0)*bres-0.5, (q.Y-texY0)*bres-0.5)
						}
						if subsurface && !folded {
							sm.vein = veinTex.Bilinear((q.X-texX0)*vres-0.5, (q.Y-texY0)*vres-0.5)
						}
					} else {
						sm.crease, sm.blurC = s.fingerCrease(part, u, q, creaseTex, cres)
						sm.vein = 0
					}
					sm.occ = 0
					if occ {
						dx, dy := q.X-occC.X, q.Y-occC.Y
						ex := (dx*occCos + dy*occSin) / occA.X
						ey := (-dx*occSin + dy*occCos) / occA.Y
						e := ex*ex + ey*ey
						if e < 1.1 {
							o := float32(clamp((1-math.Sqrt(e))*occA.Y*s.n.scale+0.5, 0, 1))
							sm.occ = o
						}
					}
					visit(y*s.w+x, x, y, &sm)
				}
			}
		}
	}
}

// texFold is where the forearm leaves the canonical maps (mm); foldY
// reflects positions beyond it back and forth over the 30 mm band above it.
const texFold = texY1 - 4

func foldY(y float64) float64 {
	const band = 30.0
	t := math.Mod(y-texFold, 2*band)
	if t > band {
		t = 2*band - t
	}
	return texFold - t
}

// fingerCrease returns the surface darkening on a finger or the thumb: the
// flexion creases at the joints plus skin texture borrowed from an unused
// part of the canonical map.
func (s *scene) fingerCrease(part int, u float64, q vec, tex *fimg.Image, res float64) (float32, float32) {
	c := &s.pose.cones[part]
	along := u * c.len
	var base, flen float64
	if part == partThumb {
		base, flen = 0.2*s.id.Geometry.PalmWidth, s.id.Geometry.Thumb.Length
	} else {
		base, flen = 0.08*s.id.Geometry.PalmLength, s.id.Geometry.Finger[part-partFinger].Length
	}
	sPos := along - base // mm from the palm edge
	across := q.sub(c.A).dot(vec{-c.dir.Y, c.dir.X})
	var cr float64
	joints := [3]float64{1.5, 0.36 * flen, 0.66 * flen}
	if part == partThumb {
		joints = [3]float64{0.1 * flen, 0.5 * flen, -100}
	}
	for _, j := range joints {
		// A joint crease is a pair of grooves: a deep one and a shallower
		// one 2.2 mm distal.
		cr = math.Max(cr, 0.55*gauss((sPos-j)/0.9))
		cr = math.Max(cr, 0.35*gauss((sPos-j-2.2)/0.7))
	}
	// Borrow dermal texture from the top band of the canonical map.
	tx := (across + 12*float64(part) - 42 - texX0) * res
	ty := (math.Mod(sPos+200, 16) + 1 - 86 - texY0) * res
	t := tex.Bilinear(tx, ty)
	v := float32(cr*s.id.crease) + t
	return v, float32(cr * 0.5)
}

// gauss returns exp(-x*x) from a table, 0 for |x| >= 3.
func gauss(x float64) float64 {
	x2 := x * x
	if x2 >= 9 {
		return 0
	}
	return gaussLUT[int(x2*(float64(len(gaussLUT)-1)/9))]
}

var gaussLUT = func() [1024]float64 {
	var t [1024]float64
	for i := range t {
		t[i] = math.Exp(-float64(i) * 9 / float64(len(t)-1))
	}
	return t
}()

// edgeShade darkens the hand towards its silhouette, where the skin turns
// away from the light: 1 - 0.55 exp(-depth/4.5 mm), from a table.
func edgeShade(depth float32) float32 {
	i := int(depth * 8)
	if i >= len(shadeLUT) {
		return shadeLUT[len(shadeLUT)-1]
	}
	return shadeLUT[i]
}

var shadeLUT = func() [256]float32 {
	var t [256]float32
	for i := range t {
		t[i] = float32(1 - 0.55*math.Exp(-(float64(i)+0.5)/8/4.5))
	}
	return t
}()

// lightField is a smooth multiplicative illumination: a linear gradient and
// a radial fall-off from the frame centre.
type lightField struct {
	gx, gy, vig, cx, cy, inv2 float32
}

func (s *scene) light() lightField {
	diag := math.Hypot(float64(s.w), float64(s.h)) / 2
	return lightField{
		gx:   float32(s.n.illumAmp * math.Cos(s.n.illumDir) / diag),
		gy:   float32(s.n.illumAmp * math.Sin(s.n.illumDir) / diag),
		vig:  float32(s.n.vignette),
		cx:   float32(s.w) / 2,
		cy:   float32(s.h) / 2,
		inv2: float32(1 / (diag * diag)),
	}
}

func (l *lightField) at(x, y int) float32 {
	dx, dy := float32(x)-l.cx, float32(y)-l.cy
	return (1 + l.gx*dx + l.gy*dy) * (1 - l.vig*(dx*dx+dy*dy)*l.inv2)
}

func (id *Identity) renderDevice(sampleN int, opts *Options, wantPalm, wantVein bool) (*Capture, *Capture) {
	s := id.newScene(sampleN, false, opts)
	_, _, _, diff := opts.frame(false)
	pl := make([]float32, s.w*s.h)
	vn := make([]float32, s.w*s.h)
	mask := image.NewGray(image.Rect(0, 0, s.w, s.h))
	lf := s.light()
	albedo := float32(0.62 * s.n.exposure)
	veinAlbedo := float32(0.50 * s.n.exposure) // the vein band is darker
	ambient := float32(s.n.ambient)
	ax, ay := float32(math.Cos(s.n.ambientDir)), float32(math.Sin(s.n.ambientDir))
	occV := float32(s.n.occValue)
	kc := float32(0.25 * id.crease)
	s.walk(s.n.scale, true, func(i, x, y int, sm *sample) {
		// Ambient leakage: a gradient across the frame.
		amb := ambient * (0.5 + 0.5*(ax*(float32(x)/float32(s.w)-0.5)+ay*(float32(y)/float32(s.h)-0.5))*2)
		bg := 0.035 + amb
		if sm.alpha == 0 {
			pl[i], vn[i] = bg, bg
			return
		}
		l := lf.at(x, y) * sm.shade
		p := l * albedo * (1 - kc*sm.crease) * (1 - 0.10*sm.vein)
		v := l * veinAlbedo * (1 - 0.20*sm.blurC) * (1 - 0.25*sm.vein)
		if sm.occ > 0 {
			p += (occV*l*albedo - p) * sm.occ
			v += (occV*l*veinAlbedo - v) * sm.occ
		}
		a := sm.alpha
		pl[i] = a*p + (1-a)*bg + amb*0.5
		vn[i] = a*v + (1-a)*bg + amb*0.5
		if a >= 0.5 && sm.occ < 0.5 {
			mask.Pix[i] = 255
		}
	})
	var pc, vc *Capture
	tr := s.truth(sampleN, NIRPalm, diff)
	tr.Mask = mask
	if wantPalm {
		pc = &Capture{Image: s.finishNIR(sampleN, pl, 1), Truth: tr}
	}
	if wantVein {
		tv := tr
		tv.Modality = NIRVein
		vc = &Capture{Image: s.finishNIR(sampleN, vn, 2), Truth: tv}
	}
	return pc, vc
}

// blur applies the capture's defocus (Gaussian) or motion (line) blur.
func (s *scene) blur(img *fimg.Image) {
	sig := s.n.blur
	if sig < 0.3 {
		return
	}
	if !s.n.motion {
		boxBlur(img, sig)
		return
	}
	motionBlur(img, sig, s.n.motionDir)
}

func (id *Identity) renderPhone(sampleN int, opts *Options) *Capture {
	s := id.newScene(sampleN, true, opts)
	_, _, _, diff := opts.frame(true)
	n := s.w * s.h
	ch := [3][]float32{make([]float32, n), make([]float32, n), make([]float32, n)}
	bg := newClutter(newRNG(id.Seed, tagBack, uint64(int64(id.Index)), uint64(sampleN)), s.w, s.h)
	bg.fill(ch, s.n.cast)
	mask := image.NewGray(image.Rect(0, 0, s.w, s.h))
	lf := s.light()
	var skin, crease [3]float32
	kc := [3]float64{0.38, 0.52, 0.50}
	for c := range 3 {
		skin[c] = float32(0.75 * id.Skin.RGB[c] * s.n.cast[c] * s.n.exposure)
		crease[c] = float32(kc[c] * id.crease)
	}
	occCol := [3]float32{float32(s.n.occValue * 0.7), float32(s.n.occValue * 0.6), float32(s.n.occValue * 0.5)}
	sh := float32(s.n.shadow)
	sl := [3]float32{float32(s.n.shadowLine[0] / 40), float32(s.n.shadowLine[1] / 40), float32(s.n.shadowLine[2]/40 + 0.5)}
	s.walk(s.n.scale, false, func(i, x, y int, sm *sample) {
		if sm.alpha == 0 {
			return
		}
		for c := range 3 {
			v := skin[c] * sm.shade * (1 - crease[c]*sm.crease)
			if sm.occ > 0 {
				v += (occCol[c] - v) * sm.occ
			}
			ch[c][i] = sm.alpha*v + (1-sm.alpha)*ch[c][i]
		}
		if sm.alpha >= 0.5 && sm.occ < 0.5 {
			mask.Pix[i] = 255
		}
	})
	// Light the whole scene, hand and background alike: the illumination
	// gradient and fall-off, and a cast shadow with a soft edge 40 px wide.
	for y := 0; y < s.h; y++ {
		r := [3][]float32{ch[0][y*s.w : (y+1)*s.w], ch[1][y*s.w : (y+1)*s.w], ch[2][y*s.w : (y+1)*s.w]}
		for x := range r[0] {
			l := lf.at(x, y)
			if sh > 0 {
				l *= 1 - sh*clamp32(sl[0]*float32(x)+sl[1]*float32(y)+sl[2], 0, 1)
			}
			r[0][x] *= l
			r[1][x] *= l
			r[2][x] *= l
		}
	}
	out := image.NewRGBA(image.Rect(0, 0, s.w, s.h))
	g := newNoiseGen(mix(id.texSeed^uint64(sampleN)<<8) ^ 3)
	ns := float32(s.n.noise)
	for c := range 3 {
		img := &fimg.Image{W: s.w, H: s.h, Pix: ch[c]}
		s.blur(img)
		for i, v := range ch[c] {
			v += ns * g.next() * (0.3 + v)
			out.Pix[4*i+c] = srgb8(v)
		}
	}
	for i := 0; i < n; i++ {
		out.Pix[4*i+3] = 255
	}
	tr := s.truth(sampleN, Phone, diff)
	tr.Mask = mask
	img, enc := jpegRoundTrip(out, s.n.jpegQ)
	return &Capture{Image: img, Truth: tr, jpeg: enc}
}

// srgbLUT maps linear [0, 1] in 4096 steps to 8-bit sRGB.
var srgbLUT = func() [4097]uint8 {
	var t [4097]uint8
	for i := range t {
		v := float64(i) / 4096
		var e float64
		if v <= 0.0031308 {
			e = 12.92 * v
		} else {
			e = 1.055*math.Pow(v, 1/2.4) - 0.055
		}
		t[i] = uint8(math.Round(e * 255))
	}
	return t
}()

func srgb8(v float32) uint8 {
	if !(v > 0) {
		return 0
	}
	if v >= 1 {
		return 255
	}
	return srgbLUT[int(v*4096)]
}

// jpegRoundTrip compresses and decompresses img at quality q, leaving the
// blocking and ringing of a phone's JPEG encoder. The result is the decoded
// *image.YCbCr, as a phone photo read from disk would be.
func jpegRoundTrip(img *image.RGBA, q int) (image.Image, []byte) {
	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, img, &jpeg.Options{Quality: q}); err != nil {
		return img, nil
	}
	enc := buf.Bytes()
	dec, err := jpeg.Decode(bytes.NewReader(enc))
	if err != nil {
		return img, nil
	}
	return dec, enc
}

// finishNIR turns a device frame's linear buffer into its 8-bit image: the
// scene's blur, then sensor noise drawn from the identity, the sample and
// salt (one salt per frame of a capture).
func (s *scene) finishNIR(sampleN int, buf []float32, salt uint64) *image.Gray {
	img := &fimg.Image{W: s.w, H: s.h, Pix: buf}
	s.blur(img)
	g := newNoiseGen(mix(s.id.texSeed^uint64(sampleN)<<8) ^ salt)
	out := image.NewGray(image.Rect(0, 0, s.w, s.h))
	ns := float32(s.n.noise)
	for i, v := range buf {
		v += ns * g.next() * (0.5 + v)
		out.Pix[i] = fimg.To8(v)
	}
	return out
}
