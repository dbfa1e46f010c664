//go:build amd64 && !purego

package match

import "golang.org/x/sys/cpu"

// usePOPCNT selects the assembly Hamming row kernel.
var usePOPCNT = cpu.X86.HasPOPCNT

// dotRowsF32AVX2 writes into out[i] the inner product of p with row i of
// rows (rows[i·len(p):(i+1)·len(p)]), for i < len(out), summing exactly as
// vek32.Dot's AVX2 kernel does for a length that is a multiple of 32: four
// accumulators of eight lanes, then the same reduction, so the scores are
// bit-identical to dot's. len(p) must be a positive multiple of 32 and
// len(rows) at least len(out)·len(p).
//
//go:noescape
func dotRowsF32AVX2(p, rows, out []float32)

// dotRowsInt8AVX2 writes into out[i] the exact inner product of p with row
// i of rows, for i < len(out). len(p) must be a positive multiple of 32 and
// len(rows) at least len(out)·len(p).
//
//go:noescape
func dotRowsInt8AVX2(p, rows []int8, out []int32)

// hammingRowsPOPCNT writes into out[i] the Hamming distance between p and
// code i of codes (codes[i·len(p):(i+1)·len(p)]), for i < len(out). len(p)
// must be positive and len(codes) at least len(out)·len(p). It returns the
// smallest distance written, or math.MaxInt32 when out is empty.
//
//go:noescape
func hammingRowsPOPCNT(p, codes []uint64, out []int32) int32

func dotRowsF32(p, rows, out []float32) {
	d := len(p)
	if vekAccelerated && useFMA && d > 0 && d%32 == 0 {
		dotRowsF32AVX2(p, rows[:len(out)*d], out)
		return
	}
	dotRowsF32Go(p, rows, out)
}

func dotRowsInt8(p, rows []int8, out []int32) {
	d := len(p)
	if useAVX2 && d > 0 && d%32 == 0 {
		dotRowsInt8AVX2(p, rows[:len(out)*d], out)
		return
	}
	dotRowsInt8Go(p, rows, out)
}

func hammingRows(p, codes []uint64, out []int32) int32 {
	w := len(p)
	if usePOPCNT && w > 0 {
		return hammingRowsPOPCNT(p, codes[:len(out)*w], out)
	}
	return hammingRowsGo(p, codes, out)
}
