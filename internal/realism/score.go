package realism

import (
	"math"
	"sync"
	"sync/atomic"

	"github.com/palmid/palmid/eval"
	"github.com/palmid/palmid/internal/ncc"
)

// NCC is the NCC baseline's result on one protocol of one set.
type NCC struct {
	EER       float64 `json:"eer"`       // equal error rate, 0..1
	Threshold float64 `json:"threshold"` // score at the EER
	Genuine   int     `json:"genuine"`   // genuine comparisons
	Impostor  int     `json:"impostor"`  // impostor comparisons
	// Margin is a rough 95% margin of EER from the number of genuine
	// comparisons alone, 1.96·sqrt(EER·(1−EER)/Genuine), or 3/Genuine (the
	// rule of three) when EER is 0. Genuine pairs share images, so it
	// understates the true uncertainty: differences within it are noise.
	Margin float64 `json:"margin95"`
	// GenuineMean and ImpostorMean are the mean scores of each kind.
	GenuineMean  float64 `json:"genuine_mean"`
	ImpostorMean float64 `json:"impostor_mean"`
}

// margin returns NCC.Margin for an EER of p over g genuine comparisons.
func margin(p float64, g int) float64 {
	if p == 0 {
		return 3 / float64(g)
	}
	return 1.96 * math.Sqrt(p*(1-p)/float64(g))
}

// pairScores holds the genuine and impostor scores of one protocol.
type pairScores struct {
	genuine, impostor eval.Scores
	gsum, isum        float64
}

// result returns the EER and counts, or nil when either kind is missing.
func (p *pairScores) result() *NCC {
	if p == nil || p.genuine.Len() == 0 || p.impostor.Len() == 0 {
		return nil
	}
	e, err := eval.EqualErrorRate(&p.genuine, &p.impostor)
	if err != nil {
		return nil
	}
	return &NCC{
		EER: e.Rate, Threshold: e.Threshold, Margin: margin(e.Rate, p.genuine.Len()),
		Genuine: p.genuine.Len(), Impostor: p.impostor.Len(),
		GenuineMean:  p.gsum / float64(p.genuine.Len()),
		ImpostorMean: p.isum / float64(p.impostor.Len()),
	}
}

// rowSums are the score sums of one row of the pair matrix, kept per row so
// that the means do not depend on how rows were shared out.
type rowSums struct {
	all, cross [2]float64 // impostor, genuine
}

// scorePairs scores every pair i < j of items with ncc.Compare: genuine when
// both show the same identity. all holds every pair; cross the pairs whose
// sessions are both known and differ (nil counts when the set has no
// sessions). Rows are shared out over workers goroutines.
func scorePairs(items []item, workers int) (all, cross *pairScores) {
	sums := make([]rowSums, len(items))
	parts := make([][2]pairScores, workers)
	var next atomic.Int64
	var wg sync.WaitGroup
	for w := range workers {
		wg.Go(func() {
			ps := &parts[w]
			for {
				i := int(next.Add(1) - 1)
				if i >= len(items) {
					return
				}
				a := &items[i]
				rs := &sums[i]
				for j := i + 1; j < len(items); j++ {
					b := &items[j]
					s := ncc.Compare(a.tmpl, b.tmpl)
					g := a.identity == b.identity
					gi := 0
					if g {
						gi = 1
					}
					add(&ps[0], g, s)
					rs.all[gi] += s
					if a.session != "" && b.session != "" && a.session != b.session {
						add(&ps[1], g, s)
						rs.cross[gi] += s
					}
				}
			}
		})
	}
	wg.Wait()
	all, cross = &pairScores{}, &pairScores{}
	for w := range parts {
		all.genuine.Merge(&parts[w][0].genuine)
		all.impostor.Merge(&parts[w][0].impostor)
		cross.genuine.Merge(&parts[w][1].genuine)
		cross.impostor.Merge(&parts[w][1].impostor)
	}
	for _, rs := range sums {
		all.isum += rs.all[0]
		all.gsum += rs.all[1]
		cross.isum += rs.cross[0]
		cross.gsum += rs.cross[1]
	}
	return all, cross
}

func add(p *pairScores, genuine bool, s float64) {
	if genuine {
		p.genuine.Add(s)
	} else {
		p.impostor.Add(s)
	}
}
