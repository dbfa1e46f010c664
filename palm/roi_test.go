package palm

import (
	"errors"
	"image"
	"image/color"
	"math"
	"sync"
	"testing"

	"github.com/palmid/palmid/internal/fimg"
	"github.com/palmid/palmid/internal/roi"
	"github.com/palmid/palmid/synth"
)

// bigImage is a 12000 x 9000 image computed on the fly: FindROI must sample
// it, not convert it.
type bigImage struct{}

func (bigImage) ColorModel() color.Model { return color.RGBAModel }
func (bigImage) Bounds() image.Rectangle { return image.Rect(0, 0, 12000, 9000) }
func (bigImage) At(x, y int) color.Color {
	v := uint8((x/97 + y/89) * 37)
	return color.RGBA{v, v / 2, 255 - v, 255}
}

func uniform(w, h int, v uint8) *image.Gray {
	g := image.NewGray(image.Rect(0, 0, w, h))
	for i := range g.Pix {
		g.Pix[i] = v
	}
	return g
}

// blobs draws a few ellipses, none hand-shaped.
func blobs() *image.RGBA {
	m := image.NewRGBA(image.Rect(0, 0, 400, 300))
	for y := 0; y < 300; y++ {
		for x := 0; x < 400; x++ {
			c := color.RGBA{40, 60, 90, 255}
			if dx, dy := float64(x-150)/90, float64(y-150)/60; dx*dx+dy*dy < 1 {
				c = color.RGBA{220, 170, 140, 255} // skin-coloured ellipse
			}
			if dx, dy := float64(x-320)/40, float64(y-80)/40; dx*dx+dy*dy < 1 {
				c = color.RGBA{200, 200, 60, 255}
			}
			m.Set(x, y, c)
		}
	}
	return m
}

func TestFindROIRejects(t *testing.T) {
	for _, tc := range []struct {
		name string
		img  image.Image
		want []error
	}{
		{"nil", nil, []error{ErrImageTooSmall}},
		{"1x1", uniform(1, 1, 128), []error{ErrImageTooSmall}},
		{"31x200", uniform(31, 200, 128), []error{ErrImageTooSmall}},
		{"empty", image.NewGray(image.Rect(5, 5, 5, 5)), []error{ErrImageTooSmall}},
		{"black", uniform(640, 480, 0), []error{ErrTooDark}},
		{"white", uniform(640, 480, 255), []error{ErrTooBright}},
		{"grey", uniform(640, 480, 128), []error{ErrNoHand}},
		{"100MP pattern", bigImage{}, []error{ErrNoHand, ErrFingersClosed}},
		{"blobs", blobs(), []error{ErrNoHand}},
		{"16-bit black", image.NewGray16(image.Rect(0, 0, 300, 200)), []error{ErrTooDark}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			hd, err := FindROI(tc.img, nil)
			ok := false
			for _, w := range tc.want {
				ok = ok || errors.Is(err, w)
			}
			if !ok {
				t.Errorf("FindROI: %v (hand %v), want one of %v", err, hd != nil, tc.want)
			}
		})
	}
	if _, err := FindROI(uniform(64, 64, 0), &Options{ROISize: 4}); err == nil {
		t.Error("ROISize 4 accepted")
	}
}

// TestCutMatchesTruthROI checks that the ROI construction is synth's: the
// ground-truth valleys cut through cutROI give synth.TruthROI exactly.
func TestCutMatchesTruthROI(t *testing.T) {
	for _, m := range []synth.Modality{synth.Phone, synth.NIRPalm} {
		c := synth.NewIdentity(5, 2).Render(m, 0, nil)
		want, err := c.TruthROI(128)
		if err != nil {
			t.Fatal(err)
		}
		p := func(q synth.Point) roi.Point { return roi.Point{X: q.X, Y: q.Y} }
		f, _ := roi.FromValleys(p(c.Truth.Valleys[0]), p(c.Truth.Valleys[2]), p(c.Truth.Centre))
		got := cutROI(c.Image, f, 128)
		for i := range want.Pix {
			if got.Pix[i] != want.Pix[i] {
				t.Fatalf("%v: ROI pixel %d is %d, synth.TruthROI has %d", m, i, got.Pix[i], want.Pix[i])
			}
		}
	}
}

func TestFindROISynth(t *testing.T) {
	id := synth.NewIdentity(5, 1)
	palmCap, vein := id.RenderDevice(0, nil)
	hd, err := FindROI(palmCap.Image, nil)
	if err != nil {
		t.Fatal(err)
	}
	if b := hd.ROI.Bounds(); b.Dx() != 128 || b.Dy() != 128 {
		t.Fatalf("ROI is %v", b)
	}
	pw := palmCap.Truth.PalmWidth * palmCap.Truth.PxPerMM
	for k, v := range hd.Landmarks.Valleys {
		tv := palmCap.Truth.Valleys[k]
		if e := math.Hypot(v.X-tv.X, v.Y-tv.Y) / pw; e > 0.06 {
			t.Errorf("valley %d at (%.1f, %.1f), truth (%.1f, %.1f): %.1f%% of palm width", k, v.X, v.Y, tv.X, tv.Y, 100*e)
		}
	}
	want := Right
	if id.Hand == synth.Left {
		want = Left
	}
	if hd.Landmarks.Side != want {
		t.Errorf("side %v, want %v", hd.Landmarks.Side, want)
	}
	// Cut on the same image gives the ROI; on the vein frame of the same
	// pose it gives a ROI of the same size.
	again, err := hd.Cut(palmCap.Image)
	if err != nil {
		t.Fatal(err)
	}
	for i := range again.Pix {
		if again.Pix[i] != hd.ROI.Pix[i] {
			t.Fatal("Cut on the same image differs from the ROI")
		}
	}
	if v, err := hd.Cut(vein.Image); err != nil || v.Bounds() != hd.ROI.Bounds() {
		t.Errorf("Cut(vein): %v, %v", v.Bounds(), err)
	}
	if _, err := hd.Cut(uniform(10, 10, 0)); err == nil {
		t.Error("Cut accepted an image of another size")
	}
	// ROI size option
	hd2, err := FindROI(palmCap.Image, &Options{ROISize: 64})
	if err != nil || hd2.ROI.Bounds().Dx() != 64 {
		t.Errorf("ROISize 64: %v", err)
	}
	// the sink sees every stage
	seen := map[string]bool{}
	FindROI(palmCap.Image, &Options{Sink: func(n string, _ image.Image) { seen[n] = true }})
	for _, n := range []string{"mask", "contour", "keypoints", "roi"} {
		if !seen[n] {
			t.Errorf("sink did not receive %q", n)
		}
	}
	// codes from the ROI
	if _, err := NewCode(hd.ROI); err != nil {
		t.Errorf("NewCode on the ROI: %v", err)
	}
}

// TestQualityRejects degrades a good capture until FindROI refuses it.
func TestQualityRejects(t *testing.T) {
	c := synth.NewIdentity(5, 1).Render(synth.NIRPalm, 0, nil)
	g := c.Image.(*image.Gray)
	dark := image.NewGray(g.Rect)
	bright := image.NewGray(g.Rect)
	for i, v := range g.Pix {
		dark.Pix[i] = v / 12
		bright.Pix[i] = uint8(min(255, int(v)*4))
	}
	if _, err := FindROI(dark, nil); !errors.Is(err, ErrTooDark) {
		t.Errorf("dark: %v, want ErrTooDark", err)
	}
	if _, err := FindROI(bright, nil); !errors.Is(err, ErrTooBright) {
		t.Errorf("bright: %v, want ErrTooBright", err)
	}
	// a heavy defocus: a 17 x 17 box, twice
	w := g.Rect.Dx()
	src := fimg.FromImage(g)
	box := fimg.New(1, 17)
	for i := range box.Pix {
		box.Pix[i] = 1.0 / 17
	}
	for range 2 {
		fimg.SeparableTo(src, src, box.Pix, box.Pix)
	}
	blur := src.Gray()
	if _, err := FindROI(blur, nil); !errors.Is(err, ErrTooBlurry) && !errors.Is(err, ErrFingersClosed) {
		hd, _ := FindROI(blur, nil)
		t.Errorf("blurred: %v, want ErrTooBlurry (%+v)", err, hd.Quality)
	}
	// the palm cut by the frame
	crop := g.SubImage(image.Rect(0, 0, w, int(c.Truth.Centre.Y))).(*image.Gray)
	if _, err := FindROI(crop, nil); err == nil {
		t.Error("a frame cutting the palm in half was accepted")
	}
}

// TestFindROIConcurrent runs FindROI on phone photos and NIR frames from
// several goroutines at once (run with -race): its pooled buffers must not
// pass from call to call, so every result equals the one of a call alone.
func TestFindROIConcurrent(t *testing.T) {
	var imgs []image.Image
	for i := range 2 {
		for _, m := range []synth.Modality{synth.Phone, synth.NIRPalm} {
			imgs = append(imgs, synth.NewIdentity(5, i).Render(m, 0, nil).Image)
		}
	}
	imgs = append(imgs, blobs(), uniform(64, 48, 0))
	type result struct {
		hand *Hand
		err  string
	}
	run := func(img image.Image) result {
		hd, err := FindROI(img, nil)
		r := result{hand: hd}
		if err != nil {
			r.err = err.Error()
		}
		return r
	}
	want := make([]result, len(imgs))
	for i, img := range imgs {
		want[i] = run(img)
	}
	same := func(a, b result) bool {
		if a.err != b.err || (a.hand == nil) != (b.hand == nil) {
			return false
		}
		if a.hand == nil {
			return true
		}
		return a.hand.Landmarks.Valleys == b.hand.Landmarks.Valleys && a.hand.Corners == b.hand.Corners &&
			a.hand.Quality == b.hand.Quality && string(a.hand.ROI.Pix) == string(b.hand.ROI.Pix)
	}
	var wg sync.WaitGroup
	for g := range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for k := range 2 * len(imgs) {
				i := (g + k) % len(imgs)
				if got := run(imgs[i]); !same(got, want[i]) {
					t.Errorf("goroutine %d, image %d: result differs from a call alone (error %q, want %q)", g, i, got.err, want[i].err)
				}
			}
		}()
	}
	wg.Wait()
}

// TestRequireOpen: with Options.RequireOpen a hand with a closed valley is
// rejected, with its Hand for feedback, and a hand with all valleys open is
// not.
func TestRequireOpen(t *testing.T) {
	opts := &Options{RequireOpen: true}
	for _, tc := range []struct {
		identity, sample int
		open             bool
	}{{0, 0, true}, {1, 0, false}} {
		c := synth.NewIdentity(31, tc.identity).Render(synth.NIRPalm, tc.sample, &synth.Options{Difficulty: synth.Realistic})
		plain, err := FindROI(c.Image, nil)
		if err != nil {
			t.Fatalf("identity %d: %v", tc.identity, err)
		}
		if got := plain.Landmarks.Open == [3]bool{true, true, true}; got != tc.open {
			t.Fatalf("identity %d: valleys open %v, the test wants all open %v", tc.identity, plain.Landmarks.Open, tc.open)
		}
		hd, err := FindROI(c.Image, opts)
		switch {
		case tc.open && err != nil:
			t.Errorf("identity %d, all valleys open: %v", tc.identity, err)
		case !tc.open && !errors.Is(err, ErrFingersClosed):
			t.Errorf("identity %d, valleys %v: error %v, want ErrFingersClosed", tc.identity, plain.Landmarks.Open, err)
		case hd == nil || hd.Landmarks.Valleys != plain.Landmarks.Valleys:
			t.Errorf("identity %d: RequireOpen returned another hand (%v)", tc.identity, err)
		}
		if err != nil {
			t.Log(err)
		}
	}
}
