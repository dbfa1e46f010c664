package vein_test

import (
	"fmt"
	"log"

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
