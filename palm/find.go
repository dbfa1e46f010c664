package palm

import (
	"fmt"
	"image"
	"math"
	"sort"
)

// found is a hand candidate in working-image coordinates.
type found struct {
	mask    []uint8 // the hand's silhouette (holes filled)
	centre  Point   // palm centre
	r       float64 // inscribed radius, pixels
	contour []ipoint
	valleys [3]Point
	tips    [4]Point
	open    [3]bool
	thumb   bool
	side    Side
	score   float64
	fingers int // finger-like protrusions seen (for the error when there is no hand)
}

// Thresholds of the hand model, in units of the palm's inscribed radius R.
const (
	narrowMax = 0.85 // a finger's width where it crosses the level circle
	thumbMax  = 1.15 // the thumb's
	minScore  = 4.0  // a hypothesis scoring less is no hand
)

// levels are the radii (in R) of the circles about the palm centre that
// cut fingers off the palm; each is tried.
var levels = [...]float64{1.2, 1.32, 1.45, 1.6, 1.75, 1.9, 2.1}

// findHand segments the working image in several ways, finds the most
// hand-like silhouette and its landmarks.
func (wk *work) findHand(sink func(string, image.Image)) (*found, error) {
	w, h := wk.w, wk.h
	lum := blur3(wk.lum, w, h)
	var cb, cr []float32
	if wk.colour {
		cb, cr = blur3(wk.cb, w, h), blur3(wk.cr, w, h)
	}
	var best *found
	maxFingers := 0
	bigBlob := false
	try := func(m []uint8) {
		for _, comp := range largest(m, w, h, 2, w*h/100) {
			bigBlob = true
			f := wk.landmarks(comp)
			maxFingers = max(maxFingers, f.fingers)
			if f.score >= minScore && (best == nil || f.score > best.score) {
				best = f
			}
		}
	}
	for _, m := range wk.candidates(lum, cb, cr) {
		try(m)
	}
	if wk.colour && best != nil {
		if m := refit(best.mask, lum, cb, cr, w, h); m != nil {
			try(m)
		}
	}
	if best == nil {
		if sink != nil {
			sink("contour", wk.overlay(nil))
		}
		switch {
		case !bigBlob:
			return nil, fmt.Errorf("%w: nothing stands out from the background", ErrNoHand)
		case maxFingers >= 2:
			return nil, fmt.Errorf("%w: %d separate fingers seen, want 4", ErrFingersClosed, maxFingers)
		}
		return nil, fmt.Errorf("%w: no hand-shaped region", ErrNoHand)
	}
	return best, nil
}

// blur3 returns v smoothed with a 3 x 3 box.
func blur3(v []float32, w, h int) []float32 {
	tmp := make([]float32, len(v))
	out := make([]float32, len(v))
	for y := 0; y < h; y++ {
		r := v[y*w : (y+1)*w]
		o := tmp[y*w : (y+1)*w]
		for x := range r {
			a, c := r[max(0, x-1)], r[min(w-1, x+1)]
			o[x] = (a + r[x] + c) / 3
		}
	}
	for y := 0; y < h; y++ {
		a, b, c := tmp[max(0, y-1)*w:], tmp[y*w:], tmp[min(h-1, y+1)*w:]
		o := out[y*w : (y+1)*w]
		for x := range o {
			o[x] = (a[x] + b[x] + c[x]) / 3
		}
	}
	return out
}

// candidates returns foreground masks from several segmentations: for
// colour images a broad skin-chroma box, Otsu's threshold on the red
// chroma and on brightness; for grey images Otsu's threshold on brightness
// and two levels either side of it (NIR: the lit hand is bright).
func (wk *work) candidates(lum, cb, cr []float32) [][]uint8 {
	n := len(lum)
	var out [][]uint8
	thr := func(v []float32, t float32) []uint8 {
		m := make([]uint8, n)
		for i, x := range v {
			if x > t {
				m[i] = 1
			}
		}
		return m
	}
	lo, hi := percentile(lum, 0.01), percentile(lum, 0.99)
	t := otsu(lum, lo, hi)
	if wk.colour {
		m := make([]uint8, n)
		for i := range m {
			if cr[i] >= 134 && cr[i] <= 190 && cb[i] >= 65 && cb[i] <= 132 && lum[i] > 0.05 && cr[i]-128 > 0.6*(128-cb[i])-8 {
				m[i] = 1
			}
		}
		out = append(out, m)
		clo, chi := percentile(cr, 0.01), percentile(cr, 0.99)
		if chi-clo > 6 {
			out = append(out, thr(cr, otsu(cr, clo, chi)))
		}
		out = append(out, thr(lum, t))
		return out
	}
	out = append(out, thr(lum, t))
	bg := percentile(lum, 0.05)
	out = append(out, thr(lum, bg+0.6*(t-bg)), thr(lum, t+0.35*(hi-t)))
	return out
}

// refit re-segments a colour image with a chroma model fitted to the palm
// of a hand already found: pixels within a Mahalanobis distance of the
// (Cb, Cr) mean of the silhouette's interior.
func refit(mask []uint8, lum, cb, cr []float32, w, h int) []uint8 {
	dt := make([]float32, len(mask))
	r, _, _ := distTransform(mask, w, h, dt)
	var n, sb, sr, sbb, srr, sbr float64
	for i, d := range dt {
		if d > 0.3*r && lum[i] > 0.04 {
			b, c := float64(cb[i]), float64(cr[i])
			n++
			sb += b
			sr += c
			sbb += b * b
			srr += c * c
			sbr += b * c
		}
	}
	if n < 50 {
		return nil
	}
	mb, mr := sb/n, sr/n
	vb := sbb/n - mb*mb + 4 // floor: 2 levels of chroma noise
	vr := srr/n - mr*mr + 4
	cv := sbr/n - mb*mr
	det := vb*vr - cv*cv
	if !(det > 0) {
		return nil
	}
	m := make([]uint8, len(mask))
	for i := range m {
		db, dr := float64(cb[i])-mb, float64(cr[i])-mr
		d2 := (vr*db*db - 2*cv*db*dr + vb*dr*dr) / det
		if d2 < 12 && lum[i] > 0.03 {
			m[i] = 1
		}
	}
	return m
}

// largest cleans m (a 3 x 3 opening) and returns the masks of its k largest
// components with at least minArea pixels, holes filled.
func largest(m []uint8, w, h, k, minArea int) [][]uint8 {
	morph(m, w, h, 1, true)
	morph(m, w, h, 1, false)
	lab := make([]int32, len(m))
	areas := components(m, w, h, lab)
	ids := make([]int, 0, len(areas))
	for id := 1; id < len(areas); id++ {
		if areas[id] >= minArea {
			ids = append(ids, id)
		}
	}
	sort.Slice(ids, func(i, j int) bool { return areas[ids[i]] > areas[ids[j]] })
	if len(ids) > k {
		ids = ids[:k]
	}
	var out [][]uint8
	for _, id := range ids {
		c := make([]uint8, len(m))
		for i, l := range lab {
			if l == int32(id) {
				c[i] = 1
			}
		}
		fillHoles(c, w, h)
		out = append(out, c)
	}
	return out
}

// protrusion is a stretch of the contour beyond a circle about the palm
// centre: a finger, the thumb, the forearm or clutter.
type protrusion struct {
	s, e   int // first and last contour index (e may exceed len(contour): unwrapped)
	tip    int // contour index of the farthest point
	width  float64
	border bool
}

// landmarks finds the finger valleys of the silhouette m.
func (wk *work) landmarks(m []uint8) *found {
	w, h := wk.w, wk.h
	f := &found{mask: m}
	dt := make([]float32, len(m))
	r, cx, cy := distTransform(m, w, h, dt)
	if r < 3 {
		return f
	}
	f.r = float64(r)
	f.centre = Point{float64(cx), float64(cy)}
	c := trace(m, w, h, 8*(w+h))
	if len(c) < 16 {
		return f
	}
	f.contour = c
	n := len(c)
	R := f.r
	// distance profile, smoothed over about R/6 pixels of contour
	d := make([]float64, n)
	for i, p := range c {
		d[i] = hypot(float64(p.x)-f.centre.X, float64(p.y)-f.centre.Y)
	}
	sw := max(1, int(R/6))
	ds := make([]float64, n)
	var acc float64
	for i := -sw; i <= sw; i++ {
		acc += d[(i+n)%n]
	}
	for i := range n {
		ds[i] = acc / float64(2*sw+1)
		acc += d[(i+sw+1)%n] - d[(i-sw+n)%n]
	}
	onBorder := func(p ipoint) bool { return p.x == 0 || p.y == 0 || p.x == w-1 || p.y == h-1 }
	pt := func(i int) Point { p := c[((i%n)+n)%n]; return Point{float64(p.x), float64(p.y)} }
	best := -math.MaxFloat64
	for _, lv := range levels {
		T := lv * R
		i0 := -1
		for i, v := range ds {
			if v <= T {
				i0 = i
				break
			}
		}
		if i0 < 0 {
			continue
		}
		var runs []protrusion
		for k := 0; k < n; k++ {
			i := (i0 + k) % n
			if ds[i] <= T {
				continue
			}
			pr := protrusion{s: i0 + k, tip: i0 + k}
			for ; k < n && ds[(i0+k)%n] > T; k++ {
				j := (i0 + k) % n
				if ds[j] > ds[pr.tip%n] {
					pr.tip = i0 + k
				}
				if onBorder(c[j]) {
					pr.border = true
				}
			}
			pr.e = i0 + k - 1
			a, b := pt(pr.s), pt(pr.e)
			pr.width = hypot(a.X-b.X, a.Y-b.Y)
			if ds[pr.tip%n]-T < 0.08*R && !pr.border {
				continue // a bump, not a protrusion
			}
			runs = append(runs, pr)
			if len(runs) > 12 {
				break
			}
		}
		nf := 0
		for _, p := range runs {
			if p.width < narrowMax*R {
				nf++
			}
		}
		f.fingers = max(f.fingers, nf)
		if len(runs) < 4 {
			continue
		}
		for i := range runs {
			for _, rev := range [2]bool{false, true} {
				s, ok := f.hypothesis(runs, i, rev, pt, n)
				if ok && s.score > best {
					best = s.score
					f.valleys, f.tips, f.thumb, f.side, f.score = s.valleys, s.tips, s.thumb, s.side, s.score
					f.open = [3]bool{true, true, true}
				}
			}
		}
	}
	return f
}

type hypo struct {
	valleys [3]Point
	tips    [4]Point
	thumb   bool
	side    Side
	score   float64
}

// hypothesis scores runs[i..i+3] (in contour order; reversed when rev) as
// index, middle, ring and little fingers.
func (f *found) hypothesis(runs []protrusion, i int, rev bool, pt func(int) Point, n int) (hypo, bool) {
	m := len(runs)
	R := f.r
	var fr [4]protrusion
	for k := range 4 {
		fr[k] = runs[(i+k)%m]
		if fr[k].width >= narrowMax*R {
			return hypo{}, false
		}
	}
	// unwrap so that the four runs follow each other
	for k := 1; k < 4; k++ {
		for fr[k].s <= fr[k-1].e {
			fr[k].s += n
			fr[k].e += n
			fr[k].tip += n
		}
	}
	if fr[3].e-fr[0].s > n {
		return hypo{}, false
	}
	prev, next := runs[(i-1+m)%m], runs[(i+4)%m]
	if rev {
		fr[0], fr[1], fr[2], fr[3] = fr[3], fr[2], fr[1], fr[0]
		prev, next = next, prev
	}
	c := f.centre
	var hy hypo
	var base [4]Point
	var axis [4]Point
	for k := range 4 {
		hy.tips[k] = pt(fr[k].tip)
		a, b := pt(fr[k].s), pt(fr[k].e)
		base[k] = Point{(a.X + b.X) / 2, (a.Y + b.Y) / 2}
		axis[k] = unit(Point{hy.tips[k].X - base[k].X, hy.tips[k].Y - base[k].Y})
	}
	for k := range 3 {
		a, b := fr[k], fr[k+1]
		lo, hi := a.e+1, b.s-1
		if a.s > b.s { // reversed order
			lo, hi = b.e+1, a.s-1
		}
		if hi < lo {
			return hypo{}, false
		}
		u := unit(Point{axis[k].X + axis[k+1].X, axis[k].Y + axis[k+1].Y})
		bi, bv := lo, math.MaxFloat64
		for j := lo; j <= hi; j++ {
			p := pt(j)
			if v := p.X*u.X + p.Y*u.Y; v < bv {
				bi, bv = j, v
			}
		}
		v := pt(bi)
		hy.valleys[k] = Point{v.X + 0.5*u.X, v.Y + 0.5*u.Y}
	}
	V := hy.valleys
	s1, s2 := dist(V[0], V[1]), dist(V[1], V[2])
	D := dist(V[0], V[2])
	if s1 < 1 || s2 < 1 || D < 2 {
		return hypo{}, false
	}
	score := 10.0
	score -= 3 * math.Abs(math.Log(s1/s2))
	score -= 3 * math.Abs(math.Log(D/(R*ratioDR)))
	// valleys lie well inside the circle of the fingertips
	for k := range 3 {
		dv := dist(V[k], c)
		dt := math.Min(dist(hy.tips[k], c), dist(hy.tips[k+1], c))
		if dt-dv < 0.3*R {
			score -= 3
		}
	}
	// the palm centre lies on the palm side of the valley line, at about
	// ratioCentre D from it
	mid := Point{(V[0].X + V[2].X) / 2, (V[0].Y + V[2].Y) / 2}
	X := unit(Point{V[0].X - V[2].X, V[0].Y - V[2].Y})
	hc := math.Abs((c.X-mid.X)*X.Y - (c.Y-mid.Y)*X.X)
	score -= 2 * math.Abs(math.Log(math.Max(hc, 0.05*D)/(ratioCentre*D)))
	// fingers point away from the palm
	ax := unit(Point{V[1].X - c.X, V[1].Y - c.Y})
	for k := range 4 {
		if axis[k].X*ax.X+axis[k].Y*ax.Y < 0.2 {
			score -= 2
		}
	}
	// which end is the index finger: the thumb beside it, the little
	// finger's tip and valley lower than the index finger's
	proj := func(p Point) float64 { return ((p.X-c.X)*ax.X + (p.Y-c.Y)*ax.Y) / R }
	dir := clamp((proj(hy.tips[0])-proj(hy.tips[3]))/0.3, -1.5, 1.5)
	dir += clamp((proj(V[0])-proj(V[2]))/0.1, -1, 1)
	pi, ni := (i-1+m)%m, (i+4)%m
	if rev {
		pi, ni = ni, pi
	}
	thumbish := func(p protrusion, j int) bool {
		return m > 5 && p.width < thumbMax*R && !p.border
	}
	tp, tn := thumbish(prev, pi), thumbish(next, ni)
	if tp && !tn {
		dir += 1.5
		hy.thumb = true
	} else if tn && !tp {
		dir -= 1.5
	}
	score += 0.5 * dir
	// the side follows from the order: for a right palm, valley line
	// towards the thumb and the palm below it turn clockwise on screen
	Y := Point{c.X - mid.X, c.Y - mid.Y}
	if X.X*Y.Y-X.Y*Y.X > 0 {
		hy.side = Right
	} else {
		hy.side = Left
	}
	hy.score = score
	return hy, true
}

// Typical ratios of the valley distance D to the inscribed radius R, and of
// the palm centre's distance from the valley line to D.
const (
	ratioDR     = 1.0
	ratioCentre = 0.8
)

func unit(p Point) Point {
	l := hypot(p.X, p.Y)
	if l == 0 {
		return Point{}
	}
	return Point{p.X / l, p.Y / l}
}

func dist(a, b Point) float64 { return hypot(a.X-b.X, a.Y-b.Y) }

func clamp(v, lo, hi float64) float64 { return math.Max(lo, math.Min(hi, v)) }
