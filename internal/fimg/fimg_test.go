package fimg

import (
	"math"
	"math/rand/v2"
	"testing"
)

// separableRef is the plain loop that SeparableTo must match bit for bit:
// the row pass into a temporary image, then the column pass, each output
// summed in tap order.
func separableRef(dst, src *Image, kx, ky []float32) {
	w, h := src.W, src.H
	if w == 0 || h == 0 {
		return
	}
	tmp := make([]float32, w*h)
	rx := len(kx) / 2
	for y := range h {
		for x := range w {
			var s float32
			for j, kv := range kx {
				xx := min(max(x+j-rx, 0), w-1)
				s += float32(kv * src.Pix[y*w+xx])
			}
			tmp[y*w+x] = s
		}
	}
	ry := len(ky) / 2
	for y := range h {
		for x := range w {
			var s float32
			for j, kv := range ky {
				yy := min(max(y+j-ry, 0), h-1)
				s += float32(kv * tmp[yy*w+x])
			}
			dst.Pix[y*w+x] = s
		}
	}
}

func randImage(r *rand.Rand, w, h int) *Image {
	m := New(w, h)
	for i := range m.Pix {
		m.Pix[i] = r.Float32()*2 - 0.5
	}
	return m
}

// TestSeparableExact checks SeparableTo and BlurTo against separableRef,
// bit for bit, on the assembly and the portable paths, for sizes that do
// and do not fill the kernel's blocks of 8 and 32 and kernels wider than
// the image.
func TestSeparableExact(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	sizes := [][2]int{{1, 1}, {1, 7}, {7, 1}, {5, 3}, {8, 8}, {13, 9}, {31, 17}, {32, 32}, {33, 40}, {64, 64}, {100, 37}, {128, 128}}
	sigmas := []float64{0.7, 0.8, 1, 1.5, 2, 2.25, 3, 6, 16}
	for _, portable := range []bool{false, true} {
		old := setPortable(portable)
		for _, sz := range sizes {
			src := randImage(r, sz[0], sz[1])
			for _, sigma := range sigmas {
				k := GaussianKernel(sigma)
				want := New(sz[0], sz[1])
				separableRef(want, src, k, k)
				got := BlurTo(nil, src, sigma)
				in := src.Clone()
				BlurTo(in, in, sigma) // in place
				for i := range want.Pix {
					if math.Float32bits(got.Pix[i]) != math.Float32bits(want.Pix[i]) || math.Float32bits(in.Pix[i]) != math.Float32bits(want.Pix[i]) {
						t.Fatalf("portable %v, %dx%d, sigma %v: pixel %d = %v (in place %v), want %v", portable, sz[0], sz[1], sigma, i, got.Pix[i], in.Pix[i], want.Pix[i])
					}
				}
			}
			// Different, asymmetric and even-length kernels along each axis.
			kx, ky := []float32{0.1, 0.7, 0.2}, []float32{0.25, 0.25, 0.3, 0.2}
			want, got := New(sz[0], sz[1]), New(sz[0], sz[1])
			separableRef(want, src, kx, ky)
			SeparableTo(got, src, kx, ky)
			for i := range want.Pix {
				if math.Float32bits(got.Pix[i]) != math.Float32bits(want.Pix[i]) {
					t.Fatalf("portable %v, %dx%d, asymmetric kernels: pixel %d = %v, want %v", portable, sz[0], sz[1], i, got.Pix[i], want.Pix[i])
				}
			}
		}
		setPortable(old)
	}
}

// TestConvGuard checks that conv writes exactly len(dst) outputs and reads
// nothing but the taps: dst sits between guard bands, and src ends where
// the last tap does.
func TestConvGuard(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	const guard = 16
	for _, portable := range []bool{false, true} {
		old := setPortable(portable)
		for n := 0; n < 80; n++ {
			for _, stride := range []int{1, 3, 40} {
				k := []float32{0.2, -0.5, 1.5, 0.3, 0.1}
				src := make([]float32, n+(len(k)-1)*stride)
				for i := range src {
					src[i] = r.Float32()
				}
				buf := make([]float32, n+2*guard)
				for i := range buf {
					buf[i] = 42
				}
				conv(buf[guard:guard+n], src, k, stride)
				for i := range guard {
					if buf[i] != 42 || buf[guard+n+i] != 42 {
						t.Fatalf("portable %v, n %d, stride %d: guard band overwritten", portable, n, stride)
					}
				}
				for i := range n {
					var s float32
					for j, kv := range k {
						s += float32(kv * src[i+j*stride])
					}
					if buf[guard+i] != s {
						t.Fatalf("portable %v, n %d, stride %d: output %d = %v, want %v", portable, n, stride, i, buf[guard+i], s)
					}
				}
			}
		}
		setPortable(old)
	}
}

func TestSeparableAllocs(t *testing.T) {
	src, dst := New(64, 64), New(64, 64)
	BlurTo(dst, src, 6)
	if n := testing.AllocsPerRun(20, func() { BlurTo(dst, src, 6) }); n > 1 {
		t.Errorf("BlurTo allocates %v times a call, want at most 1 (the kernel)", n)
	}
}

func benchBlur(b *testing.B, w, h int, sigma float64) {
	src := randImage(rand.New(rand.NewPCG(5, 6)), w, h)
	dst := New(w, h)
	for b.Loop() {
		BlurTo(dst, src, sigma)
	}
}

func BenchmarkBlur64Sigma6(b *testing.B)   { benchBlur(b, 64, 64, 6) }
func BenchmarkBlur64Sigma2(b *testing.B)   { benchBlur(b, 64, 64, 2) }
func BenchmarkBlur640Sigma2(b *testing.B)  { benchBlur(b, 640, 480, 2) }
func BenchmarkBlur128Sigma16(b *testing.B) { benchBlur(b, 128, 128, 16) }
