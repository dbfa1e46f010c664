package palm_test

import (
	"errors"
	"fmt"
	"image"
	"log"

	"github.com/palmid/palmid/palm"
	"github.com/palmid/palmid/synth"
)

// Find the hand in a device's NIR palm frame, cut the ROI, cut the same
// square from the vein frame of the same pose, and extract a palm code.
func ExampleFindROI() {
	palmFrame, veinFrame := synth.NewIdentity(1, 4).RenderDevice(0, nil)
	hand, err := palm.FindROI(palmFrame.Image, nil)
	switch {
	case errors.Is(err, palm.ErrFingersClosed):
		log.Fatal("spread your fingers")
	case err != nil:
		log.Fatal(err)
	}
	vein, err := hand.Cut(veinFrame.Image)
	if err != nil {
		log.Fatal(err)
	}
	code, err := palm.NewCode(hand.ROI)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("side found:", hand.Landmarks.Side, "truth:", palmFrame.Truth.Hand)
	fmt.Println("ROI:", hand.ROI.Bounds().Size(), "vein ROI:", vein.Bounds().Size())
	fmt.Println("code has valid samples:", code.Valid() > palm.MinValid)

	// Images without a hand are refused with a reason.
	_, err = palm.FindROI(image.NewGray(image.Rect(0, 0, 640, 480)), nil)
	fmt.Println(errors.Is(err, palm.ErrTooDark))
	// Output:
	// side found: right truth: R
	// ROI: (128,128) vein ROI: (128,128)
	// code has valid samples: true
	// true
}
