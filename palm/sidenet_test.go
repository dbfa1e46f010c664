package palm

import (
	"math"
	"testing"

	"github.com/palmid/palmid/synth"
)

// TestSidePatches writes the side network's training records
// (palm/models/train_side.py) when PALMID_SIDE_PATCHES names the file to
// write:
//
//	PALMID_SIDE_PATCHES=side-101.bin PALMID_SIDE_SEED=101 PALMID_SIDE_IDS=1000 \
//	go test ./palm -run TestSidePatches -timeout 0
//
// For each synth phone photo (realistic, 2 per identity) in which the image
// cues find a hand, two records: one for the order of the fingers they
// chose and one for the other order (found.reversed). Each is 8
// little-endian float32s (seed, identity, sample, 1 where the order is
// the true one, D in working pixels, 1 for a left hand, 1 where the other
// order came from a hypothesis, 0) and the input as sideInput cuts it, as
// bytes: sideIn^2 grey levels, then sideIn^2 silhouette values times 255.
func TestSidePatches(t *testing.T) {
	out, seed, ids := recordsEnv(t, "PALMID_SIDE", "the side network's")
	n := writeRecords(t, out, seed, ids, synth.Phone, func(c *synth.Capture, id *synth.Identity, i, smp int) []record {
		return sideRecords(c, id, float32(seed), float32(i), float32(smp))
	})
	t.Logf("%d records in %s", n, out)
}

func sideRecords(c *synth.Capture, id *synth.Identity, hdr ...float32) []record {
	wk := newWork(c.Image, workSide)
	defer wk.release()
	if wk.exposureCheck() != nil {
		return nil
	}
	f, err := wk.findHand(nil)
	if err != nil {
		return nil
	}
	left := id.Hand == synth.Left
	alt := f.reversed()
	in := make([]float32, 2*sideIn*sideIn)
	var recs []record
	for k, v := range [2][3]Point{f.valleys, alt.valleys} {
		if !wk.sideInput(f, v[0], v[2], in) {
			return nil
		}
		r := record{hdr: make([]float32, 8)}
		copy(r.hdr, hdr)
		s := f.side
		if k == 1 {
			s = alt.side
		}
		r.hdr[3] = b2f((s == Left) == left)
		r.hdr[4] = float32(dist(v[0], v[2]))
		r.hdr[5] = b2f(left)
		r.hdr[6] = b2f(f.alt != nil)
		r.pix = make([]byte, len(in))
		for i, a := range in {
			if i >= sideIn*sideIn {
				a *= 255
			}
			r.pix[i] = uint8(math.Round(math.Max(0, math.Min(255, float64(a)))))
		}
		recs = append(recs, r)
	}
	return recs
}

// TestSideNet checks that the embedded side network loads and, on synth
// phone photos of seed 5 (which it was not trained on), 16 identities x 2,
// rates the true order of the fingers above the other one in at least 95%
// of the captures where the image cues find a hand (a network that
// ignored its input would manage about half).
func TestSideNet(t *testing.T) {
	net, err := sideNet()
	if err != nil {
		t.Fatal(err)
	}
	if testing.Short() {
		t.Skip("renders 32 synth photos")
	}
	n, right := 0, 0
	in := make([]float32, 2*sideIn*sideIn)
	for i := range 16 {
		id := synth.NewIdentity(5, i)
		for smp := range 2 {
			c := id.Render(synth.Phone, smp, &synth.Options{Difficulty: synth.Realistic})
			recs := sideRecords(c, id)
			if len(recs) != 2 {
				continue
			}
			var logit [2]float32
			for k, r := range recs {
				for j, b := range r.pix {
					in[j] = float32(b)
					if j >= sideIn*sideIn {
						in[j] /= 255
					}
				}
				sideStandardise(in)
				out, err := net.Run(in, nil)
				if err != nil {
					t.Fatal(err)
				}
				logit[k] = out[0]
			}
			n++
			if (logit[0] >= logit[1]) == (recs[0].hdr[3] == 1) {
				right++
			}
		}
	}
	t.Logf("the true order rated higher in %d of %d captures", right, n)
	if n < 28 || float64(right) < 0.95*float64(n) {
		t.Errorf("the true order rated higher in %d of %d captures, want 95%%", right, n)
	}
}
