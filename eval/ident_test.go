package eval

import (
	"encoding/json"
	"errors"
	"testing"
)

func TestIdentificationAt(t *testing.T) {
	searches := []Search{
		// Mated, mate first with 0.9: rank-1 hit, found at t = 0.5.
		{Mate: "a", Candidates: []Candidate{{"a", 0.9}, {"b", 0.4}}},
		// Mated, mate second with 0.6: rank-1 miss, found at 0.5.
		{Mate: "b", Candidates: []Candidate{{"c", 0.7}, {"b", 0.6}}},
		// Mated, mate first but 0.3 < 0.5: rank-1 hit, FNIR miss.
		{Mate: "c", Candidates: []Candidate{{"c", 0.3}}},
		// Mated, mate absent, empty list: miss on both counts.
		{Mate: "d"},
		// Non-mated, best candidate 0.55 >= 0.5: false positive.
		{Candidates: []Candidate{{"a", 0.55}, {"b", 0.1}}},
		// Non-mated, exactly at the threshold: a match, so false positive.
		{Candidates: []Candidate{{"a", 0.5}}},
		// Non-mated, below: correct rejection.
		{Candidates: []Candidate{{"a", 0.49}}},
		// Non-mated, empty list: correct rejection.
		{},
	}
	id := IdentificationAt(searches, 0.5)
	want := Identification{Threshold: 0.5, Mated: 4, NonMated: 4, Rank1Hits: 2, Misses: 2, FalsePositives: 2}
	if id != want {
		t.Fatalf("IdentificationAt = %+v, want %+v", id, want)
	}
	for name, c := range map[string]struct {
		f    func() (float64, error)
		want float64
	}{
		"rank-1": {id.Rank1Rate, 0.5}, // 2 of 4 mated
		"FNIR":   {id.FNIR, 0.5},      // 2 of 4 mated
		"FPIR":   {id.FPIR, 0.5},      // 2 of 4 non-mated
	} {
		if v, err := c.f(); err != nil || v != c.want {
			t.Errorf("%s = %v, %v; want %v", name, v, err, c.want)
		}
	}
	// Raising the threshold to 0.6 keeps search 2's mate (0.6 >= 0.6) and
	// turns both false positives into correct rejections.
	id = IdentificationAt(searches, 0.6)
	if id.Misses != 2 || id.FalsePositives != 0 || id.Rank1Hits != 2 {
		t.Errorf("at 0.6: %+v", id)
	}
}

func TestIdentificationEmpty(t *testing.T) {
	id := IdentificationAt(nil, 0)
	for name, f := range map[string]func() (float64, error){"rank-1": id.Rank1Rate, "FNIR": id.FNIR, "FPIR": id.FPIR} {
		if _, err := f(); !errors.Is(err, ErrNoSearches) {
			t.Errorf("%s: error %v, want ErrNoSearches", name, err)
		}
	}
	// Closed set: only mated searches. FPIR is undefined and left out of JSON.
	id = IdentificationAt([]Search{{Mate: "a", Candidates: []Candidate{{"a", 1}}}}, 0.5)
	b, err := json.Marshal(id)
	if err != nil {
		t.Fatal(err)
	}
	const want = `{"threshold":0.5,"mated":1,"non_mated":0,"rank1_hits":1,"misses":0,"false_positives":0,"rank1_rate":1,"fnir":0}`
	if string(b) != want {
		t.Errorf("JSON\n%s\nwant\n%s", b, want)
	}
	var back Identification
	if err := json.Unmarshal(b, &back); err != nil || back != id {
		t.Errorf("round trip %+v, %v", back, err)
	}
}

func TestTally(t *testing.T) {
	var fte Tally
	if _, err := fte.Rate(); !errors.Is(err, ErrNoAttempts) {
		t.Errorf("empty tally error %v", err)
	}
	for i := range 8 {
		fte.Add(i%4 == 0) // fails on attempts 0 and 4
	}
	if r, err := fte.Rate(); err != nil || r != 0.25 || fte != (Tally{8, 2}) {
		t.Errorf("Rate = %v, %v for %+v; want 0.25", r, err, fte)
	}
	b, _ := json.Marshal(fte)
	if string(b) != `{"attempts":8,"failures":2,"rate":0.25}` {
		t.Errorf("JSON %s", b)
	}
	b, _ = json.Marshal(Tally{})
	if string(b) != `{"attempts":0,"failures":0}` {
		t.Errorf("JSON %s", b)
	}
}
