//go:build amd64 && !purego

package vein

import "golang.org/x/sys/cpu"

// useAVX2 selects the assembly bilateral and CLAHE kernels;
// GODEBUG=cpu.avx2=off clears it to test the portable paths.
var useAVX2 = cpu.X86.HasAVX2

// bilatRangesAVX2 is bilatRangesGo for the first len(dst)&^7 weights;
// a and b must be at least that long.
//
//go:noescape
func bilatRangesAVX2(dst, a, b []float32, rl *[bilatLUT]float32)

// bilatRanges writes into dst the bilateral filter's range weight of each
// difference b[i] - a[i] (see bilatRangesGo).
func bilatRanges(dst, a, b []float32) {
	n := 0
	if useAVX2 {
		n = len(dst) &^ 7
		bilatRangesAVX2(dst[:n], a[:n], b[:n], &bilatRangeLUT)
	}
	bilatRangesGo(dst[n:], a[n:], b[n:])
}

// bilateralRowAVX2 is bilateralRowGo for the first len(dst)&^7 pixels:
// c points at the first pixel in the padded map, r[t] at the range weight
// of the first pixel's tap t (see bilateralRowGo) and ws at the spatial
// weights.
//
//go:noescape
func bilateralRowAVX2(dst []float32, c *float32, r *[bilatTaps]*float32, ws *[bilatTaps]float32)

// bilateralRow writes into dst the bilateral filter of one row of the map,
// whose first pixel is at c0 in the padded map, from the range weights of
// b.
func bilateralRow(dst []float32, b *bilatScratch, c0 int) {
	n := 0
	if useAVX2 {
		n = len(dst) &^ 7
		// The last pixel's taps must lie in the padded map and its
		// weights in b.r (bilateralTo's rows always do).
		_ = b.pad[c0+n-1+bilatOff[bilatTaps-1]]
		_ = b.pad[c0+bilatOff[0]]
		var r [bilatTaps]*float32
		for t, f := range bilatOff {
			if t >= bilatC {
				r[t] = &b.r[t-bilatC][c0]
			} else {
				r[t] = &b.r[bilatTaps-1-t-bilatC][c0+f]
			}
		}
		bilateralRowAVX2(dst[:n], &b.pad[c0], &r, &bilatSpatial)
	}
	bilateralRowGo(dst[n:], b, c0+n)
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
