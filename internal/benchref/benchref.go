// Package benchref holds the reference loop that palmid's benchmarks run
// beside their own, so that figures from a slow or busy machine can be
// scaled to the project's reference machine (../shared/bench/README.md).
package benchref

import "testing"

// Dot256Reference is what Dot256 takes on the reference machine, in
// nanoseconds (the plain Go loop of ../shared/bench/README.md).
const Dot256Reference = 172

// Dot256 benchmarks a plain Go 256-d float32 dot product. Call it from a
// package's BenchmarkReferenceDot256 and divide that package's figures by
// the ratio of its result to Dot256Reference.
func Dot256(b *testing.B) {
	x, y := make([]float32, 256), make([]float32, 256)
	for i := range x {
		x[i], y[i] = float32(i), 1
	}
	var s float32
	for b.Loop() {
		var d float32
		for i := range x {
			d += x[i] * y[i]
		}
		s += d
	}
	sink = s
}

var sink float32
