//go:build amd64 && !purego

package match

import "golang.org/x/sys/cpu"

// useAVX2 selects the assembly int8 kernel. GODEBUG=cpu.avx2=off clears it,
// and with it vek's AVX2 kernels, to test the portable paths.
var useAVX2 = cpu.X86.HasAVX2

// dotInt8AVX2 returns the inner product of the first len(a)&^31 elements of
// a and b; len(b) must be at least that. It sign-extends 16 bytes at a time
// to int16 (VPMOVSXBW) and multiplies and adds pairs into int32 lanes
// (VPMADDWD), which is exact for every int8 input.
//
//go:noescape
func dotInt8AVX2(a, b []int8) int32

func dotInt8(a, b []int8) int32 {
	var s int32
	n := 0
	if useAVX2 && len(a) >= 32 {
		n = len(a) &^ 31
		s = dotInt8AVX2(a[:n], b[:n])
	}
	if n < len(a) {
		s += dotInt8Go(a[n:], b[n:len(a)])
	}
	return s
}
