package palm

import (
	"errors"
	"math"
	"sort"
	"testing"

	"github.com/palmid/palmid/synth"
)

// TestKeypointPatches writes the keypoint network's training records from
// synth phone photos: set PALMID_KEYPOINT_PATCHES to the file,
// PALMID_KEYPOINT_SEED and PALMID_KEYPOINT_IDS. A record is 16 float32
// (little-endian): seed, identity, sample, the cells across and down the
// image fills (cw, ch), the three valleys (x, y in input cells, the image
// filling [0, cw) x [0, ch)), the palm width in cells, 1 for a left hand,
// and 1 for each valley open in the truth; then the hand network's three
// input planes (luma, Cb, Cr, 0..255, handIn x handIn bytes each).
func TestKeypointPatches(t *testing.T) {
	out, seed, ids := recordsEnv(t, "PALMID_KEYPOINT", "the keypoint network's")
	n := writeRecords(t, out, seed, ids, synth.Phone, func(c *synth.Capture, _ *synth.Identity, i, smp int) []record {
		return []record{keypointRecord(c, float32(seed), float32(i), float32(smp))}
	})
	t.Logf("%d records in %s", n, out)
}

func keypointRecord(c *synth.Capture, hdr ...float32) record {
	wk := newWork(c.Image, workSide)
	defer wk.release()
	in := make([]float32, 3*handIn*handIn)
	cw, ch := wk.handPlanes(in)
	s, _, _ := wk.handCell()
	r := record{hdr: make([]float32, 16)}
	copy(r.hdr, hdr)
	r.hdr[3], r.hdr[4] = float32(cw), float32(ch)
	tr := &c.Truth
	for k, v := range tr.Valleys {
		// image pixel centres at X+0.5 -> working x+0.5 -> cells
		r.hdr[5+2*k] = float32((v.X + 0.5) / wk.sx / s)
		r.hdr[6+2*k] = float32((v.Y + 0.5) / wk.sy / s)
		if tr.ValleysOpen[k] {
			r.hdr[13+k] = 1
		}
	}
	r.hdr[11] = float32(tr.PalmWidth * tr.PxPerMM / wk.sx / s)
	if tr.Hand == synth.Left {
		r.hdr[12] = 1
	}
	r.pix = make([]byte, len(in))
	for i, a := range in {
		r.pix[i] = uint8(math.Round(math.Max(0, math.Min(255, float64(a)))))
	}
	return r
}

// TestKeypointNet checks that the embedded keypoint network loads and, on
// synth phone photos of seed 5 (which it was not trained on), 12
// identities x 2, finds the valleys: the median error at most
// keyTestMedian of the palm width, and the fourth largest at most
// keyTestFar (the embedded network: 4.3% and 12.6%; its largest, 71.2%,
// is a photo's valley taken a finger off). An untrained network fails
// it.
func TestKeypointNet(t *testing.T) {
	if testing.Short() {
		t.Skip("renders 24 photos")
	}
	var errs []float64
	for i := range 12 {
		id := synth.NewIdentity(5, i)
		for smp := range 2 {
			c := id.Render(synth.Phone, smp, &synth.Options{Difficulty: synth.Realistic})
			wk := newWork(c.Image, workSide)
			g, ok := wk.keypoints()
			if !ok {
				t.Fatal("the keypoint network did not run")
			}
			tr := &c.Truth
			pw := tr.PalmWidth * tr.PxPerMM
			for k := range 3 {
				v := wk.toImage(g.valleys[k].X, g.valleys[k].Y)
				errs = append(errs, math.Hypot(v.X-tr.Valleys[k].X, v.Y-tr.Valleys[k].Y)/pw)
			}
			wk.release()
		}
	}
	sort.Float64s(errs)
	med, far := errs[len(errs)/2], errs[len(errs)-4]
	t.Logf("valley errors of %d: median %.1f%%, fourth largest %.1f%%, largest %.1f%% of the palm width", len(errs), 100*med, 100*far, 100*errs[len(errs)-1])
	if med > keyTestMedian || far > keyTestFar {
		t.Errorf("keypoint network: errors %v", errs)
	}
}

const (
	keyTestMedian = 0.1
	keyTestFar    = 0.3
)

// TestCheckKeypoints checks how the keypoint network's guess overrules a
// hand's valleys: not where they agree, nor where the network is unsure
// or its valleys bunch; where the hand's valleys are moved a finger's
// width along the hand, they are replaced by the guess and marked so.
func TestCheckKeypoints(t *testing.T) {
	if testing.Short() {
		t.Skip("renders a photo")
	}
	c := synth.NewIdentity(5, 0).Render(synth.Phone, 0, &synth.Options{Difficulty: synth.Realistic})
	wk := newWork(c.Image, workSide)
	defer wk.release()
	wk.prior = wk.handPrior()
	f, err := wk.findHand(nil)
	if err != nil {
		t.Fatal(err)
	}
	g, ok := wk.keypoints()
	if !ok {
		t.Fatal("the keypoint network did not run")
	}
	fresh := func() *found { c := *f; return &c }
	if h := fresh(); wk.checkKeypoints(h, g) || h.guessed || h.valleys != f.valleys {
		t.Errorf("valleys %v replaced by the network's %v", f.valleys, g.valleys)
	}
	// a finger's width towards the index side
	D := dist(f.valleys[0], f.valleys[2])
	u := unit(Point{f.valleys[0].X - f.valleys[2].X, f.valleys[0].Y - f.valleys[2].Y})
	moved := fresh()
	for k := range moved.valleys {
		moved.valleys[k].X += 0.7 * D * u.X
		moved.valleys[k].Y += 0.7 * D * u.Y
	}
	if h := fresh(); true {
		h.valleys = moved.valleys
		if !wk.checkKeypoints(h, g) || !h.guessed {
			t.Fatalf("valleys %v a finger off the network's %v kept", moved.valleys, g.valleys)
		}
		for k := range 3 {
			if d := dist(h.valleys[k], g.valleys[k]); d > 1e-9 && dist(h.valleys[k], g.valleys[2-k]) > 1e-9 {
				t.Errorf("valley %d: %v, not one of the network's %v", k, h.valleys[k], g.valleys)
			}
		}
	}
	unsure := g
	unsure.mass[1] = keySure / 2
	bunched := g
	bunched.valleys[0] = bunched.valleys[1]
	for name, gg := range map[string]keyGuess{"unsure": unsure, "bunched": bunched} {
		h := fresh()
		h.valleys = moved.valleys
		if wk.checkKeypoints(h, gg) || h.valleys != moved.valleys {
			t.Errorf("%s network: valleys replaced", name)
		}
	}
}

// TestRescue checks that FindROI takes the keypoint network's valleys for
// synth photos (development seeds) in which the silhouette shows fingers
// but no hand: each must fail findHand with ErrFingersClosed, and at least
// 4 of the 5 must come out of FindROI with every valley within 6% of the
// palm width.
func TestRescue(t *testing.T) {
	if testing.Short() {
		t.Skip("renders 5 photos")
	}
	good := 0
	for _, cp := range [][3]int{{7, 15, 0}, {7, 9, 0}, {8, 106, 1}, {8, 52, 0}, {9, 87, 1}} {
		c := synth.NewIdentity(uint64(cp[0]), cp[1]).Render(synth.Phone, cp[2], &synth.Options{Difficulty: synth.Realistic})
		wk := newWork(c.Image, workSide)
		wk.prior = wk.handPrior()
		_, err := wk.findHand(nil)
		wk.release()
		if !errors.Is(err, ErrFingersClosed) {
			t.Errorf("seed %d id %d sample %d: findHand gave %v, want ErrFingersClosed", cp[0], cp[1], cp[2], err)
			continue
		}
		hd, err := FindROI(c.Image, nil)
		if err != nil {
			t.Logf("seed %d id %d sample %d: %v", cp[0], cp[1], cp[2], err)
			continue
		}
		tr := &c.Truth
		worst := 0.0
		for k := range 3 {
			worst = math.Max(worst, dist(hd.Landmarks.Valleys[k], Point{tr.Valleys[k].X, tr.Valleys[k].Y})/(tr.PalmWidth*tr.PxPerMM))
		}
		t.Logf("seed %d id %d sample %d: worst valley %.1f%% of the palm width off", cp[0], cp[1], cp[2], 100*worst)
		if worst <= 0.06 {
			good++
		}
	}
	if good < 4 {
		t.Errorf("%d of 5 rescued within 6%%", good)
	}
}
