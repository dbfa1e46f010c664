package synth_test

import (
	"fmt"

	"github.com/palmid/palmid/synth"
)

// Render one identity as a device capture (NIR palm and vein from one pose)
// and read its ground truth.
func ExampleIdentity_RenderDevice() {
	id := synth.NewIdentity(42, 7) // population seed 42, identity 7
	palm, vein := id.RenderDevice(0, nil)
	fmt.Println(palm.Image.Bounds(), palm.Truth.Modality, vein.Truth.Modality)
	fmt.Println("same pose:", palm.Truth.Valleys == vein.Truth.Valleys)
	roi, err := palm.TruthROI(128)
	fmt.Println(roi.Bounds(), err)
	// Output:
	// (0,0)-(640,480) nir-palm nir-vein
	// same pose: true
	// (0,0)-(128,128) <nil>
}

// Relatives share part of a parent's palm, for hard impostor tests.
func ExampleRelative() {
	parent := synth.NewIdentity(1, 0)
	sibling := synth.Relative(parent, 0, 0.7)
	fmt.Println(sibling.Hand == parent.Hand, sibling.Index)
	// Output: true -1
}
