package vein

import (
	"testing"

	"github.com/palmid/palmid/internal/benchref"
	"github.com/palmid/palmid/internal/fimg"
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

// BenchmarkCompare is one comparison (five grids, coarse-to-fine shifts).
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

// stages returns the working maps of the first test ROI at each stage of
// Extract, for the per-stage benchmarks.
func stages(b *testing.B) (img, flat, enh *fimg.Image, valid []bool) {
	veins, _ := testROIs()
	img, valid, err := resample(veins[0])
	if err != nil {
		b.Fatal(err)
	}
	flat = flatField(img, valid, illumSigma)
	enh = fimg.New(Size, Size)
	if !claheTo(enh, flat, valid) {
		b.Fatal("flat ROI")
	}
	return img, flat, enh, valid
}

// BenchmarkStageCLAHE is the CLAHE stage of Extract (4 x 4 tiles of a
// 64 x 64 working map); compare with OpenCV's CLAHE (see the package
// documentation).
func BenchmarkStageCLAHE(b *testing.B) {
	_, flat, _, valid := stages(b)
	dst := fimg.New(Size, Size)
	for b.Loop() {
		claheTo(dst, flat, valid)
	}
}

// BenchmarkStageBilateral is the 5 x 5 bilateral filter on the 64 x 64
// working map.
func BenchmarkStageBilateral(b *testing.B) {
	_, _, enh, _ := stages(b)
	dst := fimg.New(Size, Size)
	for b.Loop() {
		bilateralTo(dst, enh)
	}
}

// BenchmarkStageFlatField is the illumination normalisation (two Gaussian
// blurs, σ 6 px) on the 64 x 64 working map.
func BenchmarkStageFlatField(b *testing.B) {
	img, _, _, valid := stages(b)
	for b.Loop() {
		flatField(img, valid, illumSigma)
	}
}

// BenchmarkStageVesselness is the three-scale Hessian vesselness on the
// 64 x 64 working map.
func BenchmarkStageVesselness(b *testing.B) {
	_, _, enh, valid := stages(b)
	dst := fimg.New(Size, Size)
	for b.Loop() {
		vesselnessTo(dst, enh, []float64{1.5, 2.25, 3}, valid)
	}
}

// BenchmarkBlur640x480 is fimg.BlurTo at σ 2 on a 640 x 480 float image,
// the case of ../shared/bench/cv_bench.py's "GaussianBlur sigma2 on 640x480
// f32".
func BenchmarkBlur640x480(b *testing.B) {
	src := fimg.New(640, 480)
	for i := range src.Pix {
		src.Pix[i] = float32(i%251) / 251
	}
	dst := fimg.New(640, 480)
	for b.Loop() {
		fimg.BlurTo(dst, src, 2)
	}
}

// BenchmarkStageThreshold is the vessel threshold of Extract (a sort of
// the valid pixels' vesselness) on the 64 x 64 working map.
func BenchmarkStageThreshold(b *testing.B) {
	_, _, enh, valid := stages(b)
	ves := fimg.New(Size, Size)
	vesselnessTo(ves, enh, []float64{1.5, 2.25, 3}, valid)
	for b.Loop() {
		threshold(ves.Pix, valid)
	}
}
