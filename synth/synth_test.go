package synth

import (
	"bytes"
	"image"
	"math"
	"os"
	"path/filepath"
	"testing"

	"github.com/palmid/palmid/internal/dataset"
)

func pixels(img image.Image) []byte {
	switch m := img.(type) {
	case *image.Gray:
		return m.Pix
	case *image.YCbCr:
		var b bytes.Buffer
		b.Write(m.Y)
		b.Write(m.Cb)
		b.Write(m.Cr)
		return b.Bytes()
	case *image.RGBA:
		return m.Pix
	}
	panic("unexpected image type")
}

func TestDeterministic(t *testing.T) {
	for _, m := range []Modality{Phone, NIRPalm, NIRVein} {
		a := NewIdentity(7, 3).Render(m, 2, nil)
		b := NewIdentity(7, 3).Render(m, 2, nil)
		if !bytes.Equal(pixels(a.Image), pixels(b.Image)) {
			t.Errorf("%v: same seed gave different pixels", m)
		}
		if a.Truth.Valleys != b.Truth.Valleys || !bytes.Equal(a.Truth.Mask.Pix, b.Truth.Mask.Pix) {
			t.Errorf("%v: same seed gave different truth", m)
		}
		c := NewIdentity(7, 3).Render(m, 3, nil)
		if bytes.Equal(pixels(a.Image), pixels(c.Image)) {
			t.Errorf("%v: different samples gave identical pixels", m)
		}
		d := NewIdentity(8, 3).Render(m, 2, nil)
		if bytes.Equal(pixels(a.Image), pixels(d.Image)) {
			t.Errorf("%v: different populations gave identical pixels", m)
		}
	}
}

func TestDevicePairSharesPose(t *testing.T) {
	id := NewIdentity(1, 5)
	p, v := id.RenderDevice(4, nil)
	if p.Truth.Valleys != v.Truth.Valleys || p.Truth.Centre != v.Truth.Centre {
		t.Fatal("palm and vein images of one capture have different poses")
	}
	p2 := id.Render(NIRPalm, 4, nil)
	if !bytes.Equal(p.Image.(*image.Gray).Pix, p2.Image.(*image.Gray).Pix) {
		t.Fatal("RenderDevice and Render(NIRPalm) disagree")
	}
	if p.Truth.Modality != NIRPalm || v.Truth.Modality != NIRVein {
		t.Fatal("wrong modality in truth")
	}
}

// maskAt reports whether the mask is set near (x, y) within r pixels.
func maskNear(m *image.Gray, p Point, r int, want bool) bool {
	cx, cy := int(math.Round(p.X)), int(math.Round(p.Y))
	for dy := -r; dy <= r; dy++ {
		for dx := -r; dx <= r; dx++ {
			x, y := cx+dx, cy+dy
			if !(image.Point{x, y}.In(m.Rect)) {
				continue
			}
			if (m.Pix[y*m.Stride+x] != 0) == want {
				return true
			}
		}
	}
	return false
}

// TestTruthMatchesImage checks the ground truth against the rendered hand:
// valleys lie on the contour (hand and background both within a few pixels),
// the valleys are ordered across the hand, the palm centre lies inside the
// hand, and the orientation points from the centre towards the valleys.
func TestTruthMatchesImage(t *testing.T) {
	var open, closed int
	n := 24
	if testing.Short() {
		n = 6
	}
	defer func() {
		t.Logf("%d open and %d closed valleys", open, closed)
		if n >= 24 && open < 3*closed {
			t.Errorf("too many closed valleys on easy captures")
		}
	}()
	for i := range n {
		id := NewIdentity(11, i)
		for _, m := range []Modality{Phone, NIRPalm} {
			c := id.Render(m, i%3, &Options{Difficulty: Easy})
			tr := &c.Truth
			r := int(math.Ceil(tr.PxPerMM * 2.5)) // 2.5 mm
			for k, v := range tr.Valleys {
				if tr.Occluded > 0 {
					break
				}
				if !tr.ValleysOpen[k] {
					// Fingers held together: the web is inside the hand.
					if !maskNear(tr.Mask, v, r, true) {
						t.Errorf("id %d %v: closed valley %d at %.1f,%.1f is off the hand", i, m, k, v.X, v.Y)
					}
					closed++
					continue
				}
				open++
				if !maskNear(tr.Mask, v, r, true) || !maskNear(tr.Mask, v, r, false) {
					t.Errorf("id %d %v: valley %d at %.1f,%.1f is not on the hand contour", i, m, k, v.X, v.Y)
				}
			}
			cx, cy := int(tr.Centre.X), int(tr.Centre.Y)
			if tr.Occluded == 0 && image.Pt(cx, cy).In(tr.Mask.Rect) && tr.Mask.Pix[cy*tr.Mask.Stride+cx] == 0 {
				t.Errorf("id %d %v: palm centre is off the hand", i, m)
			}
			// The middle valleys are on the finger side of the centre.
			mid := tr.Valleys[1]
			dir := math.Atan2(mid.Y-tr.Centre.Y, mid.X-tr.Centre.X)
			if d := math.Abs(math.Remainder(dir-tr.Orientation, 2*math.Pi)); d > 0.6 {
				t.Errorf("id %d %v: orientation %.2f but valley direction %.2f", i, m, tr.Orientation, dir)
			}
			// The valleys run in order across the hand: the middle–ring
			// valley lies between the other two, and the index side is
			// the thumb side, which mirrors between left and right hands.
			ox, oy := math.Cos(tr.Orientation), math.Sin(tr.Orientation)
			across := func(p Point) float64 { return -(p.X-tr.Centre.X)*oy + (p.Y-tr.Centre.Y)*ox }
			a0, a1, a2 := across(tr.Valleys[0]), across(tr.Valleys[1]), across(tr.Valleys[2])
			if !(a0 < a1 && a1 < a2) && !(a0 > a1 && a1 > a2) {
				t.Errorf("id %d %v: valleys out of order across the hand: %.1f %.1f %.1f", i, m, a0, a1, a2)
			}
			// With y down and the fingers "up" the orientation, a right
			// palm seen from the palm side has its index finger on the
			// image's right of the orientation (positive "across" after
			// the sign convention above), a left palm on the left.
			if (tr.Hand == Right) != (a0 > a2) {
				t.Errorf("id %d %v: %v hand but index valley on the wrong side", i, m, tr.Hand)
			}
			// Valley distances are plausible for an adult palm (in mm).
			d := math.Hypot(tr.Valleys[0].X-tr.Valleys[2].X, tr.Valleys[0].Y-tr.Valleys[2].Y) / tr.PxPerMM
			if d < 25 || d > 65 {
				t.Errorf("id %d %v: index–little valley distance %.1f mm", i, m, d)
			}
		}
	}
}

// TestVeinsInsidePalm checks that the vein pattern lies under the skin:
// vein darkening only appears on hand pixels.
func TestVeinsInsidePalm(t *testing.T) {
	for i := range 10 {
		id := NewIdentity(3, i)
		s := id.newScene(0, false, nil)
		var outside, inside int
		s.walk(s.n.scale, true, func(k, _, _ int, sm *sample) {
			if sm.vein > 0.05 {
				if sm.alpha == 0 {
					outside++
				} else {
					inside++
				}
			}
		})
		if outside != 0 || inside == 0 {
			t.Errorf("id %d: %d vein pixels inside, %d outside the hand", i, inside, outside)
		}
	}
}

func TestRelatives(t *testing.T) {
	p := NewIdentity(5, 0)
	same := Relative(p, 0, 1)
	if len(same.creases) != len(p.creases) || same.Geometry != p.Geometry {
		t.Fatal("similarity 1 should reproduce the parent")
	}
	half := Relative(p, 1, 0.5)
	shared := 0
	for _, c := range half.creases {
		for _, q := range p.creases {
			if c.P == q.P {
				shared++
				break
			}
		}
	}
	frac := float64(shared) / float64(len(p.creases))
	if frac < 0.35 || frac > 0.65 {
		t.Fatalf("similarity 0.5 inherited %.2f of the creases", frac)
	}
	a := Relative(p, 2, 0.5).Render(NIRPalm, 0, nil)
	b := Relative(p, 2, 0.5).Render(NIRPalm, 0, nil)
	if !bytes.Equal(a.Image.(*image.Gray).Pix, b.Image.(*image.Gray).Pix) {
		t.Fatal("relatives are not deterministic")
	}
}

func TestTruthROI(t *testing.T) {
	fails := 0
	for i := range 20 {
		c := NewIdentity(2, i).Render(NIRPalm, 0, nil)
		r, err := c.TruthROI(128)
		if err != nil {
			fails++
			continue
		}
		if r.Rect.Dx() != 128 || r.Rect.Dy() != 128 {
			t.Fatal("wrong ROI size")
		}
	}
	if fails > 2 {
		t.Fatalf("%d of 20 realistic device captures have no ROI in frame", fails)
	}
}

func TestParseDifficulty(t *testing.T) {
	for _, d := range []Difficulty{Easy, Realistic, Hard} {
		got, err := ParseDifficulty(d.String())
		if err != nil || got != d {
			t.Errorf("round trip of %v gave %v, %v", d, got, err)
		}
	}
	if _, err := ParseDifficulty("nightmare"); err == nil {
		t.Error("no error for an unknown difficulty")
	}
}

func TestWriteDataset(t *testing.T) {
	dir := t.TempDir()
	err := WriteDataset(dir, DatasetOptions{Seed: 4, Identities: 2, Samples: 2, Workers: 2})
	if err != nil {
		t.Fatal(err)
	}
	m, err := dataset.ReadFile(filepath.Join(dir, "MANIFEST.tsv"))
	if err != nil {
		t.Fatal(err)
	}
	if len(m.Entries) != 2*2*3 {
		t.Fatalf("%d entries, want 12", len(m.Entries))
	}
	for _, e := range m.Entries {
		img, err := m.Load(e)
		if err != nil {
			t.Fatal(err)
		}
		want := 640
		if e.Modality == "visible-hand" {
			want = 1280
		}
		if img.W != want {
			t.Errorf("%s: width %d, want %d", e.Path, img.W, want)
		}
		if _, err := os.Stat(filepath.Join(dir, e.Extra["mask"])); err != nil {
			t.Errorf("%s: mask missing: %v", e.Path, err)
		}
	}
	// Written captures are the rendered ones.
	c := NewIdentity(4, 1).Render(NIRVein, 1, nil)
	got, err := dataset.LoadImage(filepath.Join(dir, "nir-vein", "00001", "00001_"+c.Truth.Hand.String()+"_01.png"))
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got.(*image.Gray).Pix, c.Image.(*image.Gray).Pix) {
		t.Error("written vein image differs from the rendered one")
	}
	if _, err := os.Stat(filepath.Join(dir, "contact-sheet.png")); err != nil {
		t.Error(err)
	}
}

// TestWriteDatasetWorkers checks that the data set does not depend on how
// many workers render it.
func TestWriteDatasetWorkers(t *testing.T) {
	read := func(workers int) (manifest, image []byte) {
		dir := t.TempDir()
		o := DatasetOptions{Seed: 9, Identities: 3, Samples: 1, Modalities: []Modality{NIRPalm, NIRVein}, Workers: workers}
		if err := WriteDataset(dir, o); err != nil {
			t.Fatal(err)
		}
		m, err := os.ReadFile(filepath.Join(dir, "MANIFEST.tsv"))
		if err != nil {
			t.Fatal(err)
		}
		img, err := os.ReadFile(filepath.Join(dir, "nir-vein", "00002", "00002_"+NewIdentity(9, 2).Hand.String()+"_00.png"))
		if err != nil {
			t.Fatal(err)
		}
		return m, img
	}
	m1, i1 := read(1)
	m3, i3 := read(3)
	if !bytes.Equal(m1, m3) || !bytes.Equal(i1, i3) {
		t.Fatal("the data set depends on the number of workers")
	}
}
