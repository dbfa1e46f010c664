package palm

import (
	"math"
	"sort"
	"testing"

	"github.com/palmid/palmid/synth"
)

// TestHandPatches writes the hand network's training data: for each synth
// phone photo (PALMID_HAND_SEED, PALMID_HAND_IDS identities x 2), one
// record of a header (seed, identity, sample, cells across, cells down,
// three unused) and the bytes of handPlanes' three planes (handIn x handIn
// each) and of the truth: the hand's share of each output cell, 0..255
// (handOut x handOut). palm/models/train_hand.py reads them.
func TestHandPatches(t *testing.T) {
	out, seed, ids := recordsEnv(t, "PALMID_HAND", "the hand network's")
	n := writeRecords(t, out, seed, ids, synth.Phone, func(c *synth.Capture, _ *synth.Identity, i, smp int) []record {
		return []record{handRecord(c, float32(seed), float32(i), float32(smp))}
	})
	t.Logf("%d records in %s", n, out)
}

func handRecord(c *synth.Capture, hdr ...float32) record {
	wk := newWork(c.Image, workSide)
	defer wk.release()
	in := make([]float32, 3*handIn*handIn)
	cw, ch := wk.handPlanes(in)
	r := record{hdr: make([]float32, 8)}
	copy(r.hdr, hdr)
	r.hdr[3], r.hdr[4] = float32(cw), float32(ch)
	r.pix = make([]byte, len(in)+handOut*handOut)
	for i, a := range in {
		r.pix[i] = uint8(math.Round(math.Max(0, math.Min(255, float64(a)))))
	}
	truth := r.pix[len(in):]
	copy(truth, handTruth(wk, c))
	return r
}

// handTruth returns the share of each of the hand network's output cells
// that the capture's truth mask covers, 0..255, from 8 x 8 samples a cell.
func handTruth(wk *work, c *synth.Capture) []byte {
	s, _, _ := wk.handCell()
	cell := 2 * s
	m := c.Truth.Mask
	b := m.Bounds()
	out := make([]byte, handOut*handOut)
	const k = 8
	for cy := range handOut {
		for cx := range handOut {
			n := 0
			for j := range k {
				for i := range k {
					x := (float64(cx) + (float64(i)+0.5)/k) * cell
					y := (float64(cy) + (float64(j)+0.5)/k) * cell
					if x >= float64(wk.w) || y >= float64(wk.h) {
						continue
					}
					p := wk.toImage(x-0.5, y-0.5)
					px, py := b.Min.X+int(math.Round(p.X)), b.Min.Y+int(math.Round(p.Y))
					if px >= b.Min.X && py >= b.Min.Y && px < b.Max.X && py < b.Max.Y && m.Pix[(py-b.Min.Y)*m.Stride+px-b.Min.X] > 127 {
						n++
					}
				}
			}
			out[cy*handOut+cx] = uint8((n*255 + k*k/2) / (k * k))
		}
	}
	return out
}

// TestHandNet checks that the embedded hand network loads and, on synth
// phone photos of seed 5 (which it was not trained on), 12 identities x 2,
// finds the hand: where its probability is over one half must overlap the
// truth (40 x 40 cells) with an intersection over union of at least 0.8
// at the median and 0.4 in every photo (the embedded network: 0.858 and
// 0.487). An untrained network fails it.
func TestHandNet(t *testing.T) {
	if testing.Short() {
		t.Skip("renders 24 photos")
	}
	var ious []float64
	for i := range 12 {
		id := synth.NewIdentity(5, i)
		for smp := range 2 {
			c := id.Render(synth.Phone, smp, &synth.Options{Difficulty: synth.Realistic})
			wk := newWork(c.Image, workSide)
			if !wk.colour {
				wk.release()
				continue
			}
			p := wk.handPrior()
			if p == nil {
				t.Fatal("the hand network did not run")
			}
			truth := handTruth(wk, c)
			s, _, _ := wk.handCell()
			inter, union := 0, 0
			for cy := range handOut {
				for cx := range handOut {
					x, y := int((float64(cx)+0.5)*2*s), int((float64(cy)+0.5)*2*s)
					if x >= wk.w || y >= wk.h {
						continue
					}
					a, b := p[y*wk.w+x] > 0.5, truth[cy*handOut+cx] > 127
					if a && b {
						inter++
					}
					if a || b {
						union++
					}
				}
			}
			wk.release()
			ious = append(ious, float64(inter)/float64(max(1, union)))
		}
	}
	sort.Float64s(ious)
	t.Logf("IoU of %d photos: lowest %.3f, second %.3f, median %.3f", len(ious), ious[0], ious[1], ious[len(ious)/2])
	if len(ious) < 20 || ious[0] < 0.4 || ious[len(ious)/2] < 0.8 {
		t.Errorf("hand network: IoU %v", ious)
	}
}
