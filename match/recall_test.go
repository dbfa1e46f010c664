package match

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"
)

// noisy returns v plus Gaussian noise of norm about sigma·|v|.
func noisy(rng *rand.Rand, v []float32, sigma float64) []float32 {
	var ss float64
	for _, x := range v {
		ss += float64(x) * float64(x)
	}
	s := sigma * math.Sqrt(ss/float64(len(v)))
	out := make([]float32, len(v))
	for i, x := range v {
		out[i] = x + float32(s*rng.NormFloat64())
	}
	return out
}

// TestRerankRecall measures the recall at rank 1 of the two-stage searches
// against exact float32 search on random unit vectors, each probe a gallery
// vector plus noise. With noise 0.5 to 1.2 times the vector's norm (cosine
// with the original about 0.64 to 0.89) both must reach 0.999. With noise 2
// times the norm (cosine about 0.45) only Int8Rerank must; the binary
// prefilter's recall is logged.
func TestRerankRecall(t *testing.T) {
	const dim = 256
	n := 20_000
	if testing.Short() || raceEnabled {
		n = 5000
	}
	rng := rand.New(rand.NewPCG(41, 42))
	g := NewGallery(dim, 0)
	g.Grow(n)
	vecs := make([][]float32, n)
	for i := range n {
		vecs[i] = randVec(rng, dim)
		if err := g.Add(fmt.Sprint(i), mustTemplate(t, vecs[i])); err != nil {
			t.Fatal(err)
		}
	}
	for _, c := range []struct {
		sigmaLo, sigmaHi float64
		probes           int
		binaryMust       bool
	}{
		{0.5, 1.2, 2000, true},
		{2, 2, 1000, false},
	} {
		probes := c.probes
		if testing.Short() || raceEnabled {
			if !c.binaryMust {
				continue
			}
			probes = 1000
		}
		modes := []Mode{Int8Rerank, BinaryRerank, BinaryInt8Rerank}
		agree := make([]int, len(modes))
		planted, minCos := 0, 1.0
		var dst []Candidate
		for range probes {
			j := rng.IntN(n)
			sigma := c.sigmaLo + (c.sigmaHi-c.sigmaLo)*rng.Float64()
			m := NewMatcher(mustTemplate(t, noisy(rng, vecs[j], sigma)))
			dst = g.Search(dst, m, &SearchOptions{K: 1, Threshold: math.Inf(-1)})
			exact := dst[0]
			minCos = min(minCos, exact.Score)
			if exact.ID == fmt.Sprint(j) {
				planted++
			}
			for i, mode := range modes {
				dst = g.Search(dst, m, &SearchOptions{K: 1, Threshold: math.Inf(-1), Mode: mode})
				if dst[0].ID == exact.ID {
					agree[i]++
				}
			}
		}
		t.Logf("N=%d, noise %.1f to %.1f, %d probes: exact top-1 is the planted vector for %d, lowest exact top-1 score %.3f",
			n, c.sigmaLo, c.sigmaHi, probes, planted, minCos)
		for i, mode := range modes {
			recall := float64(agree[i]) / float64(probes)
			t.Logf("  %v: recall@1 against exact search %d/%d = %.4f", mode, agree[i], probes, recall)
			if recall < 0.999 && (mode == Int8Rerank || c.binaryMust) {
				t.Errorf("noise %.1f to %.1f: %v recall@1 %.4f below 0.999", c.sigmaLo, c.sigmaHi, mode, recall)
			}
		}
	}
}
