package vein

// The plain loops that claheTo and bilateralTo were before they were made
// faster; TestEnhanceExact checks that the fast versions give the same
// bits. The products that are then added are converted to float32 so that
// no build fuses them (GOAMD64=v3 may: float32(x*y) + z is the multiply and
// add that the default build and the assembly kernels do).

import (
	"math"

	"github.com/palmid/palmid/internal/fimg"
)

// claheRef equalises the contrast of the flat-fielded image tile by tile with
// clipped histograms (contrast-limited adaptive histogram equalisation),
// interpolating the tile mappings bilinearly between tile centres. The
// histogram range is the mean ± 3 standard deviations of the valid
// pixels. Invalid pixels become 0.5. It reports false for an image with no
// contrast.
func claheRef(m *fimg.Image, valid []bool) (*fimg.Image, bool) {
	var s, s2, n float64
	for i, ok := range valid {
		if ok {
			p := float64(m.Pix[i])
			s, s2, n = s+p, s2+p*p, n+1
		}
	}
	mean := s / n
	sd := math.Sqrt(max(s2/n-mean*mean, 0))
	if sd < 1e-4 {
		return nil, false
	}
	lo, scale := float32(mean-3*sd), float32(claheBins/(6*sd))
	bins := make([]uint8, Size*Size)
	for i, p := range m.Pix {
		b := int((p - lo) * scale)
		bins[i] = uint8(min(max(b, 0), claheBins-1))
	}
	const t = Size / claheTiles
	var lut [claheTiles][claheTiles][claheBins]float32
	for ty := range claheTiles {
		for tx := range claheTiles {
			var hist [claheBins]float32
			cnt := 0
			for y := ty * t; y < (ty+1)*t; y++ {
				for x := tx * t; x < (tx+1)*t; x++ {
					if valid[y*Size+x] {
						hist[bins[y*Size+x]]++
						cnt++
					}
				}
			}
			l := &lut[ty][tx]
			if cnt == 0 {
				for b := range l {
					l[b] = (float32(b) + 0.5) / claheBins
				}
				continue
			}
			limit := claheClip * float32(cnt) / claheBins
			var excess float32
			for b, c := range hist {
				if c > limit {
					excess += c - limit
					hist[b] = limit
				}
			}
			add := excess / claheBins
			var cum float32
			for b, c := range hist {
				cum += c + add
				l[b] = (cum - (c+add)/2) / float32(cnt)
			}
		}
	}
	out := fimg.New(Size, Size)
	for y := range Size {
		fy := (float32(y)+0.5)/t - 0.5
		y0 := int(math.Floor(float64(fy)))
		wy := fy - float32(y0)
		y1 := min(y0+1, claheTiles-1)
		y0 = max(y0, 0)
		for x := range Size {
			i := y*Size + x
			if !valid[i] {
				out.Pix[i] = 0.5
				continue
			}
			fx := (float32(x)+0.5)/t - 0.5
			x0 := int(math.Floor(float64(fx)))
			wx := fx - float32(x0)
			x1 := min(x0+1, claheTiles-1)
			x0 = max(x0, 0)
			b := bins[i]
			top := float32(lut[y0][x0][b]*(1-wx)) + float32(lut[y0][x1][b]*wx)
			bot := float32(lut[y1][x0][b]*(1-wx)) + float32(lut[y1][x1][b]*wx)
			out.Pix[i] = float32(top*(1-wy)) + float32(bot*wy)
		}
	}
	return out, true
}

// bilateralRef smooths m with a 5 x 5 bilateral filter: neighbours are
// weighted by distance and by grey-level difference, so noise is averaged
// away while vessel edges, steps larger than bilatRange, are kept.
func bilateralRef(m *fimg.Image) *fimg.Image {
	const r = 2
	var ws [2*r + 1][2*r + 1]float32
	for dy := -r; dy <= r; dy++ {
		for dx := -r; dx <= r; dx++ {
			ws[dy+r][dx+r] = float32(math.Exp(-float64(dx*dx+dy*dy) / (2 * bilatSigma * bilatSigma)))
		}
	}
	const lutN = 256
	var rl [lutN]float32 // range weight for |difference| in [0, 1)
	for i := range rl {
		d := (float64(i) + 0.5) / lutN
		rl[i] = float32(math.Exp(-d * d / (2 * bilatRange * bilatRange)))
	}
	out := fimg.New(Size, Size)
	for y := range Size {
		for x := range Size {
			c := m.Pix[y*Size+x]
			var s, w float32
			if x >= r && x < Size-r && y >= r && y < Size-r {
				// Interior: no clamping.
				for dy := -r; dy <= r; dy++ {
					row := m.Pix[(y+dy)*Size+x-r : (y+dy)*Size+x+r+1]
					wr := &ws[dy+r]
					for k, p := range row {
						d := p - c
						if d < 0 {
							d = -d
						}
						kk := wr[k] * rl[min(int(d*lutN), lutN-1)]
						s += float32(kk * p)
						w += kk
					}
				}
				out.Pix[y*Size+x] = s / w
				continue
			}
			for dy := -r; dy <= r; dy++ {
				yy := min(max(y+dy, 0), Size-1)
				row := m.Pix[yy*Size : yy*Size+Size]
				for dx := -r; dx <= r; dx++ {
					p := row[min(max(x+dx, 0), Size-1)]
					d := p - c
					if d < 0 {
						d = -d
					}
					k := ws[dy+r][dx+r] * rl[min(int(d*lutN), lutN-1)]
					s += float32(k * p)
					w += k
				}
			}
			out.Pix[y*Size+x] = s / w
		}
	}
	return out
}

// flatFieldRef is flatField before it wrote its result into num.
func flatFieldRef(img *fimg.Image, valid []bool, sigma float64) *fimg.Image {
	num, den := fimg.New(Size, Size), fimg.New(Size, Size)
	for i, ok := range valid {
		if ok {
			num.Pix[i], den.Pix[i] = img.Pix[i], 1
		}
	}
	fimg.BlurTo(num, num, sigma)
	fimg.BlurTo(den, den, sigma)
	out := fimg.New(Size, Size)
	for i, ok := range valid {
		if !ok || den.Pix[i] <= 0 {
			continue
		}
		illum := num.Pix[i] / den.Pix[i]
		if illum > 1.0/255 {
			out.Pix[i] = img.Pix[i]/illum - 1
		}
	}
	return out
}
