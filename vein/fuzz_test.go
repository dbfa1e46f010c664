package vein

import (
	"bytes"
	"errors"
	"image"
	_ "image/gif" // register GIF for the fuzzer's inputs
	_ "image/jpeg"
	"image/png"
	"os"
	"path/filepath"
	"testing"
)

// FuzzImageToTemplate feeds encoded images through the image → vein
// template path (Extract, Vessels.Template, Skeleton, PADScore) and checks
// that it never panics, fails only with the package's errors, keeps its
// maps in range, and that a template matches itself and survives a
// MarshalBinary round trip. Huge images are rejected from their header, as
// a caller should, before decoding. It seeds from testdata's golden PNGs and
// a few synthetic edge cases.
func FuzzImageToTemplate(f *testing.F) {
	files, _ := filepath.Glob(filepath.Join("testdata", "*.png"))
	for _, name := range files {
		if data, err := os.ReadFile(name); err == nil {
			f.Add(data)
		}
	}
	for _, img := range []image.Image{
		image.NewGray(image.Rect(0, 0, 1, 1)),
		image.NewGray(image.Rect(3, 5, 200, 7)),
		stripes(128, 128),
		image.NewRGBA(image.Rect(0, 0, 40, 90)),
	} {
		var b bytes.Buffer
		if err := png.Encode(&b, img); err != nil {
			f.Fatal(err)
		}
		f.Add(b.Bytes())
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		cfg, _, err := image.DecodeConfig(bytes.NewReader(data))
		if err != nil || cfg.Width > 1024 || cfg.Height > 1024 || cfg.Width*cfg.Height > 1<<18 {
			return
		}
		img, _, err := image.Decode(bytes.NewReader(data))
		if err != nil {
			return
		}
		v, err := Extract(img)
		if err != nil {
			if !errors.Is(err, ErrEmptyROI) && !errors.Is(err, ErrFlatROI) {
				t.Fatalf("Extract: unexpected error %v", err)
			}
			return
		}
		for i := range v.Prob {
			if !(v.Prob[i] >= 0 && v.Prob[i] <= 1) || !(v.Enhanced[i] >= 0 && v.Enhanced[i] <= 1) {
				t.Fatalf("pixel %d: probability %v, enhanced %v", i, v.Prob[i], v.Enhanced[i])
			}
		}
		if s := v.PADScore(); !(s >= 0) {
			t.Fatalf("PADScore %v", s)
		}
		_ = v.BranchPoints()
		tp, err := v.Template()
		if err != nil {
			if !errors.Is(err, ErrFlatROI) {
				t.Fatalf("Template: unexpected error %v", err)
			}
			return
		}
		if s := Compare(tp, tp); s != 1 {
			t.Fatalf("template scores %v against itself", s)
		}
		data2, err := tp.MarshalBinary()
		if err != nil {
			t.Fatal(err)
		}
		var back Template
		if err := back.UnmarshalBinary(data2); err != nil {
			t.Fatalf("round trip: %v", err)
		}
		if back != *tp {
			t.Fatal("round trip changed the template")
		}
	})
}

// stripes is a w x h grey image of dark diagonal lines on a mid-grey ground.
func stripes(w, h int) *image.Gray {
	g := image.NewGray(image.Rect(0, 0, w, h))
	for y := range h {
		for x := range w {
			g.Pix[y*w+x] = 140
			if (x+2*y)%23 < 3 {
				g.Pix[y*w+x] = 90
			}
		}
	}
	return g
}
