package palm

import (
	"image"
	"math"
)

// Constants of shadowValley.
const (
	shadowReach  = 9.0  // working pixels searched above the valley
	shadowSpread = 3.0  // standard deviations of the palm's chroma over luma a pixel of hand lies within
	shadowRun    = 3    // input pixels in a row that leave the hand's chroma: the gap
	shadowDark   = 0.12 // the least darkening, relative to the palm's luma, of the shadow crossed
	shadowLuma   = 40.0 // the least luma (grey levels) at which chroma over luma is trusted
	shadowDeep   = 0.5  // the least luma of a shadow, relative to the palm's
)

// chromaOverLuma is 100 (cb-128)/y and 100 (cr-128)/y, y at least 12.
func chromaOverLuma(c [3]float32) (float64, float64) {
	y := float64(max(c[0], 12))
	return 100 * (float64(c[1]) - 128) / y, 100 * (float64(c[2]) - 128) / y
}

// shadowValley moves an open valley at p (input pixels, already refined;
// bisector u, working image) up its bisector through the shadow of the
// web between two fingers. The shadow is darker than the palm but keeps
// its chroma over luma, and a segmentation that follows brightness leaves
// it out, so the valley can lie several working pixels below the web,
// where the gap's colour begins. From the valley the march goes up while
// pixels keep the hand's chroma over luma (within shadowSpread of its
// standard deviation across the palm about the valley, and no darker than
// shadowDeep of its luma), and stops at the first of shadowRun pixels in
// a row that leave it: the gap. The valley moves there only where the
// march crossed shadow (a mean luma at least shadowDark below the palm's)
// and found the gap within shadowReach working pixels; elsewhere (a gap
// of the hand's chroma, a dark background whose chroma over luma is
// noise, a valley already at the gap) it stays. For colour photos.
func (wk *work) shadowValley(img image.Image, f *found, p, u Point) (Point, bool) {
	u, sc, L, pt, ok := wk.marchPatch(img, p, u, shadowReach, true)
	if !ok {
		return p, false
	}
	// the palm about the valley
	var n, sy, sb, sr, sbb, srr float64
	wk.interior(pt, f, func(c [3]float32) {
		b, rr := chromaOverLuma(c)
		n++
		sy += float64(c[0])
		sb += b
		sr += rr
		sbb += b * b
		srr += rr * rr
	})
	if n < 8 {
		return p, false
	}
	my, mb, mr := sy/n, sb/n, sr/n
	if my < shadowLuma {
		return p, false
	}
	// the spread, at least that of a grey level of noise in cb and cr
	floor := 100 / my
	vb, vr := math.Max(sbb/n-mb*mb, floor*floor), math.Max(srr/n-mr*mr, floor*floor)
	far := func(q Point) (bool, float64, bool) {
		c, ok := pt.at(q.X, q.Y)
		if !ok {
			return false, 0, false
		}
		y := float64(c[0])
		if y < math.Max(shadowLuma, shadowDeep*my) {
			return true, y, true // too dark for a shadow, or to judge
		}
		b, rr := chromaOverLuma(c)
		e := (b-mb)*(b-mb)/vb + (rr-mr)*(rr-mr)/vr
		return e > shadowSpread*shadowSpread, y, true
	}
	var dark float64
	steps := 0
	for t := 0.0; t <= L; t++ {
		q := Point{p.X + t*u.X, p.Y + t*u.Y}
		out, y, ok := far(q)
		if !ok {
			return p, false
		}
		if !out {
			dark += y
			steps++
			continue
		}
		run := 1
		for ; run < shadowRun; run++ {
			o, _, ok := far(Point{q.X + float64(run)*u.X, q.Y + float64(run)*u.Y})
			if !ok || !o {
				break
			}
		}
		if run < shadowRun {
			dark += y
			steps++
			continue
		}
		// the gap, t input pixels above the valley
		if steps < int(sc) || dark/float64(steps) > (1-shadowDark)*my {
			return p, false // no shadow crossed: the valley is at the gap
		}
		return Point{p.X + (t-0.5)*u.X, p.Y + (t-0.5)*u.Y}, true
	}
	return p, false
}

// marchPatch prepares a march of reach working pixels from p (input
// pixels) up the bisector u (working image): it returns u in the input
// image, the input pixels per working pixel, the march's length in input
// pixels and the patch of the input image about p that holds the march and
// the palm beside it; false where u is zero or too little of the patch
// lies in the image.
func (wk *work) marchPatch(img image.Image, p, u Point, reach float64, colour bool) (Point, float64, float64, *patch, bool) {
	u = wk.toImageDir(u)
	if u == (Point{}) {
		return u, 0, 0, nil, false
	}
	sc := math.Max(wk.sx, wk.sy)
	L := reach * sc
	pt, ok := readPatchAbout(img, p, int(L)+3, colour)
	return u, sc, L, pt, ok
}

// interior calls fn with the colour, read from pt, of each working pixel
// in pt of the silhouette whose four neighbours are in it too: the palm
// about a valley, away from its outline.
func (wk *work) interior(pt *patch, f *found, fn func(c [3]float32)) {
	in := f.comp.at
	wx0, wy0, wx1, wy1 := wk.within(pt.r)
	for y := wy0; y <= wy1; y++ {
		for x := wx0; x <= wx1; x++ {
			if !(in(x, y) && in(x-1, y) && in(x+1, y) && in(x, y-1) && in(x, y+1)) {
				continue
			}
			q := wk.toImage(float64(x), float64(y))
			if c, ok := pt.at(q.X, q.Y); ok {
				fn(c)
			}
		}
	}
}

// Constants of webValley.
const (
	webReach = 10.0 // working pixels searched above the valley
	webLevel = 0.7  // the gap's edge, as a fraction of the way from the gap's luma to the web's
	webMin   = 0.25 // the least contrast between the web and the gap, relative to the palm's luma
)

// webValley moves an open valley at p (input pixels, already refined;
// bisector u, working image) of a grey NIR frame up its bisector across
// the web between two fingers. The web slopes away from the light: a band
// of skin darker than the palm but far brighter than the gap, which a
// segmentation by brightness leaves out, so the valley can lie several
// working pixels below the web's edge. Along the bisector (the mean of
// the lines an input pixel either side of it too) the edge is where luma
// first falls below the level webLevel of the way from the gap's luma
// (the darkest within webReach working pixels above the valley) to the
// web's (its mean over the first working pixel above the valley). The
// valley moves there only where that lies at least a working pixel above
// it and the band crossed is darker than the palm about the valley by at
// least shadowDark of its luma; elsewhere (a valley already at the gap, a
// gap barely darker than the web, a band as bright as the palm) it stays.
// On synth NIR frames it moves most open valleys (median error 1.45% to
// 1.25% of the palm width on seed 11); on the CASIA 940 nm hands the
// refined valleys already lie at the gap and none moves.
func (wk *work) webValley(img image.Image, f *found, p, u Point) (Point, bool) {
	u, sc, L, pt, ok := wk.marchPatch(img, p, u, webReach, false)
	if !ok {
		return p, false
	}
	var n, sy float64
	wk.interior(pt, f, func(c [3]float32) {
		n++
		sy += float64(c[0])
	})
	if n < 8 {
		return p, false
	}
	palm := sy / n
	// the profile up the bisector, in half-pixel steps
	const step = 0.5
	nv := Point{-u.Y, u.X}
	var prof []float64
	for t := 0.0; t <= L; t += step {
		var s float64
		for o := -1.0; o <= 1; o++ {
			c, ok := pt.at(p.X+t*u.X+o*nv.X, p.Y+t*u.Y+o*nv.Y)
			if !ok {
				return p, false
			}
			s += float64(c[0])
		}
		prof = append(prof, s/3)
	}
	gap := prof[0]
	for _, v := range prof {
		gap = math.Min(gap, v)
	}
	var web float64
	nw := min(len(prof), int(sc/step)+1)
	for _, v := range prof[:nw] {
		web += v / float64(nw)
	}
	if web-gap < webMin*palm {
		return p, false
	}
	level := gap + webLevel*(web-gap)
	var sum float64
	for c := 1; c < len(prof); c++ {
		sum += prof[c-1]
		if prof[c] >= level {
			continue
		}
		t := (float64(c-1) + (prof[c-1]-level)/(prof[c-1]-prof[c])) * step
		if t < sc || sum/float64(c) > (1-shadowDark)*palm {
			return p, false
		}
		return Point{p.X + t*u.X, p.Y + t*u.Y}, true
	}
	return p, false
}
