package match

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"
)

// TestDotF32 checks the single-probe float32 kernel, at lengths around its
// block of 32, against the reference loop.
func TestDotF32(t *testing.T) {
	rng := rand.New(rand.NewPCG(75, 76))
	for _, n := range []int{1, 31, 32, 33, 64, 100, 256, 1024, 4099} {
		a, b := randVec(rng, n), randVec(rng, n+5)[:n]
		if got, want := dot(a, b), dotRef(a, b); math.Abs(float64(got-want)) > 1e-4 {
			t.Errorf("n=%d: dot %v, reference %v", n, got, want)
		}
	}
}

// TestDotX4 checks the batch kernels against the reference loops, at
// dimensions the assembly takes and others, with probes cut from a longer
// slice so that reads past them would change the result.
func TestDotX4(t *testing.T) {
	rng := rand.New(rand.NewPCG(71, 72))
	for _, d := range []int{1, 7, 16, 32, 48, 64, 100, 256, 1024} {
		pf := randVec(rng, 5*d)
		r := randVec(rng, d+3)[:d]
		var out [4]float32
		dotF32x4(pf[:4*d], r, &out)
		var outGo [4]float32
		dotF32x4Go(pf[:4*d], r, &outGo)
		for i := range 4 {
			want := dotRef(pf[i*d:(i+1)*d], r)
			if math.Abs(float64(out[i]-want)) > 1e-4 || math.Abs(float64(outGo[i]-want)) > 1e-4 {
				t.Errorf("d=%d probe %d: dotF32x4 %v, Go %v, reference %v", d, i, out[i], outGo[i], want)
			}
		}
		q8 := randInt8(rng, 5*d)
		pq := make([]int16, len(q8))
		for i, x := range q8 {
			pq[i] = int16(x)
		}
		r8 := randInt8(rng, d+3)[:d]
		var oi, oiGo [4]int32
		dotInt8x4(pq[:4*d], r8, &oi)
		dotInt8x4Go(pq[:4*d], r8, &oiGo)
		for i := range 4 {
			want := dotInt8Ref(q8[i*d:(i+1)*d], r8)
			if oi[i] != want || oiGo[i] != want {
				t.Errorf("d=%d probe %d: dotInt8x4 %d, Go %d, reference %d", d, i, oi[i], oiGo[i], want)
			}
		}
	}
	// Extremes: -128 rows against -128 probes must not saturate.
	d := 256
	pq := make([]int16, 4*d)
	r8 := make([]int8, d)
	for i := range pq {
		pq[i] = -128
	}
	for i := range r8 {
		r8[i] = -128
	}
	var oi [4]int32
	dotInt8x4(pq, r8, &oi)
	if oi[0] != 128*128*int32(d) || oi[3] != oi[0] {
		t.Errorf("extreme int8: %v", oi)
	}
}

// TestSearchBatch checks that SearchBatch returns what Search returns for
// each probe, in every mode, for batch sizes around the kernel's group of
// four, with identities holding several templates.
func TestSearchBatch(t *testing.T) {
	for _, dim := range []int{256, 100} {
		rng := rand.New(rand.NewPCG(73, uint64(dim)))
		n := 3000
		if !testing.Short() && !raceEnabled {
			n = 30_000 // several goroutines and blocks
		}
		g := NewGallery(dim, 0)
		vecs := make([][]float32, n)
		for i := range n {
			vecs[i] = randVec(rng, dim)
			id := fmt.Sprint(i % (n * 2 / 3)) // a third of identities have two templates
			if err := g.Add(id, mustTemplate(t, vecs[i])); err != nil {
				t.Fatal(err)
			}
		}
		probes := make([]*Matcher, 9)
		for i := range probes {
			probes[i] = NewMatcher(mustTemplate(t, noisy(rng, vecs[rng.IntN(n)], 0.7)))
		}
		for _, mode := range []Mode{Exact, Int8, Binary, Int8Rerank, BinaryRerank, BinaryInt8Rerank} {
			for _, o := range []SearchOptions{
				{K: 1, Threshold: math.Inf(-1), Mode: mode},
				{K: 5, Threshold: 0.05, Mode: mode},
				{K: 3, Threshold: 0.6, Mode: mode},
			} {
				for _, b := range []int{1, 3, 4, 5, 9} {
					got := g.SearchBatch(nil, probes[:b], &o)
					if len(got) != b {
						t.Fatalf("%v batch %d: %d results", mode, b, len(got))
					}
					for i, m := range probes[:b] {
						want := g.Search(nil, m, &o)
						if !sameCandidates(got[i], want) {
							t.Errorf("dim %d %v K=%d t=%v batch %d probe %d:\nbatch  %v\nsearch %v",
								dim, mode, o.K, o.Threshold, b, i, got[i], want)
						}
					}
				}
			}
		}
	}
}

// sameCandidates reports whether two results name the same identities in
// the same order with scores within float32 rounding.
func sameCandidates(a, b []Candidate) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i].ID != b[i].ID || math.Abs(a[i].Score-b[i].Score) > 1e-5 {
			return false
		}
	}
	return true
}

func TestSearchBatchEmpty(t *testing.T) {
	g := NewGallery(16, 0)
	m := NewMatcher(mustTemplate(t, randVec(rand.New(rand.NewPCG(1, 2)), 16)))
	if got := g.SearchBatch(nil, []*Matcher{m, m}, nil); len(got) != 2 || len(got[0]) != 0 {
		t.Errorf("empty gallery: %v", got)
	}
	if got := g.SearchBatch(nil, nil, nil); len(got) != 0 {
		t.Errorf("no probes: %v", got)
	}
}
