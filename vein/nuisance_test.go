package vein

import (
	"flag"
	"math"
	"runtime"
	"sort"
	"sync"
	"testing"

	"github.com/palmid/palmid/synth"
)

var nuisances = flag.Int("vein.nuisances", 0, "run TestGenuineNuisances on this many identities x 4 captures of synth seed 7")

// TestGenuineNuisances tabulates genuine vein scores against what differs
// between the two captures (synth seed 7, a tuning population, realistic
// difficulty, ground-truth ROIs): the turn, scale change and offset of the
// ROI frame relative to the palm (the valleys move with the fingers), the
// larger blur and the larger occluded fraction. It logs the lowest pairs
// and, per range of each nuisance, the pairs, their mean score and the
// share below 0.5. It runs only with -vein.nuisances=N:
//
//	go test -run GenuineNuisances -v ./vein -vein.nuisances=100
func TestGenuineNuisances(t *testing.T) {
	if *nuisances <= 0 {
		t.Skip("renders captures; run with -vein.nuisances=N")
	}
	const seed, per = 7, 4
	ids := *nuisances
	type capture struct {
		t                      *Template
		tr                     synth.Truth
		ang, scale, offx, offy float64 // ROI frame in palm coordinates: degrees, mm, mm
	}
	caps := make([]*capture, ids*per)
	next := make(chan int)
	var wg sync.WaitGroup
	for range runtime.GOMAXPROCS(0) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				id := synth.NewIdentity(seed, i)
				for s := range per {
					_, v := id.RenderDevice(s, nil)
					f, err := v.Truth.ROIFrame()
					if err != nil {
						continue
					}
					r, err := v.TruthROI(128)
					if err != nil {
						continue
					}
					tp, err := NewTemplate(r)
					if err != nil {
						continue
					}
					tr := v.Truth
					c := &capture{t: tp, tr: tr, scale: f.Side / tr.PxPerMM}
					c.ang = math.Remainder(math.Atan2(f.Y.Y, f.Y.X)-tr.Orientation, 2*math.Pi) * 180 / math.Pi
					dx, dy := f.Centre.X-tr.Centre.X, f.Centre.Y-tr.Centre.Y
					sin, cos := math.Sincos(-tr.Orientation)
					c.offx, c.offy = (dx*cos-dy*sin)/tr.PxPerMM, (dx*sin+dy*cos)/tr.PxPerMM
					caps[i*per+s] = c
				}
			}
		}()
	}
	for i := range ids {
		next <- i
	}
	close(next)
	wg.Wait()
	type pair struct {
		i, s, u                          int
		score                            float64
		turn, scale, offset, blur, occlu float64
	}
	var ps []pair
	for i := range ids {
		for s := range per {
			for u := s + 1; u < per; u++ {
				a, b := caps[i*per+s], caps[i*per+u]
				if a == nil || b == nil {
					continue
				}
				ps = append(ps, pair{i, s, u, Compare(a.t, b.t),
					math.Abs(math.Remainder(a.ang-b.ang, 360)),
					100 * math.Abs(math.Log(a.scale/b.scale)),
					math.Hypot(a.offx-b.offx, a.offy-b.offy) / ((a.scale + b.scale) / 2) * 128,
					max(a.tr.Blur, b.tr.Blur), max(a.tr.Occluded, b.tr.Occluded)})
			}
		}
	}
	sort.Slice(ps, func(i, j int) bool { return ps[i].score < ps[j].score })
	for _, p := range ps[:min(10, len(ps))] {
		t.Logf("identity %3d captures %d-%d: %.3f  turn %4.1f°  scale %4.1f%%  offset %4.1f px  blur %.2f  occluded %.3f",
			p.i, p.s, p.u, p.score, p.turn, p.scale, p.offset, p.blur, p.occlu)
	}
	for _, c := range []struct {
		name  string
		of    func(p pair) float64
		edges []float64
	}{
		{"turn (°)", func(p pair) float64 { return p.turn }, []float64{0, 2, 4, 6, 8, 12, 90}},
		{"scale (%)", func(p pair) float64 { return p.scale }, []float64{0, 2, 4, 6, 10, 15, 100}},
		{"offset (px of 128)", func(p pair) float64 { return p.offset }, []float64{0, 4, 8, 12, 16, 24, 1000}},
		{"blur (px)", func(p pair) float64 { return p.blur }, []float64{0, 0.5, 1, 1.5, 2, 10}},
		{"occluded", func(p pair) float64 { return p.occlu }, []float64{0, 0.001, 0.03, 0.06, 1}},
	} {
		for e := 0; e+1 < len(c.edges); e++ {
			var sum, n, low float64
			for _, p := range ps {
				if x := c.of(p); x >= c.edges[e] && x < c.edges[e+1] {
					sum, n = sum+p.score, n+1
					if p.score < 0.5 {
						low++
					}
				}
			}
			if n > 0 {
				t.Logf("%-18s [%5.3g, %5.3g)  %4.0f pairs  mean %.3f  below 0.5 %5.1f%%", c.name, c.edges[e], c.edges[e+1], n, sum/n, 100*low/n)
			}
		}
	}
}
