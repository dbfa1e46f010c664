package palm

import (
	"errors"
	"fmt"
	"image"
	"image/draw"
	"math"
	"strings"
	"testing"

	"github.com/palmid/palmid/synth"
)

// lineROI returns a 128 x 128 grey ROI of mid-grey skin with one dark,
// soft-edged line 4 px wide through the centre, at degrees from the x axis
// towards the y axis (clockwise on screen).
func lineROI(degrees float64) *image.Gray {
	const n = 128
	img := image.NewGray(image.Rect(0, 0, n, n))
	th := degrees * math.Pi / 180
	c, s := math.Cos(th), math.Sin(th)
	for y := range n {
		for x := range n {
			dx, dy := float64(x)-63.5, float64(y)-63.5
			d := -dx*s + dy*c // distance across the line
			v := 170 - 90*math.Exp(-d*d/(2*2*2))
			img.Pix[y*n+x] = uint8(v)
		}
	}
	return img
}

func mustCode(t testing.TB, img image.Image) *Code {
	t.Helper()
	c, err := NewCode(img)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// TestOrientation checks that the samples on a straight line carry its
// orientation, for lines at each of the six orientations, and that
// NewCodeRotated turns them by whole steps.
func TestOrientation(t *testing.T) {
	for k := range Orientations {
		deg := float64(k) * 180 / Orientations
		for _, tc := range []struct {
			name   string
			rotate float64
			want   int
		}{
			{"unrotated", 0, k},
			{"rotated +30", 30, (k + 1) % Orientations},
			{"rotated -30", -30, (k + Orientations - 1) % Orientations},
		} {
			c, err := NewCodeRotated(lineROI(deg), tc.rotate)
			if err != nil {
				t.Fatalf("line at %g, %s: %v", deg, tc.name, err)
			}
			// Grid points near the centre, along the line. Grid point g
			// lies at 4g+2.5 in ROI pixel coordinates (pixel centres at
			// integers), so the line's centre, 63.5, is at g = 15.25.
			th := (deg + tc.rotate) * math.Pi / 180
			for _, r := range []float64{-6, -3, 0, 3, 6} {
				gx := int(math.Round(15.25 + r*math.Cos(th)))
				gy := int(math.Round(15.25 + r*math.Sin(th)))
				o, ok := c.At(gx, gy)
				if !ok || o != tc.want {
					t.Errorf("line at %g°, %s: point (%d, %d) has orientation %d (valid %v), want %d",
						deg, tc.name, gx, gy, o, ok, tc.want)
				}
			}
		}
	}
}

func TestNewCodeErrors(t *testing.T) {
	uniform := func(v uint8) *image.Gray {
		g := image.NewGray(image.Rect(0, 0, 128, 128))
		for i := range g.Pix {
			g.Pix[i] = v
		}
		return g
	}
	transparent := image.NewNRGBA(image.Rect(0, 0, 128, 128))
	draw.Draw(transparent, transparent.Rect, noiseROI(3), image.Point{}, draw.Src)
	for i := 3; i < len(transparent.Pix); i += 4 {
		transparent.Pix[i] = 0
	}
	for _, tc := range []struct {
		name string
		img  image.Image
		want error
	}{
		{"nil", nil, ErrEmptyROI},
		{"0x0", image.NewGray(image.Rect(0, 0, 0, 0)), ErrEmptyROI},
		{"0x10", image.NewGray(image.Rect(0, 0, 0, 10)), ErrEmptyROI},
		{"uniform grey", uniform(120), ErrFlatROI},
		{"black", uniform(0), ErrFlatROI},
		{"white", uniform(255), ErrFlatROI},
		{"1x1", image.NewGray(image.Rect(0, 0, 1, 1)), ErrFlatROI},
		{"transparent", transparent, ErrFlatROI},
	} {
		_, err := NewCode(tc.img)
		if !errors.Is(err, tc.want) {
			t.Errorf("%s: error %v, want %v", tc.name, err, tc.want)
		}
	}
}

// TestNewCodeSizes checks that the code barely depends on the size the ROI
// comes in, and that image types are converted alike.
func TestNewCodeSizes(t *testing.T) {
	base := noiseROI(4)
	ref := mustCode(t, base)
	for _, tc := range []struct {
		name string
		img  image.Image
		min  float64
	}{
		{"same", base, 1},
		{"256 (pixel doubling)", scaleUp(base, 2), 0.97},
		{"offset bounds", offsetBounds(base, 40, -7), 1},
		{"RGBA", toRGBA(base), 0.99}, // luma rounding moves a few near-ties
		{"192 x 128 (stretched)", stretchX(base, 192), 0.9},
	} {
		c := mustCode(t, tc.img)
		if s := Compare(ref, c); s < tc.min {
			t.Errorf("%s: score %.4f against the 128 x 128 original, want >= %g", tc.name, s, tc.min)
		}
	}
}

func scaleUp(src *image.Gray, f int) *image.Gray {
	b := src.Bounds()
	dst := image.NewGray(image.Rect(0, 0, b.Dx()*f, b.Dy()*f))
	for y := range dst.Rect.Dy() {
		for x := range dst.Rect.Dx() {
			dst.Pix[y*dst.Stride+x] = src.Pix[(y/f)*src.Stride+x/f]
		}
	}
	return dst
}

func stretchX(src *image.Gray, w int) *image.Gray {
	h := src.Rect.Dy()
	dst := image.NewGray(image.Rect(0, 0, w, h))
	for y := range h {
		for x := range w {
			dst.Pix[y*dst.Stride+x] = src.Pix[y*src.Stride+x*src.Rect.Dx()/w]
		}
	}
	return dst
}

func offsetBounds(src *image.Gray, dx, dy int) *image.Gray {
	dst := *src
	dst.Rect = src.Rect.Add(image.Pt(dx, dy))
	return &dst
}

func toRGBA(src *image.Gray) *image.RGBA {
	dst := image.NewRGBA(src.Rect)
	draw.Draw(dst, dst.Rect, src, src.Rect.Min, draw.Src)
	return dst
}

// TestMask checks that transparent and clipped regions become invalid and
// the rest stays valid.
func TestMask(t *testing.T) {
	for _, tc := range []struct {
		name string
		hole func(img *image.NRGBA, x, y int) // blanks pixel (x, y)
	}{
		{"transparent", func(img *image.NRGBA, x, y int) { img.Pix[img.PixOffset(x, y)+3] = 0 }},
		{"clipped white", func(img *image.NRGBA, x, y int) {
			i := img.PixOffset(x, y)
			img.Pix[i], img.Pix[i+1], img.Pix[i+2] = 255, 255, 255
		}},
		{"black", func(img *image.NRGBA, x, y int) {
			i := img.PixOffset(x, y)
			img.Pix[i], img.Pix[i+1], img.Pix[i+2] = 0, 0, 0
		}},
	} {
		img := image.NewNRGBA(image.Rect(0, 0, 128, 128))
		draw.Draw(img, img.Rect, noiseROI(5), image.Point{}, draw.Src)
		// Blank the left half.
		for y := range 128 {
			for x := range 64 {
				tc.hole(img, x, y)
			}
		}
		c := mustCode(t, img)
		for y := range CodeSize {
			for x := range CodeSize {
				_, ok := c.At(x, y)
				// Columns 0-15 cover pixels 0-63; the sample next to the
				// edge may go either way.
				if want := x >= CodeSize/2; ok != want && x != CodeSize/2 && x != CodeSize/2-1 {
					t.Fatalf("%s: sample (%d, %d) valid %v, want %v", tc.name, x, y, ok, want)
				}
			}
		}
		if v := c.Valid(); v < CodeSize*CodeSize/2-CodeSize || v > CodeSize*CodeSize/2+CodeSize {
			t.Errorf("%s: %d valid samples, want about half", tc.name, v)
		}
	}
}

func TestAtPanics(t *testing.T) {
	c := mustCode(t, noiseROI(1))
	for _, p := range []image.Point{{-1, 0}, {0, -1}, {CodeSize, 0}, {0, CodeSize}} {
		func() {
			defer func() {
				if recover() == nil {
					t.Errorf("At(%d, %d) did not panic", p.X, p.Y)
				}
			}()
			c.At(p.X, p.Y)
		}()
	}
}

func TestEnrolCodes(t *testing.T) {
	img := noiseROI(6)
	codes, err := EnrolCodes(img)
	if err != nil {
		t.Fatal(err)
	}
	if len(codes) != 3 {
		t.Fatalf("%d codes, want 3", len(codes))
	}
	c0 := mustCode(t, img)
	if codes[1].w != c0.w {
		t.Error("middle enrolment code differs from NewCode")
	}
	for i, d := range []float64{-EnrolStep, EnrolStep} {
		r, err := NewCodeRotated(img, d)
		if err != nil {
			t.Fatal(err)
		}
		if codes[2*i].w != r.w {
			t.Errorf("enrolment code at %g° differs from NewCodeRotated", d)
		}
	}
	// A probe rotated by 8 degrees matches the enrolment better than the
	// unrotated code alone.
	probe, err := NewCodeRotated(img, 8)
	if err != nil {
		t.Fatal(err)
	}
	if one, best := Compare(c0, probe), CompareBest(probe, codes); best <= one {
		t.Errorf("rotated probe: best of enrolment %.3f, unrotated code %.3f", best, one)
	}
	if _, err := EnrolCodes(nil); !errors.Is(err, ErrEmptyROI) {
		t.Errorf("EnrolCodes(nil): %v", err)
	}
}

func TestNewCodeRotatedPanics(t *testing.T) {
	for _, d := range []float64{math.NaN(), math.Inf(1)} {
		func() {
			defer func() {
				if recover() == nil {
					t.Errorf("NewCodeRotated(%v) did not panic", d)
				}
			}()
			NewCodeRotated(noiseROI(1), d)
		}()
	}
}

// TestRotationTolerance logs how the mean genuine score falls as the probe
// ROI turns, for one enrolled code and for EnrolCodes, on synthetic NIR
// palms, and checks that the enrolment codes keep more of the score at 9
// degrees. (Probe angles avoid ±EnrolStep: a probe turned by software
// exactly like one of the enrolment codes shares its interpolation blur,
// which raises impostor scores a little; real probes are not turned.)
func TestRotationTolerance(t *testing.T) {
	ids := 12
	if testing.Short() {
		ids = 4
	}
	rois := renderSynth(ids, 2, []synth.Modality{synth.NIRPalm})[0]
	var b strings.Builder
	b.WriteString("probe rotation: mean genuine score with one code / with EnrolCodes; mean impostor score")
	var one9, best9 float64
	for _, deg := range []float64{0, 3, 6, 9, 12, 15} {
		var one, best, imp float64
		n := 0
		for i := range ids {
			e, o := rois[2*i], rois[2*i+1]
			other := rois[2*((i+1)%ids)+1]
			if e == nil || o == nil || other == nil {
				continue
			}
			enrolled, err := EnrolCodes(e)
			if err != nil {
				t.Fatal(err)
			}
			probe, err := NewCodeRotated(o, deg)
			if err != nil {
				t.Fatal(err)
			}
			impostor, err := NewCodeRotated(other, deg)
			if err != nil {
				t.Fatal(err)
			}
			one += Compare(enrolled[1], probe)
			best += CompareBest(probe, enrolled)
			imp += CompareBest(impostor, enrolled)
			n++
		}
		one, best, imp = one/float64(n), best/float64(n), imp/float64(n)
		fmt.Fprintf(&b, "\n  %4.0f°: %.3f / %.3f; %.3f", deg, one, best, imp)
		if deg == 9 {
			one9, best9 = one, best
		}
	}
	t.Log(b.String())
	if best9 <= one9 {
		t.Errorf("at 9°: EnrolCodes %.3f, one code %.3f", best9, one9)
	}
}
