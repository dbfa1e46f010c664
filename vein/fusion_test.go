package vein

import (
	"math"
	"testing"
)

func TestFusion(t *testing.T) {
	f := DefaultFusion
	if s := Fuse(f.PalmMean, f.VeinMean); math.Abs(s) > 1e-12 {
		t.Errorf("impostor means fuse to %v, want 0", s)
	}
	// One impostor standard deviation above the mean in both scores is one
	// unit whatever the weight.
	if s := Fuse(f.PalmMean+f.PalmSD, f.VeinMean+f.VeinSD); math.Abs(s-1) > 1e-12 {
		t.Errorf("one sd above both means fuses to %v, want 1", s)
	}
	for _, d := range [][2]float64{{0.01, 0}, {0, 0.01}} {
		if Fuse(0.6+d[0], 0.5+d[1]) <= Fuse(0.6, 0.5) {
			t.Errorf("fusion not increasing in %v", d)
		}
	}
	g := Fusion{PalmMean: 0.5, PalmSD: 0.1, VeinMean: 0.3, VeinSD: 0.05, PalmWeight: 1}
	if s := g.Score(0.7, 0.99); math.Abs(s-2) > 1e-12 {
		t.Errorf("palm weight 1: %v, want the palm z-score 2", s)
	}
	for _, bad := range []Fusion{{PalmSD: 0, VeinSD: 1, PalmWeight: 0.5}, {PalmSD: 1, VeinSD: 1, PalmWeight: 1.5}, {PalmSD: 1, VeinSD: math.NaN()}} {
		func() {
			defer func() {
				if recover() == nil {
					t.Errorf("%+v: no panic", bad)
				}
			}()
			bad.Score(0.5, 0.5)
		}()
	}
}
