//go:build amd64 && !purego

package vein

import "golang.org/x/sys/cpu"

// useAVX2 selects the assembly bilateral kernel; GODEBUG=cpu.avx2=off
// clears it to test the portable path.
var useAVX2 = cpu.X86.HasAVX2

// bilateralRowAVX2 is bilateralRowGo for n = len(dst)&^7 pixels, eight at
// a time. win must hold the windows of
// those pixels: 4 rows of bilatP samples plus n + 4 more.
//
//go:noescape
func bilateralRowAVX2(dst, win []float32, ws *[2*bilatR + 1][2*bilatR + 1]float32, rl *[bilatLUT]float32)

// bilateralRow writes into dst the bilateral filter of one row of the map,
// whose padded copy win holds from the top-left corner of the first
// pixel's window on.
func bilateralRow(dst, win []float32) {
	n := 0
	if useAVX2 {
		n = len(dst) &^ 7
		if n > 0 {
			_ = win[2*bilatR*bilatP+n-1+2*bilatR] // the last sample the kernel reads
			bilateralRowAVX2(dst[:n], win, &bilatSpatial, &bilatRangeLUT)
		}
	}
	if n < len(dst) {
		bilateralRowGo(dst[n:], win[n:])
	}
}
