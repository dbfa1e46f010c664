package palm

import (
	"github.com/palmid/palmid/internal/benchref"

	"fmt"
	"image"
	"math/rand/v2"
	"testing"
)

// noiseROI returns a 128 x 128 grey image of smoothed noise with dark
// lines, a stand-in for a palm ROI that needs no renderer.
func noiseROI(seed uint64) *image.Gray {
	r := rand.New(rand.NewPCG(seed, 1))
	const n = 128
	f := make([]float64, n*n)
	for i := range f {
		f[i] = r.NormFloat64()
	}
	// Box-smooth twice.
	for range 2 {
		g := make([]float64, n*n)
		for y := range n {
			for x := range n {
				var s float64
				for dy := -2; dy <= 2; dy++ {
					for dx := -2; dx <= 2; dx++ {
						s += f[((y+dy+n)%n)*n+(x+dx+n)%n]
					}
				}
				g[y*n+x] = s / 25
			}
		}
		f = g
	}
	img := image.NewGray(image.Rect(0, 0, n, n))
	for i, v := range f {
		img.Pix[i] = uint8(max(1, min(254, 128+300*v)))
	}
	// A few dark straight lines.
	for k := range 6 {
		x0, y0 := r.Float64()*n, r.Float64()*n
		dx, dy := r.Float64()-0.5, r.Float64()-0.5
		for t := -200.0; t < 200; t += 0.5 {
			x, y := int(x0+t*dx), int(y0+t*dy)
			for w := range 2 + k%2 {
				if x+w >= 0 && x+w < n && y >= 0 && y < n {
					img.Pix[y*n+x+w] = 40
				}
			}
		}
	}
	return img
}

// BenchmarkNewCode times codes from ROIs of several sizes (the 128 x 128
// case is the target: at most 2 ms on the reference machine).
func BenchmarkNewCode(b *testing.B) {
	for _, size := range []int{64, 128, 256, 512} {
		roi := noiseROI(1)
		if size != 128 {
			roi = resized(roi, size)
		}
		b.Run(fmt.Sprint(size), func(b *testing.B) {
			for b.Loop() {
				if _, err := NewCode(roi); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

func BenchmarkEnrolCodes(b *testing.B) {
	roi := noiseROI(1)
	for b.Loop() {
		if _, err := EnrolCodes(roi); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkCompare times one comparison with the full shift search (the
// target: at most 3 µs on the reference machine) and the best of the three
// enrolment codes.
func BenchmarkCompare(b *testing.B) {
	x, _ := NewCode(noiseROI(1))
	y, _ := NewCode(noiseROI(2))
	b.Run("one", func(b *testing.B) {
		for b.Loop() {
			Compare(x, y)
		}
	})
	enrolled, _ := EnrolCodes(noiseROI(1))
	b.Run("best-of-3", func(b *testing.B) {
		for b.Loop() {
			CompareBest(y, enrolled)
		}
	})
}

func BenchmarkMarshal(b *testing.B) {
	c, _ := NewCode(noiseROI(1))
	data, _ := c.MarshalBinary()
	buf := make([]byte, 0, len(data))
	b.Run("append", func(b *testing.B) {
		for b.Loop() {
			c.AppendBinary(buf[:0])
		}
	})
	b.Run("unmarshal", func(b *testing.B) {
		var d Code
		for b.Loop() {
			if err := d.UnmarshalBinary(data); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// resized returns src resampled to size x size by nearest neighbour.
func resized(src *image.Gray, size int) *image.Gray {
	n := src.Rect.Dx()
	dst := image.NewGray(image.Rect(0, 0, size, size))
	for y := range size {
		for x := range size {
			dst.Pix[y*size+x] = src.Pix[(y*n/size)*src.Stride+x*n/size]
		}
	}
	return dst
}

// BenchmarkReferenceDot256 is the plain Go dot product the shared bench
// README quotes (172 ns on the project's machine), run beside the palm
// benchmarks so that their figures can be scaled to that machine.
func BenchmarkReferenceDot256(b *testing.B) { benchref.Dot256(b) }
