package match

import (
	"math"
	"math/bits"
	"math/rand/v2"
	"testing"

	"github.com/viterin/vek"
	"github.com/viterin/vek/vek32"
	"golang.org/x/sys/cpu"
)

// Reference loops, as the doc comments show them.

func dotRef(a, b []float32) float32 {
	var s float32
	for i := range a {
		s += a[i] * b[i]
	}
	return s
}

func dotInt8Ref(a, b []int8) int32 {
	var s int32
	for i := range a {
		s += int32(a[i]) * int32(b[i])
	}
	return s
}

func hammingRef(a, b []uint64) int {
	var n int
	for i := range a {
		n += bits.OnesCount64(a[i] ^ b[i])
	}
	return n
}

// lengths covers the empty vector, every tail length of the kernels' blocks
// and the dimensions embeddings use.
var lengths = []int{0, 1, 2, 3, 4, 5, 7, 8, 15, 16, 17, 31, 32, 33, 63, 64, 65, 95, 96, 127, 128, 129, 200, 255, 256, 257, 512, 1000}

const guardLen = 16

// guarded returns a slice of length n, and the whole slice it sits in with
// guardLen elements of value guard on either side.
func guarded[T any](n int, guard T) (inner, whole []T) {
	whole = make([]T, n+2*guardLen)
	for i := range whole {
		whole[i] = guard
	}
	return whole[guardLen : guardLen+n : guardLen+n], whole
}

// checkGuards fails t if a guard element of whole has changed.
func checkGuards[T comparable](t *testing.T, name string, whole []T, guard T) {
	t.Helper()
	n := len(whole) - 2*guardLen
	for i, v := range whole {
		if (i < guardLen || i >= guardLen+n) && v != guard {
			t.Errorf("%s: guard element %d overwritten: %v", name, i-guardLen, v)
		}
	}
}

func randVec(rng *rand.Rand, n int) []float32 {
	v := make([]float32, n)
	for i := range v {
		v[i] = float32(rng.NormFloat64())
	}
	return v
}

func randInt8(rng *rand.Rand, n int) []int8 {
	v := make([]int8, n)
	for i := range v {
		v[i] = int8(rng.Uint32())
	}
	return v
}

func randCode(rng *rand.Rand, n int) []uint64 {
	v := make([]uint64, n)
	for i := range v {
		v[i] = rng.Uint64()
	}
	return v
}

// closeDot reports whether a float32 inner product agrees with the
// reference within the rounding of sums of n products of a and b.
func closeDot(got, want float32, a, b []float32) bool {
	var mag float64
	for i := range a {
		mag += math.Abs(float64(a[i]) * float64(b[i]))
	}
	return math.Abs(float64(got)-float64(want)) <= 1e-6*float64(len(a)+1)*mag+1e-30
}

func TestDot(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for _, n := range lengths {
		for range 20 {
			a, b := randVec(rng, n), randVec(rng, n)
			want := dotRef(a, b)
			if got := Dot(a, b); !closeDot(got, want, a, b) {
				t.Errorf("n=%d: Dot = %v, reference %v", n, got, want)
			}
			if got := dotGo(a, b); !closeDot(got, want, a, b) {
				t.Errorf("n=%d: dotGo = %v, reference %v", n, got, want)
			}
			if n > 0 {
				if got := vek32.Dot(a, b); !closeDot(got, want, a, b) {
					t.Errorf("n=%d: vek32.Dot = %v, reference %v", n, got, want)
				}
			}
		}
	}
}

// TestDotSubslices runs the kernels on rows that start at every alignment
// of a larger array, as gallery rows do.
func TestDotSubslices(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	big, p := randVec(rng, 300), randVec(rng, 300)
	for off := range 17 {
		for _, n := range []int{31, 64, 256} {
			a := big[off : off+n]
			if got, want := Dot(p[:n], a), dotRef(p[:n], a); !closeDot(got, want, p[:n], a) {
				t.Errorf("offset %d n=%d: Dot = %v, reference %v", off, n, got, want)
			}
		}
	}
	qbig, qp := randInt8(rng, 300), randInt8(rng, 300)
	for off := range 33 {
		for _, n := range []int{31, 64, 256} {
			if got, want := DotInt8(qp[:n], qbig[off:off+n]), dotInt8Ref(qp[:n], qbig[off:off+n]); got != want {
				t.Errorf("offset %d n=%d: DotInt8 = %d, reference %d", off, n, got, want)
			}
		}
	}
}

// TestAcceleration records which kernels run here, and checks that vek's
// choice follows the CPU flags (GODEBUG=cpu.avx2=off clears them).
func TestAcceleration(t *testing.T) {
	t.Logf("vek AVX2: %v, int8 AVX2: %v (cpu.X86.HasAVX2 %v, HasFMA %v)", vekAccelerated, useAVX2, cpu.X86.HasAVX2, cpu.X86.HasFMA)
	if vekAccelerated && !(cpu.X86.HasAVX2 && cpu.X86.HasFMA) {
		t.Error("vek uses AVX2 on a CPU without AVX2 and FMA")
	}
	if vekAccelerated != vek.Info().Acceleration {
		t.Error("vekAccelerated disagrees with vek.Info")
	}
}

func TestDotInt8(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	for _, n := range lengths {
		for range 20 {
			a, b := randInt8(rng, n), randInt8(rng, n)
			want := dotInt8Ref(a, b)
			if got := DotInt8(a, b); got != want {
				t.Errorf("n=%d: DotInt8 = %d, reference %d", n, got, want)
			}
			if got := dotInt8Go(a, b); got != want {
				t.Errorf("n=%d: dotInt8Go = %d, reference %d", n, got, want)
			}
		}
	}
	// Extremes: −128·−128 pairs, the one VPMADDWD case near int16 overflow.
	for _, n := range []int{32, 256, 4096} {
		a, b := make([]int8, n), make([]int8, n)
		for _, v := range [][2]int8{{-128, -128}, {127, 127}, {-128, 127}} {
			for i := range a {
				a[i], b[i] = v[0], v[1]
			}
			if got, want := DotInt8(a, b), dotInt8Ref(a, b); got != want {
				t.Errorf("n=%d, all %v: DotInt8 = %d, want %d", n, v, got, want)
			}
		}
	}
}

func TestHamming(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 8))
	for n := range 20 {
		for range 20 {
			a, b := randCode(rng, n), randCode(rng, n)
			if got, want := Hamming(a, b), hammingRef(a, b); got != want {
				t.Errorf("n=%d: Hamming = %d, reference %d", n, got, want)
			}
		}
	}
	a := []uint64{0, 0, 0, 0}
	b := []uint64{math.MaxUint64, 0, 1, 1 << 63}
	if got := Hamming(a, b); got != 66 {
		t.Errorf("Hamming = %d, want 66", got)
	}
	if got := BinarySimilarity(a, b, 256); got != 1-66.0/256 {
		t.Errorf("BinarySimilarity = %v, want %v", got, 1-66.0/256)
	}
}

func TestLengthMismatchPanics(t *testing.T) {
	for name, f := range map[string]func(){
		"Dot":              func() { Dot(make([]float32, 3), make([]float32, 4)) },
		"DotInt8":          func() { DotInt8(make([]int8, 3), make([]int8, 4)) },
		"Hamming":          func() { Hamming(make([]uint64, 3), make([]uint64, 4)) },
		"BinarySimilarity": func() { BinarySimilarity(make([]uint64, 4), make([]uint64, 4), 192) },
		"NormalizeTo":      func() { NormalizeTo(make([]float32, 2), make([]float32, 3)) },
		"QuantizeTo":       func() { QuantizeTo(make([]int8, 2), make([]float32, 3)) },
		"BinarizeTo":       func() { BinarizeTo(make([]uint64, 3), make([]float32, 65)) },
	} {
		func() {
			defer func() {
				if recover() == nil {
					t.Errorf("%s did not panic", name)
				}
			}()
			f()
		}()
	}
}

func TestNormalizeTo(t *testing.T) {
	rng := rand.New(rand.NewPCG(9, 10))
	for _, n := range lengths[1:] {
		v := randVec(rng, n)
		dst, whole := guarded(n, float32(-7))
		got, err := NormalizeTo(dst, v)
		if err != nil {
			t.Fatal(err)
		}
		checkGuards(t, "NormalizeTo", whole, -7)
		var ss float64
		for i, x := range got {
			ss += float64(x) * float64(x)
			if x != 0 && (x > 0) != (v[i] > 0) {
				t.Fatalf("n=%d: sign of element %d changed", n, i)
			}
		}
		if math.Abs(ss-1) > 1e-6 {
			t.Errorf("n=%d: squared norm %v after NormalizeTo", n, ss)
		}
		// In place.
		w := append([]float32(nil), v...)
		if _, err := NormalizeTo(w, w); err != nil {
			t.Fatal(err)
		}
		for i := range w {
			if w[i] != got[i] {
				t.Fatalf("n=%d: in-place result differs at %d", n, i)
			}
		}
	}
	inf := float32(math.Inf(1))
	for _, v := range [][]float32{{}, {0, 0}, {1, inf}, {float32(math.NaN()), 1}} {
		dst := make([]float32, len(v))
		if _, err := NormalizeTo(dst, v); err != ErrNorm {
			t.Errorf("NormalizeTo(%v): error %v, want ErrNorm", v, err)
		}
	}
	// Large values must not overflow in the norm.
	if got, err := NormalizeTo(nil, []float32{3e38, 2.4e38, -2.4e38}); err != nil || math.Abs(float64(got[0])-3/math.Sqrt(20.52)) > 1e-6 {
		t.Errorf("NormalizeTo of huge values = %v, %v", got, err)
	}
}

func TestQuantizeTo(t *testing.T) {
	rng := rand.New(rand.NewPCG(11, 12))
	for _, n := range lengths[1:] {
		v := randVec(rng, n)
		dst, whole := guarded(n, int8(99))
		q, scale := QuantizeTo(dst, v)
		checkGuards(t, "QuantizeTo", whole, 99)
		var maxAbs float32
		hit127 := false
		for i, x := range v {
			maxAbs = max(maxAbs, abs32(x))
			// Dequantisation error is at most half a step.
			if e := math.Abs(float64(q[i])*float64(scale)/127 - float64(x)); e > float64(scale)/254*(1+1e-6) {
				t.Fatalf("n=%d: element %d: %v quantised to %d (scale %v), error %v", n, i, x, q[i], scale, e)
			}
			if q[i] < -127 {
				t.Fatalf("n=%d: code %d below -127", n, q[i])
			}
			hit127 = hit127 || q[i] == 127 || q[i] == -127
		}
		if scale != maxAbs || !hit127 {
			t.Errorf("n=%d: scale %v, max|v| %v, ±127 used %v", n, scale, maxAbs, hit127)
		}
	}
	q, scale := QuantizeTo(nil, []float32{0, 0, 0})
	if scale != 0 || q[0] != 0 || q[1] != 0 || q[2] != 0 {
		t.Errorf("QuantizeTo of zeros = %v, %v", q, scale)
	}
	// Halves round away from zero.
	q, _ = QuantizeTo(nil, []float32{127, 0.5, -0.5, 1.5, -126.5})
	if want := []int8{127, 1, -1, 2, -127}; string(int8sToBytes(q)) != string(int8sToBytes(want)) {
		t.Errorf("QuantizeTo rounding = %v, want %v", q, want)
	}
}

func int8sToBytes(v []int8) []byte {
	b := make([]byte, len(v))
	for i, x := range v {
		b[i] = byte(x)
	}
	return b
}

func TestBinarizeTo(t *testing.T) {
	rng := rand.New(rand.NewPCG(13, 14))
	for _, n := range lengths {
		v := randVec(rng, n)
		if n > 0 {
			v[0] = 0 // zero is not positive
		}
		dst, whole := guarded(CodeWords(n), uint64(0xdeadbeef))
		code := BinarizeTo(dst, v)
		checkGuards(t, "BinarizeTo", whole, 0xdeadbeef)
		for i := range 64 * len(code) {
			bit := code[i/64]>>(i%64)&1 == 1
			if want := i < n && v[i] > 0; bit != want {
				t.Fatalf("n=%d: bit %d = %v, want %v", n, i, bit, want)
			}
		}
	}
}

// TestInt8Estimate measures how well int8 codes estimate cosines of unit
// vectors at dimension 256: Mode Int8's documented accuracy.
func TestInt8Estimate(t *testing.T) {
	rng := rand.New(rand.NewPCG(15, 16))
	var worst float64
	for range 2000 {
		a, _ := NewTemplate(randVec(rng, 256))
		b, _ := NewTemplate(randVec(rng, 256))
		exact := float64(dot(a.vec, b.vec))
		est := float64(float32(DotInt8(a.q, b.q)) * (a.qstep * b.qstep))
		worst = max(worst, math.Abs(est-exact))
	}
	t.Logf("largest |int8 estimate − cosine| over 2000 pairs: %.5f", worst)
	if worst > 0.01 {
		t.Errorf("int8 estimates off by up to %v", worst)
	}
}
