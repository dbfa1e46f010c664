package palm

import (
	"testing"

	"github.com/palmid/palmid/synth"
)

// BenchmarkFindROI times landmarks and ROI on a synth 1280 x 960 phone photo
// and a 640 x 480 NIR palm frame.
func BenchmarkFindROI(b *testing.B) {
	for _, m := range []synth.Modality{synth.Phone, synth.NIRPalm} {
		c := synth.NewIdentity(roiEvalSeed, 1).Render(m, 0, nil)
		b.Run(m.String(), func(b *testing.B) {
			for b.Loop() {
				FindROI(c.Image, nil)
			}
		})
	}
}
