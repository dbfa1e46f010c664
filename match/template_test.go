package match

import (
	"errors"
	"math"
	"math/rand/v2"
	"testing"
)

func mustTemplate(t testing.TB, v []float32) *Template {
	t.Helper()
	tp, err := NewTemplate(v)
	if err != nil {
		t.Fatal(err)
	}
	return tp
}

func TestMatcherScore(t *testing.T) {
	rng := rand.New(rand.NewPCG(21, 22))
	for _, n := range []int{1, 3, 64, 256, 300} {
		a, b := randVec(rng, n), randVec(rng, n)
		var ab, aa, bb float64
		for i := range a {
			ab += float64(a[i]) * float64(b[i])
			aa += float64(a[i]) * float64(a[i])
			bb += float64(b[i]) * float64(b[i])
		}
		want := ab / math.Sqrt(aa*bb)
		m := NewMatcher(mustTemplate(t, a))
		if got := m.Score(mustTemplate(t, b)); math.Abs(got-want) > 1e-6 {
			t.Errorf("n=%d: Score = %v, cosine %v", n, got, want)
		}
		if got := m.Score(mustTemplate(t, a)); math.Abs(got-1) > 1e-6 {
			t.Errorf("n=%d: Score with itself = %v", n, got)
		}
	}
	if _, err := NewTemplate([]float32{0, 0}); !errors.Is(err, ErrNorm) {
		t.Errorf("NewTemplate of a zero vector: %v", err)
	}
}

func TestScoreAllocs(t *testing.T) {
	rng := rand.New(rand.NewPCG(23, 24))
	m := NewMatcher(mustTemplate(t, randVec(rng, 256)))
	c := mustTemplate(t, randVec(rng, 256))
	if n := testing.AllocsPerRun(100, func() { m.Score(c) }); n != 0 {
		t.Errorf("Score allocates %v times", n)
	}
}
