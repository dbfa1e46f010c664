package vein_test

import (
	"fmt"
	"log"

	"github.com/palmid/palmid/palm"
	"github.com/palmid/palmid/synth"
	"github.com/palmid/palmid/vein"
)

// Enrol the vein ROI of one capture, then compare a second capture of the
// same palm and a capture of another palm.
func Example() {
	roi := func(identity, sample int) *vein.Template {
		_, capture := synth.NewIdentity(3, identity).RenderDevice(sample, nil)
		img, err := capture.TruthROI(128)
		if err != nil {
			log.Fatal(err)
		}
		t, err := vein.NewTemplate(img)
		if err != nil {
			log.Fatal(err)
		}
		return t
	}
	enrolled := roi(0, 0)
	data, err := enrolled.MarshalBinary() // store these bytes (and the ROI)
	if err != nil {
		log.Fatal(err)
	}
	var stored vein.Template
	if err := stored.UnmarshalBinary(data); err != nil {
		log.Fatal(err)
	}
	const threshold = 0.57 // FMR 1e-3 on casia-ms-850-roi; calibrate per device
	fmt.Println("template bytes:", len(data))
	fmt.Println("same palm accepted:", vein.Compare(&stored, roi(0, 1)) >= threshold)
	fmt.Println("other palm accepted:", vein.Compare(&stored, roi(2, 0)) >= threshold)
	// Output:
	// template bytes: 264
	// same palm accepted: true
	// other palm accepted: false
}

// Read a device capture whole: landmarks on the NIR palm frame place the
// ROI, the same square is cut from the NIR vein frame, and the palmprint
// and vein scores of two captures are fused.
func ExampleFromDevice() {
	read := func(sample int) (*palm.Code, *vein.Template) {
		nirPalm, nirVein := synth.NewIdentity(3, 1).RenderDevice(sample, nil)
		hand, err := palm.FindROI(nirPalm.Image, nil) // landmarks, palm ROI
		if err != nil {
			log.Fatal(err)
		}
		roi, err := hand.Cut(nirVein.Image) // the same square, vein frame
		if err != nil {
			log.Fatal(err)
		}
		t, err := vein.NewTemplate(roi)
		if err != nil {
			log.Fatal(err)
		}
		code, err := palm.NewCode(hand.ROI)
		if err != nil {
			log.Fatal(err)
		}
		return code, t
	}
	c0, t0 := read(0)
	c1, t1 := read(1)
	fmt.Printf("fused score %.1f\n", vein.Fuse(palm.Compare(c0, c1), vein.Compare(t0, t1)))
	// vein.FromDevice(nirPalm, nirVein) does the vein half in one call.
}
