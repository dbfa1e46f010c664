//go:build amd64 && !purego

package fimg

import "golang.org/x/sys/cpu"

// useAVX2 selects the assembly convolution kernel; GODEBUG=cpu.avx2=off
// clears it to test the portable path.
var useAVX2 = cpu.X86.HasAVX2

// convAVX2 is conv for the first len(dst)&^7 outputs. len(k) must be at
// least 1 and src long enough for every tap.
//
//go:noescape
func convAVX2(dst, src, k []float32, stride int)

func conv(dst, src, k []float32, stride int) {
	n := 0
	if useAVX2 && len(k) > 0 {
		n = len(dst) &^ 7
		if n > 0 {
			_ = src[n-1+(len(k)-1)*stride] // the last sample the kernel reads
			convAVX2(dst[:n], src, k, stride)
		}
	}
	if n < len(dst) {
		convGo(dst[n:], src[n:], k, stride)
	}
}
