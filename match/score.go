package match

import (
	"errors"
	"math"
	"math/bits"

	"github.com/viterin/vek"
	"github.com/viterin/vek/vek32"
)

var (
	// ErrNorm is returned for a vector whose Euclidean norm is zero or not
	// finite: it has no direction to compare.
	ErrNorm = errors.New("match: vector norm is zero or not finite")
	// ErrDim is returned when a template's dimension differs from the
	// gallery's.
	ErrDim = errors.New("match: dimension mismatch")
)

// vekAccelerated reports whether vek32.Dot runs its AVX2 kernel here. When it
// does not (other architectures, CPUs without AVX2 and FMA, darwin, or
// GODEBUG=cpu.avx2=off), Dot uses dotGo, which is faster than vek's plain loop.
var vekAccelerated = vek.Info().Acceleration

// Dot returns the inner product of a and b, which is the cosine of their
// angle when both have unit length (see NormalizeTo). It computes the same
// sum as this reference loop, with the terms added in another order, so the
// two may differ in the last bits:
//
//	var s float32
//	for i := range a {
//		s += a[i] * b[i]
//	}
//
// Dot uses github.com/viterin/vek's AVX2 kernel where the CPU has AVX2 and
// FMA, and an unrolled Go loop elsewhere. It panics if len(a) != len(b).
func Dot(a, b []float32) float32 {
	if len(a) != len(b) {
		panic("match: Dot of slices of different lengths")
	}
	return dot(a, b)
}

// dot is Dot without the length check; callers guarantee equal lengths.
func dot(a, b []float32) float32 {
	if len(a) == 0 {
		return 0
	}
	if vekAccelerated {
		return vek32.Dot(a, b)
	}
	return dotGo(a, b)
}

// dotGo is the portable Dot kernel: four accumulators hide the latency of
// the floating-point adds.
func dotGo(a, b []float32) float32 {
	b = b[:len(a)]
	var s0, s1, s2, s3 float32
	i := 0
	for ; i+4 <= len(a); i += 4 {
		x, y := a[i:i+4:i+4], b[i:i+4:i+4]
		s0 += x[0] * y[0]
		s1 += x[1] * y[1]
		s2 += x[2] * y[2]
		s3 += x[3] * y[3]
	}
	for ; i < len(a); i++ {
		s0 += a[i] * b[i]
	}
	return (s0 + s1) + (s2 + s3)
}

// DotInt8 returns the inner product of two int8 vectors, exactly:
//
//	var s int32
//	for i := range a {
//		s += int32(a[i]) * int32(b[i])
//	}
//
// On amd64 with AVX2 it runs an assembly kernel (left out by the purego
// build tag); elsewhere an unrolled Go loop. The sum does not overflow for
// len(a) <= 131,072, whatever the values. It panics if len(a) != len(b).
//
// For vectors quantised by QuantizeTo with scales sa and sb, the inner
// product of the originals is about DotInt8(qa, qb)·(sa/127)·(sb/127).
func DotInt8(a, b []int8) int32 {
	if len(a) != len(b) {
		panic("match: DotInt8 of slices of different lengths")
	}
	return dotInt8(a, b)
}

// dotInt8Go is the portable DotInt8 kernel.
func dotInt8Go(a, b []int8) int32 {
	b = b[:len(a)]
	var s0, s1, s2, s3 int32
	i := 0
	for ; i+4 <= len(a); i += 4 {
		x, y := a[i:i+4:i+4], b[i:i+4:i+4]
		s0 += int32(x[0]) * int32(y[0])
		s1 += int32(x[1]) * int32(y[1])
		s2 += int32(x[2]) * int32(y[2])
		s3 += int32(x[3]) * int32(y[3])
	}
	for ; i < len(a); i++ {
		s0 += int32(a[i]) * int32(b[i])
	}
	return s0 + s1 + s2 + s3
}

// Hamming returns the number of bits that differ between a and b:
//
//	var n int
//	for i := range a {
//		n += bits.OnesCount64(a[i] ^ b[i])
//	}
//
// It is that loop: unrolling it makes it slower, because each OnesCount64
// checks for the POPCNT instruction unless GOAMD64 is v2 or higher. It
// panics if len(a) != len(b).
func Hamming(a, b []uint64) int {
	if len(a) != len(b) {
		panic("match: Hamming of slices of different lengths")
	}
	return hamming(a, b)
}

func hamming(a, b []uint64) int {
	b = b[:len(a)]
	var n int
	for i := range a {
		n += bits.OnesCount64(a[i] ^ b[i])
	}
	return n
}

// BinarySimilarity returns 1 − Hamming(a, b)/bits, the fraction of the
// first bits bits on which two binary codes agree: 1 for equal codes, about
// 0.5 for codes of unrelated vectors, 0 for complementary ones. Bits past
// bits must be zero in both codes, as BinarizeTo leaves them.
//
// It panics if len(a) != len(b) or bits is not in (64·len(a)−64, 64·len(a)].
func BinarySimilarity(a, b []uint64, bits int) float64 {
	if len(a) != len(b) {
		panic("match: BinarySimilarity of slices of different lengths")
	}
	if bits <= 64*(len(a)-1) || bits > 64*len(a) {
		panic("match: BinarySimilarity bit count does not fit the code length")
	}
	return 1 - float64(hamming(a, b))/float64(bits)
}

// NormalizeTo writes v scaled to unit Euclidean length into dst and returns
// it. If dst is nil a new slice is allocated; otherwise it must have the
// length of v, and it may be v itself. The norm is accumulated in float64.
//
// It returns ErrNorm, leaving dst unchanged, when the norm of v is zero or
// not finite (v holds an infinity or a NaN). It panics if dst is not nil and
// len(dst) != len(v).
func NormalizeTo(dst, v []float32) ([]float32, error) {
	if dst != nil && len(dst) != len(v) {
		panic("match: NormalizeTo destination length differs from the source's")
	}
	var ss float64
	for _, x := range v {
		ss += float64(x) * float64(x)
	}
	n := math.Sqrt(ss)
	if n == 0 || math.IsInf(n, 0) || math.IsNaN(n) {
		return dst, ErrNorm
	}
	if dst == nil {
		dst = make([]float32, len(v))
	}
	inv := 1 / n
	for i, x := range v {
		dst[i] = float32(float64(x) * inv)
	}
	return dst, nil
}

// QuantizeTo writes the symmetric int8 quantisation of v into dst and
// returns it with the scale, the largest |v[i]|:
//
//	q[i] = round(v[i] / scale * 127)
//
// rounding halves away from zero, so q[i] lies in [−127, 127] and
// v[i] ≈ q[i]·scale/127. A zero vector gives scale 0 and all-zero codes. If
// dst is nil a new slice is allocated; otherwise it must have the length of
// v. The values of v must be finite.
//
// It panics if dst is not nil and len(dst) != len(v).
func QuantizeTo(dst []int8, v []float32) ([]int8, float32) {
	if dst != nil && len(dst) != len(v) {
		panic("match: QuantizeTo destination length differs from the source's")
	}
	if dst == nil {
		dst = make([]int8, len(v))
	}
	var scale float32
	for _, x := range v {
		scale = max(scale, abs32(x))
	}
	if scale == 0 {
		clear(dst)
		return dst, 0
	}
	f := 127 / float64(scale)
	for i, x := range v {
		q := math.Round(float64(x) * f)
		dst[i] = int8(max(-127, min(127, q)))
	}
	return dst, scale
}

func abs32(x float32) float32 {
	return math.Float32frombits(math.Float32bits(x) &^ (1 << 31))
}

// BinarizeTo writes the sign code of v into dst and returns it: bit i%64 of
// word i/64 is set when v[i] > 0. Bits past len(v) in the last word are
// zero. If dst is nil a new slice is allocated; otherwise it must have
// length CodeWords(len(v)).
//
// For vectors whose components are spread evenly over the directions (as
// random rotations make them), the fraction of differing bits estimates the
// angle between the vectors divided by π.
//
// It panics if dst is not nil and has the wrong length.
func BinarizeTo(dst []uint64, v []float32) []uint64 {
	w := CodeWords(len(v))
	if dst != nil && len(dst) != w {
		panic("match: BinarizeTo destination length is not CodeWords(len(v))")
	}
	if dst == nil {
		dst = make([]uint64, w)
	}
	clear(dst)
	for i, x := range v {
		if x > 0 {
			dst[i>>6] |= 1 << (i & 63)
		}
	}
	return dst
}

// CodeWords returns the number of 64-bit words in the binary code of a
// vector of dimension dim.
func CodeWords(dim int) int {
	return (dim + 63) / 64
}
