package palm

import (
	"image"
	"math"
)

// This file places closed valleys by the seam between two fingers held
// together. Their outlines meet above the web, so the outline's valley
// lies too high; below it the two fingers' rounded sides leave a dark
// seam down the bisector, which fades a little below the web.

// Seam parameters, in working pixels unless noted: the seam's half-width,
// the band either side of it it is compared with, the least contrast
// (relative to the band's luma), the steps without contrast that end it
// and that may precede it, and how far, in D, it runs on below the web in
// colour photos and in NIR frames.
const (
	seamHalf  = 1.5
	seamBand0 = 3.0
	seamBand1 = 6.0
	seamMin   = 0.10
	seamGap   = 2
	seamLead  = 3
	seamOver  = 0.16
	seamOverN = 0.22
	seamRange = 0.8 // D
)

// seamValleys moves each valley of f (input pixels in v) down its bisector
// to where the seam below its outline's valley ends, less seamOver D
// (seamOverN on grey NIR frames), where that lies lower than it already
// is; such a valley is closed. On synth NIR frames the seam runs on
// further below the web than on colour photos: with seamOver there it made
// the valleys worse (p90 5.7% to 6.4% of the palm width on seed 11), with
// seamOverN better (5.74% to 5.38%).
func (wk *work) seamValleys(img image.Image, f *found, v *[3]Point) {
	D := dist(f.valleys[0], f.valleys[2])
	if D < 2 {
		return
	}
	over := seamOver
	if !wk.colour {
		over = seamOverN
	}
	sc := math.Max(wk.sx, wk.sy)
	for k := range 3 {
		rim := wk.toImage(f.rim[k].X, f.rim[k].Y)
		u := wk.toImageDir(f.bisect[k])
		prof := wk.seamProfile(img, rim, u, seamRange*D)
		t := (seamLength(prof) - over*D) * sc
		if t <= 0 {
			continue
		}
		if d := (rim.X-v[k].X)*u.X + (rim.Y-v[k].Y)*u.Y; t > d {
			v[k] = Point{rim.X - t*u.X, rim.Y - t*u.Y}
			f.open[k] = false
		}
	}
}

// seamLength is the length, in steps, of the seam a profile of
// seamProfile shows: the run of steps with contrast of at least seamMin
// that starts within seamLead steps of the outline, ending where
// seamGap steps in a row fall short.
func seamLength(prof []float64) float64 {
	i := 0
	for i < len(prof) && i < seamLead && prof[i] < seamMin {
		i++
	}
	if i >= seamLead {
		return 0
	}
	last, miss := -1, 0
	for ; i < len(prof); i++ {
		if prof[i] >= seamMin {
			last, miss = i, 0
		} else if miss++; miss >= seamGap {
			break
		}
	}
	return float64(last + 1)
}

// seamProfile samples, from p (input pixels) down the unit direction -u
// (input image), at each step of a working pixel up to length working
// pixels, the contrast of a dark seam along it: the darker of the mean
// lumas of the bands seamBand0 to seamBand1 working pixels either side
// less the darkest luma within seamHalf of the line, over that mean luma.
func (wk *work) seamProfile(img image.Image, p, u Point, length float64) []float64 {
	n := Point{-u.Y, u.X}
	sc := math.Max(wk.sx, wk.sy)
	L := length * sc
	q := Point{p.X - L*u.X, p.Y - L*u.Y}
	pad := int(seamBand1*sc) + 3
	bnd := img.Bounds()
	r := image.Rect(int(math.Min(p.X, q.X))-pad, int(math.Min(p.Y, q.Y))-pad, int(math.Max(p.X, q.X))+pad+1, int(math.Max(p.Y, q.Y))+pad+1).Intersect(image.Rect(0, 0, bnd.Dx(), bnd.Dy()))
	if r.Dx() < 4 || r.Dy() < 4 {
		return nil
	}
	pt := readPatch(img, r, false)
	var out []float64
	for t := 0.0; t <= L; t += sc {
		o := Point{p.X - t*u.X, p.Y - t*u.Y}
		ok := true
		lum := func(s float64) float64 {
			c, in := pt.at(o.X+s*n.X, o.Y+s*n.Y)
			ok = ok && in
			return float64(c[0])
		}
		centre := math.Inf(1)
		for s := -seamHalf * sc; s <= seamHalf*sc; s += 0.5 * sc {
			centre = math.Min(centre, lum(s))
		}
		var a, b, na float64
		for s := seamBand0 * sc; s <= seamBand1*sc; s += 0.5 * sc {
			a += lum(s)
			b += lum(-s)
			na++
		}
		if !ok {
			break
		}
		side := math.Min(a, b) / na
		out = append(out, (side-centre)/math.Max(side, 8))
	}
	return out
}
