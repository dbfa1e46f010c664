package eval

import (
	"errors"
	"math"
	"slices"
	"testing"
)

func scores(vs ...float64) *Scores {
	var s Scores
	for _, v := range vs {
		s.Add(v)
	}
	return &s
}

func near(a, b float64) bool { return math.Abs(a-b) <= 1e-12*math.Max(1, math.Abs(b)) }

// up is the smallest float64 above v, the threshold that rejects a score v.
func up(v float64) float64 { return math.Nextafter(v, math.Inf(1)) }

func TestFMRFNMR(t *testing.T) {
	// Genuine 0.6 0.7 0.8 0.9, impostor 0.1 0.2 0.3 0.65.
	// FMR(t) counts impostors >= t, FNMR(t) genuines < t; a score equal to
	// t is a match, so it counts in the FMR and not in the FNMR.
	gen := scores(0.9, 0.6, 0.8, 0.7)
	imp := scores(0.3, 0.1, 0.65, 0.2)
	for _, c := range []struct {
		t, fmr, fnmr float64
	}{
		{-1, 1, 0},           // below everything: all match
		{0.1, 1, 0},          // 0.1 >= 0.1 still matches
		{up(0.1), 0.75, 0},   // just above 0.1: it no longer does
		{0.3, 0.5, 0},        // 0.3 0.65 match
		{0.6, 0.25, 0},       // only 0.65 matches; genuine 0.6 >= 0.6
		{0.65, 0.25, 0.25},   // 0.65 matches; genuine 0.6 < 0.65
		{0.7, 0, 0.25},       // no impostor; 0.6 misses
		{0.9, 0, 0.75},       // 0.6 0.7 0.8 miss
		{up(0.9), 0, 1},      // every genuine misses
		{math.Inf(1), 0, 1},  // +Inf rejects everything
		{math.Inf(-1), 1, 0}, // -Inf accepts everything
	} {
		fmr, err := FMR(imp, c.t)
		if err != nil || fmr != c.fmr {
			t.Errorf("FMR(%v) = %v, %v; want %v", c.t, fmr, err, c.fmr)
		}
		fnmr, err := FNMR(gen, c.t)
		if err != nil || fnmr != c.fnmr {
			t.Errorf("FNMR(%v) = %v, %v; want %v", c.t, fnmr, err, c.fnmr)
		}
		p, err := OperatingPointAt(gen, imp, c.t)
		if err != nil || p.FMR != c.fmr || p.FNMR != c.fnmr || p.Genuine != 4 || p.Impostor != 4 ||
			p.FalseMatches != int(c.fmr*4) || p.FalseNonMatches != int(c.fnmr*4) {
			t.Errorf("OperatingPointAt(%v) = %+v, %v", c.t, p, err)
		}
	}
}

func TestEqualErrorRate(t *testing.T) {
	// Each case lists the operating points Pi = (FMR, FNMR) at the distinct
	// scores ui and at the reject-all threshold up(max) in the comment.
	for _, c := range []struct {
		name      string
		gen, imp  []float64
		rate, thr float64
	}{
		{
			// 0.1:(1,0) 0.2:(3/4,0) 0.3:(1/2,0) 0.6:(1/4,0) 0.65:(1/4,1/4).
			// The curves meet exactly at an achievable point.
			name: "exact", gen: []float64{0.6, 0.7, 0.8, 0.9}, imp: []float64{0.1, 0.2, 0.3, 0.65},
			rate: 0.25, thr: 0.65,
		},
		{
			// 0.1:(1,0) 0.2:(2/3,0) 0.5:(1/3,0) 0.6:(1/3,1/2).
			// d = FMR-FNMR goes 1/3 -> -1/6 between 0.5 and 0.6, so
			// λ = (1/3)/(1/3+1/6) = 2/3: EER = 1/3 + 2/3·0 = 0 + 2/3·1/2 = 1/3
			// and the threshold is 0.5 + 2/3·0.1.
			name: "interpolated", gen: []float64{0.5, 0.8}, imp: []float64{0.6, 0.1, 0.2},
			rate: 1.0 / 3, thr: 0.5 + 2.0/3*0.1,
		},
		{
			// Ties across the sets: 0.3:(1,0) 0.5:(3/4,0) 0.7:(0,2/3).
			// At 0.5 the three tied impostors still match and the two tied
			// genuines are not yet missed. d goes 3/4 -> -2/3, so
			// λ = (3/4)/(3/4+2/3) = 9/17, EER = 3/4·(1-9/17) = 6/17
			// (= 9/17·2/3), threshold 0.5 + 9/17·0.2.
			name: "ties", gen: []float64{0.5, 0.5, 0.7}, imp: []float64{0.3, 0.5, 0.5, 0.5},
			rate: 6.0 / 17, thr: 0.5 + 9.0/17*0.2,
		},
		{
			// 0.5:(1,0) up(0.5):(0,1): λ = 1/2, EER 1/2; the threshold
			// 0.5 + ulp/2 rounds back to 0.5.
			name: "all identical", gen: []float64{0.5, 0.5, 0.5}, imp: []float64{0.5, 0.5},
			rate: 0.5, thr: 0.5,
		},
		{
			// 0.1:(1,0) 0.2:(1/2,0) 0.8:(0,0): no error at 0.8.
			name: "separated", gen: []float64{0.8, 0.9}, imp: []float64{0.1, 0.2},
			rate: 0, thr: 0.8,
		},
		{
			// 0.1:(1,0) 0.2:(1,1/2) 0.8:(1,1): every threshold errs.
			name: "reversed", gen: []float64{0.1, 0.2}, imp: []float64{0.8, 0.9},
			rate: 1, thr: 0.8,
		},
		{
			// 0:(1,0) 1:(0,0): no error at 1.
			name: "one each", gen: []float64{1}, imp: []float64{0},
			rate: 0, thr: 1,
		},
		{
			// 1:(1,0) 2:(1,1): the impostor outscores the genuine, so any
			// threshold errs on one or both; the curves meet at 2.
			name: "one each reversed", gen: []float64{1}, imp: []float64{2},
			rate: 1, thr: 2,
		},
	} {
		t.Run(c.name, func(t *testing.T) {
			e, err := EqualErrorRate(scores(c.gen...), scores(c.imp...))
			if err != nil || !near(e.Rate, c.rate) || !near(e.Threshold, c.thr) {
				t.Errorf("EqualErrorRate = %+v, %v; want rate %v threshold %v", e, err, c.rate, c.thr)
			}
			if n, ok := naiveEER(c.gen, c.imp); !ok || !near(n.Rate, e.Rate) || !near(n.Threshold, e.Threshold) {
				t.Errorf("naive EER = %+v, fast %+v", n, e)
			}
		})
	}
}

func TestThresholdForFMR(t *testing.T) {
	// 1000 impostor scores 0.000, 0.001, ..., 0.999 and genuine scores
	// 0.990 ... 0.999 (ten of them).
	var imp, gen Scores
	for i := 999; i >= 0; i-- {
		imp.Add(float64(i) / 1000)
	}
	for i := 990; i < 1000; i++ {
		gen.Add(float64(i) / 1000)
	}
	for _, c := range []struct {
		target     float64
		thr        float64 // expected threshold
		fm, fnm    int     // false matches, false non-matches
		upper      float64
		unresolved bool
	}{
		// 1e-2: at most 10 of 1000 may match: the 11th highest, 0.989,
		// must be rejected, so t = up(0.989); 0.990..0.999 match.
		// 3/1e-2 = 300 <= 1000: resolved.
		{1e-2, up(0.989), 10, 0, 0, false},
		// 1e-3: one false match (0.999); t = up(0.998), and genuine
		// 0.990..0.998 (9) fall below it. 1000 < 3/1e-3 = 3000: unresolved.
		{1e-3, up(0.998), 1, 9, 0, true},
		// 1e-4: no false match allowed; t = up(0.999), every genuine
		// misses, and all we know is FMR <= 3/1000.
		{1e-4, up(0.999), 0, 10, 0.003, true},
		// 0.5: 500 may match; t = up(0.499).
		{0.5, up(0.499), 500, 0, 0, false},
	} {
		thr, err := ThresholdForFMR(&imp, c.target)
		if err != nil || thr != c.thr {
			t.Errorf("ThresholdForFMR(%v) = %v, %v; want %v", c.target, thr, err, c.thr)
		}
		p, err := FNMRAtFMR(&gen, &imp, c.target)
		want := OperatingPoint{
			TargetFMR: c.target, Threshold: c.thr,
			FMR: float64(c.fm) / 1000, FNMR: float64(c.fnm) / 10,
			FalseMatches: c.fm, FalseNonMatches: c.fnm, Genuine: 10, Impostor: 1000,
			FMRUpper: c.upper, Unresolved: c.unresolved,
		}
		if err != nil || p != want {
			t.Errorf("FNMRAtFMR(%v) =\n%+v, %v; want\n%+v", c.target, p, err, want)
		}
	}
}

func TestThresholdForFMRTies(t *testing.T) {
	// Impostors 0.3 0.5 0.5 0.5: for target 0.5 two false matches are
	// allowed, but the three 0.5s stand or fall together, so the threshold
	// must pass all of them: t = up(0.5) and the observed FMR is 0.
	imp := scores(0.5, 0.3, 0.5, 0.5)
	thr, err := ThresholdForFMR(imp, 0.5)
	if err != nil || thr != up(0.5) {
		t.Fatalf("ThresholdForFMR = %v, %v; want up(0.5)", thr, err)
	}
	if fmr, _ := FMR(imp, thr); fmr != 0 {
		t.Errorf("FMR at threshold = %v, want 0", fmr)
	}
	// 0.75 allows three: t = up(0.3) keeps the 0.5s as matches.
	if thr, _ := ThresholdForFMR(imp, 0.75); thr != up(0.3) {
		t.Errorf("ThresholdForFMR(0.75) = %v, want up(0.3)", thr)
	}
	// All identical: nothing below 1 can keep some and drop others.
	same := scores(0.7, 0.7, 0.7)
	for _, target := range []float64{0.01, 0.5, 0.99} {
		if thr, _ := ThresholdForFMR(same, target); thr != up(0.7) {
			t.Errorf("all identical: ThresholdForFMR(%v) = %v, want up(0.7)", target, thr)
		}
	}
}

func TestMaxCount(t *testing.T) {
	for _, c := range []struct {
		target float64
		n, k   int
	}{
		{1e-3, 1000, 1},
		{1e-6, 3_000_000, 3},
		{0.3, 10, 3}, // 0.3·10 = 3.0000000000000004 in float64
		{0.7, 10, 7}, // 0.7·10 = 7.000000000000001
		{0.1, 3, 0},
		{0.5, 1, 0},
		{0.999, 1000, 999},
	} {
		if k := maxCount(c.target, c.n); k != c.k {
			t.Errorf("maxCount(%v, %d) = %d, want %d", c.target, c.n, k, c.k)
		}
	}
	for _, c := range []struct{ target, n float64 }{
		{1e-2, 300}, {1e-3, 3000}, {1e-6, 3e6}, {0.3, 10}, {0.4, 8}, {0.7, 5},
	} {
		if n := minComparisons(c.target); n != c.n {
			t.Errorf("minComparisons(%v) = %v, want %v", c.target, n, c.n)
		}
	}
}

func TestEmpty(t *testing.T) {
	var empty Scores
	one := scores(1)
	checks := map[string]error{}
	_, checks["FMR"] = FMR(&empty, 0)
	_, checks["FMR nil"] = FMR(nil, 0)
	_, checks["FNMR"] = FNMR(&empty, 0)
	_, checks["ThresholdForFMR"] = ThresholdForFMR(nil, 0.1)
	_, checks["OperatingPointAt genuine"] = OperatingPointAt(&empty, one, 0)
	_, checks["OperatingPointAt impostor"] = OperatingPointAt(one, nil, 0)
	_, checks["FNMRAtFMR"] = FNMRAtFMR(&empty, &empty, 0.1)
	_, checks["EqualErrorRate"] = EqualErrorRate(one, &empty)
	for name, err := range checks {
		if !errors.Is(err, ErrNoScores) {
			t.Errorf("%s: error %v, want ErrNoScores", name, err)
		}
	}
	if _, err := EqualErrorRate(&empty, one); err == nil || err.Error() != "eval: no scores: genuine set is empty" {
		t.Errorf("error text %q", err)
	}
}

func TestRejectNonFinite(t *testing.T) {
	s := scores(0.5, math.NaN(), math.Inf(1), 0.2, math.Inf(-1))
	if s.Len() != 2 || s.Rejected() != 3 {
		t.Fatalf("Len %d Rejected %d, want 2 and 3", s.Len(), s.Rejected())
	}
	if fmr, _ := FMR(s, 0.3); fmr != 0.5 {
		t.Errorf("FMR = %v, want 0.5", fmr)
	}
}

func TestMerge(t *testing.T) {
	a := scores(3, 1, math.NaN())
	b := scores(2, 0)
	a.Merge(b)
	a.Merge(nil)
	a.Merge(&Scores{})
	if b.Len() != 2 {
		t.Errorf("Merge changed its argument")
	}
	got := a.sorted()
	if len(got) != 4 || got[0] != 0 || got[3] != 3 || a.Rejected() != 1 {
		t.Errorf("merged %v rejected %d", got, a.Rejected())
	}
	a.Merge(a)
	if a.Len() != 8 || a.Rejected() != 2 {
		t.Errorf("self merge: Len %d Rejected %d", a.Len(), a.Rejected())
	}
	if fmr, _ := FMR(a, 2); fmr != 0.5 {
		t.Errorf("FMR after self merge = %v, want 0.5", fmr)
	}
	// Sorted input stays marked sorted; appending in order keeps it so.
	c := scores(1, 2, 3)
	c.Merge(scores(3, 4))
	if c.unsorted {
		t.Errorf("in-order merge marked unsorted")
	}
	c.Merge(scores(0))
	if !c.unsorted {
		t.Errorf("out-of-order merge not marked unsorted")
	}
}

func TestPanics(t *testing.T) {
	one := scores(1)
	for name, f := range map[string]func(){
		"target 0":        func() { ThresholdForFMR(one, 0) },
		"target 1":        func() { FNMRAtFMR(one, one, 1) },
		"target NaN":      func() { ThresholdForFMR(one, math.NaN()) },
		"threshold NaN":   func() { FMR(one, math.NaN()) },
		"report NaN":      func() { NewReport("x", one, one, math.NaN()) },
		"grow negative":   func() { one.Grow(-1) },
		"tally":           func() { Tally{Attempts: 1, Failures: 2}.Rate() },
		"no curves":       func() { WriteDET(nil) },
		"unranked list":   func() { IdentificationAt([]Search{{Candidates: []Candidate{{"a", 1}, {"b", 2}}}}, 0) },
		"ident NaN":       func() { IdentificationAt(nil, math.NaN()) },
		"operating NaN":   func() { OperatingPointAt(one, one, math.NaN()) },
		"target negative": func() { FNMRAtFMR(one, one, -0.1) },
	} {
		func() {
			defer func() {
				r := recover()
				if s, ok := r.(string); !ok || len(s) < 6 || s[:6] != "eval: " {
					t.Errorf("%s: recovered %v, want an eval: panic", name, r)
				}
			}()
			f()
		}()
	}
}

// naiveEER recomputes EqualErrorRate from its definition by scanning both
// sets at every candidate threshold.
func naiveEER(gen, imp []float64) (EER, bool) {
	var us []float64
	seen := map[float64]bool{}
	for _, v := range append(append([]float64(nil), gen...), imp...) {
		if !seen[v] {
			seen[v] = true
			us = append(us, v)
		}
	}
	slices.Sort(us)
	us = append(us, up(us[len(us)-1]))
	rates := func(u float64) (fmr, fnmr float64) {
		for _, v := range imp {
			if v >= u {
				fmr++
			}
		}
		for _, v := range gen {
			if v < u {
				fnmr++
			}
		}
		return fmr / float64(len(imp)), fnmr / float64(len(gen))
	}
	pf, pn := rates(us[0])
	for i := 1; i < len(us); i++ {
		f, n := rates(us[i])
		if n >= f {
			if n == f {
				return EER{f, us[i]}, true
			}
			l := (pf - pn) / ((pf - pn) - (f - n))
			return EER{pf + l*(f-pf), us[i-1] + l*(us[i]-us[i-1])}, true
		}
		pf, pn = f, n
	}
	return EER{}, false
}

// FuzzEqualErrorRate checks the fast EER and threshold search against their
// definitions on small sets with many ties: each byte is a score in 0..15,
// bytes before the split are genuine and the rest impostor.
func FuzzEqualErrorRate(f *testing.F) {
	f.Add([]byte{6, 7, 8, 9, 1, 2, 3, 6}, uint8(4))
	f.Add([]byte{5, 5, 7, 3, 5, 5, 5}, uint8(3))
	f.Add([]byte{5, 5, 5, 5, 5}, uint8(3))
	f.Add([]byte{1, 2}, uint8(1))
	f.Fuzz(func(t *testing.T, data []byte, split uint8) {
		if len(data) > 64 {
			return
		}
		k := int(split)
		if k < 1 || k >= len(data) {
			return
		}
		var gen, imp []float64
		for i, b := range data {
			v := float64(b%16) / 4
			if i < k {
				gen = append(gen, v)
			} else {
				imp = append(imp, v)
			}
		}
		e, err := EqualErrorRate(scores(gen...), scores(imp...))
		n, ok := naiveEER(gen, imp)
		if err != nil || !ok || !near(e.Rate, n.Rate) || !near(e.Threshold, n.Threshold) {
			t.Fatalf("EER %+v, %v; naive %+v", e, err, n)
		}
		if e.Rate < 0 || e.Rate > 1 {
			t.Fatalf("EER rate %v", e.Rate)
		}
		for _, target := range []float64{0.01, 0.25, 0.5, 0.9} {
			thr, _ := ThresholdForFMR(scores(imp...), target)
			fm, fmBelow := 0, 0
			for _, v := range imp {
				if v >= thr {
					fm++
				}
				if v >= math.Nextafter(thr, math.Inf(-1)) {
					fmBelow++
				}
			}
			nImp := float64(len(imp))
			if float64(fm)/nImp > target || float64(fmBelow)/nImp <= target {
				t.Fatalf("target %v: threshold %v not the smallest meeting it (%d, %d of %d)", target, thr, fm, fmBelow, len(imp))
			}
		}
	})
}
