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
	u = wk.toImageDir(u)
	if u == (Point{}) {
		return p, false
	}
	sc := math.Max(wk.sx, wk.sy)
	L := shadowReach * sc
	pt, ok := readPatchAbout(img, p, int(L)+3, true) // the march and the palm about it
	if !ok {
		return p, false
	}
	// the palm about the valley: working pixels of the silhouette whose
	// neighbours are all in it
	in := f.comp.at
	var n, sy, sb, sr, sbb, srr float64
	wx0, wy0, wx1, wy1 := wk.within(pt.r)
	for y := wy0; y <= wy1; y++ {
		for x := wx0; x <= wx1; x++ {
			if !(in(x, y) && in(x-1, y) && in(x+1, y) && in(x, y-1) && in(x, y+1)) {
				continue
			}
			q := wk.toImage(float64(x), float64(y))
			c, ok := pt.at(q.X, q.Y)
			if !ok {
				continue
			}
			b, rr := chromaOverLuma(c)
			n++
			sy += float64(c[0])
			sb += b
			sr += rr
			sbb += b * b
			srr += rr * rr
		}
	}
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
