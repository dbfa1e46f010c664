package eval

import (
	"errors"
	"math"
	"slices"
	"sort"
)

// Sentinel errors. Functions wrap them with %w to say which set was at fault,
// so test them with errors.Is.
var (
	// ErrNoScores is returned when a genuine or impostor score set holds no
	// (valid) scores, so a rate would have a zero denominator.
	ErrNoScores = errors.New("eval: no scores")
	// ErrNoAttempts is returned by Tally.Rate when no attempt was counted.
	ErrNoAttempts = errors.New("eval: no attempts")
	// ErrNoSearches is returned by the Identification rates when there are no
	// mated (for the rank-1 rate and FNIR) or no non-mated (for FPIR) searches.
	ErrNoSearches = errors.New("eval: no searches")
)

// Scores accumulates similarity scores of one kind, genuine (mated) or
// impostor (non-mated).
//
// Scores are stored once, as float64 (8 bytes a score: 50 million impostor
// scores take 400 MB). The first metric that needs them sorts them in place;
// later metrics reuse the order until more scores are added. Call Grow with
// the expected count before adding tens of millions of scores, so that append
// never holds the old and the new backing array at the same time.
//
// Non-finite scores (NaN and ±Inf) are not stored: Add counts them, and
// Rejected reports the count, so that a matcher bug shows up in the report
// instead of silently moving thresholds.
//
// The zero value is an empty set ready to use; a nil *Scores reads as empty.
// Scores is not safe for concurrent use, not even for reading, because metric
// functions sort it in place. To generate scores in parallel, give each
// goroutine its own Scores and Merge them afterwards.
type Scores struct {
	v        []float64
	unsorted bool // v may be out of ascending order
	rejected int
}

// Add adds the score v. A non-finite v is counted as rejected and not stored.
func (s *Scores) Add(v float64) {
	if math.IsNaN(v) || math.IsInf(v, 0) {
		s.rejected++
		return
	}
	if n := len(s.v); n > 0 && v < s.v[n-1] {
		s.unsorted = true
	}
	s.v = append(s.v, v)
}

// Merge adds all the scores of o, and its rejected count, to s. It leaves o
// unchanged; s and o may be the same set. A nil o adds nothing.
func (s *Scores) Merge(o *Scores) {
	if o == nil {
		return
	}
	s.rejected += o.rejected
	if len(o.v) == 0 {
		return
	}
	if o.unsorted || (len(s.v) > 0 && o.v[0] < s.v[len(s.v)-1]) {
		s.unsorted = true
	}
	s.v = append(s.v, o.v...)
}

// Grow makes room for n more scores without another allocation.
// It panics if n is negative.
func (s *Scores) Grow(n int) {
	if n < 0 {
		panic("eval: Scores.Grow with negative count")
	}
	s.v = slices.Grow(s.v, n)
}

// Len returns the number of stored (finite) scores.
func (s *Scores) Len() int {
	if s == nil {
		return 0
	}
	return len(s.v)
}

// Rejected returns the number of non-finite scores that Add refused.
func (s *Scores) Rejected() int {
	if s == nil {
		return 0
	}
	return s.rejected
}

// sorted returns the scores in ascending order, sorting them in place if
// needed. It returns nil for a nil or empty set.
func (s *Scores) sorted() []float64 {
	if s == nil {
		return nil
	}
	if s.unsorted {
		slices.Sort(s.v)
		s.unsorted = false
	}
	return s.v
}

// below returns the number of values of the ascending slice a that are < t.
func below(a []float64, t float64) int {
	return sort.SearchFloat64s(a, t)
}

// atLeast returns the number of values of the ascending slice a that are >= t.
func atLeast(a []float64, t float64) int {
	return len(a) - sort.SearchFloat64s(a, t)
}
