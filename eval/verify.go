package eval

import (
	"fmt"
	"math"
)

// FMR returns the false match rate at threshold t: the fraction of impostor
// scores that are >= t. It returns ErrNoScores if impostor is empty and
// panics if t is NaN.
func FMR(impostor *Scores, t float64) (float64, error) {
	checkThreshold(t)
	a := impostor.sorted()
	if len(a) == 0 {
		return 0, errEmpty("impostor")
	}
	return float64(atLeast(a, t)) / float64(len(a)), nil
}

// FNMR returns the false non-match rate at threshold t: the fraction of
// genuine scores that are < t. It returns ErrNoScores if genuine is empty and
// panics if t is NaN.
func FNMR(genuine *Scores, t float64) (float64, error) {
	checkThreshold(t)
	a := genuine.sorted()
	if len(a) == 0 {
		return 0, errEmpty("genuine")
	}
	return float64(below(a, t)) / float64(len(a)), nil
}

// ThresholdForFMR returns the smallest threshold t whose FMR(impostor, t) is
// at most target.
//
// With the impostor scores sorted ascending as a[0..N-1] and k the largest
// count with k/N <= target, t is the smallest float64 above a[N-k-1], that is
// math.Nextafter(a[N-k-1], +Inf): at t exactly the k highest impostor scores
// are false matches, or fewer when a[N-k-1] ties with higher scores, and any
// lower threshold admits a[N-k-1] as well. The smallest such t is chosen
// because it also gives the smallest FNMR.
//
// It returns ErrNoScores if impostor is empty and panics unless
// 0 < target < 1.
func ThresholdForFMR(impostor *Scores, target float64) (float64, error) {
	checkTarget(target)
	a := impostor.sorted()
	if len(a) == 0 {
		return 0, errEmpty("impostor")
	}
	k := maxCount(target, len(a))
	return math.Nextafter(a[len(a)-k-1], math.Inf(1)), nil
}

// OperatingPoint is the error trade-off of a verification system at one
// threshold, with the numbers of comparisons behind it.
type OperatingPoint struct {
	// TargetFMR is the FMR asked of FNMRAtFMR. It is 0 for a point taken at
	// a given threshold with OperatingPointAt.
	TargetFMR float64 `json:"target_fmr,omitempty"`
	// Threshold is the score threshold t: a comparison is a match when its
	// score is >= t.
	Threshold float64 `json:"threshold"`
	// FMR and FNMR are the observed rates at Threshold:
	// FalseMatches/Impostor and FalseNonMatches/Genuine.
	FMR  float64 `json:"fmr"`
	FNMR float64 `json:"fnmr"`
	// FalseMatches counts impostor scores >= Threshold, FalseNonMatches
	// genuine scores < Threshold.
	FalseMatches    int `json:"false_matches"`
	FalseNonMatches int `json:"false_non_matches"`
	// Genuine and Impostor are the numbers of comparisons behind the rates.
	Genuine  int `json:"genuine"`
	Impostor int `json:"impostor"`
	// FMRUpper is the rule-of-three bound 3/Impostor (at most 1), an
	// approximate 95% upper confidence bound on the FMR, set only when no
	// false match was observed (FalseMatches == 0); otherwise it is 0.
	FMRUpper float64 `json:"fmr_upper95,omitempty"`
	// Unresolved reports that Impostor < 3/TargetFMR: too few impostor
	// comparisons to show, even with no false match, that the FMR is at
	// most the target at 95% confidence.
	Unresolved bool `json:"unresolved,omitempty"`
}

// OperatingPointAt returns the operating point at threshold t.
// It returns ErrNoScores if either set is empty and panics if t is NaN.
func OperatingPointAt(genuine, impostor *Scores, t float64) (OperatingPoint, error) {
	checkThreshold(t)
	g, im := genuine.sorted(), impostor.sorted()
	if err := checkSets(g, im); err != nil {
		return OperatingPoint{}, err
	}
	p := OperatingPoint{
		Threshold:       t,
		FalseMatches:    atLeast(im, t),
		FalseNonMatches: below(g, t),
		Genuine:         len(g),
		Impostor:        len(im),
	}
	p.FMR = float64(p.FalseMatches) / float64(p.Impostor)
	p.FNMR = float64(p.FalseNonMatches) / float64(p.Genuine)
	if p.FalseMatches == 0 {
		p.FMRUpper = min(1, 3/float64(p.Impostor))
	}
	return p, nil
}

// FNMRAtFMR returns the operating point at ThresholdForFMR(impostor, target),
// with TargetFMR set and Unresolved flagged when the impostor set is too small
// for the target (Impostor < 3/target).
//
// It returns ErrNoScores if either set is empty and panics unless
// 0 < target < 1.
func FNMRAtFMR(genuine, impostor *Scores, target float64) (OperatingPoint, error) {
	checkTarget(target)
	if err := checkSets(genuine.sorted(), impostor.sorted()); err != nil {
		return OperatingPoint{}, err
	}
	t, _ := ThresholdForFMR(impostor, target)
	p, _ := OperatingPointAt(genuine, impostor, t)
	p.TargetFMR = target
	p.Unresolved = float64(p.Impostor) < minComparisons(target)
	return p, nil
}

// EER is the equal error rate and the threshold where it occurs.
type EER struct {
	Rate      float64 `json:"rate"`
	Threshold float64 `json:"threshold"`
}

// EqualErrorRate returns the rate at which the FMR and FNMR curves cross.
//
// The thresholds that matter are the distinct scores of both sets,
// u1 < u2 < ... < uk, and one more, uk+1 = math.Nextafter(uk, +Inf), which
// rejects every comparison; any threshold in (u(i-1), ui] gives the same
// operating point Pi = (FMR(ui), FNMR(ui)). Along i, FMR falls from 1 and
// FNMR rises from 0, so FMR−FNMR strictly decreases from 1 to −1. Let i be
// the first index where FNMR(ui) >= FMR(ui).
//
//   - If FNMR(ui) == FMR(ui), the EER is that value and the threshold is ui.
//   - Otherwise the curves cross between P(i-1) and Pi. The EER is where the
//     straight segment from P(i-1) to Pi meets the line FMR = FNMR: with
//     d = FMR−FNMR, λ = d(i-1) / (d(i-1) − d(i)) and
//     EER = FMR(u(i-1)) + λ·(FMR(ui) − FMR(u(i-1))), which equals
//     FNMR(u(i-1)) + λ·(FNMR(ui) − FNMR(u(i-1))). The threshold is
//     interpolated the same way, u(i-1) + λ·(ui − u(i-1)).
//
// The interpolated rate is what a system achieves by using threshold ui with
// probability λ and u(i-1) otherwise; a single threshold gives P(i-1) or Pi.
//
// EqualErrorRate runs in O(N + M) once the sets are sorted. It returns
// ErrNoScores if either set is empty.
func EqualErrorRate(genuine, impostor *Scores) (EER, error) {
	g, im := genuine.sorted(), impostor.sorted()
	if err := checkSets(g, im); err != nil {
		return EER{}, err
	}
	m, n := len(g), len(im)
	// State at threshold u: bg genuine and bi impostor scores are < u.
	// At u1 = min of both sets: FMR = 1, FNMR = 0.
	// d is (FMR−FNMR)·n·m, an exact integer: (n−bi)·m − bg·n.
	u := min(g[0], im[0])
	bg, bi := 0, 0
	prevU, prevFMR, prevD := u, 1.0, int64(n)*int64(m)
	for {
		for bg < m && g[bg] <= u {
			bg++
		}
		for bi < n && im[bi] <= u {
			bi++
		}
		switch {
		case bg < m && bi < n:
			u = min(g[bg], im[bi])
		case bg < m:
			u = g[bg]
		case bi < n:
			u = im[bi]
		default:
			u = math.Nextafter(u, math.Inf(1))
		}
		fmr := float64(n-bi) / float64(n)
		d := int64(n-bi)*int64(m) - int64(bg)*int64(n)
		if d > 0 {
			prevU, prevFMR, prevD = u, fmr, d
			continue
		}
		if d == 0 {
			return EER{Rate: fmr, Threshold: u}, nil
		}
		lambda := float64(prevD) / float64(prevD-d)
		return EER{
			Rate:      prevFMR + lambda*(fmr-prevFMR),
			Threshold: prevU + lambda*(u-prevU),
		}, nil
	}
}

// maxCount returns the largest k in [0, n] with float64(k)/float64(n) <= target,
// computing the ratio the same way FMR does.
func maxCount(target float64, n int) int {
	k := int(math.Floor(target * float64(n)))
	k = max(0, min(k, n))
	for k < n && float64(k+1)/float64(n) <= target {
		k++
	}
	for k > 0 && float64(k)/float64(n) > target {
		k--
	}
	return k
}

// minComparisons returns 3/target, the number of comparisons needed for the
// rule-of-three bound to reach target, rounded up to a whole number but not
// past rounding noise (3/1e-6 is 3e6, not 3000001).
func minComparisons(target float64) float64 {
	r := 3 / target
	if n := math.Round(r); math.Abs(r-n) <= 1e-9*r {
		return n
	}
	return math.Ceil(r)
}

func checkSets(genuine, impostor []float64) error {
	switch {
	case len(genuine) == 0 && len(impostor) == 0:
		return fmt.Errorf("%w: genuine and impostor sets are empty", ErrNoScores)
	case len(genuine) == 0:
		return errEmpty("genuine")
	case len(impostor) == 0:
		return errEmpty("impostor")
	}
	return nil
}

func errEmpty(set string) error {
	return fmt.Errorf("%w: %s set is empty", ErrNoScores, set)
}

func checkThreshold(t float64) {
	if math.IsNaN(t) {
		panic("eval: NaN threshold")
	}
}

func checkTarget(target float64) {
	if !(target > 0 && target < 1) {
		panic(fmt.Sprintf("eval: target FMR %v outside (0, 1)", target))
	}
}
