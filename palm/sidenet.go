package palm

import (
	_ "embed"
	"fmt"
	"math"
	"sync"

	"github.com/palmid/palmid/internal/nn"
	"github.com/palmid/palmid/internal/roi"
)

// The side network (see "Learned side check" in the package doc) and how
// its input is cut: a square of side sideField D about the ROI's centre,
// in the frame the hypothesis' outer valleys and the palm centre define
// (fingers up, its index finger on the right), sideIn pixels wide, from
// the working image: the grey levels (standardised) and the hand's
// silhouette (0 or 1, less 0.5), two channels.
// palm/models/train_side.py trains it on the records TestSidePatches
// writes.
var (
	//go:embed models/side-phone.onnx
	sidePhoneONNX []byte
)

const (
	sideField = 3.2 // input side, in units of the valley distance D
	sideIn    = 40  // input side, pixels
)

// sideNet loads the embedded network once.
var sideNet = sync.OnceValues(func() (*nn.Model, error) {
	m, err := nn.Load(sidePhoneONNX)
	if err != nil {
		return nil, err
	}
	if s := m.InputShape(); len(s) != 4 || s[1] != 2 || s[2] != sideIn || s[3] != sideIn || len(m.OutputShape()) != 2 || m.OutputShape()[1] != 1 {
		return nil, fmt.Errorf("palm: side network takes %v and gives %v", s, m.OutputShape())
	}
	return m, nil
})

// checkSide asks the side network which way round f's fingers are: as
// found, or the other way (f.alt, or f's valleys and fingertips reversed
// where no hypothesis had that order). It takes the order the network
// rates higher.
func (wk *work) checkSide(f *found) {
	net, err := sideNet()
	if err != nil {
		return // the embedded model loads: TestSideNet
	}
	alt := f.reversed()
	in := make([]float32, 2*sideIn*sideIn)
	var out []float32
	var logit [2]float64
	for k, v := range [2][3]Point{f.valleys, alt.valleys} {
		if !wk.sideInput(f, v[0], v[2], in) {
			return
		}
		sideStandardise(in)
		if out, err = net.Run(in, out); err != nil {
			return
		}
		logit[k] = float64(out[0])
	}
	if logit[1] > logit[0] {
		f.take(&alt)
		f.alt = nil
	}
}

// reversed returns the hypothesis with f's outer valleys the other way
// round: f.alt, or else f's own valleys, fingertips and bisectors in the
// reverse order, on the other side, with no thumb seen.
func (f *found) reversed() hypo {
	if f.alt != nil {
		return *f.alt
	}
	h := hypo{side: Left}
	if f.side == Left {
		h.side = Right
	}
	for k := range 3 {
		h.valleys[k], h.rim[k], h.bisect[k], h.open[k] = f.valleys[2-k], f.rim[2-k], f.bisect[2-k], f.open[2-k]
	}
	for k := range 4 {
		h.tips[k] = f.tips[3-k]
	}
	return h
}

// sideInput cuts the side network's input for the order with outer
// valleys v0 (index–middle) and v2 (ring–little), in working pixels, into
// in (2 x sideIn x sideIn): grey levels 0 to 255, then the silhouette, 0
// or 1. Each pixel averages a grid of samples over its footprint (bilinear
// grey, nearest silhouette); outside the image both are 0. It is false
// where the valleys coincide.
func (wk *work) sideInput(f *found, v0, v2 Point, in []float32) bool {
	fr, ok := roi.FromValleys(roi.Point{X: v0.X, Y: v0.Y}, roi.Point{X: v2.X, Y: v2.Y}, roi.Point{X: f.centre.X, Y: f.centre.Y})
	if !ok {
		return false
	}
	side := sideField * dist(v0, v2)
	ns := min(4, max(1, int(math.Ceil(side/sideIn))))
	n := sideIn * ns // samples along a side
	d := side / float64(n)
	// sample (k, r) lies at the frame's (u, v) = ((k + 0.5) d - side/2,
	// (r + 0.5) d - side/2)
	h0 := 0.5*d - side/2
	x0 := fr.Centre.X + h0*(fr.X.X+fr.Y.X)
	y0 := fr.Centre.Y + h0*(fr.X.Y+fr.Y.Y)
	w, h := wk.w, wk.h
	l, cp := wk.lum, f.comp
	plane := sideIn * sideIn
	clear(in)
	for r := range n {
		xr, yr := x0+float64(r)*d*fr.Y.X, y0+float64(r)*d*fr.Y.Y
		row := (r / ns) * sideIn
		for k := range n {
			x, y := xr+float64(k)*d*fr.X.X, yr+float64(k)*d*fr.X.Y
			if !(x >= 0 && y >= 0 && x < float64(w-1) && y < float64(h-1)) {
				continue // outside the image (or NaN): grey 0, no hand
			}
			ix, iy := int(x), int(y)
			ax, ay := float32(x-float64(ix)), float32(y-float64(iy))
			o := iy*w + ix
			t := l[o] + ax*(l[o+1]-l[o])
			b := l[o+w] + ax*(l[o+w+1]-l[o+w])
			p := row + k/ns
			in[p] += t + ay*(b-t)
			if cp.at(int(x+0.5), int(y+0.5)) {
				in[plane+p]++
			}
		}
	}
	g, m := float32(255/float64(ns*ns)), float32(1/float64(ns*ns))
	for i := range plane {
		in[i] *= g
		in[plane+i] *= m
	}
	return true
}

// sideStandardise turns sideInput's planes into the network's input, as
// train_side.py does: the grey plane standardised (standardise), 0.5
// taken from the silhouette's.
func sideStandardise(in []float32) {
	plane := sideIn * sideIn
	standardise(in[:plane])
	for i := plane; i < 2*plane; i++ {
		in[i] -= 0.5
	}
}
