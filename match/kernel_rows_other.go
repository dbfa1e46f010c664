//go:build !amd64 || purego

package match

func dotRowsF32(p, rows, out []float32) { dotRowsF32Go(p, rows, out) }

func dotRowsInt8(p, rows []int8, out []int32) { dotRowsInt8Go(p, rows, out) }

func hammingRows(p, codes []uint64, out []int32) int32 { return hammingRowsGo(p, codes, out) }
