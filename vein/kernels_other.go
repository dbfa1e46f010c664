//go:build !amd64 || purego

package vein

func bilateralRow(dst, win []float32) { bilateralRowGo(dst, win) }

func claheBinsTo(dst []uint8, src []float32, lo, scale float32) { claheBinsGo(dst, src, lo, scale) }

func claheRow(dst *[Size]float32, bins *[Size]uint8, ok *[Size]bool, l0, l1 *[claheTiles][claheBins]float32, wy, wy1 float32) {
	claheRowGo(dst, bins, ok, l0, l1, wy, wy1)
}
