package eval

import (
	"encoding/json"
	"fmt"
)

// Candidate is one entry of a candidate list returned by a 1:N search.
type Candidate struct {
	ID    string  `json:"id"`
	Score float64 `json:"score"`
}

// Search is the outcome of one 1:N identification search.
type Search struct {
	// Mate is the identity of the probe's subject when it is enrolled (a
	// mated search), or "" when it is not (a non-mated search).
	Mate string `json:"mate,omitempty"`
	// Candidates is the candidate list, best first: scores must not
	// increase along the list. It may be empty.
	Candidates []Candidate `json:"candidates"`
}

// Identification holds the counts behind open-set identification rates at
// one threshold. The rates are methods, because each is undefined when its
// kind of search is absent.
type Identification struct {
	Threshold float64 `json:"threshold"`
	// Mated and NonMated count the searches of each kind.
	Mated    int `json:"mated"`
	NonMated int `json:"non_mated"`
	// Rank1Hits counts mated searches whose first candidate is the mate,
	// whatever its score.
	Rank1Hits int `json:"rank1_hits"`
	// Misses counts mated searches whose mate is not on the candidate list
	// with a score >= Threshold (at any rank).
	Misses int `json:"misses"`
	// FalsePositives counts non-mated searches with at least one candidate
	// scoring >= Threshold.
	FalsePositives int `json:"false_positives"`
}

// IdentificationAt counts the outcomes of searches at threshold t.
//
// A mated search is a rank-1 hit when Candidates[0].ID equals Mate; ties in
// score are broken by list order. It is a miss at t when no candidate with
// the mate's ID scores >= t; to measure FNIR at a rank R, truncate candidate
// lists to R entries first. A non-mated search is a false positive when any
// candidate scores >= t. NaN candidate scores never reach a threshold.
//
// It panics if t is NaN or a candidate list is not ordered by non-increasing
// score.
func IdentificationAt(searches []Search, t float64) Identification {
	checkThreshold(t)
	id := Identification{Threshold: t}
	for i, s := range searches {
		c := s.Candidates
		for j := 1; j < len(c); j++ {
			if c[j].Score > c[j-1].Score {
				panic(fmt.Sprintf("eval: candidate list of search %d not ranked by descending score", i))
			}
		}
		reached := false // some candidate scores >= t
		hit := false     // the mate scores >= t
		for _, x := range c {
			if x.Score >= t {
				reached = true
				hit = hit || x.ID == s.Mate
			}
		}
		if s.Mate == "" {
			id.NonMated++
			if reached {
				id.FalsePositives++
			}
			continue
		}
		id.Mated++
		if len(c) > 0 && c[0].ID == s.Mate {
			id.Rank1Hits++
		}
		if !hit {
			id.Misses++
		}
	}
	return id
}

// Rank1Rate returns the rank-1 identification rate Rank1Hits/Mated, or
// ErrNoSearches if there was no mated search.
func (id Identification) Rank1Rate() (float64, error) {
	if id.Mated == 0 {
		return 0, fmt.Errorf("%w: no mated searches", ErrNoSearches)
	}
	return float64(id.Rank1Hits) / float64(id.Mated), nil
}

// FNIR returns the false negative identification rate Misses/Mated, or
// ErrNoSearches if there was no mated search.
func (id Identification) FNIR() (float64, error) {
	if id.Mated == 0 {
		return 0, fmt.Errorf("%w: no mated searches", ErrNoSearches)
	}
	return float64(id.Misses) / float64(id.Mated), nil
}

// FPIR returns the false positive identification rate
// FalsePositives/NonMated, or ErrNoSearches if there was no non-mated search.
func (id Identification) FPIR() (float64, error) {
	if id.NonMated == 0 {
		return 0, fmt.Errorf("%w: no non-mated searches", ErrNoSearches)
	}
	return float64(id.FalsePositives) / float64(id.NonMated), nil
}

// MarshalJSON encodes the counts and the rates that are defined.
func (id Identification) MarshalJSON() ([]byte, error) {
	type plain Identification
	out := struct {
		plain
		Rank1Rate *float64 `json:"rank1_rate,omitempty"`
		FNIR      *float64 `json:"fnir,omitempty"`
		FPIR      *float64 `json:"fpir,omitempty"`
	}{plain: plain(id)}
	out.Rank1Rate = ptr(id.Rank1Rate())
	out.FNIR = ptr(id.FNIR())
	out.FPIR = ptr(id.FPIR())
	return json.Marshal(out)
}

// ptr returns &v, or nil when err is not nil.
func ptr(v float64, err error) *float64 {
	if err != nil {
		return nil
	}
	return &v
}
