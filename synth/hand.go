package synth

import "math"

// Part numbers of a posed hand.
const (
	partPalm   = 0
	partFinger = 1 // fingers are partFinger+0 (index) .. partFinger+3 (little)
	partThumb  = 5
	partWrist  = 6
	nParts     = 7
)

// cone is a tapered capsule ("round cone") from A (radius RA) to B (radius RB).
type cone struct {
	A, B   vec
	RA, RB float64
	dir    vec     // unit axis
	len    float64 // |B-A|
}

func newCone(a, b vec, ra, rb float64) cone {
	d := b.sub(a)
	l := d.len()
	return cone{A: a, B: b, RA: ra, RB: rb, dir: d.scale(1 / l), len: l}
}

// dist returns the signed distance from p to the cone (approximate but
// 1-Lipschitz) and the axial coordinate of p in [0, 1].
func (c *cone) dist(p vec) (float64, float64) {
	q := p.sub(c.A)
	t := q.dot(c.dir)
	u := t / c.len
	if u < 0 {
		u = 0
	} else if u > 1 {
		u = 1
	}
	r := c.RA + (c.RB-c.RA)*u
	dx := q.X - c.dir.X*u*c.len
	dy := q.Y - c.dir.Y*u*c.len
	return math.Sqrt(dx*dx+dy*dy) - r, u
}

// pose is a hand in one capture: fingers placed, palm flexed.
type pose struct {
	palmHalf vec // half width, half length of the upper (metacarpal) palm
	corner   float64
	lower    cone // the palm narrowing towards the wrist
	thenar   vec  // centre of the thenar eminence
	thenarR  vec
	cones    [nParts]cone // palm slot unused
	fingers  [4]int
	smooth   float64 // smooth-union radius, mm
}

// newPose places the identity's fingers and thumb with the given per-finger
// spread offsets (radians, + towards the thumb) and thumb offset.
func newPose(g *Geometry, spread [4]float64, thumb float64) *pose {
	W, L := g.PalmWidth, g.PalmLength
	p := &pose{
		palmHalf: vec{W / 2, L / 2},
		corner:   0.18 * W,
		lower:    newCone(vec{-0.02 * W, -0.12 * L}, vec{0.02 * W, 0.40 * L}, 0.47*W, 0.33*W),
		thenar:   vec{0.22 * W, 0.20 * L},
		thenarR:  vec{0.27 * W, 0.27 * L},
		smooth:   3.5,
	}
	// Finger bases along the top of the palm: index at the thumb side.
	xs := [4]float64{0.365, 0.12, -0.12, -0.355}
	drop := [4]float64{0.03, 0.0, 0.02, 0.09} // little finger sits lower
	var ang [4]float64
	for i := range 4 {
		ang[i] = g.Spread[i] + spread[i]
		// Fingers never cross: keep each at least 0.03 rad from the
		// previous one.
		if i > 0 && ang[i] > ang[i-1]-0.03 {
			ang[i] = ang[i-1] - 0.03
		}
	}
	for i := range 4 {
		f := g.Finger[i]
		base := vec{xs[i] * W, -L/2 + drop[i]*L + 0.08*L}
		a := ang[i]
		dir := vec{math.Sin(a), -math.Cos(a)}
		// The finger's visible length starts at the palm edge.
		tip := base.add(dir.scale(f.Length + 0.08*L))
		p.cones[partFinger+i] = newCone(base, tip, f.BaseWidth/2, f.TipWidth/2)
	}
	tb := vec{g.ThumbBase[0] * W, g.ThumbBase[1] * L}
	ta := g.ThumbAngle + thumb
	tdir := vec{math.Sin(ta), -math.Cos(ta)}
	p.cones[partThumb] = newCone(tb, tb.add(tdir.scale(g.Thumb.Length+0.2*W)), g.Thumb.BaseWidth/2, g.Thumb.TipWidth/2)
	p.cones[partWrist] = newCone(vec{0, 0.3 * L}, vec{0, 0.3*L + 400}, 0.36*W, 0.40*W)
	return p
}

// ellipseDist is a cheap 1-Lipschitz-ish signed distance to an ellipse.
func ellipseDist(p, c, r vec) float64 {
	dx, dy := (p.X-c.X)/r.X, (p.Y-c.Y)/r.Y
	k := math.Sqrt(dx*dx + dy*dy)
	return (k - 1) * math.Min(r.X, r.Y)
}

// palmDist is the signed distance to the palm proper (rounded box plus
// thenar and hypothenar eminences).
func (p *pose) palmDist(q vec) float64 {
	// The upper palm is a rounded box from the finger bases to just below
	// the centre.
	top := -p.palmHalf.Y
	mid := 0.5 * (top + 0.05*2*p.palmHalf.Y)
	half := 0.5 * (0.05*2*p.palmHalf.Y - top)
	dx := math.Abs(q.X) - (p.palmHalf.X - p.corner)
	dy := math.Abs(q.Y-mid) - (half - p.corner)
	ox, oy := math.Max(dx, 0), math.Max(dy, 0)
	box := math.Hypot(ox, oy) + math.Min(math.Max(dx, dy), 0) - p.corner
	lo, _ := p.lower.dist(q)
	d := smin(box, lo, 12)
	return smin(d, ellipseDist(q, p.thenar, p.thenarR), 8)
}

// smin is the polynomial smooth minimum with radius k.
func smin(a, b, k float64) float64 {
	h := math.Max(k-math.Abs(a-b), 0) / k
	return math.Min(a, b) - h*h*k*0.25
}

// eval returns the hand's signed distance at q (negative inside), the part
// that owns q and its axial coordinate on that part.
func (p *pose) eval(q vec, parts uint8) (d float64, part int, u float64) {
	d = math.Inf(1)
	best := math.Inf(1)
	part = -1
	if parts&1 != 0 {
		dp := p.palmDist(q)
		d, best, part = dp, dp, partPalm
	}
	for i := 1; i < nParts; i++ {
		if parts&(1<<i) == 0 {
			continue
		}
		di, ui := p.cones[i].dist(q)
		if di < best && !(part == partPalm && best < 0) {
			best, part, u = di, i, ui
		}
		d = smin(d, di, p.smooth)
	}
	return d, part, u
}

// nearParts returns a bit set of the parts whose distance at q is within
// reach of the minimum, for a query region of radius r around q, with the
// minimum distance and the distance to the palm proper.
func (p *pose) nearParts(q vec, r float64) (dmin float64, set uint8, dpalm float64) {
	var ds [nParts]float64
	ds[0] = p.palmDist(q)
	dmin = ds[0]
	for i := 1; i < nParts; i++ {
		ds[i], _ = p.cones[i].dist(q)
		dmin = math.Min(dmin, ds[i])
	}
	lim := dmin + 2*r + p.smooth
	for i := range ds {
		if ds[i] <= lim || (i == partPalm && ds[i] < r) {
			set |= 1 << i
		}
	}
	return dmin, set, ds[0]
}

// valley finds the web between finger i and finger i+1 (0 = index–middle)
// on the hand contour: it marches from between the finger bases along their
// bisector until it leaves the hand. Fingers held together hide the web and
// push the contour's valley up between them, so the march also runs on a copy
// of the pose in which the two fingers are opened to at least minValleyAngle
// about their bases (the web barely moves when fingers open). Where the two
// answers agree within closedGap mm the contour valley is returned and open
// is true; otherwise the web of the opened pose, with open false.
func (p *pose) valley(i int) (v vec, open bool) {
	real, ok := p.march(i)
	q := *p
	a, b := &q.cones[partFinger+i], &q.cones[partFinger+i+1]
	gap := math.Atan2(cross(b.dir, a.dir), a.dir.dot(b.dir))
	if gap < minValleyAngle {
		rot := (minValleyAngle - gap) / 2
		*a = rotateCone(*a, rot)
		*b = rotateCone(*b, -rot)
	}
	web, _ := q.march(i)
	if ok && real.sub(web).len() <= closedGap {
		return real, true
	}
	return web, false
}

func (p *pose) march(i int) (vec, bool) {
	a, b := &p.cones[partFinger+i], &p.cones[partFinger+i+1]
	start := a.A.lerp(b.A, 0.5)
	dir := a.dir.add(b.dir)
	dir = dir.scale(1 / dir.len())
	const step = 0.05
	var last vec
	for s := 0.0; s < 70; s += step {
		pt := start.add(dir.scale(s))
		d, _, _ := p.eval(pt, 0x7f)
		if d > 0 {
			return last.lerp(pt, 0.5), true
		}
		last = pt
	}
	return start.add(dir.scale(20)), false
}

// Valleys are located as if each finger gap were at least minValleyAngle
// radians; a contour valley more than closedGap mm from that web counts as
// closed.
const (
	minValleyAngle = 0.14
	closedGap      = 3.0 // mm
)

func cross(a, b vec) float64 { return a.X*b.Y - a.Y*b.X }

// rotateCone turns a cone about its base by ang radians (+ towards the
// thumb, i.e. towards +x for a finger pointing to -y).
func rotateCone(c cone, ang float64) cone {
	s, co := math.Sin(ang), math.Cos(ang)
	d := c.dir
	// Rotating (sin a, -cos a) by +ang increases a.
	nd := vec{d.X*co - d.Y*s, d.X*s + d.Y*co}
	return newCone(c.A, c.A.add(nd.scale(c.len)), c.RA, c.RB)
}
