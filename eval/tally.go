package eval

import (
	"encoding/json"
	"fmt"
)

// Tally counts attempts and how many of them failed. It measures the
// failure-to-enrol rate (an attempt is one enrolment of one subject or
// hand) and the failure-to-acquire rate (an attempt is one capture for a
// verification or identification transaction). The zero value is an empty
// tally ready to use.
type Tally struct {
	Attempts int `json:"attempts"`
	Failures int `json:"failures"`
}

// Add counts one attempt, and one failure if failed is true.
func (t *Tally) Add(failed bool) {
	t.Attempts++
	if failed {
		t.Failures++
	}
}

// Rate returns Failures/Attempts. It returns ErrNoAttempts when Attempts is
// 0 and panics if the counts are negative or Failures exceeds Attempts.
func (t Tally) Rate() (float64, error) {
	if t.Attempts < 0 || t.Failures < 0 || t.Failures > t.Attempts {
		panic(fmt.Sprintf("eval: invalid tally: %d failures in %d attempts", t.Failures, t.Attempts))
	}
	if t.Attempts == 0 {
		return 0, ErrNoAttempts
	}
	return float64(t.Failures) / float64(t.Attempts), nil
}

// MarshalJSON encodes the counts and, when there were attempts, the rate.
func (t Tally) MarshalJSON() ([]byte, error) {
	type plain Tally
	out := struct {
		plain
		Rate *float64 `json:"rate,omitempty"`
	}{plain: plain(t)}
	if r, err := t.Rate(); err == nil {
		out.Rate = &r
	}
	return json.Marshal(out)
}
