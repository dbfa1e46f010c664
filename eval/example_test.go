package eval_test

import (
	"fmt"
	"io"

	"github.com/palmid/palmid/eval"
)

func Example() {
	var genuine, impostor eval.Scores
	for _, s := range []float64{0.91, 0.84, 0.77, 0.62, 0.58} {
		genuine.Add(s)
	}
	for _, s := range []float64{0.12, 0.31, 0.05, 0.44, 0.60, 0.27, 0.18, 0.09, 0.35, 0.22} {
		impostor.Add(s)
	}

	// One impostor (0.60) outscores one genuine (0.58). Thresholds in
	// (0.44, 0.58] give FMR 1/10 and FNMR 0; thresholds in (0.58, 0.60]
	// give FMR 1/10 and FNMR 1/5. The segment between these two points
	// crosses FMR = FNMR at 0.1, halfway, so the threshold is halfway
	// between 0.58 and 0.60.
	eer, err := eval.EqualErrorRate(&genuine, &impostor)
	if err != nil {
		panic(err)
	}
	fmt.Printf("EER %.4f at threshold %.4f\n", eer.Rate, eer.Threshold)

	// FMR 0.1 allows one false match in ten: the threshold lies just above
	// the second highest impostor score, 0.44, and the lowest genuine
	// score 0.58 still matches.
	p, _ := eval.FNMRAtFMR(&genuine, &impostor, 0.1)
	fmt.Printf("threshold %.2f: FMR %v (%d/%d), FNMR %v (%d/%d)\n",
		p.Threshold, p.FMR, p.FalseMatches, p.Impostor, p.FNMR, p.FalseNonMatches, p.Genuine)

	// Operational threshold 0.7.
	fmr, _ := eval.FMR(&impostor, 0.7)
	fnmr, _ := eval.FNMR(&genuine, 0.7)
	fmt.Printf("at 0.7: FMR %v, FNMR %v\n", fmr, fnmr)
	// Output:
	// EER 0.1000 at threshold 0.5900
	// threshold 0.44: FMR 0.1 (1/10), FNMR 0 (0/5)
	// at 0.7: FMR 0, FNMR 0.4
}

func ExampleNewReport() {
	var genuine, impostor eval.Scores
	for i := range 100 {
		genuine.Add(0.5 + float64(i)/200) // 0.500 ... 0.995
		impostor.Add(float64(i) / 200)    // 0.000 ... 0.495
	}
	r := eval.NewReport("toy", &genuine, &impostor, 0.5)
	r.FTE = &eval.Tally{Attempts: 50, Failures: 1}
	fmt.Print(r.Text())
	// Output:
	// toy
	//   genuine comparisons   100
	//   impostor comparisons  100
	//   rejected scores       0
	//   EER                   0 at threshold 0.5
	//   FTE                   0.02 (1/50)
	//
	//   target FMR  threshold  FMR   FNMR  false matches  false non-matches  impostor  genuine  note
	//   0.01        0.49       0.01  0     1              0                  100       100      unresolved: impostor < 3/target
	//   0.001       0.495      0     0     0              0                  100       100      FMR <= 0.03 (rule of 3); unresolved: impostor < 3/target
	//   0.0001      0.495      0     0     0              0                  100       100      FMR <= 0.03 (rule of 3); unresolved: impostor < 3/target
	//   1e-05       0.495      0     0     0              0                  100       100      FMR <= 0.03 (rule of 3); unresolved: impostor < 3/target
	//   1e-06       0.495      0     0     0              0                  100       100      FMR <= 0.03 (rule of 3); unresolved: impostor < 3/target
	//   -           0.5        0     0     0              0                  100       100      FMR <= 0.03 (rule of 3)
}

func ExampleIdentificationAt() {
	searches := []eval.Search{
		{Mate: "alice", Candidates: []eval.Candidate{{ID: "alice", Score: 0.92}, {ID: "bob", Score: 0.40}}},
		{Mate: "bob", Candidates: []eval.Candidate{{ID: "carol", Score: 0.55}, {ID: "bob", Score: 0.51}}},
		{Candidates: []eval.Candidate{{ID: "alice", Score: 0.71}}}, // non-mated
		{Candidates: []eval.Candidate{{ID: "bob", Score: 0.30}}},   // non-mated
	}
	id := eval.IdentificationAt(searches, 0.6)
	rank1, _ := id.Rank1Rate()
	fnir, _ := id.FNIR()
	fpir, _ := id.FPIR()
	fmt.Printf("rank-1 %v, FNIR %v, FPIR %v\n", rank1, fnir, fpir)
	// Output:
	// rank-1 0.5, FNIR 0.5, FPIR 0.5
}

func ExampleWriteDET() {
	var genuine, impostor eval.Scores
	// ... add scores ...
	genuine.Add(0.9)
	impostor.Add(0.1)
	// Write to a file instead of io.Discard to keep the PNG.
	err := eval.WriteDET(io.Discard, eval.Curve{Name: "palm", Genuine: &genuine, Impostor: &impostor})
	fmt.Println(err)
	// Output:
	// <nil>
}
