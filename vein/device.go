package vein

import (
	"fmt"
	"image"

	"github.com/palmid/palmid/palm"
)

// FromDevice reads the veins of one device capture: a NIR palm-surface frame
// and the NIR vein frame taken with it in the same pose (synth.NIRPalm and
// synth.NIRVein, or a device's 850 and 940 nm cameras). It finds the hand
// and its landmarks on the palm frame with palm.FindROI (default options,
// 128 x 128 ROI), cuts the same ROI square from the vein frame with
// palm.Hand.Cut, and extracts its vessels and template. The frames must have
// the same size. It returns palm.FindROI's errors (palm.ErrNoHand and the
// others; Hand.Cut's for frames of different sizes) and Extract's and
// Template's, wrapped. It is safe for concurrent use.
//
// A caller that also wants the palmprint code, to fuse both scores, runs the
// same three steps itself (see the example):
//
//	hand, err := palm.FindROI(nirPalm, nil)  // landmarks and palm ROI
//	roi, err := hand.Cut(nirVein)            // the same square, vein frame
//	t, err := vein.NewTemplate(roi)          // and palm.NewCode(hand.ROI)
func FromDevice(nirPalm, nirVein image.Image) (*Template, *Vessels, error) {
	hand, err := palm.FindROI(nirPalm, nil)
	if err != nil {
		return nil, nil, fmt.Errorf("vein: palm frame: %w", err)
	}
	roi, err := hand.Cut(nirVein)
	if err != nil {
		return nil, nil, fmt.Errorf("vein: vein frame: %w", err)
	}
	v, err := Extract(roi)
	if err != nil {
		return nil, nil, err
	}
	t, err := v.Template()
	if err != nil {
		return nil, v, err
	}
	return t, v, nil
}
