package eval

import (
	"math/rand/v2"
	"strconv"
	"testing"
)

// BenchmarkImpostors adds n impostor scores to a fresh Scores and analyses
// them: the thresholds for the five report targets, the EER and the DET
// samples against 10,000 genuine scores. The huge size is the 10M case.
func BenchmarkImpostors(b *testing.B) {
	rng := rand.New(rand.NewPCG(5, 6))
	var gen Scores
	for range 10_000 {
		gen.Add(3 + rng.NormFloat64())
	}
	for _, size := range []struct {
		name string
		n    int
	}{
		{"small", 1_000}, {"medium", 100_000}, {"large", 1_000_000}, {"huge", 10_000_000},
	} {
		raw := make([]float64, size.n)
		for i := range raw {
			raw[i] = rng.NormFloat64()
		}
		b.Run(size.name+"-"+strconv.Itoa(size.n), func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				var imp Scores
				imp.Grow(len(raw))
				for _, v := range raw {
					imp.Add(v)
				}
				for _, target := range reportTargets {
					if _, err := FNMRAtFMR(&gen, &imp, target); err != nil {
						b.Fatal(err)
					}
				}
				if _, err := EqualErrorRate(&gen, &imp); err != nil {
					b.Fatal(err)
				}
				detPoints(gen.sorted(), imp.sorted())
			}
		})
	}
}
