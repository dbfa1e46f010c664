package vein

import (
	"image"
	"testing"

	"github.com/palmid/palmid/palm"
	"github.com/palmid/palmid/synth"
)

// TestFromDevice checks that FromDevice is palm.FindROI on the palm frame,
// Hand.Cut on the vein frame and NewTemplate, and logs how its templates
// compare with those of the ground-truth ROIs (that agreement measures
// palm.FindROI, not this package).
func TestFromDevice(t *testing.T) {
	found := 0
	for i := range 4 {
		id := synth.NewIdentity(3, i)
		p, v := id.RenderDevice(0, nil)
		tp, ves, err := FromDevice(p.Image, v.Image)
		if err != nil {
			t.Logf("identity %d: %v", i, err)
			continue
		}
		found++
		hand, err := palm.FindROI(p.Image, nil)
		if err != nil {
			t.Fatal(err)
		}
		roi, err := hand.Cut(v.Image)
		if err != nil {
			t.Fatal(err)
		}
		want := mustTemplate(t, roi)
		if Compare(tp, want) != 1 || ves == nil || len(ves.Vein) != Size*Size {
			t.Errorf("identity %d: FromDevice differs from FindROI + Cut + NewTemplate", i)
		}
		if truth, err := v.TruthROI(128); err == nil {
			t.Logf("identity %d: whole-frame template against the ground-truth ROI's: %.3f", i, Compare(tp, mustTemplate(t, truth)))
		}
	}
	if found < 3 {
		t.Errorf("hand found in %d of 4 frames", found)
	}
	blank := image.NewGray(image.Rect(0, 0, 640, 480))
	if _, _, err := FromDevice(blank, blank); err == nil {
		t.Error("blank frame accepted")
	}
	_, v := synth.NewIdentity(3, 1).RenderDevice(0, nil)
	p, _ := synth.NewIdentity(3, 1).RenderDevice(0, &synth.Options{Width: 320, Height: 240, PxPerMM: 1})
	if _, _, err := FromDevice(p.Image, v.Image); err == nil {
		t.Error("frames of different sizes accepted")
	}
}

// BenchmarkFromDevice is the whole-frame path on a 640 x 480 device
// capture: hand and landmarks on the NIR palm frame, ROI cut from the vein
// frame, enhancement, extraction and template.
func BenchmarkFromDevice(b *testing.B) {
	p, v := synth.NewIdentity(3, 0).RenderDevice(0, nil)
	for b.Loop() {
		if _, _, err := FromDevice(p.Image, v.Image); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkFindROI is palm.FindROI alone on the same frame, for the split.
func BenchmarkFindROI(b *testing.B) {
	p, _ := synth.NewIdentity(3, 0).RenderDevice(0, nil)
	for b.Loop() {
		if _, err := palm.FindROI(p.Image, nil); err != nil {
			b.Fatal(err)
		}
	}
}
