package vein

import (
	"errors"
	"image"
	"image/color"
	"math/rand/v2"
	"slices"
	"sync"
	"testing"

	"github.com/palmid/palmid/internal/fimg"
	"github.com/palmid/palmid/synth"
)

// testROIs renders the NIRVein (and NIRPalm) ground-truth ROIs of n
// identities x 2 samples of synth seed 3 once.
var testROIs = sync.OnceValues(func() (veins, palms []*image.Gray) {
	for i := range 4 {
		id := synth.NewIdentity(3, i)
		for s := range 2 {
			p, v := id.RenderDevice(s, nil)
			pr, err1 := p.TruthROI(128)
			vr, err2 := v.TruthROI(128)
			if err1 == nil && err2 == nil {
				veins, palms = append(veins, vr), append(palms, pr)
			}
		}
	}
	return veins, palms
})

func mustTemplate(t testing.TB, roi image.Image) *Template {
	t.Helper()
	tp, err := NewTemplate(roi)
	if err != nil {
		t.Fatal(err)
	}
	return tp
}

func TestExtractMaps(t *testing.T) {
	veins, _ := testROIs()
	v, err := Extract(veins[0])
	if err != nil {
		t.Fatal(err)
	}
	for _, n := range []int{len(v.Enhanced), len(v.Prob), len(v.Vein), len(v.Mask)} {
		if n != Size*Size {
			t.Fatalf("map of %d samples, want %d", n, Size*Size)
		}
	}
	nv, nm := 0, 0
	for i := range v.Prob {
		if p := v.Prob[i]; p < 0 || p > 1 {
			t.Fatalf("Prob[%d] = %v outside [0, 1]", i, p)
		}
		if e := v.Enhanced[i]; e < 0 || e > 1 {
			t.Fatalf("Enhanced[%d] = %v outside [0, 1]", i, e)
		}
		if v.Vein[i] && !v.Mask[i] {
			t.Fatalf("vein pixel %d outside the mask", i)
		}
		if v.Vein[i] {
			nv++
		}
		if v.Mask[i] {
			nm++
		}
	}
	if f := float64(nv) / float64(nm); f < VeinFraction-0.05 || f > VeinFraction+0.01 {
		t.Errorf("vein fraction %.3f, want about %v", f, VeinFraction)
	}
}

// TestVesselnessLine checks that a dark line on a bright ground scores
// high on the line and low beside it, and that a bright line scores 0.
func TestVesselnessLine(t *testing.T) {
	for _, dark := range []bool{true, false} {
		m := fimg.New(Size, Size)
		for i := range m.Pix {
			m.Pix[i] = 0.5
		}
		for y := range Size {
			for x := 30; x <= 33; x++ {
				if dark {
					m.Pix[y*Size+x] = 0.3
				} else {
					m.Pix[y*Size+x] = 0.7
				}
			}
		}
		valid := make([]bool, Size*Size)
		for i := range valid {
			valid[i] = true
		}
		dst := fimg.New(Size, Size)
		vesselnessTo(dst, m, []float64{1.5, 2.25, 3}, valid)
		on, off := dst.Pix[32*Size+31], dst.Pix[32*Size+10]
		if dark && (on <= 0 || off > on/100) {
			t.Errorf("dark line: vesselness %v on the line, %v away", on, off)
		}
		if !dark && on != 0 {
			t.Errorf("bright line: vesselness %v, want 0", on)
		}
	}
}

func TestExtractErrors(t *testing.T) {
	if _, err := Extract(image.NewGray(image.Rect(0, 0, 0, 0))); !errors.Is(err, ErrEmptyROI) {
		t.Errorf("empty: %v, want ErrEmptyROI", err)
	}
	black := image.NewGray(image.Rect(0, 0, 128, 128))
	if _, err := Extract(black); !errors.Is(err, ErrFlatROI) {
		t.Errorf("black: %v, want ErrFlatROI", err)
	}
	grey := image.NewUniform(color.Gray{128})
	if _, err := NewTemplate(&clipped{grey, image.Rect(0, 0, 128, 128)}); !errors.Is(err, ErrFlatROI) {
		t.Errorf("uniform grey: %v, want ErrFlatROI", err)
	}
}

type clipped struct {
	image.Image
	r image.Rectangle
}

func (c *clipped) Bounds() image.Rectangle { return c.r }

func TestCompare(t *testing.T) {
	veins, _ := testROIs()
	a := mustTemplate(t, veins[0])
	if s := Compare(a, a); s != 1 {
		t.Errorf("self score %v, want 1", s)
	}
	b := mustTemplate(t, veins[1])
	c := mustTemplate(t, veins[2])
	gen, imp := Compare(a, b), Compare(a, c)
	t.Logf("genuine %.3f, impostor %.3f", gen, imp)
	if gen <= imp {
		t.Errorf("genuine %.3f not above impostor %.3f", gen, imp)
	}
	if Compare(a, b) != Compare(b, a) {
		t.Errorf("Compare not symmetric: %v, %v", Compare(a, b), Compare(b, a))
	}
	var zero Template
	if s := Compare(a, &zero); s != 0 {
		t.Errorf("zero template scores %v", s)
	}
}

// TestMatchShift shifts a ROI by whole cells and checks that Match finds
// the shift.
func TestMatchShift(t *testing.T) {
	veins, _ := testROIs()
	src := veins[0]
	a := mustTemplate(t, src)
	for _, d := range []image.Point{{8, 0}, {0, -8}, {-12, 4}} {
		sh := image.NewGray(src.Rect)
		for y := range 128 {
			for x := range 128 {
				sx, sy := min(max(x+d.X, 0), 127), min(max(y+d.Y, 0), 127)
				sh.Pix[y*sh.Stride+x] = src.Pix[sy*src.Stride+sx]
			}
		}
		b := mustTemplate(t, sh)
		s, dx, dy := Match(a, b)
		if dx != -d.X/4 || dy != -d.Y/4 || s < 0.6 {
			t.Errorf("shift %v: score %.3f at (%d, %d), want (%d, %d)", d, s, dx, dy, -d.X/4, -d.Y/4)
		}
	}
}

func TestCompareAllocs(t *testing.T) {
	veins, _ := testROIs()
	a, b := mustTemplate(t, veins[0]), mustTemplate(t, veins[1])
	if n := testing.AllocsPerRun(100, func() { Compare(a, b) }); n != 0 {
		t.Errorf("Compare allocates %v times", n)
	}
}

func TestConcurrentUse(t *testing.T) {
	veins, _ := testROIs()
	a, b := mustTemplate(t, veins[0]), mustTemplate(t, veins[1])
	want := Compare(a, b)
	var wg sync.WaitGroup
	for range 4 {
		wg.Go(func() {
			for range 50 {
				if s := Compare(a, b); s != want {
					t.Errorf("concurrent Compare %v, want %v", s, want)
					return
				}
			}
			if _, err := NewTemplate(veins[2]); err != nil {
				t.Error(err)
			}
		})
	}
	wg.Wait()
}

func TestMarshalRoundTrip(t *testing.T) {
	veins, _ := testROIs()
	a := mustTemplate(t, veins[0])
	data, err := a.MarshalBinary()
	if err != nil {
		t.Fatal(err)
	}
	if len(data) != templateLen {
		t.Fatalf("%d bytes, want %d", len(data), templateLen)
	}
	var b Template
	if err := b.UnmarshalBinary(data); err != nil {
		t.Fatal(err)
	}
	if b != *a {
		t.Error("round trip changed the template")
	}
	var zero Template
	if _, err := zero.MarshalBinary(); !errors.Is(err, ErrTemplateFormat) {
		t.Errorf("zero template: %v, want ErrTemplateFormat", err)
	}
	bad := func(f func(d []byte) []byte) []byte { return f(slices.Clone(data)) }
	for _, c := range []struct {
		name string
		data []byte
		want error
	}{
		{"nil", nil, ErrTemplateFormat},
		{"short", data[:len(data)-1], ErrTemplateFormat},
		{"long", append(slices.Clone(data), 0), ErrTemplateFormat},
		{"magic", bad(func(d []byte) []byte { d[0] = 'X'; return d }), ErrTemplateFormat},
		{"version", bad(func(d []byte) []byte { d[2] = TemplateVersion + 1; return d }), ErrTemplateVersion},
		{"version 1", bad(func(d []byte) []byte { d[2] = 1; return d }), ErrTemplateVersion},
		{"grid", bad(func(d []byte) []byte { d[3] = 64; return d }), ErrTemplateFormat},
		{"checksum", bad(func(d []byte) []byte { d[10] ^= 1; return d }), ErrTemplateFormat},
	} {
		b := *a
		if err := b.UnmarshalBinary(c.data); !errors.Is(err, c.want) {
			t.Errorf("%s: %v, want %v", c.name, err, c.want)
		}
		if b != *a {
			t.Errorf("%s: receiver changed on error", c.name)
		}
	}
}

// FuzzUnmarshal checks that UnmarshalBinary never panics, and that what it
// accepts re-encodes to the same bytes and matches itself with score 1.
func FuzzUnmarshal(f *testing.F) {
	veins, _ := testROIs()
	for _, r := range veins[:2] {
		d, err := mustTemplate(f, r).MarshalBinary()
		if err != nil {
			f.Fatal(err)
		}
		f.Add(d)
	}
	f.Add([]byte("VT\x01\x20"))
	f.Fuzz(func(t *testing.T, data []byte) {
		var tp Template
		if err := tp.UnmarshalBinary(data); err != nil {
			return
		}
		again, err := tp.MarshalBinary()
		if err != nil {
			t.Fatal(err)
		}
		if string(again) != string(data) {
			t.Fatal("re-encoding differs")
		}
		if s := Compare(&tp, &tp); s != 1 {
			t.Fatalf("self score %v", s)
		}
	})
}

// TestLiveness compares the vesselness energy of synthetic live NIRVein
// ROIs with simulated presentation attacks of the same ROIs: a print (a
// third of the contrast, blurred, with paper grain) and a silicone cast
// (uniform with sensor noise), and logs the values.
func TestLiveness(t *testing.T) {
	veins, palms := testROIs()
	rng := rand.New(rand.NewPCG(1, 2))
	var live, print, cast, surface []float64
	for k, v := range veins {
		e, err := Liveness(v)
		if err != nil {
			t.Fatal(err)
		}
		live = append(live, e)
		if e, err = Liveness(palms[k]); err == nil {
			surface = append(surface, e)
		}
		m := fimg.FromImage(v)
		var mean float32
		for _, p := range m.Pix {
			mean += p
		}
		mean /= float32(len(m.Pix))
		fimg.BlurTo(m, m, 1.5)
		for i, p := range m.Pix {
			m.Pix[i] = mean + (p-mean)/3 + float32(rng.NormFloat64()*0.005)
		}
		if e, err = Liveness(m.Gray()); err == nil {
			print = append(print, e)
		}
		for i := range m.Pix {
			m.Pix[i] = 0.5 + float32(rng.NormFloat64()*0.01)
		}
		if e, err = Liveness(m.Gray()); err == nil {
			cast = append(cast, e)
		}
	}
	t.Logf("vesselness energy: live NIRVein %.4f, NIRPalm surface %.4f, print %.4f, silicone %.4f (min of live, max of others; %d ROIs)",
		slices.Min(live), slices.Max(surface), slices.Max(print), slices.Max(cast), len(live))
	if slices.Min(live) <= 1.5*slices.Max(print) || slices.Min(live) <= 3*slices.Max(cast) {
		t.Errorf("live energy %.4f not well above attacks (print %.4f, silicone %.4f)",
			slices.Min(live), slices.Max(print), slices.Max(cast))
	}
}
