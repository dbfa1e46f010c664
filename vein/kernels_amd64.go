//go:build amd64 && !purego

package vein

import "golang.org/x/sys/cpu"

// useAVX2 selects the assembly bilateral and CLAHE kernels; GODEBUG=cpu.avx2=off
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

// claheBinsAVX2 is claheBinsGo for the first len(dst)&^7 samples.
//
//go:noescape
func claheBinsAVX2(dst []uint8, src []float32, lo, scale float32)

// claheBinsTo writes into dst the CLAHE histogram bin of each sample of
// src (see claheBinsGo).
func claheBinsTo(dst []uint8, src []float32, lo, scale float32) {
	src = src[:len(dst)]
	n := 0
	if useAVX2 {
		n = len(dst) &^ 7
		claheBinsAVX2(dst[:n], src, lo, scale)
	}
	claheBinsGo(dst[n:], src[n:], lo, scale)
}

// claheRowAVX2 is claheRowGo eight pixels at a time; tiles holds the
// tiles (t0, t1 of claheAxis) of each block of eight columns.
//
//go:noescape
func claheRowAVX2(dst *[Size]float32, bins *[Size]uint8, ok *[Size]bool, l0, l1 *[claheTiles][claheBins]float32, wx, wx1 *[Size]float32, tiles *[Size / 8][2]uint8, wy, wy1 float32)

// claheRow interpolates the CLAHE mappings over one row of the map (see
// claheRowGo).
func claheRow(dst *[Size]float32, bins *[Size]uint8, ok *[Size]bool, l0, l1 *[claheTiles][claheBins]float32, wy, wy1 float32) {
	if useAVX2 && claheBlocksOK {
		claheRowAVX2(dst, bins, ok, l0, l1, &claheWX, &claheWX1, &claheBlockTiles, wy, wy1)
		return
	}
	claheRowGo(dst, bins, ok, l0, l1, wy, wy1)
}

// claheBlockTiles holds the tiles of each block of eight columns, and
// claheBlocksOK says whether every block lies in one run of claheRuns (it
// does for Size 64 and 4 tiles: the runs end at columns 8, 24, 40, 56).
var claheBlockTiles, claheBlocksOK = func() (t [Size / 8][2]uint8, ok bool) {
	for _, run := range claheRuns {
		if run.x0%8 != 0 || run.x1%8 != 0 {
			return t, false
		}
		for x := run.x0; x < run.x1; x += 8 {
			t[x/8] = [2]uint8{claheAxis[x].t0, claheAxis[x].t1}
		}
	}
	return t, true
}()
