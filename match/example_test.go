package match_test

import (
	"fmt"
	"math"

	"github.com/palmid/palmid/match"
)

// Enrol two identities, then search for a new capture of the first: the
// exact search, and the two-stage search that prefilters with binary codes.
func Example() {
	g := match.NewGallery(4, match.KeepAll)
	enrol := func(id string, vs ...[]float32) {
		var ts []*match.Template
		for _, v := range vs {
			t, err := match.NewTemplate(v)
			if err != nil {
				panic(err)
			}
			ts = append(ts, t)
		}
		if err := g.Add(id, ts...); err != nil {
			panic(err)
		}
	}
	enrol("alice", []float32{1, 0.2, -0.1, 0.3}, []float32{0.9, 0.3, 0, 0.2})
	enrol("bob", []float32{-0.2, 1, 0.4, -0.5})

	probe, err := match.NewTemplate([]float32{0.95, 0.25, -0.05, 0.25})
	if err != nil {
		panic(err)
	}
	m := match.NewMatcher(probe)
	for _, mode := range []match.Mode{match.Exact, match.BinaryRerank} {
		cands := g.Search(nil, m, &match.SearchOptions{K: 2, Threshold: math.Inf(-1), Mode: mode})
		for _, c := range cands {
			fmt.Printf("%-12v %-5s %6.3f\n", mode, c.ID, c.Score)
		}
	}
	// Output:
	// Exact        alice  0.997
	// Exact        bob   -0.070
	// BinaryRerank alice  0.997
	// BinaryRerank bob   -0.070
}

// Verify a claim 1:1: the score is the cosine of the two embeddings, and
// the application compares it with its threshold.
func ExampleMatcher_Score() {
	enrolled, _ := match.NewTemplate([]float32{3, 4, 0})
	probe, _ := match.NewTemplate([]float32{4, 3, 0})
	score := match.NewMatcher(probe).Score(enrolled)
	fmt.Printf("score %.2f, accepted at threshold 0.9: %v\n", score, score >= 0.9)
	// Output: score 0.96, accepted at threshold 0.9: true
}

// Search for several probes at once: one pass over the gallery serves the
// whole batch, and the results come back in the order of the probes.
func ExampleGallery_SearchBatch() {
	g := match.NewGallery(3, match.KeepAll)
	for id, v := range map[string][]float32{"alice": {1, 0, 0}, "bob": {0, 1, 0}, "carol": {0, 0, 1}} {
		t, _ := match.NewTemplate(v)
		_ = g.Add(id, t)
	}
	var probes []*match.Matcher
	for _, v := range [][]float32{{0.1, 0.9, 0.1}, {0.9, 0.2, 0}, {0, 0.3, 1}} {
		t, _ := match.NewTemplate(v)
		probes = append(probes, match.NewMatcher(t))
	}
	for i, cands := range g.SearchBatch(nil, probes, &match.SearchOptions{K: 1, Threshold: 0.5}) {
		fmt.Printf("probe %d: %s %.3f\n", i, cands[0].ID, cands[0].Score)
	}
	// Output:
	// probe 0: bob 0.988
	// probe 1: alice 0.976
	// probe 2: carol 0.958
}

// Choose a threshold by the false-match rate it stands for, from a
// calibration table embedded with the package.
func ExampleCalibration_ThresholdForFMR() {
	cal, err := match.LoadCalibration(match.CalPalmNIR)
	if err != nil {
		panic(err)
	}
	t, err := cal.ThresholdForFMR(1e-2)
	if err != nil {
		panic(err)
	}
	fmt.Println(cal.Model, "version", cal.Version, "threshold in (0, 1):", t > 0 && t < 1)
	fmt.Println("a score at the threshold stands for FMR <= 1e-2:", cal.FMRForScore(t) <= 1e-2)
	// Output:
	// palm.Code version 1 threshold in (0, 1): true
	// a score at the threshold stands for FMR <= 1e-2: true
}
