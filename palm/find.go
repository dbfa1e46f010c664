package palm

import (
	"fmt"
	"image"
	"math"
	"sort"
)

// found is a hand candidate in working-image coordinates.
type found struct {
	comp    *comp   // the hand's silhouette (holes filled)
	mass    Point   // centroid of the silhouette within 2.2 r of the centre, relative to it
	centre  Point   // palm centre
	r       float64 // inscribed radius, pixels
	contour []ipoint
	valleys [3]Point
	rim     [3]Point // each valley's lowest point on the outline, before a closed valley's slide
	bisect  [3]Point // each valley's bisector, out of the palm into the gap
	tips    [4]Point
	open    [3]bool
	thumb   bool
	side    Side
	alt     *hypo // the best hypothesis with the outer valleys the other way round, nil if none
	score   float64
	level   float64 // score as the acceptance thresholds see it (thumbAccept)
	fingers int     // finger-like protrusions seen (for the error when there is no hand)
	doubted bool    // the hand network does not see this hand (priorAgrees)
	guessed bool    // the valleys are the keypoint network's (checkKeypoints)
}

// Thresholds of the hand model, in units of the palm's inscribed radius R.
const (
	narrowMax = 0.85 // a finger's width where it crosses the level circle
	doubleMax = 1.5  // two fingers held together
	thumbMax  = 1.15 // the thumb's
	minScore  = 5.5  // a hypothesis scoring less is no hand
	goodScore = 9.0  // a hypothesis scoring more ends the search
)

// levels are the radii (in R) of the circles about the palm centre that
// cut fingers off the palm; each is tried.
var levels = [...]float64{1.2, 1.32, 1.45, 1.6, 1.75, 1.9, 2.1}

// findHand segments the working image in several ways, finds the most
// hand-like silhouette and its landmarks.
func (wk *work) findHand(sink func(string, image.Image)) (*found, error) {
	w, h := wk.w, wk.h
	lum := blur3(wk.scratch(w*h), wk.lum, w, h)
	var cb, cr []float32
	if wk.colour {
		cb, cr = blur3(wk.scratch(w*h), wk.cb, w, h), blur3(wk.scratch(w*h), wk.cr, w, h)
	}
	var nb, nr []float32
	var edge []uint8 // colour edges, computed when first needed
	var best, closest *found
	maxFingers := 0
	bigBlob := false
	var seeds []seed
	netOpen := -1 // open valleys of the hand network's hand: no fewer may replace it
	try := func(m, edge []uint8, join bool) {
		for _, comp := range largest(m, edge, w, h, 2, w*h/100, join, lum, nb, nr) {
			bigBlob = true
			f := wk.landmarks(&comp)
			if wk.colour {
				seeds = append(seeds, comp.seeds...)
			}
			if closest == nil || f.fingers > maxFingers {
				closest = f
			}
			maxFingers = max(maxFingers, f.fingers)
			if wk.prior != nil && f.level >= minScore && !wk.priorAgrees(f) {
				// the hand network sees no hand there
				f.score -= priorPenalty
				f.level -= priorPenalty
				f.doubted = true
			}
			if f.level >= minScore && (best == nil || f.score > best.score) && openValleys(f.open) >= netOpen {
				best = f
			}
		}
	}
	if wk.colour {
		// Chroma over luma does not change with shading: a shadow or the
		// dark rim of the hand keeps it.
		nb, nr = wk.scratch(len(lum)), wk.scratch(len(lum))
		for i, y := range lum {
			y = max(y*255, 12)
			nb[i] = 100 * (cb[i] - 128) / y
			nr[i] = 100 * (cr[i] - 128) / y
		}
	}
	var used, tried []seed
	var netHand *found // a hand in the network's mask that is not clear
	if wk.prior != nil {
		// first the hand network's choice of pixels, where it gives a
		// clear hand: the other masks can break fingers held together
		// into false gaps where highlights or creases change their
		// colour. Where its hand has fingers together, the others are
		// tried as well, and a hand that scores better with no fewer
		// fingers apart wins: the hand's colour, fitted to the whole
		// hand, can take in a background of skin colour seen through a
		// narrow gap.
		if m := netFit(wk.prior, lum, nb, nr, w, h); m != nil {
			try(m, nil, false)
			if best == nil || best.level < contrastScore {
				netHand, best = best, nil
			} else {
				netOpen = openValleys(best.open)
			}
		}
	}
	var cands [][]uint8
	if netOpen < 3 { // no hand yet, or one with fingers together
		cands = wk.candidates(lum, cb, cr)
	}
	for _, m := range cands {
		seeds = seeds[:0]
		// the segmentation as it is, then, where it gave no clear hand,
		// cut along colour edges (clutter of skin colour touching the
		// hand)
		try(append([]uint8(nil), m...), nil, false)
		if wk.colour && (best == nil || best.level < goodScore) {
			if edge == nil {
				edge = edges(lum, cb, cr, w, h)
			}
			try(m, edge, false)
			if best == nil || best.level < goodScore {
				try(m, edge, true)
			}
		}
		if wk.colour {
			// a chroma model fitted about the palm found so far, or about
			// the deepest points of this segmentation's pieces
			sd := seeds
			if best != nil {
				sd = []seed{{best.centre, best.r}}
			}
			if len(sd) > maxSeeds {
				sd = sd[:maxSeeds]
			}
			for qi, q := range sd {
				dup := false
				for _, u := range used {
					dup = dup || dist(u.c, q.c) < 0.3*q.r
				}
				if dup {
					continue
				}
				if qi == 0 {
					used = append(used, q)
				}
				tried = append(tried, q)
				if m := refit(q, lum, nb, nr, w, h); m != nil {
					b0 := best
					try(m, nil, false)
					if qi > 0 && best != b0 && best.level < goodScore {
						// about a lesser piece only a clear hand counts
						best = b0
					}
				}
			}
		}
		if best != nil && best.level >= goodScore {
			break
		}
	}
	if best == nil && wk.colour {
		// no hand yet: contrast the palm's colour with the background's
		// about each seed tried
		for _, q := range tried {
			if m := contrastFit(q, lum, nb, nr, w, h); m != nil {
				b0 := best
				try(m, nil, false)
				if best != b0 && best.level < contrastScore {
					best = b0 // only a clear hand counts
				}
			}
			if best != nil {
				break
			}
		}
	}
	if best != nil && best.doubted && netHand != nil && !netHand.doubted {
		// rather a hand the network sees than clutter it does not
		best = netHand
	}
	if best == nil {
		if closest != nil && closest.r > 0 && maxFingers >= 2 {
			// for the keypoint network to read (rescue)
			wk.closest = closest
		}
		if sink != nil {
			var m []uint8
			if closest != nil {
				m = closest.comp.full(w, h)
				sink("mask", maskImage(m, w, h))
			}
			sink("contour", wk.overlay(nil, m, false))
		}
		switch {
		case !bigBlob:
			return nil, fmt.Errorf("%w: nothing stands out from the background", ErrNoHand)
		case maxFingers >= 4:
			// enough finger-like shapes, but no four of them in a row make
			// a hand: fingers touching in pairs, cut by shade or clutter
			return nil, fmt.Errorf("%w: %d finger-like shapes seen, but no four of them spread apart make a hand", ErrFingersClosed, maxFingers)
		case maxFingers >= 2:
			return nil, fmt.Errorf("%w: %d separate fingers seen, want 4", ErrFingersClosed, maxFingers)
		}
		return nil, fmt.Errorf("%w: no hand-shaped region", ErrNoHand)
	}
	return best, nil
}

// maxSeeds is the number of seeds, per segmentation, that a chroma model is
// fitted about: the deepest points of the largest pieces cut along colour
// edges, the hand's palm among them when clutter of skin colour touches it.
const maxSeeds = 3

// contrastScore is the least score of a hand found by contrastFit: its
// masks can break fingers held together into false gaps (real photos with
// highlights on the fingers), so only a clear hand counts.
const contrastScore = 10.5

// blur3 writes to out (as long as v) v smoothed with a 3 x 3 box, the
// image's edge pixels repeated outwards, and returns it.
func blur3(out, v []float32, w, h int) []float32 {
	tp := scratchFloat32(len(v))
	defer f32Pool.Put(tp)
	tmp := *tp
	for y := 0; y < h; y++ {
		r := v[y*w : (y+1)*w]
		o := tmp[y*w : (y+1)*w]
		o[0] = third(r[0] + r[0] + r[min(w-1, 1)])
		for x := 1; x < w-1; x++ {
			o[x] = third(r[x-1] + r[x] + r[x+1])
		}
		if w > 1 {
			o[w-1] = third(r[w-2] + r[w-1] + r[w-1])
		}
	}
	for y := 0; y < h; y++ {
		a, b, c := tmp[max(0, y-1)*w:], tmp[y*w:], tmp[min(h-1, y+1)*w:]
		o := out[y*w : (y+1)*w]
		a, b, c = a[:len(o)], b[:len(o)], c[:len(o)]
		for x := range o {
			o[x] = third(a[x] + b[x] + c[x])
		}
	}
	return out
}

// candidates returns foreground masks from several segmentations: for
// colour images a broad skin-chroma box, Otsu's threshold on the red
// chroma and on brightness, either side of the latter; for grey images Otsu's threshold on brightness
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
	var ql quantiles // one histogram for the quantiles of lum
	ql.count(lum, 1)
	lo, hi := ql.at(0.01), ql.at(0.99)
	t := otsu(lum, lo, hi)
	if wk.colour {
		m := make([]uint8, n)
		for i := range m {
			if cr[i] >= 134 && cr[i] <= 190 && cb[i] >= 65 && cb[i] <= 132 && lum[i] > 0.12 && cr[i]-128 > 0.6*(128-cb[i])-8 {
				m[i] = 1
			}
		}
		out = append(out, m)
		var qc quantiles
		qc.count(cr, 255)
		clo, chi := qc.at(0.01), qc.at(0.99)
		if chi-clo > 6 {
			out = append(out, thr(cr, otsu(cr, clo, chi)))
		}
		out = append(out, thr(lum, t))
		// a dark hand on a bright background: the darker side of
		// Otsu's threshold, where it is the smaller (else it is the
		// background, and the brighter side was the foreground)
		dark := thr(lum, t)
		nd := 0
		for i := range dark {
			dark[i] ^= 1
			nd += int(dark[i])
		}
		if 2*nd <= n {
			out = append(out, dark)
		}
		return out
	}
	out = append(out, thr(lum, t))
	bg := ql.at(0.05)
	out = append(out, thr(lum, bg+0.6*(t-bg)), thr(lum, t+0.35*(hi-t)))
	return out
}

// seed is a disc of a candidate silhouette a chroma model is fitted in.
type seed struct {
	c Point
	r float64
}

// refit segments a colour image with a model of its chroma over luma (cb
// and cr, scaled by 100) fitted to a disc of half the seed's radius: the
// pixels within a Mahalanobis distance of the disc's mean.
func refit(sd seed, lum, cb, cr []float32, w, h int) []uint8 {
	var s gaussSum
	rr := 0.5 * sd.r
	x0, x1 := max(0, int(sd.c.X-rr)), min(w-1, int(sd.c.X+rr))
	y0, y1 := max(0, int(sd.c.Y-rr)), min(h-1, int(sd.c.Y+rr))
	for y := y0; y <= y1; y++ {
		for x := x0; x <= x1; x++ {
			dx, dy := float64(x)-sd.c.X, float64(y)-sd.c.Y
			i := y*w + x
			if dx*dx+dy*dy > rr*rr || lum[i] < 0.04 {
				continue
			}
			s.add(float64(cb[i]), float64(cr[i]))
		}
	}
	g, ok := s.fit()
	if !ok {
		return nil
	}
	m := make([]uint8, len(lum))
	// A pixel of luma at least k/refitBins has a noise at most that of
	// luma k/refitBins, so a pixel far from g even with that noise is out
	// (fb[k]) before its own noise is computed.
	var fb [refitBins + 1]farBound
	for k := range fb {
		fb[k] = g.farFrom(refitNoise(float64(k)/refitBins*255), 16)
	}
	for i, l := range lum {
		if !(l > 0.03) {
			continue
		}
		b, r := float64(cb[i]), float64(cr[i])
		k := refitBins
		if l < 1 {
			k = int(l * refitBins) // l*refitBins is exact: k/refitBins <= l
		}
		if fb[k].far(b, r) {
			continue
		}
		if g.within(b, r, refitNoise(float64(l)*255), 16) {
			m[i] = 1
		}
	}
	return m
}

// refitBins is the number of bins of luma that refit bounds the noise in.
const refitBins = 64

// refitNoise is the variance of the ratios' noise that refit adds at luma y
// (in grey levels): it grows as luma falls, about 1.5 levels of chroma over
// the luma. It falls as y grows.
func refitNoise(y float64) float64 {
	if y < 12 {
		y = 12
	}
	e := 150 / y
	return e * e
}

// edges marks the strong colour edges of a colour image: pixels whose
// Sobel gradient of luma (in grey levels) plus chroma exceeds three times
// the median.
func edges(lum, cb, cr []float32, w, h int) []uint8 {
	gp := scratchFloat32(len(lum))
	defer f32Pool.Put(gp)
	g := *gp
	// the border pixels have no gradient
	clear(g[:w])
	clear(g[(h-1)*w:])
	for y := 1; y < h-1; y++ {
		row := g[y*w : (y+1)*w]
		row[0], row[w-1] = 0, 0
		sobelRow(row, lum, cb, cr, w, y)
	}
	t := 3 * percentile(g, 0.5, 2000)
	if t < 40 {
		t = 40
	}
	e := make([]uint8, len(g))
	for i, v := range g {
		if v > t && !crease(lum, cb, cr, w, h, i) {
			e[i] = 1
		}
	}
	return e
}

// crease tells whether the strong gradient at pixel i (not on the image's
// edge) belongs to a thin dark line with the same colour either side, a
// skin crease such as a finger's flexion crease, rather than to a step
// between two regions: across the line (the luma gradient's direction),
// creaseReach pixels either way, luma is higher by creaseDepth than the
// darkest on the way and about equal at both ends, as is the chroma.
func crease(lum, cb, cr []float32, w, h, i int) bool {
	gx := lum[i-w+1] + 2*lum[i+1] + lum[i+w+1] - lum[i-w-1] - 2*lum[i-1] - lum[i+w-1]
	gy := lum[i+w-1] + 2*lum[i+w] + lum[i+w+1] - lum[i-w-1] - 2*lum[i-w] - lum[i-w+1]
	fx, fy := float64(gx), float64(gy)
	n := math.Sqrt(fx*fx + fy*fy)
	if n == 0 {
		return false
	}
	dx, dy := fx/n, fy/n
	x0, y0 := float64(i%w), float64(i/w)
	// the ends first: rounding is monotonic along the line, so the samples
	// between them are inside the image when they are
	ax, ay := int(math.Round(x0-creaseReach*dx)), int(math.Round(y0-creaseReach*dy))
	bx, by := int(math.Round(x0+creaseReach*dx)), int(math.Round(y0+creaseReach*dy))
	if min(ax, bx) < 0 || min(ay, by) < 0 || max(ax, bx) >= w || max(ay, by) >= h {
		return false
	}
	a, b := ay*w+ax, by*w+bx
	if abs32(cb[a]-cb[b])+abs32(cr[a]-cr[b]) >= creaseChroma {
		return false
	}
	la, lb := lum[a], lum[b]
	low := min(la, lb)
	for t := 1 - creaseReach; t < creaseReach; t++ {
		x, y := int(math.Round(x0+t*dx)), int(math.Round(y0+t*dy))
		low = min(low, lum[y*w+x])
	}
	depth := min(la, lb) - low
	return depth >= creaseDepth && abs32(la-lb) <= 0.5*depth
}

// A crease: a dark line at least creaseDepth (luma, 0 to 1) below the
// ends creaseReach pixels either side, whose chroma (grey levels) differs
// by less than creaseChroma.
const (
	creaseReach  = 3.0
	creaseDepth  = 0.02
	creaseChroma = 6
)

func abs32(v float32) float32 {
	if v < 0 {
		return -v
	}
	return v
}

// comp is a connected silhouette and the discs about its deepest points.
type comp struct {
	mask   []uint8 // bw x bh, the component's bounding box with a margin
	x0, y0 int     // the box's position in the working image
	bw, bh int
	seeds  []seed
	dt     []float32 // distance transform of mask, nil until distance
	depth  float32   // its largest value
}

// largest cleans m (a 3 x 3 opening) and returns its k largest components
// with at least minArea pixels, holes filled. Where edge is not nil, the
// components are those of m without the edge pixels, grown back by two
// pixels within m, so that clutter of the hand's colour that touches it
// along an edge is cut away. With join, the small pieces beside each
// component with its luma and chroma over luma (nb, nr) are joined back
// first: fingers whose flexion creases the edges cut across (joinPieces).
func largest(m, edge []uint8, w, h, k, minArea int, join bool, lum, nb, nr []float32) []comp {
	morph(m, w, h, 1, true)
	morph(m, w, h, 1, false)
	cut := m
	if edge != nil {
		cutp := scratchBytes(len(m))
		defer bytePool.Put(cutp)
		cut = *cutp
		for i, v := range m {
			cut[i] = 0
			if v != 0 && edge[i] == 0 {
				cut[i] = 1
			}
		}
	}
	lp := scratchInt32(len(m)) // components writes every label
	defer int32Pool.Put(lp)
	lab := *lp
	areas := components(cut, w, h, lab)
	top := func() []int {
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
		return ids
	}
	ids := top()
	if edge != nil && join {
		for _, id := range ids {
			joinPieces(lab, areas, id, m, w, h, lum, nb, nr)
		}
		ids = top()
	}
	// bounding boxes, by label (nil for the labels not kept)
	type box struct{ x0, y0, x1, y1 int }
	boxes := make([]*box, len(areas))
	for _, id := range ids {
		boxes[id] = &box{w, h, -1, -1}
	}
	for y := 0; y < h; y++ {
		row := lab[y*w : (y+1)*w]
		for x := 0; x < len(row); { // a run of equal labels at a time
			l, s := row[x], x
			for x++; x < len(row) && row[x] == l; x++ {
			}
			if b := boxes[l]; b != nil {
				b.x0, b.y0 = min(b.x0, s), min(b.y0, y)
				b.x1, b.y1 = max(b.x1, x-1), max(b.y1, y)
			}
		}
	}
	const margin = 3
	var out []comp
	for _, id := range ids {
		b := boxes[id]
		cp := comp{x0: max(0, b.x0-margin), y0: max(0, b.y0-margin)}
		cp.bw = min(w, b.x1+margin+1) - cp.x0
		cp.bh = min(h, b.y1+margin+1) - cp.y0
		c := make([]uint8, cp.bw*cp.bh)
		for y := 0; y < cp.bh; y++ {
			row := lab[(cp.y0+y)*w+cp.x0:]
			for x := range cp.bw {
				if row[x] == int32(id) {
					c[y*cp.bw+x] = 1
				}
			}
		}
		if edge != nil {
			for range 2 {
				morph(c, cp.bw, cp.bh, 1, false)
				for y := 0; y < cp.bh; y++ {
					row := m[(cp.y0+y)*w+cp.x0:]
					for x := range cp.bw {
						c[y*cp.bw+x] &= row[x]
					}
				}
			}
		}
		cp.mask = c
		cp.fill(w, h)
		if edge != nil {
			dt, r := cp.distance()
			for _, p := range centres(dt, cp.bw, cp.bh, r, 2) {
				cp.seeds = append(cp.seeds, seed{Point{float64(p.x + cp.x0), float64(p.y + cp.y0)}, float64(dt[p.y*cp.bw+p.x])})
			}
		}
		out = append(out, cp)
	}
	return out
}

// joinPieces relabels as id the components of lab (cut along colour edges)
// that lie within pieceGap pixels of component id across edge pixels of m,
// are smaller than pieceArea of it and whose mean chroma over luma lies
// within pieceChroma standard deviations of its pixels': the parts of
// fingers that their flexion creases cut off.
func joinPieces(lab []int32, areas []int, id int, m []uint8, w, h int, lum, nb, nr []float32) {
	// the pieces reached from id through edge pixels of m
	depth := make([]int8, len(m))
	var front, next []int
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			i := y*w + x
			if m[i] == 0 || lab[i] != 0 {
				continue
			}
			if (x > 0 && lab[i-1] == int32(id)) || (x < w-1 && lab[i+1] == int32(id)) || (y > 0 && lab[i-w] == int32(id)) || (y < h-1 && lab[i+w] == int32(id)) {
				depth[i] = 1
				front = append(front, i)
			}
		}
	}
	near := make([]bool, len(areas)) // by label
	nNear := 0
	for d := int8(1); d <= pieceGap && len(front) > 0; d++ {
		next = next[:0]
		for _, i := range front {
			x, y := i%w, i/w
			for _, j := range [4]int{i - 1, i + 1, i - w, i + w} {
				if j < 0 || j >= len(m) || (j == i-1 && x == 0) || (j == i+1 && x == w-1) || (j == i-w && y == 0) || (j == i+w && y == h-1) {
					continue
				}
				if l := lab[j]; l != 0 && l != int32(id) {
					if !near[l] {
						near[l] = true
						nNear++
					}
				} else if l == 0 && m[j] != 0 && depth[j] == 0 {
					depth[j] = d + 1
					next = append(next, j)
				}
			}
		}
		front, next = next, front
	}
	if nNear == 0 {
		return
	}
	// chroma statistics of id and of the pieces near it
	type acc struct {
		s gaussSum
		y float64 // summed luma
	}
	st := make([]*acc, len(areas)) // by label, nil for the others
	st[id] = &acc{}
	nst := 1
	for l, ok := range near {
		if ok && float64(areas[l]) <= pieceArea*float64(areas[id]) {
			st[l] = &acc{}
			nst++
		}
	}
	if nst == 1 {
		return
	}
	for i, l := range lab {
		if a := st[l]; a != nil {
			a.s.add(float64(nb[i]), float64(nr[i]))
			a.y += float64(lum[i])
		}
	}
	c := st[id]
	g, ok := c.s.fit()
	if !ok {
		return
	}
	join := make([]bool, len(areas)) // by label
	nJoin := 0
	for l, a := range st {
		if a == nil || l == id || a.s.n == 0 {
			continue
		}
		n := a.s.n
		db, dr := a.s.sb/n-g.mb, a.s.sr/n-g.mr
		ly := math.Abs(math.Log(a.y / n * c.s.n / c.y))
		if db*db/g.vb+dr*dr/g.vr < pieceChroma*pieceChroma && ly < pieceLuma {
			join[l] = true
			nJoin++
		}
	}
	if nJoin == 0 {
		return
	}
	for i, l := range lab {
		if join[l] {
			lab[i] = int32(id)
		}
	}
	for l, j := range join {
		if j {
			areas[id] += areas[l]
			areas[l] = 0
		}
	}
}

// Pieces joined back to a component: within pieceGap pixels of it, at most
// pieceArea of its area, mean chroma within pieceChroma standard deviations.
const (
	pieceGap    = 3
	pieceArea   = 0.12
	pieceChroma = 1.0
	pieceLuma   = 0.4 // |ln| of the ratio of mean lumas
)

// fill fills the component's holes. The box has a background margin except
// where it meets the image border, so this is fillHoles of the whole image.
func (cp *comp) fill(w, h int) { fillHoles(cp.mask, cp.bw, cp.bh) }

// at reports whether working pixel (x, y) of the image is in the
// silhouette.
func (cp *comp) at(x, y int) bool {
	x, y = x-cp.x0, y-cp.y0
	return x >= 0 && y >= 0 && x < cp.bw && y < cp.bh && cp.mask[y*cp.bw+x] != 0
}

// distance returns distTransform of the component (outside the box counts
// as background, as does the outside of the image) and its largest value,
// computed on the first call. The mask must not change after it.
func (cp *comp) distance() ([]float32, float32) {
	if cp.dt == nil {
		cp.dt = make([]float32, len(cp.mask))
		cp.depth, _, _ = distTransform(cp.mask, cp.bw, cp.bh, cp.dt)
	}
	return cp.dt, cp.depth
}

// centroid returns the centroid of the component's pixels within radius r
// of c (box coordinates), relative to c.
func (cp *comp) centroid(c ipoint, r float64) Point {
	// The offsets are whole numbers and their sums too, so they are summed
	// as integers; each row's pixels within the disc are a span about c.x.
	var sx, sy, n int
	r2 := r * r
	in := func(dx, dy int) bool { return float64(dx*dx+dy*dy) <= r2 }
	ri := int(r)
	for y := max(0, c.y-ri); y < min(cp.bh, c.y+ri+1); y++ {
		dy := y - c.y
		t := int(math.Sqrt(math.Max(0, r2-float64(dy*dy))))
		for t > 0 && !in(t, dy) {
			t--
		}
		for in(t+1, dy) {
			t++
		}
		if !in(t, dy) {
			continue
		}
		t = min(t, ri)
		row := cp.mask[y*cp.bw:]
		k, s := 0, 0
		for x := max(0, c.x-t); x < min(cp.bw, c.x+t+1); x++ {
			if row[x] != 0 {
				s += x
				k++
			}
		}
		sx += s - k*c.x
		sy += k * dy
		n += k
	}
	if n == 0 {
		return Point{}
	}
	return Point{float64(sx) / float64(n), float64(sy) / float64(n)}
}

// full returns the component's mask in the whole w x h working image.
func (cp *comp) full(w, h int) []uint8 {
	m := make([]uint8, w*h)
	for y := 0; y < cp.bh; y++ {
		copy(m[(cp.y0+y)*w+cp.x0:(cp.y0+y)*w+cp.x0+cp.bw], cp.mask[y*cp.bw:(y+1)*cp.bw])
	}
	return m
}

// protrusion is a stretch of the contour beyond a circle about the palm
// centre: a finger, the thumb, the forearm or clutter.
type protrusion struct {
	s, e   int // first and last contour index (e may exceed len(contour): unwrapped)
	tip    int // contour index of the farthest point
	width  float64
	border bool
	merged int // 1 and 2: the halves of a protrusion split in two
}

// landmarks finds the finger valleys of the silhouette m. The palm centre
// is the deepest point of the silhouette, or, where clutter of the hand's
// colour touches it, one of the next deepest: each of up to three centres
// is tried.
func (wk *work) landmarks(cp *comp) *found {
	w, h := cp.bw, cp.bh
	m := cp.mask
	f := &found{comp: cp}
	dt, r := cp.distance()
	if r < 3 {
		return f
	}
	c := trace(m, w, h, 8*(w+h))
	if len(c) < 16 {
		return f
	}
	for i := range c {
		c[i].x += cp.x0
		c[i].y += cp.y0
	}
	f.contour = c
	best := f.score
	try := func(ctr ipoint) {
		g := &found{comp: cp, contour: c, centre: Point{float64(ctr.x + cp.x0), float64(ctr.y + cp.y0)}, r: float64(dt[ctr.y*w+ctr.x])}
		g.mass = cp.centroid(ctr, 2.2*g.r)
		wk.fingers(g)
		f.fingers = max(f.fingers, g.fingers)
		if g.score > best || f.r == 0 {
			fing := f.fingers
			*f = *g
			f.fingers = fing
			best = g.score
		}
	}
	for _, ctr := range centres(dt, w, h, r, 3) {
		try(ctr)
	}
	// A forearm wider than the palm holds the deepest points: where the
	// best hand's centre lies far below its valleys, try again about the
	// deepest point near where the valleys put the palm centre.
	if f.r > 0 {
		V := f.valleys
		D := dist(V[0], V[2])
		mid := Point{(V[0].X + V[2].X) / 2, (V[0].Y + V[2].Y) / 2}
		n := unit(Point{V[2].Y - V[0].Y, V[0].X - V[2].X})
		off := (f.centre.X-mid.X)*n.X + (f.centre.Y-mid.Y)*n.Y
		if off < 0 {
			n, off = Point{-n.X, -n.Y}, -off
		}
		if D > 2 && off > 1.5*D {
			if q, ok := cp.deepestNear(Point{mid.X + ratioCentre*D*n.X, mid.Y + ratioCentre*D*n.Y}, 0.25*D); ok {
				try(q)
			}
		}
	}
	return f
}

// deepestNear returns the point of the silhouette deepest inside it (its
// distance transform's largest value) within rr working pixels of p
// (working coordinates), relative to the component's box; ok is false
// where none there lies 3 pixels or more inside.
func (cp *comp) deepestNear(p Point, rr float64) (q ipoint, ok bool) {
	dt, _ := cp.distance()
	w, h := cp.bw, cp.bh
	p.X, p.Y = p.X-float64(cp.x0), p.Y-float64(cp.y0)
	bi, bv := -1, float32(0)
	for y := max(0, int(p.Y-rr)); y <= min(h-1, int(p.Y+rr)); y++ {
		for x := max(0, int(p.X-rr)); x <= min(w-1, int(p.X+rr)); x++ {
			dx, dy := float64(x)-p.X, float64(y)-p.Y
			if dx*dx+dy*dy <= rr*rr && dt[y*w+x] > bv {
				bi, bv = y*w+x, dt[y*w+x]
			}
		}
	}
	return ipoint{bi % w, bi / w}, bi >= 0 && bv >= 3
}

// centres returns up to k local maxima of the distance transform dt, each
// at least 0.55 of the largest and outside the discs of 1.5 times the radius
// around the ones before.
func centres(dt []float32, w, h int, r float32, k int) []ipoint {
	var out []ipoint
	var rs []float32
	if k <= 0 {
		return out
	}
	// The first is the last largest value in raster order; any later one
	// is among the pixels of at least t, which are kept for the later
	// passes (in raster order).
	t := float32(0.55) * r
	cp := pointPool.Get().(*[]ipoint)
	defer pointPool.Put(cp)
	cand, bi, bv := atLeast(dt, w, h, t, (*cp)[:0])
	*cp = cand
	for bi >= 0 {
		out = append(out, cand[bi])
		rs = append(rs, bv)
		if len(out) == k {
			break
		}
		bi, bv = -1, t
		for ci, c := range cand {
			v := dt[c.y*w+c.x]
			if v < bv {
				continue
			}
			ok := true
			for j, p := range out {
				dx, dy := float32(c.x-p.x), float32(c.y-p.y)
				if dx*dx+dy*dy < 2.25*rs[j]*rs[j] {
					ok = false
					break
				}
			}
			if ok {
				bi, bv = ci, v
			}
		}
	}
	return out
}

// atLeast appends to cand the positions of the values of dt (w x h) of at
// least t, in raster order, and returns them with the index in cand and
// the value of the last largest one (-1 and t where there is none).
func atLeast(dt []float32, w, h int, t float32, cand []ipoint) ([]ipoint, int, float32) {
	bi, bv := -1, t
	for y := 0; y < h; y++ {
		for x, v := range dt[y*w : (y+1)*w] {
			if v < t {
				continue
			}
			cand = append(cand, ipoint{x, y})
			if v >= bv {
				bi, bv = len(cand)-1, v
			}
		}
	}
	return cand, bi, bv
}

// fingers finds the protrusions of f's contour about its centre and the
// best assignment of four of them to the index, middle, ring and little
// fingers.
func (wk *work) fingers(f *found) {
	w, h := wk.w, wk.h
	c := f.contour
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
	all := wk.hbuf[:0]
	defer func() { wk.hbuf = all[:0] }()
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
			i := wrap(i0+k, n)
			if ds[i] <= T {
				continue
			}
			pr := protrusion{s: i0 + k, tip: i0 + k}
			for ; k < n && ds[wrap(i0+k, n)] > T; k++ {
				j := wrap(i0+k, n)
				if ds[j] > ds[wrap(pr.tip, n)] {
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
		runs = splitDoubles(runs, R, ds, n)
		if len(runs) < 4 {
			continue
		}
		for i := range runs {
			for _, rev := range [2]bool{false, true} {
				s, ok := f.hypothesis(runs, i, rev, pt, n, func(j int) bool { return onBorder(c[((j%n)+n)%n]) })
				if !ok {
					continue
				}
				s.score = s.feat.score()
				all = append(all, s)
			}
		}
	}
	bi := -1
	for i, s := range all {
		if bi < 0 || s.score > all[bi].score {
			bi = i
		}
	}
	if bi < 0 {
		return
	}
	bi, ri := vote(all, bi)
	s := all[bi]
	f.take(&s)
	f.score = s.score
	f.level = s.score - (thumbWeight-thumbAccept)*max(0, s.feat.dirThumb)
	f.alt = nil
	if ri >= 0 {
		a := all[ri]
		f.alt = &a
	}
}

// take sets f's fingers, valleys and side to those of hypothesis s.
func (f *found) take(s *hypo) {
	f.valleys, f.rim, f.bisect, f.tips, f.thumb, f.side, f.open = s.valleys, s.rim, s.bisect, s.tips, s.thumb, s.side, s.open
}

// vote returns the hypothesis of hs that wins a vote between the order of
// the best one, hs[bi], and its reverse: each hypothesis whose outer
// valleys lie within voteTol D of the best one's, in either order, adds
// exp(its score less the best) to that order's side. The levels see the
// same fingers at different cuts, so an order that many of them support
// wins over one that a single level scores a little higher. rev is the
// best-scoring hypothesis of the losing order, -1 if there is none.
func vote(hs []hypo, bi int) (win, rev int) {
	b := hs[bi]
	D := dist(b.valleys[0], b.valleys[2])
	tol := voteTol * D
	var same, revs float64
	ri := -1
	for i, h := range hs {
		w := math.Exp(h.score - b.score)
		switch {
		case dist(h.valleys[0], b.valleys[0]) < tol && dist(h.valleys[2], b.valleys[2]) < tol:
			same += w
		case dist(h.valleys[0], b.valleys[2]) < tol && dist(h.valleys[2], b.valleys[0]) < tol:
			revs += w
			if ri < 0 || h.score > hs[ri].score {
				ri = i
			}
		}
	}
	if ri >= 0 && revs > same {
		return ri, bi
	}
	return bi, ri
}

// voteTol is the distance, in D, within which two hypotheses' valleys
// count as the same.
const voteTol = 0.15

// splitDoubles replaces each protrusion about as wide as two fingers by two
// halves, marked merged, for fingers held together.
func splitDoubles(runs []protrusion, R float64, ds []float64, n int) []protrusion {
	out := runs[:0:0]
	for _, p := range runs {
		if p.width < narrowMax*R || p.width > doubleMax*R || p.e-p.s < 6 {
			out = append(out, p)
			continue
		}
		mid := (p.s + p.e) / 2
		a := protrusion{s: p.s, e: mid - 1, width: p.width / 2, border: p.border, merged: 1}
		b := protrusion{s: mid + 1, e: p.e, width: p.width / 2, border: p.border, merged: 2}
		for _, q := range []*protrusion{&a, &b} {
			q.tip = q.s
			for j := q.s; j <= q.e; j++ {
				if ds[j%n] > ds[q.tip%n] {
					q.tip = j
				}
			}
		}
		out = append(out, a, b)
	}
	return out
}

type hypo struct {
	valleys [3]Point
	rim     [3]Point
	bisect  [3]Point
	tips    [4]Point
	open    [3]bool
	thumb   bool
	side    Side
	score   float64
	feat    features
}

// features describe how hand-like four protrusions taken as index, middle,
// ring and little fingers are; score weighs them.
type features struct {
	spacing  float64    // ln of the ratio of the two valley spacings
	dr       float64    // ln(D/R): valley distance over the palm radius
	centre   float64    // distance of the palm centre from the valley line over D
	depth    float64    // least depth of a valley below the fingertips beside it, in R
	axis     float64    // least cosine between a finger and the palm axis
	width    float64    // widest finger, in R
	lift     float64    // closed-valley corrections, summed, in D
	dirTip   float64    // index tip above the little tip, in R (+: this order)
	dirThumb float64    // +1: a thumb beside the index, -1: beside the little finger
	dirMass  float64    // the silhouette's centroid about the palm centre towards the index side, in R
	dirLen   float64    // ln of the index finger's length over the little finger's (0 where either is cut by the frame)
	dirWidth float64    // ln of the index finger's width over the little finger's
	merged   int        // fingers taken from split protrusions
	length   float64    // median finger length (tip to nearest valley) in D; 1.5 where cut by the frame
	vr       float64    // nearest over farthest valley distance from the palm centre
	angles   [3]float64 // angles between neighbouring fingers' axes, degrees
}

// splay is how far, in degrees, the end finger splayed most from its
// neighbour turns beyond the mean of the other two angles between
// neighbouring fingers.
func (ft *features) splay() float64 {
	a := ft.angles
	return math.Max(a[0]-(a[1]+a[2])/2, a[2]-(a[0]+a[1])/2)
}

// score is a hypothesis' plausibility; about 10 for a clear hand.
func (ft *features) score() float64 {
	s := 10.0
	s -= 4 * math.Abs(ft.spacing)
	s -= 4 * math.Abs(ft.dr-math.Log(ratioDR))
	s -= 5 * math.Abs(math.Log(math.Max(ft.centre, 0.05)/ratioCentre))
	if ft.depth < 0.3 {
		s -= 3 + 10*(0.3-ft.depth)
	}
	if ft.axis < 0.3 {
		s -= 3 + 5*(0.3-ft.axis)
	}
	if ft.axis < 0.9 {
		s -= 20 * (0.9 - ft.axis)
	}
	// an end finger splayed much more than the others is mostly the thumb
	// taken for the index or little finger
	if ex := ft.splay() - maxSplay; ex > 0 {
		s -= math.Min(splayCap, 0.3*ex)
	}
	if ft.width < minWidth {
		// even the widest "finger" is a thin stripe: clutter
		s -= 40 * (minWidth - ft.width)
	}
	if ft.vr < 0.75 {
		s -= 20 * (0.75 - ft.vr)
	}
	s -= 1 * ft.lift
	if ft.length < 1.1 {
		s -= 8 * (1.1 - ft.length)
	}
	s -= 0.7 * float64(ft.merged)
	s += 0.7*clamp(ft.dirTip/0.3, -1.5, 1.5) + clamp(ft.dirMass/0.08, -1.5, 1.5)
	s += thumbWeight * ft.dirThumb
	// the little finger is the shortest and narrowest, so a hypothesis
	// with the thumb taken for it, or in the reverse order, loses
	s += 0.7*clamp(ft.dirLen/0.15, -1.5, 1.5) + clamp(ft.dirWidth/0.15, -1.5, 1.5)
	return s
}

// hypothesis takes runs[i..i+3] (in contour order; reversed when rev) as
// index, middle, ring and little fingers and places the valleys; border
// tells which contour points lie on the frame's edge.
func (f *found) hypothesis(runs []protrusion, i int, rev bool, pt func(int) Point, n int, border func(int) bool) (hypo, bool) {
	m := len(runs)
	R := f.r
	var fr [4]protrusion
	for k := range 4 {
		fr[k] = runs[(i+k)%m]
		if fr[k].width >= narrowMax*R {
			return hypo{}, false
		}
	}
	if fr[0].merged == 2 || fr[3].merged == 1 {
		return hypo{}, false // half of a split protrusion without the other
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
	var ft features
	var axis [4]Point
	var ax Point // palm axis, towards the fingers
	for k := range 4 {
		hy.tips[k] = pt(fr[k].tip)
		a, b := pt(fr[k].s), pt(fr[k].e)
		base := Point{(a.X + b.X) / 2, (a.Y + b.Y) / 2}
		axis[k] = unit(Point{hy.tips[k].X - base.X, hy.tips[k].Y - base.Y})
		ax.X += axis[k].X
		ax.Y += axis[k].Y
		ft.width = math.Max(ft.width, fr[k].width/R)
		if fr[k].merged != 0 {
			ft.merged++
		}
	}
	ax = unit(ax)
	for k := range 3 {
		cs := axis[k].X*axis[k+1].X + axis[k].Y*axis[k+1].Y
		ft.angles[k] = math.Acos(clamp(cs, -1, 1)) * 180 / math.Pi
	}
	var us [3]Point
	var slit [3]bool // the gap above the valley is narrow: the fingers may touch below
	for k := range 3 {
		a, b := fr[k], fr[k+1]
		if a.s > b.s { // reversed order
			a, b = b, a
		}
		lo, hi := a.e+1, b.s-1
		split := a.merged == 1 && b.merged == 2
		if split {
			lo, hi = a.tip+1, b.tip-1
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
		if border(bi) {
			return hypo{}, false // the frame's edge, not a valley
		}
		v := pt(bi)
		hy.valleys[k] = Point{v.X + 0.5*u.X, v.Y + 0.5*u.Y}
		arc := max(2, int(R/3))
		slit[k] = dist(pt(bi-arc), pt(bi+arc)) < slitWidth*R
		hy.open[k] = !split
		us[k] = u
	}
	V := &hy.valleys
	hy.rim = *V
	D := dist(V[0], V[2])
	if D < 2 {
		return hypo{}, false
	}
	// A contour valley can only lie above the web (fingers held together
	// hide it). Where a valley sits higher than the others imply, slide it
	// down its bisector to where they put it.
	h := func(p Point) float64 { return p.X*ax.X + p.Y*ax.Y }
	lvl := math.MaxFloat64
	for k := range 3 {
		lvl = math.Min(lvl, h(V[k])-webOffset[k]*D)
	}
	for k := range 3 {
		ex := h(V[k]) - webOffset[k]*D - lvl
		if (ex > closedTol*D && slit[k]) || !hy.open[k] {
			cs := us[k].X*ax.X + us[k].Y*ax.Y
			if cs < 0.3 {
				cs = 0.3
			}
			mv := math.Min(ex, maxLift*D) / cs
			V[k] = Point{V[k].X - mv*us[k].X, V[k].Y - mv*us[k].Y}
			hy.open[k] = false
			ft.lift += ex / D
		}
	}
	D = dist(V[0], V[2])
	s1, s2 := dist(V[0], V[1]), dist(V[1], V[2])
	if s1 < 1 || s2 < 1 || D < 2 {
		return hypo{}, false
	}
	ft.spacing = math.Log(s1 / s2)
	ft.dr = math.Log(D / R)
	ft.depth = math.MaxFloat64
	vmin, vmax := math.MaxFloat64, 0.0
	for k := range 3 {
		dv := dist(V[k], c)
		vmin, vmax = math.Min(vmin, dv), math.Max(vmax, dv)
		dt := math.Min(dist(hy.tips[k], c), dist(hy.tips[k+1], c))
		ft.depth = math.Min(ft.depth, (dt-dv)/R)
	}
	ft.vr = vmin / math.Max(vmax, 1e-9)
	// the thumb and the larger index finger pull the silhouette's mass to
	// the index side
	xi := unit(Point{V[0].X - V[2].X, V[0].Y - V[2].Y})
	ft.dirMass = (f.mass.X*xi.X + f.mass.Y*xi.Y) / R
	mid := Point{(V[0].X + V[2].X) / 2, (V[0].Y + V[2].Y) / 2}
	X := unit(Point{V[0].X - V[2].X, V[0].Y - V[2].Y})
	ft.centre = math.Abs((c.X-mid.X)*X.Y-(c.Y-mid.Y)*X.X) / D
	ft.axis = 1
	for k := range 4 {
		ft.axis = math.Min(ft.axis, axis[k].X*ax.X+axis[k].Y*ax.Y)
	}
	var ls [4]float64
	for k := range 4 {
		if fr[k].border {
			ls[k] = 1.5
			continue
		}
		v := V[max(0, k-1)]
		if k == 1 || k == 2 {
			if dist(V[k], hy.tips[k]) < dist(v, hy.tips[k]) {
				v = V[k]
			}
		}
		ls[k] = dist(v, hy.tips[k]) / D
	}
	if !fr[0].border && !fr[3].border {
		ft.dirTip = (h(hy.tips[0]) - h(hy.tips[3])) / R
		ft.dirLen = math.Log(ls[0] / math.Max(ls[3], 1e-3))
	}
	if fr[0].merged == 0 && fr[3].merged == 0 {
		ft.dirWidth = math.Log(fr[0].width / math.Max(fr[3].width, 1e-3))
	}
	sort.Float64s(ls[:])
	ft.length = (ls[1] + ls[2]) / 2
	// the thumb is wider than the little finger (where both are whole)
	thumbish := func(p protrusion) bool {
		return m > 5 && p.width < thumbMax*R && !p.border && (p.merged != 0 || fr[3].merged != 0 || p.width > fr[3].width)
	}
	if tp, tn := thumbish(prev), thumbish(next); tp && !tn {
		ft.dirThumb = 1
		hy.thumb = true
	} else if tn && !tp {
		ft.dirThumb = -1
	}
	// the side follows from the order: for a right palm, valley line
	// towards the thumb and the palm below it turn clockwise on screen
	Y := Point{c.X - mid.X, c.Y - mid.Y}
	if X.X*Y.Y-X.Y*Y.X > 0 {
		hy.side = Right
	} else {
		hy.side = Left
	}
	hy.bisect = us
	hy.feat = ft
	return hy, true
}

// maxSplay is the excess, degrees, of an end finger's splay over the
// others' that the score does not penalise, and splayCap bounds the
// penalty (a real little finger can splay as far as a thumb).
const (
	maxSplay = 10.0
	splayCap = 3.0
)

// thumbWeight weighs a thumb seen beside the index finger (dirThumb +1)
// or beside the little finger (-1). The thresholds that accept a hand see
// the score with thumbAccept in its place where the thumb adds to it
// (found.level): a higher weight turns the choice between an order and
// its reverse towards the thumb without passing more silhouettes as hands.
const (
	thumbWeight = 2.5
	thumbAccept = 1.5
)

// minWidth is the least width, in R, of the widest of the four fingers
// that the score does not penalise.
const minWidth = 0.25

// webOffset is each valley's typical height above the middle–ring valley
// along the palm axis, in units of D, and closedTol the excess over it at
// which a valley counts as closed.
var webOffset = [3]float64{-0.05, 0, -0.105}

const closedTol = 0.25

// slitWidth is the width, in R, below which the gap a third of R along the
// outline either side of a valley counts as narrow.
const slitWidth = 0.3

// maxLift bounds the slide of a closed valley, in D.
const maxLift = 0.4

// Typical ratios of the valley distance D to the inscribed radius R, and of
// the palm centre's distance from the valley line to D.
const (
	ratioDR     = 1.06
	ratioCentre = 0.95
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
