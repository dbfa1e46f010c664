package vein

import (
	"flag"
	"fmt"
	"image"
	"image/png"
	"os"
	"path/filepath"
	"testing"

	"github.com/palmid/palmid/synth"
)

var update = flag.Bool("update", false, "rewrite the golden images in testdata")

// goldenCases are the synth captures of the golden images: population seed,
// identity and sample of a device capture's NIRVein ground-truth ROI.
var goldenCases = []struct {
	seed           uint64
	identity, samp int
}{{3, 0, 0}, {3, 1, 1}, {5, 2, 0}}

// goldenMaps renders the Extract maps of one case as images: the enhanced
// image (invalid pixels black) and the vessels (vein 255, valid 80, invalid
// 0), Size x Size.
func goldenMaps(t *testing.T, seed uint64, identity, sample int) (enhanced, vessels *image.Gray) {
	t.Helper()
	_, v := synth.NewIdentity(seed, identity).RenderDevice(sample, nil)
	roi, err := v.TruthROI(128)
	if err != nil {
		t.Fatal(err)
	}
	ves, err := Extract(roi)
	if err != nil {
		t.Fatal(err)
	}
	enhanced = image.NewGray(image.Rect(0, 0, Size, Size))
	vessels = image.NewGray(image.Rect(0, 0, Size, Size))
	for i := range ves.Mask {
		if !ves.Mask[i] {
			continue
		}
		enhanced.Pix[i] = uint8(min(max(ves.Enhanced[i]*255+0.5, 0), 255))
		vessels.Pix[i] = 80
		if ves.Vein[i] {
			vessels.Pix[i] = 255
		}
	}
	return enhanced, vessels
}

// TestGolden compares Extract's enhanced image and vessel map for fixed synth
// captures with testdata/synth<seed>-<identity>-<sample>-{enhanced,vessels}.png.
// Small differences are tolerated (floating point may differ across
// platforms): enhanced pixels within 3 grey levels for 99.5% of pixels,
// vessel labels equal for 99% of pixels. Run with -update to rewrite the
// images after an intended change, and look at them before committing.
func TestGolden(t *testing.T) {
	for _, c := range goldenCases {
		enh, ves := goldenMaps(t, c.seed, c.identity, c.samp)
		for _, g := range []struct {
			op  string
			img *image.Gray
			ok  func(a, b uint8) bool
			min float64
		}{
			{"enhanced", enh, func(a, b uint8) bool { return int(a)-int(b) <= 3 && int(b)-int(a) <= 3 }, 0.995},
			{"vessels", ves, func(a, b uint8) bool { return a == b }, 0.99},
		} {
			name := filepath.Join("testdata", fmt.Sprintf("synth%d-%d-%d-%s.png", c.seed, c.identity, c.samp, g.op))
			if *update {
				if err := writeGray(name, g.img); err != nil {
					t.Fatal(err)
				}
				continue
			}
			want, err := readGray(name)
			if err != nil {
				t.Fatalf("%v (run go test -run Golden ./vein -update to create it)", err)
			}
			if want.Rect != g.img.Rect {
				t.Errorf("%s: size %v, got %v", name, want.Rect, g.img.Rect)
				continue
			}
			same := 0
			for i := range want.Pix {
				if g.ok(want.Pix[i], g.img.Pix[i]) {
					same++
				}
			}
			if f := float64(same) / float64(len(want.Pix)); f < g.min {
				t.Errorf("%s: %.2f%% of pixels agree, want %.1f%% (rerun with -update if the change is intended)", name, 100*f, 100*g.min)
			}
		}
	}
}

func writeGray(name string, img *image.Gray) error {
	f, err := os.Create(name)
	if err != nil {
		return err
	}
	if err := png.Encode(f, img); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

func readGray(name string) (*image.Gray, error) {
	f, err := os.Open(name)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	img, err := png.Decode(f)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	g, ok := img.(*image.Gray)
	if !ok {
		return nil, fmt.Errorf("%s: %T, want a grey PNG", name, img)
	}
	return g, nil
}
