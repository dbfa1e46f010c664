package palm

import "math"

// This file segments a colour image by contrasting the hand's colour with
// the background's. refit keeps every pixel whose chroma lies near the
// palm's; clutter of a similar colour (a peach wall, a wooden table) stays
// in the mask and can swallow the fingers. Here the background's colours
// are modelled too, from the image away from the palm, and a pixel is the
// hand's only where the palm's colour explains it better than any of them.

// Background model, in units of the seed's radius r.
const (
	bgFar      = 3.2 // background samples lie farther than this from the seed
	bgClusters = 6   // colours of the background
	bgSkinD2   = 9   // a background colour this near the palm's (Mahalanobis d²) is the arm's
)

// gauss2 is a two-dimensional Gaussian of chroma over luma.
type gauss2 struct {
	mb, mr, vb, vr, cv float64
}

// gaussSum accumulates the sums a gauss2 is fitted from.
type gaussSum struct{ n, sb, sr, sbb, srr, sbr float64 }

func (s *gaussSum) add(b, c float64) {
	s.n++
	s.sb += b
	s.sr += c
	s.sbb += b * b
	s.srr += c * c
	s.sbr += b * c
}

// fit returns the Gaussian of the points added, its variances floored by
// about 1 level of chroma noise at mid grey; false for fewer than 20
// points or a singular fit.
func (s *gaussSum) fit() (gauss2, bool) {
	if s.n < 20 {
		return gauss2{}, false
	}
	n := s.n
	g := gauss2{mb: s.sb / n, mr: s.sr / n}
	g.vb = s.sbb/n - g.mb*g.mb + 1
	g.vr = s.srr/n - g.mr*g.mr + 1
	g.cv = s.sbr/n - g.mb*g.mr
	return g, g.vb*g.vr-g.cv*g.cv > 0
}

// fitGauss2 fits g to the points of xs and ys selected by idx.
func fitGauss2(xs, ys []float64, idx []int) (gauss2, bool) {
	var s gaussSum
	for _, i := range idx {
		s.add(xs[i], ys[i])
	}
	return s.fit()
}

// nll returns the Mahalanobis d² of (b, r) under g with e added to both
// variances (the ratios' noise at this pixel's luma), and ln det.
func (g gauss2) nll(b, r, e float64) (d2, logDet float64) {
	a, c := g.vb+e, g.vr+e
	return g.d2(b, r, e), math.Log(a*c - g.cv*g.cv)
}

// d2 returns the Mahalanobis d² of (b, r) under g with e added to both
// variances.
func (g gauss2) d2(b, r, e float64) float64 {
	a, c := g.vb+e, g.vr+e
	det := a*c - g.cv*g.cv
	db, dr := b-g.mb, r-g.mr
	return (c*db*db - 2*g.cv*db*dr + a*dr*dr) / det
}

// within reports whether g.d2(b, r, e) < t, for t > 0: exactly as that
// comparison, but without the division where the quotient is clearly on
// one side of t.
func (g gauss2) within(b, r, e, t float64) bool {
	a, c := g.vb+e, g.vr+e
	det := a*c - g.cv*g.cv
	db, dr := b-g.mb, r-g.mr
	num := c*db*db - 2*g.cv*db*dr + a*dr*dr // as in d2
	if det > 0 && det <= math.MaxFloat64 {
		// t*det and the bounds are within a few units of 2^-53 of the
		// exact values; the quotient rounds to t only within 2^-53 of it
		td := t * det
		if num < td*(1-0x1p-30) {
			return true
		}
		if num > td*(1+0x1p-30) {
			return false
		}
	}
	return num/det < t
}

// farBound tells, without a pixel's noise e, the pixels whose d2 under a
// gauss2 exceeds a threshold t whatever e in [0, emax]: d2 falls as e grows
// (the covariance grows), so d2 at emax bounds it from below.
type farBound struct {
	g       gauss2
	a, c, t float64 // the variances at emax; t times their determinant, raised by the margin
	ok      bool
}

// farFrom returns the farBound of g for the noise emax and the threshold t.
func (g gauss2) farFrom(emax, t float64) farBound {
	a, c := g.vb+emax, g.vr+emax
	det := a*c - g.cv*g.cv
	// The margin covers the rounding of d2 as it is computed, at emax and
	// at the pixel's e: at most a few units of 2^-53 times the condition
	// number of the covariance with e added, which is below 1e7 for ratios
	// of chroma over luma (|nb|, |nr| <= 1100, e >= 0.3); 2^-16 leaves a
	// factor of 100.
	return farBound{g: g, a: a, c: c, t: t * det * (1 + 0x1p-16), ok: det > 0 && det <= math.MaxFloat64 && a > 0 && c > 0}
}

// far reports that g.d2(b, r, e) >= t for every e in [0, emax]; false
// where it cannot tell.
func (f *farBound) far(b, r float64) bool {
	db, dr := b-f.g.mb, r-f.g.mr
	return f.ok && f.c*db*db-2*f.g.cv*db*dr+f.a*dr*dr >= f.t
}

// contrastFit segments a colour image about the seed sd: the palm's
// chroma model is fitted to a disc of half the seed's radius, the
// background's as bgClusters colours (k-means) of the pixels farther than
// bgFar radii, less those of the palm's colour (the forearm, other
// fingers). A pixel near the palm's colour is the hand's unless a
// background colour is likelier. nb and nr are chroma over luma (see
// findHand). It returns nil where a model cannot be fitted.
func contrastFit(sd seed, lum, nb, nr []float32, w, h int) []uint8 {
	var xs, ys []float64
	var fg, bg []int
	rr, far := 0.5*sd.r, bgFar*sd.r
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			i := y*w + x
			dx, dy := float64(x)-sd.c.X, float64(y)-sd.c.Y
			d2 := dx*dx + dy*dy
			switch {
			case d2 <= rr*rr && lum[i] >= 0.04:
				fg = append(fg, len(xs))
			case d2 > far*far && x%2 == 0 && y%2 == 0:
				bg = append(bg, len(xs))
			default:
				continue
			}
			xs = append(xs, float64(nb[i]))
			ys = append(ys, float64(nr[i]))
		}
	}
	hand, ok := fitGauss2(xs, ys, fg)
	if !ok || len(bg) < 4*bgClusters {
		return nil
	}
	return classify(hand, bgModels(hand, xs, ys, bg, false), nil, lum, nb, nr)
}

// bgModels fits the background's colours: bgClusters clusters (k-means,
// seeded by farthest points) of the points of xs and ys that bg selects,
// less those near the hand's colour (the forearm, other fingers) unless
// skin is set (the points are known to be the background's).
func bgModels(hand gauss2, xs, ys []float64, bg []int, skin bool) []gauss2 {
	// k-means of the background, seeded by farthest points
	cents := [][2]float64{{xs[bg[0]], ys[bg[0]]}}
	near := make([]float64, len(bg))
	for k := range near {
		near[k] = math.Inf(1)
	}
	for len(cents) < bgClusters {
		c := cents[len(cents)-1]
		bi, bv := -1, 0.0
		for k, i := range bg {
			d := (xs[i]-c[0])*(xs[i]-c[0]) + (ys[i]-c[1])*(ys[i]-c[1])
			near[k] = math.Min(near[k], d)
			if near[k] > bv {
				bi, bv = k, near[k]
			}
		}
		if bi < 0 || bv < 1 {
			break
		}
		cents = append(cents, [2]float64{xs[bg[bi]], ys[bg[bi]]})
	}
	lab := make([]int, len(bg))
	for range 8 {
		var sum [bgClusters][3]float64
		for k, i := range bg {
			bj, bv := 0, math.Inf(1)
			for j, c := range cents {
				if d := (xs[i]-c[0])*(xs[i]-c[0]) + (ys[i]-c[1])*(ys[i]-c[1]); d < bv {
					bj, bv = j, d
				}
			}
			lab[k] = bj
			sum[bj][0] += xs[i]
			sum[bj][1] += ys[i]
			sum[bj][2]++
		}
		for j := range cents {
			if sum[j][2] > 0 {
				cents[j] = [2]float64{sum[j][0] / sum[j][2], sum[j][1] / sum[j][2]}
			}
		}
	}
	var models []gauss2
	for j := range cents {
		var idx []int
		for k, i := range bg {
			if lab[k] == j {
				idx = append(idx, i)
			}
		}
		g, ok := fitGauss2(xs, ys, idx)
		if !ok {
			continue
		}
		if d2, _ := hand.nll(g.mb, g.mr, 1); d2 < bgSkinD2 && !skin {
			continue // the arm, or more of the hand
		}
		models = append(models, g)
	}
	return models
}

// priorMin is the least probability of the hand network that classify
// weighs a pixel by.
const priorMin = 0.02

// classify returns the mask of the pixels near the hand's colour (d² under
// 16) where no background colour is likelier. With prior (the hand
// network's probability of each pixel being the hand), each likelihood is
// weighed by its prior probability, clamped to [priorMin, 0.98], and a
// pixel under priorMin, where the network rules the hand out, is the
// background's without a look at its colour. The noise of
// the ratios, and with it each model's covariance and its log
// determinant, is taken at luma to a quarter grey level.
func classify(hand gauss2, models []gauss2, prior, lum, nb, nr []float32) []uint8 {
	gs := append([]gauss2{hand}, models...)
	// per quarter level of luma (12 to 255) and model: the covariance's
	// diagonal with the noise added, its determinant and log determinant
	type cov struct{ a, c, det, ld float64 }
	const q = 4
	tab := make([]cov, (255*q+1)*len(gs))
	for k := 12 * q; k <= 255*q; k++ {
		e := 150 / (float64(k) / q)
		e *= e
		for j, g := range gs {
			a, c := g.vb+e, g.vr+e
			det := a*c - g.cv*g.cv
			tab[k*len(gs)+j] = cov{a, c, det, math.Log(det)}
		}
	}
	d2 := func(g gauss2, v cov, b, r float64) float64 {
		db, dr := b-g.mb, r-g.mr
		return (v.c*db*db - 2*g.cv*db*dr + v.a*dr*dr) / v.det
	}
	var priorLog [257][2]float64 // -2 ln p and -2 ln (1 - p), p in 256ths
	if prior != nil {
		for k := range priorLog {
			p := clamp(float64(k)/256, priorMin, 0.98)
			priorLog[k] = [2]float64{-2 * math.Log(p), -2 * math.Log(1-p)}
		}
	}
	m := make([]uint8, len(lum))
	for i := range m {
		if lum[i] <= 0.03 || (prior != nil && prior[i] < priorMin) {
			continue
		}
		k := int(max(float64(lum[i])*255, 12)*q + 0.5)
		vs := tab[min(k, 255*q)*len(gs):][:len(gs)]
		b, r := float64(nb[i]), float64(nr[i])
		d := d2(hand, vs[0], b, r)
		if d >= 16 {
			continue
		}
		own := d + vs[0].ld
		var bgw float64
		if prior != nil {
			pl := priorLog[int(clamp(float64(prior[i]), 0, 1)*256)]
			own += pl[0]
			bgw = pl[1]
		}
		in := true
		for j, g := range models {
			if d2(g, vs[j+1], b, r)+vs[j+1].ld+bgw < own {
				in = false
				break
			}
		}
		if in {
			m[i] = 1
		}
	}
	return m
}
