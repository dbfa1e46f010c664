package vein

import (
	"testing"

	"github.com/palmid/palmid/internal/benchref"
)

// BenchmarkExtract is enhancement and vessel extraction of one 128 x 128
// ROI (Extract).
func BenchmarkExtract(b *testing.B) {
	veins, _ := testROIs()
	for b.Loop() {
		if _, err := Extract(veins[0]); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkNewTemplate is Extract plus the template.
func BenchmarkNewTemplate(b *testing.B) {
	veins, _ := testROIs()
	for b.Loop() {
		if _, err := NewTemplate(veins[0]); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkCompare is one comparison (81 shifts).
func BenchmarkCompare(b *testing.B) {
	veins, _ := testROIs()
	x, y := mustTemplate(b, veins[0]), mustTemplate(b, veins[1])
	var s float64
	for b.Loop() {
		s += Compare(x, y)
	}
	sinkF64 = s
}

// BenchmarkReferenceDot256 is the plain Go 256-d float32 dot product that
// the project's reference figures are scaled by (172 ns on its machine).
func BenchmarkReferenceDot256(b *testing.B) { benchref.Dot256(b) }

var (
	sinkF64 float64
	sinkF32 float32
)
