package vein

import (
	"errors"
	"flag"
	"fmt"
	"image"
	"math"
	"os"
	"runtime"
	"strings"
	"sync"
	"testing"

	"github.com/palmid/palmid/eval"
	"github.com/palmid/palmid/internal/dataset"
	"github.com/palmid/palmid/internal/fimg"
	"github.com/palmid/palmid/internal/ncc"
	"github.com/palmid/palmid/palm"
	"github.com/palmid/palmid/synth"
)

var (
	synthIDs     = flag.Int("vein.synth-ids", 30, "identities of TestSynthAccuracy (20 in -short mode; 500 for the documented figures)")
	synthSamples = flag.Int("vein.synth-samples", 3, "samples per identity of TestSynthAccuracy (5 for the documented figures)")
	calibrate    = flag.Bool("vein.calibrate", false, "run TestFusionCalibration (renders 200 identities x 4 captures)")
)

// synthSeed is the held-out population of TestSynthAccuracy.
const synthSeed = 1

// sample is one ROI of an accuracy test with its identity, session ("" if
// none) and templates of every matcher.
type sample struct {
	identity, session string
	vein              *Template
	energy            float64
	palm              *palm.Code    // palm.NewCode of the same ROI (or of the NIRPalm ROI, synth)
	ncc               *ncc.Template // nil where not measured
}

func newSample(identity, session string, veinROI, palmROI image.Image, withNCC bool) (sample, error) {
	s := sample{identity: identity, session: session}
	v, err := Extract(veinROI)
	if err != nil {
		return s, err
	}
	s.energy = v.Energy
	if s.vein, err = v.Template(); err != nil {
		return s, err
	}
	if s.palm, err = palm.NewCode(palmROI); err != nil {
		return s, err
	}
	if withNCC {
		if s.ncc, err = ncc.NewTemplate(fimg.FromImage(veinROI), nil); err != nil {
			return s, err
		}
	}
	return s, nil
}

type matcher struct {
	name  string
	score func(a, b *sample) float64
}

var (
	veinMatcher  = matcher{"vein", func(a, b *sample) float64 { return Compare(a.vein, b.vein) }}
	palmMatcher  = matcher{"palm.Compare", func(a, b *sample) float64 { return palm.Compare(a.palm, b.palm) }}
	nccMatcher   = matcher{"NCC baseline", func(a, b *sample) float64 { return ncc.Compare(a.ncc, b.ncc) }}
	fusedMatcher = matcher{"fused palm+vein", func(a, b *sample) float64 {
		return Fuse(palm.Compare(a.palm, b.palm), Compare(a.vein, b.vein))
	}}
)

// measure scores the pairs i < j (all pairs) or, cross-session, the pairs
// with a in an earlier session than b.
func measure(samples []sample, cross bool, m matcher) (genuine, impostor *eval.Scores) {
	genuine, impostor = new(eval.Scores), new(eval.Scores)
	for i := range samples {
		for j := range samples {
			a, b := &samples[i], &samples[j]
			if cross {
				if a.session == "" || b.session == "" || a.session >= b.session {
					continue
				}
			} else if j <= i {
				continue
			}
			s := m.score(a, b)
			if a.identity == b.identity {
				genuine.Add(s)
			} else {
				impostor.Add(s)
			}
		}
	}
	return genuine, impostor
}

// summary formats the EER and FNMR at the targets with the comparison counts;
// '*' marks a target the impostor count cannot resolve.
func summary(g, im *eval.Scores, targets ...float64) (string, eval.EER, error) {
	e, err := eval.EqualErrorRate(g, im)
	if err != nil {
		return "", e, err
	}
	var b strings.Builder
	fmt.Fprintf(&b, "EER %5.2f%%", 100*e.Rate)
	for _, t := range targets {
		op, err := eval.FNMRAtFMR(g, im, t)
		if err != nil {
			return "", e, err
		}
		mark := " "
		if op.Unresolved {
			mark = "*"
		}
		fmt.Fprintf(&b, "  FNMR@%g %6.2f%%%s (t %.3f)", t, 100*op.FNMR, mark, op.Threshold)
	}
	fmt.Fprintf(&b, "  (%d genuine, %d impostor)", g.Len(), im.Len())
	return b.String(), e, nil
}

// TestRealAccuracy measures the vein matcher on the real NIR ROI sets of
// ../shared/data beside palm.NewCode/palm.Compare and the NCC baseline on
// the same ROIs, and logs EER and FNMR at FMR 1e-3 with the numbers of
// comparisons: casia-ms-850-roi all pairs, polyu-ms-nir-roi across
// sessions. It skips when the data is absent and fails only when the vein
// EER exceeds a loose regression bound.
func TestRealAccuracy(t *testing.T) {
	if testing.Short() {
		t.Skip("compares every pair of the real ROI sets; skipped in -short mode")
	}
	m, err := dataset.ReadRealManifest()
	if errors.Is(err, dataset.ErrNoRealData) {
		t.Skipf("real data absent, skipping: %v", err)
	}
	if err != nil {
		t.Fatal(err)
	}
	for _, set := range []struct {
		name   string
		cross  bool
		maxEER float64
	}{
		{"casia-ms-850-roi", false, 0.25},
		{"polyu-ms-nir-roi", true, 0.25},
	} {
		var samples []sample
		ids := map[string]bool{}
		for _, e := range m.Set(set.name) {
			if _, err := os.Stat(m.File(e)); err != nil {
				continue
			}
			img, err := dataset.LoadImage(m.File(e))
			if err != nil {
				t.Fatal(err)
			}
			s, err := newSample(e.Identity(), e.Session(), img, img, true)
			if err != nil {
				t.Errorf("%s: %v", e.Path, err)
				continue
			}
			samples = append(samples, s)
			ids[s.identity] = true
		}
		if len(ids) < 2 {
			t.Logf("%s: fewer than 2 palms present, skipped", set.name)
			continue
		}
		proto := "all pairs"
		if set.cross {
			proto = "cross-session"
		}
		var b strings.Builder
		fmt.Fprintf(&b, "%s (%d images, %d palms, %s):", set.name, len(samples), len(ids), proto)
		for _, mt := range []matcher{veinMatcher, palmMatcher, nccMatcher} {
			g, im := measure(samples, set.cross, mt)
			line, e, err := summary(g, im, 1e-3)
			if err != nil {
				t.Errorf("%s, %s: %v", set.name, mt.name, err)
				continue
			}
			fmt.Fprintf(&b, "\n  %-16s %s", mt.name, line)
			if mt.name == veinMatcher.name && e.Rate > set.maxEER {
				t.Errorf("%s: vein EER %.2f%% above %.0f%%", set.name, 100*e.Rate, 100*set.maxEER)
			}
		}
		t.Log(b.String())
	}
}

// TestSynthAccuracy measures the vein matcher on synthetic NIRVein captures
// (synth seed 1, realistic difficulty) cut at their ground-truth ROIs, all
// pairs, beside palm.Compare on the NIRPalm ROI of the same capture and
// their fusion by Fuse. It logs EER and FNMR at FMR 1e-3 and 1e-4 with the
// numbers of comparisons. The default 30 identities x 3 samples (20 x 3 in
// -short mode) keep "go test ./vein" quick; the documented figures are
//
//	go test -run SynthAccuracy -v -timeout 1h ./vein -vein.synth-ids=500 -vein.synth-samples=5
func TestSynthAccuracy(t *testing.T) {
	ids, samples := *synthIDs, *synthSamples
	if testing.Short() {
		ids = min(ids, 20)
	}
	set, missing := synthSamplesOf(t, synthSeed, ids, samples)
	ps := pairScores(set)
	var b strings.Builder
	fmt.Fprintf(&b, "synth NIRVein, seed %d, %d identities x %d samples (%d ROIs out of frame):", synthSeed, ids, samples, missing)
	for _, mt := range []struct {
		name  string
		score func(p pairScore) float64
	}{
		{veinMatcher.name, func(p pairScore) float64 { return p.vein }},
		{palmMatcher.name, func(p pairScore) float64 { return p.palm }},
		{fusedMatcher.name, func(p pairScore) float64 { return Fuse(p.palm, p.vein) }},
	} {
		g, im := new(eval.Scores), new(eval.Scores)
		for _, p := range ps {
			if p.genuine {
				g.Add(mt.score(p))
			} else {
				im.Add(mt.score(p))
			}
		}
		line, e, err := summary(g, im, 1e-3, 1e-4)
		if err != nil {
			t.Fatal(err)
		}
		fmt.Fprintf(&b, "\n  %-16s %s", mt.name, line)
		if mt.name == veinMatcher.name && e.Rate > 0.25 {
			t.Errorf("vein EER %.2f%%", 100*e.Rate)
		}
	}
	t.Log(b.String())
}

// synthSamplesOf renders and extracts ids x samples device captures of
// population seed: vein template of the NIRVein ROI and palm code of the
// NIRPalm ROI, with the number of ROIs out of frame.
func synthSamplesOf(t *testing.T, seed uint64, ids, samples int) ([]sample, int) {
	veins, palms := renderSynth(seed, ids, samples)
	var set []sample
	missing := 0
	for i := range ids {
		for s := range samples {
			k := i*samples + s
			if veins[k] == nil || palms[k] == nil {
				missing++
				continue
			}
			sm, err := newSample(fmt.Sprint(i), "", veins[k], palms[k], false)
			if err != nil {
				t.Errorf("identity %d sample %d: %v", i, s, err)
				continue
			}
			set = append(set, sm)
		}
	}
	return set, missing
}

// pairScore is the palm and vein scores of one pair of samples.
type pairScore struct {
	palm, vein float64
	genuine    bool
}

// pairScores compares every pair i < j of samples with palm.Compare and
// Compare, on all cores.
func pairScores(set []sample) []pairScore {
	out := make([]pairScore, len(set)*(len(set)-1)/2)
	next := make(chan int)
	var wg sync.WaitGroup
	for range runtime.GOMAXPROCS(0) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				k := i*len(set) - i*(i+1)/2 // pairs before row i
				a := &set[i]
				for j := i + 1; j < len(set); j++ {
					b := &set[j]
					out[k] = pairScore{palm.Compare(a.palm, b.palm), Compare(a.vein, b.vein), a.identity == b.identity}
					k++
				}
			}
		}()
	}
	for i := range set {
		next <- i
	}
	close(next)
	wg.Wait()
	return out
}

// TestFusionCalibration measures what DefaultFusion holds on its training
// population (synth seed 2, 200 identities x 4 captures): the mean and
// standard deviation of impostor palm.Compare and Compare scores, and the
// palm weight in steps of 0.05 with the lowest FNMR at FMR 1e-4. It runs
// only with -vein.calibrate:
//
//	go test -run FusionCalibration -v -timeout 1h ./vein -vein.calibrate
func TestFusionCalibration(t *testing.T) {
	if !*calibrate {
		t.Skip("renders 800 captures; run with -vein.calibrate")
	}
	const seed, ids, samples = 2, 200, 4
	set, missing := synthSamplesOf(t, seed, ids, samples)
	ps := pairScores(set)
	var pm, ps2, vm, vs2, n float64
	for _, p := range ps {
		if !p.genuine {
			pm, ps2, vm, vs2, n = pm+p.palm, ps2+p.palm*p.palm, vm+p.vein, vs2+p.vein*p.vein, n+1
		}
	}
	pm, vm = pm/n, vm/n
	f := Fusion{PalmMean: pm, PalmSD: math.Sqrt(ps2/n - pm*pm), VeinMean: vm, VeinSD: math.Sqrt(vs2/n - vm*vm)}
	var b strings.Builder
	fmt.Fprintf(&b, "seed %d, %d x %d (%d out of frame), %d impostor pairs: palm mean %.4f sd %.4f, vein mean %.4f sd %.4f",
		seed, ids, samples, missing, int(n), f.PalmMean, f.PalmSD, f.VeinMean, f.VeinSD)
	best, bestW := 2.0, 0.0
	for k := 0; k <= 20; k++ {
		f.PalmWeight = float64(k) / 20
		g, im := new(eval.Scores), new(eval.Scores)
		for _, p := range ps {
			if p.genuine {
				g.Add(f.Score(p.palm, p.vein))
			} else {
				im.Add(f.Score(p.palm, p.vein))
			}
		}
		op, err := eval.FNMRAtFMR(g, im, 1e-4)
		if err != nil {
			t.Fatal(err)
		}
		e, _ := eval.EqualErrorRate(g, im)
		fmt.Fprintf(&b, "\n  palm weight %.2f: EER %.2f%%  FNMR@1e-4 %.2f%%", f.PalmWeight, 100*e.Rate, 100*op.FNMR)
		if op.FNMR < best {
			best, bestW = op.FNMR, f.PalmWeight
		}
	}
	fmt.Fprintf(&b, "\n  best palm weight %.2f (FNMR@1e-4 %.2f%%)", bestW, 100*best)
	t.Log(b.String())
}

// renderSynth renders the ground-truth ROIs (128 x 128) of the NIRVein and
// NIRPalm images of ids identities x samples device captures of population
// seed on all cores:
// index i*samples+s, nil where the ROI is out of frame.
func renderSynth(seed uint64, ids, samples int) (veins, palms []*image.Gray) {
	veins, palms = make([]*image.Gray, ids*samples), make([]*image.Gray, ids*samples)
	next := make(chan int)
	var wg sync.WaitGroup
	for range runtime.GOMAXPROCS(0) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				id := synth.NewIdentity(seed, i)
				for s := range samples {
					p, v := id.RenderDevice(s, nil)
					pr, err1 := p.TruthROI(128)
					vr, err2 := v.TruthROI(128)
					if err1 == nil && err2 == nil {
						palms[i*samples+s], veins[i*samples+s] = pr, vr
					}
				}
			}
		}()
	}
	for i := range ids {
		next <- i
	}
	close(next)
	wg.Wait()
	return veins, palms
}
