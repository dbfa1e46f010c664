package synth

import (
	"math"

	"github.com/palmid/palmid/internal/fimg"
)

// boxBlur approximates a Gaussian of standard deviation sigma by three box
// filters along rows and columns, in time independent of sigma.
func boxBlur(img *fimg.Image, sigma float64) {
	// Radius of each of three boxes whose cascade has variance sigma^2.
	r := int(math.Round((math.Sqrt(4*sigma*sigma+1) - 1) / 2))
	if r < 1 {
		fimg.BlurTo(img, img, sigma)
		return
	}
	w, h := img.W, img.H
	inv := 1 / float32(2*r+1)
	line := make([]float32, w+2*r+1)
	for y := 0; y < h; y++ {
		row := img.Pix[y*w : (y+1)*w]
		for range 3 {
			for k := range line[:w+2*r] {
				line[k] = row[min(max(k-r, 0), w-1)]
			}
			var acc float32
			for _, v := range line[:2*r+1] {
				acc += v
			}
			for x := range row {
				row[x] = acc * inv
				acc += line[x+2*r+1] - line[x]
			}
		}
	}
	// Columns: running sums over whole rows at a time, so memory is read in
	// order. Three passes leave the result in the original buffer's
	// partner; copy back at the end.
	orig := img.Pix
	src := make([]float32, w*h)
	acc := make([]float32, w)
	for range 3 {
		// Swap buffers instead of copying: src holds the previous pass.
		src, img.Pix = img.Pix, src
		rowAt := func(y int) []float32 {
			y = min(max(y, 0), h-1)
			return src[y*w : (y+1)*w]
		}
		clear(acc)
		for k := -r; k <= r; k++ {
			for x, v := range rowAt(k) {
				acc[x] += v
			}
		}
		for y := 0; y < h; y++ {
			out := img.Pix[y*w : (y+1)*w]
			add, sub := rowAt(y+r+1), rowAt(y-r)
			for x := range out {
				out[x] = acc[x] * inv
				acc[x] += add[x] - sub[x]
			}
		}
	}
	if &orig[0] != &img.Pix[0] {
		copy(orig, img.Pix)
		img.Pix = orig
	}
}

// motionBlur averages along a line of length sigma*sqrt(12) in direction
// dir (radians), the blur of a palm moving during the exposure.
func motionBlur(img *fimg.Image, sigma, dir float64) {
	length := sigma * math.Sqrt(12)
	taps := int(math.Ceil(length)) | 1
	dx, dy := math.Cos(dir), math.Sin(dir)
	offs := make([]int, 0, taps)
	for t := 0; t < taps; t++ {
		s := (float64(t) - float64(taps-1)/2) * length / float64(taps)
		offs = append(offs, int(math.Round(s*dy))*img.W+int(math.Round(s*dx)))
	}
	w, h := img.W, img.H
	src := img.Clone().Pix
	inv := 1 / float32(len(offs))
	margin := int(math.Ceil(length/2)) + 1
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			i := y*w + x
			var acc float32
			if x >= margin && x < w-margin && y >= margin && y < h-margin {
				for _, o := range offs {
					acc += src[i+o]
				}
			} else {
				for t := range offs {
					s := (float64(t) - float64(taps-1)/2) * length / float64(taps)
					xx := min(max(x+int(math.Round(s*dx)), 0), w-1)
					yy := min(max(y+int(math.Round(s*dy)), 0), h-1)
					acc += src[yy*w+xx]
				}
			}
			img.Pix[i] = acc * inv
		}
	}
}
