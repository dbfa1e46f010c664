//go:build amd64 && !purego

package match

import "golang.org/x/sys/cpu"

// useFMA selects the assembly float32 batch kernel.
var useFMA = cpu.X86.HasAVX2 && cpu.X86.HasFMA

// dotF32x4AVX2 writes the inner products of r with the four probes packed
// in p (p[i·d:(i+1)·d] for i < 4, d = len(r)) into out. len(r) must be a
// multiple of 16 and len(p) at least 4·len(r).
//
//go:noescape
func dotF32x4AVX2(p, r []float32, out *[4]float32)

// dotInt8x4AVX2 writes the inner products of r with the four int16 probes
// packed in p into out, exactly. len(r) must be a multiple of 32 and len(p)
// at least 4·len(r).
//
//go:noescape
func dotInt8x4AVX2(p []int16, r []int8, out *[4]int32)

func dotF32x4(p, r []float32, out *[4]float32) {
	if useFMA && len(r)%16 == 0 {
		dotF32x4AVX2(p, r, out)
		return
	}
	dotF32x4Go(p, r, out)
}

func dotInt8x4(p []int16, r []int8, out *[4]int32) {
	if useAVX2 && len(r)%32 == 0 {
		dotInt8x4AVX2(p, r, out)
		return
	}
	dotInt8x4Go(p, r, out)
}
