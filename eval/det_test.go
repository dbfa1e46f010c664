package eval

import (
	"bytes"
	"errors"
	"image/png"
	"math/rand/v2"
	"os"
	"path/filepath"
	"testing"
)

func TestCounts(t *testing.T) {
	if got := counts(0); len(got) != 0 {
		t.Errorf("counts(0) = %v", got)
	}
	if got := counts(5); len(got) != 5 || got[0] != 1 || got[4] != 5 {
		t.Errorf("counts(5) = %v", got)
	}
	got := counts(10_000_000)
	if len(got) > 1400 || got[99] != 100 || got[len(got)-1] != 10_000_000 {
		t.Errorf("counts(1e7): %d values, [99] = %d, last %d", len(got), got[99], got[len(got)-1])
	}
	for i := 1; i < len(got); i++ {
		if got[i] <= got[i-1] {
			t.Fatalf("counts not increasing at %d", i)
		}
	}
}

func TestDETPoints(t *testing.T) {
	// Genuine 0.6 0.7 0.8 0.9, impostor 0.1 0.2 0.3 0.65: with so few
	// scores every score is a sampled threshold, so the points are the
	// operating points at each distinct score (see TestFMRFNMR).
	g := scores(0.6, 0.7, 0.8, 0.9).sorted()
	im := scores(0.1, 0.2, 0.3, 0.65).sorted()
	want := []detPoint{
		{0.1, 1, 0}, {0.2, 0.75, 0}, {0.3, 0.5, 0}, {0.6, 0.25, 0},
		{0.65, 0.25, 0.25}, {0.7, 0, 0.25}, {0.8, 0, 0.5}, {0.9, 0, 0.75},
	}
	got := detPoints(g, im)
	if len(got) != len(want) {
		t.Fatalf("detPoints = %v", got)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("point %d = %+v, want %+v", i, got[i], want[i])
		}
	}
}

func TestWriteDET(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	curve := func(name string, shift float64) Curve {
		c := Curve{Name: name, Genuine: &Scores{}, Impostor: &Scores{}}
		for range 2000 {
			c.Genuine.Add(shift + rng.NormFloat64())
		}
		for range 100_000 {
			c.Impostor.Add(rng.NormFloat64())
		}
		return c
	}
	// The third curve separates perfectly: no point can be drawn, but it
	// still gets a legend entry and must not break the plot.
	perfect := Curve{Name: "perfect", Genuine: scores(10, 11), Impostor: scores(0, 1)}
	var buf bytes.Buffer
	if err := WriteDET(&buf, curve("palm", 3), curve("vein", 4), perfect); err != nil {
		t.Fatal(err)
	}
	img, err := png.Decode(bytes.NewReader(buf.Bytes()))
	if err != nil {
		t.Fatal(err)
	}
	if b := img.Bounds(); b.Dx() < 300 || b.Dy() < 300 {
		t.Errorf("image size %v", b)
	}
	if dir := os.Getenv("EVAL_DET_DIR"); dir != "" {
		// EVAL_DET_DIR=/tmp go test -run WriteDET ./eval to look at it.
		os.WriteFile(filepath.Join(dir, "det.png"), buf.Bytes(), 0o644)
	}

	err = WriteDET(&buf, Curve{Name: "empty", Genuine: scores(1)})
	if !errors.Is(err, ErrNoScores) || err.Error() != `curve "empty": eval: no scores: impostor set is empty` {
		t.Errorf("empty curve: %v", err)
	}
}
