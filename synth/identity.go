package synth

import (
	"math"
	"sync"
)

// Hand says which hand a palm belongs to.
type Hand int

// The hands.
const (
	Right Hand = iota
	Left
)

func (h Hand) String() string {
	if h == Left {
		return "L"
	}
	return "R"
}

// vec is a point or direction in millimetres in the canonical hand frame:
// the palm seen from the palm side, a right hand, origin at the palm centre,
// x towards the thumb, y towards the wrist (fingers point to -y).
type vec struct{ X, Y float64 }

func (a vec) add(b vec) vec       { return vec{a.X + b.X, a.Y + b.Y} }
func (a vec) sub(b vec) vec       { return vec{a.X - b.X, a.Y - b.Y} }
func (a vec) scale(s float64) vec { return vec{a.X * s, a.Y * s} }
func (a vec) dot(b vec) float64   { return a.X*b.X + a.Y*b.Y }
func (a vec) len() float64        { return math.Hypot(a.X, a.Y) }
func (a vec) lerp(b vec, t float64) vec {
	return vec{a.X + (b.X-a.X)*t, a.Y + (b.Y-a.Y)*t}
}

// Geometry is a hand's shape, in millimetres.
type Geometry struct {
	PalmWidth  float64    // across the knuckles (metacarpophalangeal joints)
	PalmLength float64    // wrist crease to the base of the middle finger
	Finger     [4]Finger  // index, middle, ring, little
	Thumb      Finger     // free part of the thumb
	ThumbBase  [2]float64 // thumb attachment (x, y) as fractions of width and length
	ThumbAngle float64    // rest angle of the thumb from the finger axis, radians
	Spread     [4]float64 // rest angle of each finger from the palm axis, radians (+ towards thumb)
}

// Finger is one digit's size, in millimetres.
type Finger struct {
	Length, BaseWidth, TipWidth float64
}

// curve is a cubic Bézier crease with a depth profile.
type curve struct {
	P              [4]vec
	Width, Depth   float64 // mm, 0..1 darkening at the deepest point
	Taper0, Taper1 float64 // fraction of length over which each end fades
	Wiggle         float64 // mm, amplitude of small individual waviness
	Phase          float64
}

func (c *curve) at(t float64) vec {
	u := 1 - t
	a, b, cc, d := u*u*u, 3*u*u*t, 3*u*t*t, t*t*t
	p := vec{
		a*c.P[0].X + b*c.P[1].X + cc*c.P[2].X + d*c.P[3].X,
		a*c.P[0].Y + b*c.P[1].Y + cc*c.P[2].Y + d*c.P[3].Y,
	}
	if c.Wiggle != 0 {
		// Displace along the chord normal with two incommensurate sines.
		ch := c.P[3].sub(c.P[0])
		n := vec{-ch.Y, ch.X}.scale(1 / math.Max(ch.len(), 1e-9))
		w := c.Wiggle * (math.Sin(9.1*t+c.Phase) + 0.5*math.Sin(23.7*t+2*c.Phase))
		p = p.add(n.scale(w))
	}
	return p
}

// vessel is one vein segment chain: a polyline with a radius and a depth.
type vessel struct {
	Pts    []vec
	Radius float64 // mm
	Depth  float64 // mm under the skin
	Root   int     // index of the tree it belongs to
}

// Identity is one synthetic palm: everything that stays the same from capture
// to capture. It is fully determined by its population seed and index (and,
// for a relative, its parent and similarity).
type Identity struct {
	Seed  uint64 // population seed
	Index int    // identity index within the population
	Hand  Hand

	Geometry Geometry
	Skin     Skin

	principal []curve  // heart, head, life (always), then optional major lines
	creases   []curve  // secondary creases and fine wrinkles
	vessels   []vessel // palm-vein network
	crease    float64  // overall crease contrast of this person
	veinGain  float64  // overall vein contrast of this person
	texSeed   uint64

	texOnce sync.Once
	tex     *textures // canonical-frame maps, built lazily
}

// Skin describes the visible-light appearance of the palm skin.
type Skin struct {
	Fitzpatrick int        // 1..6
	RGB         [3]float64 // linear palm albedo
}

// palm skin albedos (linear, 0..1) for Fitzpatrick types I..VI. Palms carry
// far less melanin than the back of the hand, so the range is narrower.
var palmAlbedo = [6][3]float64{
	{0.78, 0.52, 0.44},
	{0.72, 0.46, 0.37},
	{0.64, 0.40, 0.30},
	{0.54, 0.33, 0.24},
	{0.42, 0.25, 0.18},
	{0.32, 0.19, 0.14},
}

// population-level mean control points of the principal lines, in units of
// (palm width, palm length), canonical frame (x to the thumb, y to the wrist).
var principalMean = [3][4][2]float64{
	// heart line: ulnar edge below the little finger, across to between
	// index and middle fingers.
	{{-0.52, -0.22}, {-0.25, -0.26}, {0.02, -0.30}, {0.22, -0.44}},
	// head line: radial edge above the thumb, across and slightly down.
	{{0.47, -0.20}, {0.22, -0.14}, {-0.05, -0.06}, {-0.33, 0.06}},
	// life line: from the head line's start, around the thenar to the wrist.
	{{0.46, -0.17}, {0.14, -0.06}, {0.05, 0.22}, {0.16, 0.50}},
}

// NewIdentity returns identity index of the population with the given seed.
func NewIdentity(seed uint64, index int) *Identity {
	r := newRNG(seed, tagIdentity, uint64(index))
	id := &Identity{Seed: seed, Index: index}
	id.generate(r)
	return id
}

func (id *Identity) generate(r rng) {
	if r.chance(0.5) {
		id.Hand = Left
	}
	g := &id.Geometry
	size := r.tnormal(1, 0.08) // overall hand size
	g.PalmWidth = 84 * size * r.tnormal(1, 0.04)
	g.PalmLength = 102 * size * r.tnormal(1, 0.04)
	lens := [4]float64{72, 80, 75, 60}
	wids := [4]float64{21.5, 21.5, 20.5, 18}
	fl := r.tnormal(1, 0.05)
	for i := range g.Finger {
		g.Finger[i] = Finger{
			Length:    lens[i] * size * fl * r.tnormal(1, 0.03),
			BaseWidth: wids[i] * size * r.tnormal(1, 0.04),
		}
		g.Finger[i].TipWidth = g.Finger[i].BaseWidth * r.tnormal(0.80, 0.04)
	}
	g.Thumb = Finger{Length: 60 * size * r.tnormal(1, 0.05), BaseWidth: 26 * size * r.tnormal(1, 0.05)}
	g.Thumb.TipWidth = g.Thumb.BaseWidth * 0.8
	g.ThumbBase = [2]float64{r.tnormal(0.40, 0.02), r.tnormal(0.12, 0.03)}
	g.ThumbAngle = r.tnormal(0.70, 0.08)
	for i, a := range restSpread {
		g.Spread[i] = r.tnormal(a, 0.035)
	}

	ft := 1 + int(math.Min(5, math.Abs(r.normal(0, 2.2))))
	id.Skin.Fitzpatrick = ft
	for c := range 3 {
		id.Skin.RGB[c] = palmAlbedo[ft-1][c] * r.tnormal(1, 0.04)
	}

	id.crease = r.tnormal(1, 0.15)
	id.veinGain = r.tnormal(1, 0.15)
	id.texSeed = r.Uint64()

	W, L := g.PalmWidth, g.PalmLength
	id.principal = id.principal[:0]
	for k, mean := range principalMean {
		var c curve
		for j := range 4 {
			sd := 0.035
			if j == 0 || j == 3 {
				sd = 0.045
			}
			c.P[j] = vec{(mean[j][0] + r.normal(0, sd)) * W, (mean[j][1] + r.normal(0, sd)) * L}
		}
		if k == 2 { // life line starts near the head line's start
			c.P[0] = id.principal[1].P[0].add(vec{r.normal(0, 1.5), r.normal(2.5, 1.5)})
		}
		c.Width = r.tnormal(0.85, 0.15)
		c.Depth = r.tnormal(0.75, 0.12)
		c.Taper0, c.Taper1 = r.uniform(0.05, 0.25), r.uniform(0.1, 0.35)
		c.Wiggle = r.uniform(0.2, 0.8)
		c.Phase = r.uniform(0, 2*math.Pi)
		id.principal = append(id.principal, c)
	}
	// Optional major lines: fate (longitudinal, centre), sun, and a
	// secondary heart branch, present with person-dependent probability.
	if r.chance(0.65) {
		x0 := r.normal(0.0, 0.06) * W
		id.principal = append(id.principal, curve{
			P:     [4]vec{{x0, r.uniform(0.30, 0.48) * L}, {x0 + r.normal(0, 3), 0.15 * L}, {x0 + r.normal(0, 4), -0.05 * L}, {x0 + r.normal(-2, 4), r.uniform(-0.35, -0.15) * L}},
			Width: r.tnormal(0.8, 0.15), Depth: r.tnormal(0.5, 0.15), Taper0: 0.3, Taper1: 0.3,
			Wiggle: r.uniform(0.2, 0.8), Phase: r.uniform(0, 6),
		})
	}
	if r.chance(0.4) {
		x0 := r.uniform(-0.3, -0.15) * W
		id.principal = append(id.principal, curve{
			P:     [4]vec{{x0, r.uniform(0.0, 0.2) * L}, {x0 + r.normal(0, 3), -0.05 * L}, {x0 + r.normal(0, 3), -0.2 * L}, {x0 + r.normal(0, 3), -0.36 * L}},
			Width: r.tnormal(0.6, 0.1), Depth: r.tnormal(0.4, 0.1), Taper0: 0.4, Taper1: 0.3,
			Wiggle: r.uniform(0.2, 0.8), Phase: r.uniform(0, 6),
		})
	}
	id.creases = genCreases(r, W, L)
	id.vessels = genVessels(r, W, L)
}

// orientField is a smooth per-person field of preferred crease directions.
type orientField struct {
	a [6]float64
}

func newOrientField(r rng) orientField {
	var f orientField
	for i := range f.a {
		f.a[i] = r.normal(0, 0.6)
	}
	return f
}

// angle returns the preferred crease angle at p (units of palm size).
func (f orientField) angle(u, v float64) float64 {
	// Creases on the palm run mostly across (radial-ulnar) in the distal
	// half and follow the thenar curve in the proximal radial part.
	base := 0.15 * math.Pi * (v + 0.2)
	if u > 0.1 && v > -0.1 {
		base = 0.5*math.Pi - 0.8*(u-0.1)
	}
	return base + f.a[0]*u + f.a[1]*v + f.a[2]*u*v + 0.4*math.Sin(3*u+f.a[3]) + 0.3*math.Sin(4*v+f.a[4]) + f.a[5]*0.3
}

// genCreases draws the secondary creases and fine wrinkles: hundreds of short
// curves whose density, depth and orientation vary per person.
func genCreases(r rng, W, L float64) []curve {
	field := newOrientField(r)
	density := r.tnormal(1, 0.25)
	depthScale := r.tnormal(1, 0.2)
	nSecondary := int(float64(15+r.IntN(20)) * density)
	nFine := int(float64(150+r.IntN(130)) * density)
	out := make([]curve, 0, nSecondary+nFine)
	add := func(length, width, depth float64) {
		u, v := r.uniform(-0.55, 0.55), r.uniform(-0.55, 0.55)
		// Fewer creases on the hypothenar and central palm, more near lines.
		a := field.angle(u, v) + r.normal(0, 0.5)
		c := vec{u * W, v * L}
		d := vec{math.Cos(a), math.Sin(a)}.scale(length / 2)
		bend := vec{-d.Y, d.X}.scale(r.normal(0, 0.25))
		out = append(out, curve{
			P:      [4]vec{c.sub(d), c.sub(d.scale(0.33)).add(bend), c.add(d.scale(0.33)).add(bend), c.add(d)},
			Width:  width,
			Depth:  depth * depthScale,
			Taper0: r.uniform(0.2, 0.5), Taper1: r.uniform(0.2, 0.5),
			Wiggle: r.uniform(0, 0.3), Phase: r.uniform(0, 6),
		})
	}
	for range nSecondary {
		add(r.uniform(8, 30), r.tnormal(0.65, 0.12), r.tnormal(0.40, 0.1))
	}
	for range nFine {
		add(r.uniform(3, 10), r.tnormal(0.48, 0.08), r.tnormal(0.20, 0.06))
	}
	return out
}

// genVessels grows the palm-vein network: a handful of veins that enter
// from the wrist and wander, branching now and then, towards the finger
// bases, plus transverse veins that join them into a mesh.
func genVessels(r rng, W, L float64) []vessel {
	var out []vessel
	nRoots := 4 + r.IntN(4)
	var grow func(p vec, dir float64, radius, depth float64, root, gen int)
	grow = func(p vec, dir float64, radius, depth float64, root, gen int) {
		pts := []vec{p}
		const step = 1.5
		segLen := r.uniform(20, 55)
		if gen == 0 {
			segLen = r.uniform(100, 150)
		}
		n := int(segLen / step)
		curv := r.normal(0, 0.02)
		for i := 0; i < n; i++ {
			curv = 0.9*curv + r.normal(0, 0.02)
			dir += curv + r.normal(0, 0.05)
			if gen == 0 {
				// Main veins drift towards the fingers (-y).
				dir += 0.05 * math.Sin(-math.Pi/2-dir)
			}
			p = p.add(vec{math.Cos(dir), math.Sin(dir)}.scale(step))
			if math.Abs(p.X) > 0.6*W || p.Y < -0.6*L || p.Y > 0.9*L {
				break
			}
			pts = append(pts, p)
			if gen < 2 && i > 6 && r.chance(0.035) {
				side := 1.0
				if r.chance(0.5) {
					side = -1
				}
				grow(p, dir+side*r.uniform(0.5, 1.2), radius*r.uniform(0.6, 0.85), depth*r.uniform(0.9, 1.1), root, gen+1)
			}
		}
		if len(pts) > 1 {
			out = append(out, vessel{Pts: pts, Radius: radius, Depth: depth, Root: root})
		}
	}
	for k := range nRoots {
		x := (float64(k)+0.5)/float64(nRoots) - 0.5 + r.normal(0, 0.05)
		start := vec{x * W * 0.95, 0.7 * L}
		grow(start, -math.Pi/2+r.normal(0, 0.25)-x*0.5, r.uniform(0.6, 1.1), r.uniform(3, 5), k, 0)
	}
	for k := range 1 + r.IntN(3) {
		y := r.uniform(-0.4, 0.4) * L
		dir := r.normal(0, 0.3)
		x := -0.55 * W
		if r.chance(0.5) {
			dir, x = math.Pi+dir, 0.55*W
		}
		grow(vec{x, y}, dir, r.uniform(0.5, 0.9), r.uniform(3, 5), nRoots+k, 1)
	}
	return out
}

// Relative returns an identity derived from parent with the given similarity
// in [0, 1]: hand geometry and principal lines are interpolated between the
// parent and a fresh identity, and each secondary crease and vein tree is
// inherited from the parent with probability similarity. Similarity 1 gives
// the parent's palm; 0 an unrelated one. k numbers the parent's relatives.
// Relatives get the index -1 and must not be confused with population members.
func Relative(parent *Identity, k int, similarity float64) *Identity {
	s := clamp(similarity, 0, 1)
	r := newRNG(parent.Seed, tagRelative, uint64(parent.Index), uint64(k))
	fresh := &Identity{Seed: parent.Seed, Index: -1}
	fresh.generate(r)
	id := &Identity{Seed: parent.Seed, Index: -1, Hand: parent.Hand, Skin: parent.Skin}
	lerp := func(a, b float64) float64 { return a*s + b*(1-s) }
	pg, fg := parent.Geometry, fresh.Geometry
	g := pg
	g.PalmWidth, g.PalmLength = lerp(pg.PalmWidth, fg.PalmWidth), lerp(pg.PalmLength, fg.PalmLength)
	for i := range g.Finger {
		g.Finger[i].Length = lerp(pg.Finger[i].Length, fg.Finger[i].Length)
		g.Finger[i].BaseWidth = lerp(pg.Finger[i].BaseWidth, fg.Finger[i].BaseWidth)
		g.Finger[i].TipWidth = lerp(pg.Finger[i].TipWidth, fg.Finger[i].TipWidth)
		g.Spread[i] = lerp(pg.Spread[i], fg.Spread[i])
	}
	id.Geometry = g
	id.crease = lerp(parent.crease, fresh.crease)
	id.veinGain = lerp(parent.veinGain, fresh.veinGain)
	id.texSeed = parent.texSeed
	if r.Float64() > s {
		id.texSeed = fresh.texSeed
	}
	for i := range 3 {
		c := parent.principal[i]
		for j := range 4 {
			c.P[j] = parent.principal[i].P[j].lerp(fresh.principal[i].P[j], 1-s)
		}
		id.principal = append(id.principal, c)
	}
	src := parent.principal[3:]
	if r.Float64() > s {
		src = fresh.principal[3:]
	}
	id.principal = append(id.principal, src...)
	for _, c := range parent.creases {
		if r.Float64() < s {
			id.creases = append(id.creases, c)
		}
	}
	for _, c := range fresh.creases {
		if r.Float64() >= s {
			id.creases = append(id.creases, c)
		}
	}
	keep := map[int]bool{}
	for _, v := range parent.vessels {
		if _, ok := keep[v.Root]; !ok {
			keep[v.Root] = r.Float64() < s
		}
		if keep[v.Root] {
			id.vessels = append(id.vessels, v)
		}
	}
	taken := map[int]bool{}
	for _, v := range fresh.vessels {
		if _, ok := taken[v.Root]; !ok {
			taken[v.Root] = r.Float64() >= s
		}
		if taken[v.Root] {
			id.vessels = append(id.vessels, v)
		}
	}
	return id
}
