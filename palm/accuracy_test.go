package palm

import (
	"errors"
	"fmt"
	"image"
	"os"
	"strings"
	"testing"

	"github.com/palmid/palmid/eval"
	"github.com/palmid/palmid/internal/dataset"
	"github.com/palmid/palmid/internal/fimg"
	"github.com/palmid/palmid/internal/ncc"
)

// sample is one ROI of an accuracy test with its identity, session ("" if
// none) and templates.
type sample struct {
	identity, session string
	code              *Code   // NewCode
	enrol             []*Code // EnrolCodes
	ncc               *ncc.Template
}

func newSample(identity, session string, img image.Image, withNCC bool) (sample, error) {
	s := sample{identity: identity, session: session}
	var err error
	if s.code, err = NewCode(img); err != nil {
		return s, err
	}
	if s.enrol, err = EnrolCodes(img); err != nil {
		return s, err
	}
	if withNCC {
		if s.ncc, err = ncc.NewTemplate(fimg.FromImage(img), nil); err != nil {
			return s, err
		}
	}
	return s, nil
}

// matcher scores an enrolled sample against a probe.
type matcher struct {
	name  string
	score func(enrolled, probe *sample) float64
}

var (
	codeMatcher      = matcher{"code", func(e, p *sample) float64 { return Compare(e.code, p.code) }}
	allShiftsMatcher = matcher{"code, all 81 shifts", func(e, p *sample) float64 {
		s, _, _ := matchAll(e.code, p.code, MaxShift)
		return s
	}}
	enrolMatcher = matcher{"code, enrolled ±4°", func(e, p *sample) float64 { return CompareBest(p.code, e.enrol) }}
	nccMatcher   = matcher{"NCC baseline", func(e, p *sample) float64 { return ncc.Compare(e.ncc, p.ncc) }}
)

// protocol selects the pairs (enrolled i, probe j) that are compared.
type protocol struct {
	name string
	pair func(a, b *sample) bool
}

var (
	allPairs = protocol{"all pairs", func(a, b *sample) bool { return true }}
	// crossSession pairs a first-session sample with a later one, genuine
	// and impostor alike.
	crossSession = protocol{"cross-session", func(a, b *sample) bool {
		return a.session != "" && b.session != "" && a.session < b.session
	}}
)

// result is the accuracy of one matcher under one protocol.
type result struct {
	genuine, impostor eval.Scores
}

// measure compares the pairs of samples that p selects, in both orders
// (i enrolled, j probe, for i < j or as the protocol orders them).
func measure(samples []sample, p protocol, m matcher) *result {
	r := new(result)
	for i := range samples {
		for j := range samples {
			a, b := &samples[i], &samples[j]
			if i == j || !p.pair(a, b) || (p.name == allPairs.name && j < i) {
				continue
			}
			s := m.score(a, b)
			if a.identity == b.identity {
				r.genuine.Add(s)
			} else {
				r.impostor.Add(s)
			}
		}
	}
	return r
}

// summary formats the EER and the FNMR at the given FMR targets, with the
// numbers of comparisons; a target the impostor count cannot resolve
// (fewer than 3/target impostor scores) is marked with '*'.
func (r *result) summary(targets ...float64) (string, eval.EER, error) {
	e, err := eval.EqualErrorRate(&r.genuine, &r.impostor)
	if err != nil {
		return "", e, err
	}
	var b strings.Builder
	fmt.Fprintf(&b, "EER %5.2f%%", 100*e.Rate)
	for _, t := range targets {
		op, err := eval.FNMRAtFMR(&r.genuine, &r.impostor, t)
		if err != nil {
			return "", e, err
		}
		mark := " "
		if op.Unresolved {
			mark = "*"
		}
		fmt.Fprintf(&b, "  FNMR@%g %6.2f%%%s (t %.3f)", t, 100*op.FNMR, mark, op.Threshold)
	}
	fmt.Fprintf(&b, "  (%d genuine, %d impostor)", r.genuine.Len(), r.impostor.Len())
	return b.String(), e, nil
}

// realSet is a real ROI set and the protocols it is measured with.
type realSet struct {
	name      string
	protocols []protocol
	maxEER    float64 // regression guard for the code matcher
}

var realSets = []realSet{
	{"tongji-roi", []protocol{crossSession, allPairs}, 0.03},
	{"polyu-ms-green-roi", []protocol{crossSession, allPairs}, 0.03},
	{"polyu-ms-nir-roi", []protocol{allPairs}, 0.03},
	{"casia-ms-850-roi", []protocol{allPairs}, 0.06},
}

// TestRealAccuracy measures the codes on the real ROI sets of
// ../shared/data beside the NCC baseline (internal/ncc) under the same
// protocols, and logs EER and FNMR at FMR 1e-3. It skips when the data is
// absent and fails only when a code EER exceeds a loose regression bound.
// Run it with go test -run RealAccuracy -v ./palm.
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
	for _, set := range realSets {
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
			s, err := newSample(e.Identity(), e.Session(), img, true)
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
		var b strings.Builder
		fmt.Fprintf(&b, "%s (%d images, %d palms):", set.name, len(samples), len(ids))
		for _, p := range set.protocols {
			for _, mt := range []matcher{codeMatcher, allShiftsMatcher, enrolMatcher, nccMatcher} {
				line, e, err := measure(samples, p, mt).summary(1e-3)
				if err != nil {
					t.Errorf("%s, %s, %s: %v", set.name, p.name, mt.name, err)
					continue
				}
				fmt.Fprintf(&b, "\n  %-13s %-19s %s", p.name, mt.name, line)
				if mt.name == codeMatcher.name && e.Rate > set.maxEER {
					t.Errorf("%s, %s: code EER %.2f%% above %.0f%%", set.name, p.name, 100*e.Rate, 100*set.maxEER)
				}
			}
		}
		t.Log(b.String())
	}
}
