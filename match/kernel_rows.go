package match

import "math"

// Row kernels score one probe against a run of consecutive gallery rows,
// one call per block of rows, so single-probe scans pay the call and
// dispatch overhead once per block instead of once per row. Each writes
// exactly the scores of its per-row counterpart (dot, dotInt8, hamming).

// scanBlockRows is the number of rows each row-kernel call scores.
const scanBlockRows = 256

// dotRowsF32Go is the portable float32 row kernel: out[i] = dot(p, row i).
func dotRowsF32Go(p, rows, out []float32) {
	d := len(p)
	for i := range out {
		out[i] = dot(p, rows[i*d:(i+1)*d])
	}
}

// dotRowsInt8Go is the portable int8 row kernel: out[i] = dotInt8(p, row i).
func dotRowsInt8Go(p, rows []int8, out []int32) {
	d := len(p)
	for i := range out {
		out[i] = dotInt8(p, rows[i*d:(i+1)*d])
	}
}

// hammingRowsGo is the portable Hamming row kernel:
// out[i] = hamming(p, code i). It returns the smallest distance written, or
// math.MaxInt32 when out is empty, so that scans can skip a block whose
// every row is too far.
func hammingRowsGo(p, codes []uint64, out []int32) int32 {
	w := len(p)
	least := int32(math.MaxInt32)
	for i := range out {
		h := int32(hamming(p, codes[i*w:(i+1)*w]))
		out[i] = h
		least = min(least, h)
	}
	return least
}
