//go:build !amd64 || purego

package match

const useFMA = false

func dotF32x4(p, r []float32, out *[4]float32) { dotF32x4Go(p, r, out) }

func dotInt8x4(p []int16, r []int8, out *[4]int32) { dotInt8x4Go(p, r, out) }
