package main

import (
	"image"
	"math/rand/v2"
	"testing"
)

// TestIdentifyFailedEnrolment: a probe whose identity's enrolment capture
// failed has no mate in the gallery, so it counts as a search without one.
func TestIdentifyFailedEnrolment(t *testing.T) {
	tmpl := func(seed uint64) *template {
		r := rand.New(rand.NewPCG(seed, 1))
		roi := image.NewGray(image.Rect(0, 0, 128, 128))
		for i := range roi.Pix {
			roi.Pix[i] = uint8(40 + r.IntN(160))
		}
		tp, err := roiTemplate(roi, false)
		if err != nil {
			t.Fatal(err)
		}
		return tp
	}
	const c = 1 // the NIR palm channel
	caps := []enrolled{
		{identity: 0, sample: 0},                              // enrolment failed
		{identity: 0, sample: 1, t: [3]*template{c: tmpl(1)}}, // probe without a mate
		{identity: 1, sample: 0, t: [3]*template{c: tmpl(2)}},
		{identity: 1, sample: 1, t: [3]*template{c: tmpl(2)}}, // probe with its mate
	}
	got := identify(caps, 5, c, 0.5)
	if got.Mated != 1 || got.NonMated != 1 || got.Rank1Hits != 1 {
		t.Errorf("mated %d, non-mated %d, rank-1 hits %d; want 1, 1, 1", got.Mated, got.NonMated, got.Rank1Hits)
	}
}
