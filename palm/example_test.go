package palm_test

import (
	"fmt"
	"image"
	"log"

	"github.com/palmid/palmid/palm"
	"github.com/palmid/palmid/synth"
)

// roi renders a capture of a synthetic palm and cuts its ROI where a
// perfect hand finder would.
func roi(identity, sample int) image.Image {
	img, err := synth.NewIdentity(1, identity).Render(synth.NIRPalm, sample, nil).TruthROI(128)
	if err != nil {
		log.Fatal(err)
	}
	return img
}

// Enrol one capture of a palm, then verify a second capture of the same
// palm and a capture of another palm against it.
func Example() {
	enrolled, err := palm.EnrolCodes(roi(0, 0)) // codes at -4, 0 and +4 degrees
	if err != nil {
		log.Fatal(err)
	}
	same, err := palm.NewCode(roi(0, 2))
	if err != nil {
		log.Fatal(err)
	}
	other, err := palm.NewCode(roi(1, 0))
	if err != nil {
		log.Fatal(err)
	}
	genuine := palm.CompareBest(same, enrolled)
	impostor := palm.CompareBest(other, enrolled)
	fmt.Println("genuine scores above impostor:", genuine > impostor)

	// The caller chooses the threshold; 0.61 gave a false match rate of
	// about 1e-4 on synthetic palms.
	const threshold = 0.61
	fmt.Println("same palm accepted:", genuine >= threshold)
	fmt.Println("other palm accepted:", impostor >= threshold)
	// Output:
	// genuine scores above impostor: true
	// same palm accepted: true
	// other palm accepted: false
}

// A code serialises to 522 bytes and back.
func ExampleCode_MarshalBinary() {
	c, err := palm.NewCode(roi(2, 0))
	if err != nil {
		log.Fatal(err)
	}
	data, err := c.MarshalBinary()
	if err != nil {
		log.Fatal(err)
	}
	var d palm.Code
	if err := d.UnmarshalBinary(data); err != nil {
		log.Fatal(err)
	}
	fmt.Println(len(data), "bytes, score against the original:", palm.Compare(c, &d))
	// Output: 522 bytes, score against the original: 1
}
