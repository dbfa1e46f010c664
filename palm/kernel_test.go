package palm

import (
	"image"
	"math"
	"math/rand"
	"testing"
)

// The tests of this file hold the plain loops that faster kernels replaced
// and check that the kernels give the very same results.

// TestWithin checks gauss2.within against the division it avoids, near
// the threshold too.
func TestWithin(t *testing.T) {
	rng := rand.New(rand.NewSource(1))
	for range 200000 {
		g := gauss2{mb: rng.NormFloat64() * 20, mr: rng.NormFloat64() * 20, vb: 1 + rng.ExpFloat64()*50, vr: 1 + rng.ExpFloat64()*50}
		g.cv = (rng.Float64()*2 - 1) * math.Sqrt(g.vb*g.vr) * 0.999
		e := rng.ExpFloat64() * 10
		b, r := g.mb+rng.NormFloat64()*10, g.mr+rng.NormFloat64()*10
		// some points on the ellipse d2 = 16 itself
		if rng.Intn(4) == 0 {
			d := math.Sqrt(g.d2(b, r, e))
			if d > 0 {
				k := 4 / d * (1 + (rng.Float64()-0.5)*1e-14)
				b, r = g.mb+(b-g.mb)*k, g.mr+(r-g.mr)*k
			}
		}
		if got, want := g.within(b, r, e, 16), g.d2(b, r, e) < 16; got != want {
			t.Fatalf("%+v (%v, %v) e %v: within %v, d2 %v", g, b, r, e, got, g.d2(b, r, e))
		}
	}
}

// refCentroid is comp.centroid as a plain loop over the disc's box.
func refCentroid(cp *comp, c ipoint, r float64) Point {
	var sx, sy, n float64
	r2 := r * r
	for y := max(0, c.y-int(r)); y < min(cp.bh, c.y+int(r)+1); y++ {
		dy := float64(y - c.y)
		row := cp.mask[y*cp.bw:]
		for x := max(0, c.x-int(r)); x < min(cp.bw, c.x+int(r)+1); x++ {
			dx := float64(x - c.x)
			if row[x] != 0 && dx*dx+dy*dy <= r2 {
				sx += dx
				sy += dy
				n++
			}
		}
	}
	if n == 0 {
		return Point{}
	}
	return Point{sx / n, sy / n}
}

func TestCentroid(t *testing.T) {
	rng := rand.New(rand.NewSource(1))
	for range 20000 {
		w, h := 1+rng.Intn(60), 1+rng.Intn(60)
		m := make([]uint8, w*h)
		p := rng.Float64()
		for i := range m {
			if rng.Float64() < p {
				m[i] = 1
			}
		}
		cp := &comp{mask: m, bw: w, bh: h}
		c := ipoint{rng.Intn(w), rng.Intn(h)}
		var r float64
		switch rng.Intn(3) {
		case 0:
			r = rng.Float64() * 40
		case 1:
			r = float64(rng.Intn(30))
		default:
			r = 2.2 * float64(float32(rng.Intn(200))/3)
		}
		if got, want := cp.centroid(c, r), refCentroid(cp, c, r); got != want {
			t.Fatalf("%dx%d about %v r %v: %v, want %v", w, h, c, r, got, want)
		}
	}
}

// refCentres is centres as k scans of the whole distance transform.
func refCentres(dt []float32, w, h int, r float32, k int) []ipoint {
	var out []ipoint
	var rs []float32
	for len(out) < k {
		bi, bv := -1, float32(0.55)*r
		for i, v := range dt {
			if v < bv {
				continue
			}
			x, y := i%w, i/w
			ok := true
			for j, p := range out {
				dx, dy := float32(x-p.x), float32(y-p.y)
				if dx*dx+dy*dy < 2.25*rs[j]*rs[j] {
					ok = false
					break
				}
			}
			if ok {
				bi, bv = i, v
			}
		}
		if bi < 0 {
			break
		}
		out = append(out, ipoint{bi % w, bi / w})
		rs = append(rs, bv)
	}
	return out
}

func TestCentres(t *testing.T) {
	rng := rand.New(rand.NewSource(2))
	for range 3000 {
		w, h := 1+rng.Intn(80), 1+rng.Intn(80)
		m := make([]uint8, w*h)
		for range 1 + rng.Intn(4) {
			cx, cy, rr := rng.Intn(w), rng.Intn(h), rng.Intn(30)
			for y := 0; y < h; y++ {
				for x := 0; x < w; x++ {
					if (x-cx)*(x-cx)+(y-cy)*(y-cy) < rr*rr {
						m[y*w+x] = 1
					}
				}
			}
		}
		dt := make([]float32, w*h)
		r, _, _ := distTransform(m, w, h, dt)
		for k := range 5 {
			got, want := centres(dt, w, h, r, k), refCentres(dt, w, h, r, k)
			if len(got) != len(want) {
				t.Fatalf("k %d: %v, want %v", k, got, want)
			}
			for i := range got {
				if got[i] != want[i] {
					t.Fatalf("k %d: %v, want %v", k, got, want)
				}
			}
		}
	}
}

// TestThird checks third against the float32 division on a sweep of all
// float32 values (the whole range was checked once, taking seconds).
func TestThird(t *testing.T) {
	for u := uint64(0); u < 1<<32; u += 257 {
		s := math.Float32frombits(uint32(u))
		got, want := third(s), s/3
		if math.Float32bits(got) != math.Float32bits(want) && !(got != got && want != want) {
			t.Fatalf("third(%v) = %v, want %v", s, got, want)
		}
	}
}

// TestSkip checks skipZeros and skipNonZeros against byte loops on rows of
// zeros, ones and other values.
func TestSkip(t *testing.T) {
	rng := rand.New(rand.NewSource(3))
	for range 20000 {
		row := make([]uint8, rng.Intn(40))
		p := rng.Float64()
		for i := range row {
			if rng.Float64() < p {
				row[i] = uint8(1 + rng.Intn(255)*rng.Intn(2))
			}
		}
		x := rng.Intn(len(row) + 1)
		z, n := x, x
		for z < len(row) && row[z] == 0 {
			z++
		}
		for n < len(row) && row[n] != 0 {
			n++
		}
		if got := skipZeros(row, x); got != z {
			t.Fatalf("skipZeros(%v, %d) = %d, want %d", row, x, got, z)
		}
		if got := skipNonZeros(row, x); got != n {
			t.Fatalf("skipNonZeros(%v, %d) = %d, want %d", row, x, got, n)
		}
	}
}

// TestFarBound checks that farBound.far never rules out a pixel that d2
// keeps, for any noise e up to emax, near the threshold too.
func TestFarBound(t *testing.T) {
	rng := rand.New(rand.NewSource(4))
	const emax = (150.0 / 12) * (150.0 / 12)
	nfar := 0
	for range 300000 {
		sd := math.Exp(rng.Float64() * 7) // spreads up to about 1100
		g := gauss2{mb: (rng.Float64()*2 - 1) * 1000, mr: (rng.Float64()*2 - 1) * 1000, vb: 1 + sd*sd*rng.Float64(), vr: 1 + sd*sd*rng.Float64()}
		g.cv = (rng.Float64()*2 - 1) * math.Sqrt(g.vb*g.vr) * (1 - math.Pow(10, -rng.Float64()*6))
		fb := g.farFrom(emax, 16)
		e := 0.3 + rng.Float64()*(emax-0.3)
		if rng.Intn(3) == 0 {
			e = emax * (1 - rng.Float64()*1e-9)
		}
		b, r := g.mb+rng.NormFloat64()*sd*3, g.mr+rng.NormFloat64()*sd*3
		if rng.Intn(3) == 0 { // on the ellipse d2 = 16 at emax
			d := math.Sqrt(g.d2(b, r, emax))
			if d > 0 {
				k := 4 / d * (1 + (rng.Float64()-0.5)*1e-4)
				b, r = g.mb+(b-g.mb)*k, g.mr+(r-g.mr)*k
			}
		}
		if fb.far(b, r) {
			nfar++
			if d := g.d2(b, r, e); !(d >= 16) {
				t.Fatalf("%+v (%v, %v) e %v: far, but d2 %v", g, b, r, e, d)
			}
		}
	}
	if nfar == 0 {
		t.Fatal("far never held")
	}
}

// TestRefitBins checks that a pixel's noise in refit is at most that of its
// bin of luma, over every eighth float32 luma in (0.03, 1).
func TestRefitBins(t *testing.T) {
	for u := math.Float32bits(0.03); u < math.Float32bits(1); u += 8 {
		l := math.Float32frombits(u)
		k := int(l * refitBins)
		if e, ek := refitNoise(float64(l)*255), refitNoise(float64(k)/refitBins*255); e > ek {
			t.Fatalf("luma %v: noise %v above its bin's %v", l, e, ek)
		}
	}
}

// TestReadPatchYCbCr checks readPatch's row loops on YCbCr images of each
// subsampling against the samples read one at a time.
func TestReadPatchYCbCr(t *testing.T) {
	rng := rand.New(rand.NewSource(5))
	for _, ratio := range []image.YCbCrSubsampleRatio{image.YCbCrSubsampleRatio444, image.YCbCrSubsampleRatio422, image.YCbCrSubsampleRatio420, image.YCbCrSubsampleRatio440, image.YCbCrSubsampleRatio411, image.YCbCrSubsampleRatio410} {
		for range 50 {
			b := image.Rect(rng.Intn(5)-2, rng.Intn(5)-2, 10+rng.Intn(30), 10+rng.Intn(30))
			img := image.NewYCbCr(b, ratio)
			for _, p := range [][]uint8{img.Y, img.Cb, img.Cr} {
				for i := range p {
					p[i] = uint8(rng.Intn(256))
				}
			}
			x0, y0 := rng.Intn(b.Dx()-4), rng.Intn(b.Dy()-4)
			r := image.Rect(x0, y0, x0+1+rng.Intn(b.Dx()-x0), y0+1+rng.Intn(b.Dy()-y0))
			for _, colour := range []bool{false, true} {
				pt := readPatch(img, r, colour)
				o := 0
				for y := r.Min.Y; y < r.Max.Y; y++ {
					for x := r.Min.X; x < r.Max.X; x++ {
						X, Y := b.Min.X+x, b.Min.Y+y
						if got, want := pt.ch[0][o], float32(img.Y[img.YOffset(X, Y)]); got != want {
							t.Fatalf("%v %v at %d,%d: Y %v, want %v", ratio, r, x, y, got, want)
						}
						if colour {
							c := img.COffset(X, Y)
							if pt.ch[1][o] != float32(img.Cb[c]) || pt.ch[2][o] != float32(img.Cr[c]) {
								t.Fatalf("%v %v at %d,%d: chroma differs", ratio, r, x, y)
							}
						} else if pt.ch[1] != nil {
							t.Fatal("chroma read for grey")
						}
						o++
					}
				}
			}
		}
	}
}
