package eval

import (
	"math"
	"math/rand/v2"
	"sync"
	"testing"
)

// TestLargeMatchesNaive feeds 5 million impostor scores through four
// parallel accumulators merged into one, then checks every answer of the
// sorted path against plain scans of the raw scores.
func TestLargeMatchesNaive(t *testing.T) {
	const nImp, nGen, workers = 5_000_000, 20_000, 4
	rng := rand.New(rand.NewPCG(1, 2))
	rawImp := make([]float64, nImp)
	for i := range rawImp {
		rawImp[i] = rng.NormFloat64()
	}
	rawGen := make([]float64, nGen)
	for i := range rawGen {
		rawGen[i] = 3 + rng.NormFloat64()
	}

	parts := make([]Scores, workers)
	var wg sync.WaitGroup
	for p := range parts {
		wg.Go(func() {
			chunk := rawImp[p*nImp/workers : (p+1)*nImp/workers]
			parts[p].Grow(len(chunk))
			for _, v := range chunk {
				parts[p].Add(v)
			}
		})
	}
	wg.Wait()
	var imp, gen Scores
	imp.Grow(nImp)
	for p := range parts {
		imp.Merge(&parts[p])
		parts[p] = Scores{}
	}
	for _, v := range rawGen {
		gen.Add(v)
	}
	if imp.Len() != nImp || imp.Rejected() != 0 {
		t.Fatalf("Len %d Rejected %d", imp.Len(), imp.Rejected())
	}

	atLeastNaive := func(a []float64, t float64) (n int) {
		for _, v := range a {
			if v >= t {
				n++
			}
		}
		return n
	}
	for _, thr := range []float64{-10, -1, 0, 2, 3.5, 4.5, 5, 10} {
		fmr, _ := FMR(&imp, thr)
		if want := float64(atLeastNaive(rawImp, thr)) / nImp; fmr != want {
			t.Errorf("FMR(%v) = %v, naive %v", thr, fmr, want)
		}
		fnmr, _ := FNMR(&gen, thr)
		if want := float64(nGen-atLeastNaive(rawGen, thr)) / nGen; fnmr != want {
			t.Errorf("FNMR(%v) = %v, naive %v", thr, fnmr, want)
		}
	}
	for _, target := range []float64{1e-2, 1e-3, 1e-4, 1e-5, 1e-6} {
		p, err := FNMRAtFMR(&gen, &imp, target)
		if err != nil {
			t.Fatal(err)
		}
		// The threshold meets the target, and the next float64 below
		// it does not: it is the smallest that does.
		fm := atLeastNaive(rawImp, p.Threshold)
		below := atLeastNaive(rawImp, math.Nextafter(p.Threshold, math.Inf(-1)))
		if float64(fm)/nImp > target || float64(below)/nImp <= target {
			t.Errorf("target %v: threshold %v gives %d false matches, one ulp lower %d", target, p.Threshold, fm, below)
		}
		if p.FalseMatches != fm || p.FalseNonMatches != nGen-atLeastNaive(rawGen, p.Threshold) {
			t.Errorf("target %v: %+v, naive false matches %d", target, p, fm)
		}
		if p.Unresolved || p.Impostor != nImp || p.Genuine != nGen {
			t.Errorf("target %v: %+v", target, p)
		}
	}

	// EER of N(3,1) against N(0,1) is Φ(−1.5) = 0.0668 at threshold 1.5.
	e, err := EqualErrorRate(&gen, &imp)
	if err != nil || math.Abs(e.Rate-0.0668) > 0.005 || math.Abs(e.Threshold-1.5) > 0.05 {
		t.Errorf("EER = %+v, %v; want about 0.0668 at 1.5", e, err)
	}
	// On a subsample the EER must equal the brute-force definition.
	var subImp, subGen []float64
	for i := 0; i < nImp; i += 2500 {
		subImp = append(subImp, rawImp[i])
	}
	for i := 0; i < nGen; i += 10 {
		subGen = append(subGen, rawGen[i])
	}
	e, _ = EqualErrorRate(scores(subGen...), scores(subImp...))
	if n, ok := naiveEER(subGen, subImp); !ok || !near(n.Rate, e.Rate) || !near(n.Threshold, e.Threshold) {
		t.Errorf("subsample EER = %+v, naive %+v", e, n)
	}

	// The DET samples stay few, monotone and exact.
	pts := detPoints(gen.sorted(), imp.sorted())
	if len(pts) > 3000 {
		t.Errorf("%d DET points, want at most 3000", len(pts))
	}
	for i := 1; i < len(pts); i++ {
		if pts[i].fmr > pts[i-1].fmr || pts[i].fnmr < pts[i-1].fnmr {
			t.Fatalf("DET not monotone at %d: %+v %+v", i, pts[i-1], pts[i])
		}
	}
	for _, q := range []detPoint{pts[0], pts[len(pts)/3], pts[len(pts)-1]} {
		if q.fmr != float64(atLeastNaive(rawImp, q.threshold))/nImp ||
			q.fnmr != float64(nGen-atLeastNaive(rawGen, q.threshold))/nGen {
			t.Errorf("DET point %+v differs from naive", q)
		}
	}
	// The curve reaches one false match in five million: the top impostor
	// score is always a sampled threshold.
	found := false
	for _, q := range pts {
		found = found || q.fmr == 1.0/nImp
	}
	if !found {
		t.Errorf("DET does not reach FMR 1/%d", nImp)
	}
}
