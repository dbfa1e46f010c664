package synth

import (
	"bytes"
	"image"
	"testing"
)

func TestAttackDeterministicAndDistinct(t *testing.T) {
	id := NewIdentity(7, 1)
	small := &Options{Width: 400, Height: 300, PxPerMM: 1.2}
	for _, m := range []Modality{Phone, NIRPalm, NIRVein} {
		live := id.Render(m, 0, small)
		if got := id.RenderAttack(Live, m, 0, small); !bytes.Equal(pixels(got.Image), pixels(live.Image)) {
			t.Errorf("%v: RenderAttack(Live) differs from Render", m)
		}
		for _, a := range Attacks {
			x := id.RenderAttack(a, m, 0, small)
			y := NewIdentity(7, 1).RenderAttack(a, m, 0, small)
			if !bytes.Equal(pixels(x.Image), pixels(y.Image)) {
				t.Errorf("%v %v: same arguments gave different pixels", a, m)
			}
			if bytes.Equal(pixels(x.Image), pixels(live.Image)) {
				t.Errorf("%v %v: identical to the live capture", a, m)
			}
			if x.Truth.Attack != a || x.Truth.Modality != m {
				t.Errorf("%v %v: truth says %v %v", a, m, x.Truth.Attack, x.Truth.Modality)
			}
			if x.Truth.Valleys != live.Truth.Valleys {
				t.Errorf("%v %v: pose differs from the live capture's", a, m)
			}
			if x.Image.Bounds() != live.Image.Bounds() {
				t.Errorf("%v %v: bounds %v, live %v", a, m, x.Image.Bounds(), live.Image.Bounds())
			}
		}
	}
	if live := id.Render(NIRVein, 0, nil); live.Truth.Attack != Live {
		t.Errorf("live capture has Attack %v", live.Truth.Attack)
	}
}

// TestAttackAppearance checks the physics each attack stands for on the
// device's NIR images, inside the hand mask: a screen is dark, a print and a
// silicone hand are lit but lack the live palm's vein contrast.
func TestAttackAppearance(t *testing.T) {
	for i := range 3 {
		id := NewIdentity(11, i)
		_, live := id.RenderDevice(0, nil)
		mLive, cLive := roiStats(t, live)
		for _, a := range Attacks {
			p, v := id.RenderAttackDevice(a, 0, nil)
			if p.Truth.Valleys != v.Truth.Valleys {
				t.Fatalf("%v: palm and vein images of one capture have different poses", a)
			}
			mean, contrast := roiStats(t, v)
			switch a {
			case Screen:
				if mean > mLive/3 {
					t.Errorf("identity %d: screen ROI mean %.1f, live %.1f: a screen should look dark", i, mean, mLive)
				}
			default:
				if mean < mLive/2 {
					t.Errorf("identity %d: %v ROI mean %.1f, live %.1f", i, a, mean, mLive)
				}
				if contrast > cLive*0.7 {
					t.Errorf("identity %d: %v local contrast %.4f, live %.4f: veins where there are none", i, a, contrast, cLive)
				}
			}
		}
	}
}

// roiStats returns the mean grey level and the relative band-pass contrast
// (mean |3x3 box mean - 9x9 box mean| / mean, vein-sized detail without the
// pixel noise) of the capture's ground-truth ROI.
func roiStats(t *testing.T, c *Capture) (mean, contrast float64) {
	t.Helper()
	r, err := c.TruthROI(64)
	if err != nil {
		t.Skipf("ROI out of frame: %v", err)
	}
	return grayStats(r)
}

func grayStats(g *image.Gray) (mean, contrast float64) {
	w, h := g.Rect.Dx(), g.Rect.Dy()
	var s float64
	for _, p := range g.Pix {
		s += float64(p)
	}
	mean = s / float64(len(g.Pix))
	box := func(x, y, r int) float64 {
		var b float64
		for dy := -r; dy <= r; dy++ {
			for dx := -r; dx <= r; dx++ {
				b += float64(g.Pix[(y+dy)*g.Stride+x+dx])
			}
		}
		return b / float64((2*r+1)*(2*r+1))
	}
	var d float64
	n := 0
	for y := 4; y < h-4; y++ {
		for x := 4; x < w-4; x++ {
			d += abs64(box(x, y, 1) - box(x, y, 4))
			n++
		}
	}
	return mean, d / float64(n) / mean
}

func abs64(v float64) float64 {
	if v < 0 {
		return -v
	}
	return v
}

func TestParseAttack(t *testing.T) {
	for _, a := range append([]Attack{Live}, Attacks...) {
		got, err := ParseAttack(a.String())
		if err != nil || got != a {
			t.Errorf("ParseAttack(%q) = %v, %v", a, got, err)
		}
	}
	if _, err := ParseAttack("mask"); err == nil {
		t.Error("ParseAttack(mask) accepted")
	}
}
