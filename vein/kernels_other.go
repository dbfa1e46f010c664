//go:build !amd64 || purego

package vein

func bilatRanges(dst, a, b []float32) { bilatRangesGo(dst, a, b) }

func bilateralRow(dst []float32, b *bilatScratch, c0 int) { bilateralRowGo(dst, b, c0) }

func claheBinsTo(dst []uint8, src []float32, lo, scale float32) { claheBinsGo(dst, src, lo, scale) }

func claheRow(dst *[Size]float32, bins *[Size]uint8, ok *[Size]bool, l0, l1 *[claheTiles][claheBins]float32, wy, wy1 float32) {
	claheRowGo(dst, bins, ok, l0, l1, wy, wy1)
}
