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
// a caller should, before decoding; inputs that do not decode are read as raw
// pixels (see decodeOrRaw). It seeds from testdata's golden PNGs and a few
// synthetic edge cases.
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
		img := decodeOrRaw(data)
		if img == nil {
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
		// 1 with fullOverlap valid cells or more, less with fewer (see
		// overlapScore).
		if s, want := Compare(tp, tp), overlapScore(tp.nVein, tp.nVein, tp.nVein, tp.nValid); s != want || s > 1 || (tp.nValid >= fullOverlap && s != 1) {
			t.Fatalf("template of %d valid cells scores %v against itself, want %v", tp.nValid, s, want)
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

// decodeOrRaw decodes data as an encoded image, rejecting huge ones from
// their header. Data that is not an image (most mutations of one) is read
// as raw grey pixels instead, so that the fuzzer reaches Extract: width
// 1+data[0]%160, height 1+data[1]%160, the rest of data repeated over the
// pixels. It returns nil for fewer than 3 bytes and for huge images.
func decodeOrRaw(data []byte) image.Image {
	if cfg, _, err := image.DecodeConfig(bytes.NewReader(data)); err == nil {
		if cfg.Width > 1024 || cfg.Height > 1024 || cfg.Width*cfg.Height > 1<<18 {
			return nil
		}
		if img, _, err := image.Decode(bytes.NewReader(data)); err == nil {
			return img
		}
	}
	if len(data) < 3 {
		return nil
	}
	w, h := 1+int(data[0])%160, 1+int(data[1])%160
	g := image.NewGray(image.Rect(0, 0, w, h))
	px := data[2:]
	for i := range g.Pix {
		g.Pix[i] = px[i%len(px)]
	}
	return g
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
