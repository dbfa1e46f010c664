package palm

import (
	"errors"
	"fmt"
	"image"
	"image/color"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/palmid/palmid/internal/dataset"
	"github.com/palmid/palmid/synth"
)

// landmarkLine formats FindROI's verdict on one image: the three valleys
// and the side, or the error's name.
func landmarkLine(name string, hd *Hand, err error) string {
	if err != nil {
		return fmt.Sprintf("%s\t%s", name, errName(err))
	}
	v := hd.Landmarks.Valleys
	return fmt.Sprintf("%s\tok\t%.1f\t%.1f\t%.1f\t%.1f\t%.1f\t%.1f\t%v", name, v[0].X, v[0].Y, v[1].X, v[1].Y, v[2].X, v[2].Y, hd.Landmarks.Side)
}

// compareLandmarks compares got with the golden file, line by line: the same
// verdicts, and valleys within tol pixels (so that floating-point
// differences between platforms do not fail the test).
func compareLandmarks(t *testing.T, file string, got []string, tol float64) {
	t.Helper()
	if *update {
		if err := os.WriteFile(file, []byte(strings.Join(got, "\n")+"\n"), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	data, err := os.ReadFile(file)
	if err != nil {
		t.Fatalf("%v (run go test -run %s -update to create it)", err, t.Name())
	}
	want := map[string]string{}
	for _, l := range strings.Split(strings.TrimSpace(string(data)), "\n") {
		if i := strings.IndexByte(l, '\t'); i > 0 {
			want[l[:i]] = l
		}
	}
	for _, g := range got {
		name := g[:strings.IndexByte(g, '\t')]
		w, ok := want[name]
		if !ok {
			t.Errorf("%s: not in %s (run with -update)", name, file)
			continue
		}
		gf, wf := strings.Split(g, "\t"), strings.Split(w, "\t")
		if len(gf) != len(wf) || gf[1] != wf[1] || gf[len(gf)-1] != wf[len(wf)-1] {
			t.Errorf("%s:\n got %s\nwant %s", name, g, w)
			continue
		}
		for i := 2; i < len(gf)-1; i++ {
			a, _ := strconv.ParseFloat(gf[i], 64)
			b, _ := strconv.ParseFloat(wf[i], 64)
			if math.Abs(a-b) > tol {
				t.Errorf("%s: coordinate %d is %s, golden %s", name, i-2, gf[i], wf[i])
			}
		}
	}
}

// TestGoldenLandmarksSynth pins FindROI's landmarks on fixed synth
// captures (seed 3) in testdata/landmarks-synth.txt; -update rewrites it.
func TestGoldenLandmarksSynth(t *testing.T) {
	var got []string
	for i := range 4 {
		id := synth.NewIdentity(3, i)
		for _, m := range []synth.Modality{synth.Phone, synth.NIRPalm} {
			c := id.Render(m, 0, nil)
			hd, err := FindROI(c.Image, nil)
			got = append(got, landmarkLine(fmt.Sprintf("synth-3-%d-%v-0", i, m), hd, err))
		}
	}
	compareLandmarks(t, filepath.Join("testdata", "landmarks-synth.txt"), got, 0.5)
}

// TestGoldenLandmarksReal pins the landmarks of the real whole-hand images
// of ../shared/data (numbers only: the images stay outside the repository)
// in testdata/landmarks-real.txt; it skips when the data is absent.
func TestGoldenLandmarksReal(t *testing.T) {
	if testing.Short() {
		t.Skip("-short: skipping the real images")
	}
	man, es := realHands(t)
	var got []string
	for _, e := range es {
		img, err := dataset.LoadImage(man.File(e))
		if err != nil {
			continue
		}
		hd, err := FindROI(img, nil)
		got = append(got, landmarkLine(e.Path, hd, err))
	}
	if len(got) == 0 {
		t.Skip("no readable whole-hand images")
	}
	compareLandmarks(t, filepath.Join("testdata", "landmarks-real.txt"), got, 1)
}

// FuzzFindROI runs image -> ROI -> code on small images built from the
// fuzzer's bytes: width and height from the first two bytes (32 to 95),
// grey, RGB or 16-bit grey from the third, pixels from the rest (repeated).
// Nothing may panic, and a ROI must have the size asked for.
func FuzzFindROI(f *testing.F) {
	f.Add([]byte{0, 0, 0, 0})
	f.Add([]byte{10, 20, 1, 255, 0, 128})
	f.Add([]byte{63, 63, 2, 1, 2, 3, 4, 5, 6, 7, 8, 9})
	// a small synth hand
	c := synth.NewIdentity(2, 0).Render(synth.NIRPalm, 0, &synth.Options{Width: 96, Height: 72, PxPerMM: 0.4})
	seed := []byte{64, 40, 0}
	g := c.Image.(*image.Gray)
	for y := 0; y < 72; y++ {
		for x := 0; x < 96; x++ {
			seed = append(seed, g.Pix[y*g.Stride+x])
		}
	}
	f.Add(seed)
	f.Fuzz(func(t *testing.T, data []byte) {
		if len(data) < 4 {
			return
		}
		w, h := 32+int(data[0])%64, 32+int(data[1])%64
		px := data[3:]
		at := func(i int) uint8 { return px[i%len(px)] }
		var img image.Image
		switch data[2] % 3 {
		case 0:
			m := image.NewGray(image.Rect(0, 0, w, h))
			for i := range m.Pix {
				m.Pix[i] = at(i)
			}
			img = m
		case 1:
			m := image.NewRGBA(image.Rect(0, 0, w, h))
			for i := 0; i < w*h; i++ {
				m.SetRGBA(i%w, i/w, color.RGBA{at(3 * i), at(3*i + 1), at(3*i + 2), 255})
			}
			img = m
		default:
			m := image.NewGray16(image.Rect(0, 0, w, h))
			for i := 0; i < w*h; i++ {
				m.SetGray16(i%w, i/w, color.Gray16{uint16(at(2*i))<<8 | uint16(at(2*i+1))})
			}
			img = m
		}
		hd, err := FindROI(img, &Options{ROISize: 32})
		if err != nil {
			for _, e := range []error{ErrNoHand, ErrFingersClosed, ErrTooBlurry, ErrTooDark, ErrTooBright, ErrPartialPalm, ErrTooNear, ErrTooFar, ErrImageTooSmall} {
				if errors.Is(err, e) {
					return
				}
			}
			t.Fatalf("FindROI: unexpected error %v", err)
		}
		if b := hd.ROI.Bounds(); b.Dx() != 32 || b.Dy() != 32 {
			t.Fatalf("ROI is %v, want 32 x 32", b)
		}
		NewCode(hd.ROI) // may refuse a flat ROI, must not panic
	})
}
