package synth

import (
	"testing"

	"github.com/palmid/palmid/internal/benchref"
)

// The render benchmarks build the identity's textures once, outside the
// timed loop, as a dataset generator does (one identity, many captures).

func BenchmarkRenderNIR(b *testing.B) {
	id := NewIdentity(1, 0)
	id.maps()
	for i := 0; b.Loop(); i++ {
		id.Render(NIRPalm, i, nil)
	}
}

func BenchmarkRenderDevicePair(b *testing.B) {
	id := NewIdentity(1, 0)
	id.maps()
	for i := 0; b.Loop(); i++ {
		id.RenderDevice(i, nil)
	}
}

func BenchmarkRenderPhone(b *testing.B) {
	id := NewIdentity(1, 0)
	id.maps()
	for i := 0; b.Loop(); i++ {
		id.Render(Phone, i, nil)
	}
}

func BenchmarkIdentity(b *testing.B) {
	for i := 0; b.Loop(); i++ {
		NewIdentity(1, i).maps()
	}
}

// BenchmarkReferenceDot256 is the plain Go dot product the shared bench
// README quotes (172 ns on the project's machine), run beside the render
// benchmarks so their figures can be scaled to that machine.
func BenchmarkReferenceDot256(b *testing.B) { benchref.Dot256(b) }
