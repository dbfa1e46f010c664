package dataset

import (
	"bytes"
	"errors"
	"fmt"
	"image"
	"image/color"
	"image/jpeg"
	"image/png"
	"os"
	"path/filepath"
	"runtime"
	"testing"

	"golang.org/x/image/bmp"
	"golang.org/x/image/tiff"
)

// ramp returns a w x h grey ramp.
func ramp(w, h int) *image.Gray {
	g := image.NewGray(image.Rect(0, 0, w, h))
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			g.SetGray(x, y, color.Gray{uint8((x*255/(w-1) + y) % 256)})
		}
	}
	return g
}

func pgm(w, h, maxval int, raster []byte) []byte {
	return append([]byte(fmt.Sprintf("P5\n# a comment\n%d %d\n%d\n", w, h, maxval)), raster...)
}

func TestLoadFormats(t *testing.T) {
	src := ramp(40, 30)
	encoders := map[string]func(*bytes.Buffer) error{
		"png":  func(b *bytes.Buffer) error { return png.Encode(b, src) },
		"jpeg": func(b *bytes.Buffer) error { return jpeg.Encode(b, src, &jpeg.Options{Quality: 100}) },
		"bmp":  func(b *bytes.Buffer) error { return bmp.Encode(b, src) },
		"tiff": func(b *bytes.Buffer) error { return tiff.Encode(b, src, nil) },
		"pgm":  func(b *bytes.Buffer) error { _, err := b.Write(pgm(40, 30, 255, src.Pix)); return err },
	}
	dir := t.TempDir()
	for format, enc := range encoders {
		var buf bytes.Buffer
		if err := enc(&buf); err != nil {
			t.Fatal(err)
		}
		// A misleading extension: formats are found by content.
		name := filepath.Join(dir, "img-"+format+".dat")
		if err := os.WriteFile(name, buf.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
		_, got, err := Decode(buf.Bytes())
		if err != nil || got != format {
			t.Errorf("%s: Decode says %q, %v", format, got, err)
		}
		g, err := LoadGray(name)
		if err != nil {
			t.Errorf("%s: %v", format, err)
			continue
		}
		if g.W != 40 || g.H != 30 {
			t.Errorf("%s: size %dx%d", format, g.W, g.H)
			continue
		}
		tol := 1.0 / 255
		if format == "jpeg" {
			tol = 4.0 / 255
		}
		for y := 0; y < 30; y++ {
			for x := 0; x < 40; x++ {
				want := float64(src.GrayAt(x, y).Y) / 255
				if d := float64(g.At(x, y)) - want; d > tol || d < -tol {
					t.Fatalf("%s: pixel (%d,%d) = %g, want %g", format, x, y, g.At(x, y), want)
				}
			}
		}
	}
}

func TestPGM(t *testing.T) {
	// 8-bit with maxval 15: rescaled to 0..255.
	img, err := DecodePGM(bytes.NewReader(pgm(3, 1, 15, []byte{0, 15, 20})))
	if err != nil {
		t.Fatal(err)
	}
	if g := img.(*image.Gray); !bytes.Equal(g.Pix, []byte{0, 255, 255}) {
		t.Errorf("maxval 15: %v", g.Pix)
	}
	// 16-bit big-endian, maxval 1023.
	img, err = DecodePGM(bytes.NewReader(pgm(2, 1, 1023, []byte{0x03, 0xff, 0x01, 0xff})))
	if err != nil {
		t.Fatal(err)
	}
	g16 := img.(*image.Gray16)
	if a, b := g16.Gray16At(0, 0).Y, g16.Gray16At(1, 0).Y; a != 65535 || b < 32700 || b > 32800 {
		t.Errorf("16-bit samples %d %d", a, b)
	}
	cfg, err := DecodePGMConfig(bytes.NewReader(pgm(2, 1, 1023, nil)))
	if err != nil || cfg.Width != 2 || cfg.Height != 1 || cfg.ColorModel != color.Gray16Model {
		t.Errorf("config %+v, %v", cfg, err)
	}
}

func TestPGMErrors(t *testing.T) {
	for name, data := range map[string][]byte{
		"ascii P2":       []byte("P2\n2 2\n255\n0 0 0 0\n"),
		"truncated":      pgm(4, 4, 255, make([]byte, 15)),
		"truncated 16":   pgm(2, 2, 1000, make([]byte, 7)),
		"zero width":     pgm(0, 4, 255, nil),
		"maxval 0":       pgm(1, 1, 0, []byte{0}),
		"maxval 65536":   pgm(1, 1, 65536, []byte{0, 0}),
		"huge number":    []byte("P5 1234567890 1 255\n"),
		"no header end":  []byte("P5 1 1 255"),
		"junk in header": []byte("P5 1x 1 255\n\x00"),
		"empty":          nil,
	} {
		if _, err := DecodePGM(bytes.NewReader(data)); !errors.Is(err, ErrPGM) {
			t.Errorf("%s: error %v, want ErrPGM", name, err)
		}
	}
}

func TestTooLarge(t *testing.T) {
	// The header claims 30000 x 30000; only a few bytes follow.
	data := pgm(30000, 30000, 255, []byte{1, 2, 3})
	if _, _, err := Decode(data); !errors.Is(err, ErrTooLarge) {
		t.Errorf("Decode: %v, want ErrTooLarge", err)
	}
	if _, err := DecodePGM(bytes.NewReader(data)); !errors.Is(err, ErrTooLarge) {
		t.Errorf("DecodePGM: %v, want ErrTooLarge", err)
	}
	// Within the limits but lying: memory is bounded by the input.
	data = pgm(8000, 8000, 65535, []byte{1, 2, 3})
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	if _, err := DecodePGM(bytes.NewReader(data)); !errors.Is(err, ErrPGM) {
		t.Errorf("lying header: %v, want ErrPGM", err)
	}
	runtime.ReadMemStats(&after)
	if d := after.TotalAlloc - before.TotalAlloc; d > 1<<20 {
		t.Errorf("lying 8000x8000 header allocated %d bytes", d)
	}
}

func FuzzDecodePGM(f *testing.F) {
	f.Add(pgm(2, 2, 255, []byte{1, 2, 3, 4}))
	f.Add(pgm(1, 2, 4000, []byte{1, 2, 3, 4}))
	f.Add([]byte("P5 3 1 7 \x01\x02\x09"))
	f.Fuzz(func(t *testing.T, data []byte) {
		cfg, err := DecodePGMConfig(bytes.NewReader(data))
		if err != nil {
			return
		}
		img, err := DecodePGM(bytes.NewReader(data))
		if err != nil {
			return
		}
		if b := img.Bounds(); b.Dx() != cfg.Width || b.Dy() != cfg.Height {
			t.Fatalf("bounds %v, config %dx%d", b, cfg.Width, cfg.Height)
		}
	})
}
