package ncc

import (
	"errors"
	"fmt"
	"os"
	"strings"
	"testing"

	"github.com/palmid/palmid/eval"
	"github.com/palmid/palmid/internal/dataset"
)

// realSets are the ROI sets of ../shared/data that NCC is measured on.
var realSets = []string{"tongji-roi", "polyu-ms-green-roi", "polyu-ms-nir-roi", "casia-ms-850-roi"}

// scoreSet is an eval.Scores that also keeps its sum, for the mean.
type scoreSet struct {
	eval.Scores
	sum float64
}

func (s *scoreSet) add(v float64) {
	s.Add(v)
	s.sum += v
}

func (s *scoreSet) mean() float64 { return s.sum / float64(s.Len()) }

// pairScores holds genuine and impostor scores for one protocol.
type pairScores struct {
	genuine, impostor scoreSet
}

func (p *pairScores) add(genuine bool, v float64) {
	if genuine {
		p.genuine.add(v)
	} else {
		p.impostor.add(v)
	}
}

func (p *pairScores) eer() (eval.EER, error) {
	return eval.EqualErrorRate(&p.genuine.Scores, &p.impostor.Scores)
}

func (p *pairScores) report(name string) string {
	e, err := p.eer()
	if err != nil {
		return fmt.Sprintf("%-13s %v", name, err)
	}
	return fmt.Sprintf("%-13s EER %5.2f%% at %.3f  (%d genuine, mean %.3f; %d impostor, mean %.3f)",
		name, 100*e.Rate, e.Threshold, p.genuine.Len(), p.genuine.mean(), p.impostor.Len(), p.impostor.mean())
}

// TestRealEER measures the NCC baseline on the real ROI sets: all genuine
// and impostor pairs of each set, and, for the sets with two sessions, only
// the pairs across sessions (session 1 enrolled, session 2 probed), both
// genuine and impostor. It logs the EERs for the default options and two
// ablations, and fails only if the default EER is no better than chance.
func TestRealEER(t *testing.T) {
	if testing.Short() {
		t.Skip("compares every pair of real ROIs; skipped in -short mode")
	}
	m, err := dataset.ReadRealManifest()
	if errors.Is(err, dataset.ErrNoRealData) {
		t.Skipf("real data absent, skipping: %v", err)
	}
	if err != nil {
		t.Fatal(err)
	}
	configs := []struct {
		name string
		opts Options
	}{
		{"default", DefaultOptions},
		{"no flatten", Options{MaxShift: 4, MinOverlap: 0.5}},
		{"no shift", Options{MaxShift: 0, MinOverlap: 0.5, Flatten: 8}},
	}
	for _, set := range realSets {
		var entries []dataset.Entry
		for _, e := range m.Set(set) {
			if _, err := os.Stat(m.File(e)); err == nil {
				entries = append(entries, e)
			}
		}
		if len(entries) < 2 {
			t.Logf("%s: fewer than 2 images present, skipped", set)
			continue
		}
		imgs := make([]*Template, len(entries))
		for ci, c := range configs {
			for i, e := range entries {
				img, err := m.Load(e)
				if err != nil {
					t.Fatal(err)
				}
				if imgs[i], err = NewTemplate(img, &c.opts); err != nil {
					t.Fatalf("%s: %v", e.Path, err)
				}
			}
			var all, cross pairScores
			for i := range imgs {
				for j := i + 1; j < len(imgs); j++ {
					s := Compare(imgs[i], imgs[j])
					genuine := entries[i].Identity() == entries[j].Identity()
					all.add(genuine, s)
					si, sj := entries[i].Session(), entries[j].Session()
					if si != "" && sj != "" && si != sj {
						cross.add(genuine, s)
					}
				}
			}
			var b strings.Builder
			fmt.Fprintf(&b, "%s, %s (%d images):\n  %s", set, c.name, len(entries), all.report("all pairs"))
			if cross.genuine.Len() > 0 {
				fmt.Fprintf(&b, "\n  %s", cross.report("cross-session"))
			}
			t.Log(b.String())
			if ci == 0 {
				if e, err := all.eer(); err != nil || e.Rate >= 0.5 {
					t.Errorf("%s: EER %v, %v", set, e.Rate, err)
				}
			}
		}
	}
}
