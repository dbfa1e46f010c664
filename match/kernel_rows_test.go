package match

import (
	"math"
	"math/bits"
	"math/rand/v2"
	"testing"
)

var rowKernelDims = []int{1, 7, 31, 32, 33, 64, 100, 128, 256, 512}
var rowKernelCounts = []int{0, 1, 2, 3, 17, scanBlockRows}

// TestDotRowsF32 checks that the float32 row kernel writes scores
// bit-identical to dot's, row by row, and nothing outside out.
func TestDotRowsF32(t *testing.T) {
	rng := rand.New(rand.NewPCG(71, 72))
	const guard = float32(-12345.5)
	for _, d := range rowKernelDims {
		for _, n := range rowKernelCounts {
			p := randVec(rng, d)
			// Rows sit in a longer slice, as a block of a gallery does.
			rows := randVec(rng, (n+2)*d)[d : (n+1)*d]
			out, whole := guarded(n, guard)
			dotRowsF32(p, rows, out)
			for i := range n {
				want := dot(p, rows[i*d:(i+1)*d])
				if math.Float32bits(out[i]) != math.Float32bits(want) {
					t.Errorf("d=%d n=%d row %d: %v, dot %v", d, n, i, out[i], want)
				}
			}
			checkGuards(t, "dotRowsF32", whole, guard)
		}
	}
}

func TestDotRowsInt8(t *testing.T) {
	rng := rand.New(rand.NewPCG(73, 74))
	const guard = int32(-0x5a5a5a5a)
	for _, d := range rowKernelDims {
		for _, n := range rowKernelCounts {
			p := randInt8(rng, d)
			rows := randInt8(rng, (n+2)*d)[d : (n+1)*d]
			out, whole := guarded(n, guard)
			dotRowsInt8(p, rows, out)
			for i := range n {
				if want := dotInt8Ref(p, rows[i*d:(i+1)*d]); out[i] != want {
					t.Errorf("d=%d n=%d row %d: %d, reference %d", d, n, i, out[i], want)
				}
			}
			checkGuards(t, "dotRowsInt8", whole, guard)
		}
	}
	// Extreme values: every product at its largest magnitude.
	for _, d := range []int{32, 256, 1024} {
		p, rows := make([]int8, d), make([]int8, 2*d)
		for i := range p {
			p[i] = -128
		}
		for i := range rows {
			rows[i] = int8(-128 + 255*(i/d))
		}
		out := make([]int32, 2)
		dotRowsInt8(p, rows, out)
		for i := range out {
			if want := dotInt8Ref(p, rows[i*d:(i+1)*d]); out[i] != want {
				t.Errorf("extreme d=%d row %d: %d, reference %d", d, i, out[i], want)
			}
		}
	}
}

func TestHammingRows(t *testing.T) {
	rng := rand.New(rand.NewPCG(75, 76))
	const guard = int32(-0x5a5a5a5a)
	for _, w := range []int{1, 2, 3, 4, 5, 8} {
		for _, n := range rowKernelCounts {
			p := randCode(rng, w)
			codes := randCode(rng, (n+2)*w)[w : (n+1)*w]
			if n > 0 {
				copy(codes[:w], p) // distance 0
				for j := range w {
					codes[(n-1)*w+j] = ^p[j] // distance 64·w
				}
			}
			out, whole := guarded(n, guard)
			least := hammingRows(p, codes, out)
			wantLeast := int32(math.MaxInt32)
			for i := range n {
				var want int
				for j := range w {
					want += bits.OnesCount64(p[j] ^ codes[i*w+j])
				}
				if int(out[i]) != want {
					t.Errorf("w=%d n=%d row %d: %d, reference %d", w, n, i, out[i], want)
				}
				wantLeast = min(wantLeast, int32(want))
			}
			if least != wantLeast {
				t.Errorf("w=%d n=%d: least distance %d, reference %d", w, n, least, wantLeast)
			}
			checkGuards(t, "hammingRows", whole, guard)
		}
	}
}
