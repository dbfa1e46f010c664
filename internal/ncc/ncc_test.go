package ncc

import (
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/palmid/palmid/internal/fimg"
)

// texture returns a w x h image of smoothed noise with a few dark lines, a
// stand-in for a palm ROI.
func texture(seed uint64, w, h int) *fimg.Image {
	r := rand.New(rand.NewPCG(seed, 7))
	m := fimg.New(w, h)
	for i := range m.Pix {
		m.Pix[i] = float32(r.NormFloat64())
	}
	fimg.BlurTo(m, m, 1.5)
	for i := range m.Pix {
		m.Pix[i] = 0.5 + 0.3*m.Pix[i]
	}
	return m
}

func crop(m *fimg.Image, x0, y0, w, h int) *fimg.Image {
	c := fimg.New(w, h)
	for y := 0; y < h; y++ {
		copy(c.Pix[y*w:(y+1)*w], m.Pix[(y0+y)*m.W+x0:])
	}
	return c
}

func mustTemplate(t testing.TB, m *fimg.Image, o *Options) *Template {
	t.Helper()
	tp, err := NewTemplate(m, o)
	if err != nil {
		t.Fatal(err)
	}
	return tp
}

func TestIdentical(t *testing.T) {
	for _, o := range []*Options{nil, {MaxShift: 0, MinOverlap: 1}} {
		img := texture(1, 128, 128)
		a, b := mustTemplate(t, img, o), mustTemplate(t, img.Clone(), o)
		s, dx, dy := Match(a, b)
		if math.Abs(s-1) > 1e-5 || dx != 0 || dy != 0 {
			t.Errorf("opts %+v: identical images score %g at (%d, %d)", o, s, dx, dy)
		}
	}
}

func TestShift(t *testing.T) {
	big := texture(2, 80, 80)
	for _, c := range []struct{ dx, dy int }{{0, 0}, {3, -2}, {-4, 4}, {1, 0}, {-2, -3}} {
		a := crop(big, 8, 8, Size, Size)
		b := crop(big, 8+c.dx, 8+c.dy, Size, Size) // b(x) = a(x + d): b's content lies -d from a's
		for _, o := range []*Options{{MaxShift: 4, MinOverlap: 0.5}, nil} {
			s, dx, dy := Match(mustTemplate(t, a, o), mustTemplate(t, b, o))
			wantScore := 0.999
			if o == nil {
				wantScore = 0.9 // the flattening blur differs near the edges
			}
			if dx != -c.dx || dy != -c.dy || s < wantScore {
				t.Errorf("opts %+v: shift (%d, %d): found (%d, %d) score %g, want (%d, %d)",
					o, c.dx, c.dy, dx, dy, s, -c.dx, -c.dy)
			}
			// Swapping the arguments negates the shift.
			if s2, dx2, dy2 := Match(mustTemplate(t, b, o), mustTemplate(t, a, o)); dx2 != -dx || dy2 != -dy || math.Abs(s2-s) > 1e-6 {
				t.Errorf("swapped: (%d, %d) score %g", dx2, dy2, s2)
			}
		}
	}
	// A shift well beyond MaxShift is not found.
	a := crop(big, 8, 8, Size, Size)
	b := crop(big, 16, 12, Size, Size)
	if s := Compare(mustTemplate(t, a, nil), mustTemplate(t, b, nil)); s > 0.3 {
		t.Errorf("(8, 4) px shift, MaxShift 4: score %g", s)
	}
}

func TestUnrelated(t *testing.T) {
	var sum float64
	const n = 10
	for i := uint64(0); i < n; i++ {
		r := rand.New(rand.NewPCG(i, 99))
		a, b := fimg.New(Size, Size), fimg.New(Size, Size)
		for j := range a.Pix {
			a.Pix[j], b.Pix[j] = r.Float32(), r.Float32()
		}
		s := Compare(mustTemplate(t, a, nil), mustTemplate(t, b, nil))
		if s > 0.15 || s < -0.05 {
			t.Errorf("unrelated noise %d: score %g", i, s)
		}
		sum += s
	}
	// The maximum over 81 shifts of nearly independent correlations, each
	// with standard deviation 1/64, sits a little above 0.
	if mean := sum / n; mean > 0.08 {
		t.Errorf("mean score of unrelated noise %g", mean)
	}
	a, b := mustTemplate(t, texture(3, 100, 90), nil), mustTemplate(t, texture(4, 100, 90), nil)
	if s := Compare(a, b); s > 0.2 {
		t.Errorf("unrelated textures: score %g", s)
	}
}

func TestIllumination(t *testing.T) {
	// The same texture under a strong illumination ramp still matches with
	// flattening on.
	img := texture(5, Size, Size)
	lit := img.Clone()
	for y := 0; y < Size; y++ {
		for x := 0; x < Size; x++ {
			lit.Pix[y*Size+x] = lit.Pix[y*Size+x]*(0.5+float32(x)/Size) + float32(y)/Size
		}
	}
	if s := Compare(mustTemplate(t, img, nil), mustTemplate(t, lit, nil)); s < 0.8 {
		t.Errorf("illumination ramp: score %g with flattening", s)
	}
}

func TestErrors(t *testing.T) {
	if _, err := NewTemplate(fimg.New(0, 0), nil); !errors.Is(err, ErrEmpty) {
		t.Errorf("empty: %v", err)
	}
	flat := fimg.New(30, 30)
	for i := range flat.Pix {
		flat.Pix[i] = 0.4
	}
	if _, err := NewTemplate(flat, nil); !errors.Is(err, ErrFlat) {
		t.Errorf("flat: %v", err)
	}
	for _, o := range []Options{
		{MaxShift: -1, MinOverlap: 0.5},
		{MaxShift: 17, MinOverlap: 0.5},
		{MaxShift: 4, MinOverlap: 0},
		{MaxShift: 4, MinOverlap: math.NaN()},
		{MaxShift: 4, MinOverlap: 0.5, Flatten: -1},
	} {
		if _, err := NewTemplate(texture(1, 64, 64), &o); !errors.Is(err, ErrOptions) {
			t.Errorf("options %+v: %v", o, err)
		}
	}
	defer func() {
		if recover() == nil {
			t.Error("comparing templates with different options did not panic")
		}
	}()
	Compare(mustTemplate(t, texture(1, 64, 64), nil), mustTemplate(t, texture(1, 64, 64), &Options{MaxShift: 2, MinOverlap: 0.5}))
}

func TestMinOverlap(t *testing.T) {
	// With MaxShift 16 and MinOverlap 0.9, only shifts with overlap
	// (64-|dx|)(64-|dy|) >= 0.9*64*64 count: a true shift of 8 is missed.
	big := texture(6, 100, 100)
	a, b := crop(big, 10, 10, Size, Size), crop(big, 18, 10, Size, Size)
	o := Options{MaxShift: 16, MinOverlap: 0.9}
	if _, dx, _ := Match(mustTemplate(t, a, &o), mustTemplate(t, b, &o)); dx == -8 {
		t.Error("shift with overlap below MinOverlap found")
	}
	o.MinOverlap = 0.5
	if s, dx, dy := Match(mustTemplate(t, a, &o), mustTemplate(t, b, &o)); dx != -8 || dy != 0 || s < 0.99 {
		t.Errorf("MinOverlap 0.5: (%d, %d) score %g", dx, dy, s)
	}
}

func TestCompareAllocs(t *testing.T) {
	a, b := mustTemplate(t, texture(1, 64, 64), nil), mustTemplate(t, texture(2, 64, 64), nil)
	if n := testing.AllocsPerRun(10, func() { Compare(a, b) }); n != 0 {
		t.Errorf("Compare allocates %g times", n)
	}
}

func BenchmarkCompare(b *testing.B) {
	for _, shift := range []int{0, 2, 4, 8} {
		o := Options{MaxShift: shift, MinOverlap: 0.5, Flatten: 8}
		x, y := mustTemplate(b, texture(1, 128, 128), &o), mustTemplate(b, texture(2, 128, 128), &o)
		b.Run(fmt.Sprintf("S=%d", shift), func(b *testing.B) {
			for b.Loop() {
				Compare(x, y)
			}
		})
	}
}

func BenchmarkNewTemplate(b *testing.B) {
	img := texture(1, 128, 128)
	for b.Loop() {
		NewTemplate(img, nil)
	}
}
