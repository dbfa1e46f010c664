package palm

import (
	"bufio"
	"encoding/binary"
	"math"
	"os"
	"slices"
	"strconv"
	"sync"
	"testing"

	"github.com/palmid/palmid/internal/roi"
	"github.com/palmid/palmid/synth"
)

// TestValleyNets checks that the embedded valley networks load and take
// the input netValleys cuts.
func TestValleyNets(t *testing.T) {
	nets, err := valleyNets()
	if err != nil {
		t.Fatal(err)
	}
	for i, m := range nets {
		n := m.InputShape()[2]
		out, err := m.Run(make([]float32, n*n), nil)
		if err != nil || len(out) != 2 {
			t.Errorf("network %d: %v, %d outputs", i, err, len(out))
		}
	}
}

// TestValleyNetMoves checks on synth frames that the learned steps bring
// the valleys nearer their ground truth than the image cues alone, on 12
// identities x 2 captures of each modality (seed 5, which no network was
// trained on). The median error must fall by a fifth at least, and no
// more valleys may be over 6% of the palm width.
func TestValleyNetMoves(t *testing.T) {
	if testing.Short() {
		t.Skip("renders 48 synth captures")
	}
	for _, m := range []synth.Modality{synth.Phone, synth.NIRPalm} {
		var classic, learned []float64
		for i := range 12 {
			id := synth.NewIdentity(5, i)
			for s := range 2 {
				c := id.Render(m, s, &synth.Options{Difficulty: synth.Realistic})
				pw := c.Truth.PalmWidth * c.Truth.PxPerMM
				a, errA := FindROI(c.Image, &Options{ClassicValleys: true})
				b, errB := FindROI(c.Image, nil)
				if errA != nil || errB != nil {
					continue // the ROI moved, and with it the quality verdict; count hands both found
				}
				for k := range 3 {
					va, vb := a.Landmarks.Valleys[k], b.Landmarks.Valleys[k]
					tv := c.Truth.Valleys[k]
					classic = append(classic, math.Hypot(va.X-tv.X, va.Y-tv.Y)/pw)
					learned = append(learned, math.Hypot(vb.X-tv.X, vb.Y-tv.Y)/pw)
				}
			}
		}
		if len(classic) < 12 {
			t.Fatalf("%v: only %d valleys placed by the network", m, len(classic))
		}
		mc, ml := median(classic), median(learned)
		oc, ol := over(classic, tailLimit), over(learned, tailLimit)
		t.Logf("%v: %d valleys, median error %.2f%% -> %.2f%% of the palm width, over 6%%: %d -> %d", m, len(classic), 100*mc, 100*ml, oc, ol)
		if ml > mc*0.8 || ol > oc {
			t.Errorf("%v: the learned refinement does not help: median %.4f -> %.4f, over 6%% %d -> %d", m, mc, ml, oc, ol)
		}
	}
}

func median(v []float64) float64 {
	s := slices.Clone(v)
	slices.Sort(s)
	return s[len(s)/2]
}

func over(v []float64, lim float64) int {
	n := 0
	for _, e := range v {
		if e > lim {
			n++
		}
	}
	return n
}

// Valley patch sizes of TestValleyPatches: a square of valleyPatchField D
// about the valley, valleyPatchSide pixels wide. The networks' input is its
// central valleyField D (train_valley.py crops it, shifted at random).
const (
	valleyPatchField = 1.2
	valleyPatchSide  = 96
)

// TestValleyPatches writes the training data of the valley networks
// (palm/models/train_valley.py), when PALMID_VALLEY_PATCHES names the file
// to write:
//
//	PALMID_VALLEY_PATCHES=phone-101.bin PALMID_VALLEY_SEED=101 PALMID_VALLEY_IDS=1000 \
//	PALMID_VALLEY_MODALITY=phone go test ./palm -run TestValleyPatches -timeout 0
//
// For each synth capture (realistic, 2 per identity) that FindROI finds,
// with every step but the valley network (so the valleys are those the
// network starts from; with PALMID_VALLEY_STAGE=2, with one pass of it,
// for the second photo network), and each of its valleys, one record: 12
// little-endian float32s (modality, seed, identity, sample, valley, truth
// open, found open, D in pixels, palm width in pixels, the truth's offset
// from the valley along the ROI frame's x and y axes in units of D, 1 when
// the side is wrong) and the patch, valleyPatchSide^2 bytes of grey.
func TestValleyPatches(t *testing.T) {
	out, seed, ids := recordsEnv(t, "PALMID_VALLEY", "the valley networks'")
	m := synth.Phone
	if os.Getenv("PALMID_VALLEY_MODALITY") == "nir-palm" {
		m = synth.NIRPalm
	}
	n := writeRecords(t, out, seed, ids, m, func(c *synth.Capture, id *synth.Identity, i, smp int) []record {
		return valleyRecords(c, id, os.Getenv("PALMID_VALLEY_STAGE") == "2", float32(m), float32(seed), float32(i), float32(smp))
	})
	t.Logf("%d records in %s", n, out)
}

// record is one training record: a header of little-endian float32s and
// a patch of bytes.
type record struct {
	hdr []float32
	pix []byte
}

// recordsEnv reads a training-data test's settings: the file to write
// (prefix_PATCHES; the test is skipped without it), the synth seed
// (prefix_SEED) and the number of identities (prefix_IDS, 100 if unset).
func recordsEnv(t *testing.T, prefix, what string) (out string, seed, ids int) {
	out = os.Getenv(prefix + "_PATCHES")
	if out == "" {
		t.Skipf("set %s_PATCHES to write %s training data", prefix, what)
	}
	seed, _ = strconv.Atoi(os.Getenv(prefix + "_SEED"))
	ids, _ = strconv.Atoi(os.Getenv(prefix + "_IDS"))
	if ids <= 0 {
		ids = 100
	}
	return out, seed, ids
}

// writeRecords renders ids identities x 2 captures of modality m from
// synth seed seed (realistic), two at a time, and writes to the file out
// the records that recs makes of each. It returns how many it wrote.
func writeRecords(t *testing.T, out string, seed, ids int, m synth.Modality, recs func(c *synth.Capture, id *synth.Identity, i, smp int) []record) int {
	f, err := os.Create(out)
	if err != nil {
		t.Fatal(err)
	}
	bw := bufio.NewWriter(f)
	var mu sync.Mutex
	var wg sync.WaitGroup
	sem := make(chan struct{}, 2)
	n := 0
	for i := range ids {
		for smp := range 2 {
			wg.Add(1)
			sem <- struct{}{}
			go func() {
				defer wg.Done()
				defer func() { <-sem }()
				id := synth.NewIdentity(uint64(seed), i)
				c := id.Render(m, smp, &synth.Options{Difficulty: synth.Realistic})
				rs := recs(c, id, i, smp)
				mu.Lock()
				defer mu.Unlock()
				for _, r := range rs {
					binary.Write(bw, binary.LittleEndian, r.hdr)
					bw.Write(r.pix)
					n++
				}
			}()
		}
	}
	wg.Wait()
	if err := bw.Flush(); err != nil {
		t.Fatal(err)
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
	return n
}

func valleyRecords(c *synth.Capture, id *synth.Identity, second bool, hdr ...float32) []record {
	hd, err := FindROI(c.Image, &Options{noValleyNet: !second, onePass: second})
	if err != nil {
		return nil
	}
	tr := &c.Truth
	fr, lm := hd.frame, &hd.Landmarks
	D := dist(lm.Valleys[0], lm.Valleys[2])
	wrong := (id.Hand == synth.Left) != (lm.Side == Left)
	var recs []record
	for k, v := range lm.Valleys {
		g := cutROI(c.Image, roi.Frame{Centre: roi.Point{X: v.X, Y: v.Y}, X: fr.X, Y: fr.Y, Side: valleyPatchField * D}, valleyPatchSide)
		dx, dy := tr.Valleys[k].X-v.X, tr.Valleys[k].Y-v.Y
		r := record{hdr: make([]float32, 12)}
		copy(r.hdr, hdr)
		r.hdr[4] = float32(k)
		r.hdr[5] = b2f(tr.ValleysOpen[k])
		r.hdr[6] = b2f(lm.Open[k])
		r.hdr[7] = float32(D)
		r.hdr[8] = float32(tr.PalmWidth * tr.PxPerMM)
		r.hdr[9] = float32((dx*fr.X.X + dy*fr.X.Y) / D)
		r.hdr[10] = float32((dx*fr.Y.X + dy*fr.Y.Y) / D)
		r.hdr[11] = b2f(wrong)
		r.pix = g.Pix
		recs = append(recs, r)
	}
	return recs
}

func b2f(b bool) float32 {
	if b {
		return 1
	}
	return 0
}
