package palm

import (
	_ "embed"
	"fmt"
	"math"
	"sync"

	"github.com/palmid/palmid/internal/nn"
)

// The keypoint network (see "Hand finding" in the package doc) finds the
// three valleys of a colour photo at a glance, from the hand network's
// input (handInput) and answers, on a keyOut x keyOut grid of output
// cells (each handIn/keyOut input cells across), a map of logits for each
// valley, then for each valley the offset (x, y, in output cells) from
// each cell's centre to it. palm/models/train_keypoint.py
// trains it on the records TestKeypointPatches writes.
var (
	//go:embed models/keypoint-phone.onnx
	keypointPhoneONNX []byte
)

const keyOut = 20 // output side, cells

// keypointNet loads the embedded network once.
var keypointNet = sync.OnceValues(func() (*nn.Model, error) {
	m, err := nn.Load(keypointPhoneONNX)
	if err != nil {
		return nil, err
	}
	if s, o := m.InputShape(), m.OutputShape(); len(s) != 4 || s[1] != 4 || s[2] != handIn || s[3] != handIn || len(o) != 4 || o[1] != 9 || o[2] != keyOut || o[3] != keyOut {
		return nil, fmt.Errorf("palm: keypoint network takes %v and gives %v", s, o)
	}
	return m, nil
})

// keyGuess is the keypoint network's answer: each valley in working
// pixels (its map's peak cell and the offset there), and the probability
// the map's softmax gives the 3 x 3 cells about the peak.
type keyGuess struct {
	valleys [3]Point
	mass    [3]float64
}

// keypoints runs the keypoint network on a colour working image; ok is
// false where it cannot run.
func (wk *work) keypoints() (g keyGuess, ok bool) {
	net, err := keypointNet()
	if err != nil || !wk.colour {
		return g, false // the embedded model loads: TestKeypointNet
	}
	out, err := net.Run(wk.handInput(), nil)
	if err != nil {
		return g, false
	}
	s, _, _ := wk.handCell()
	cell := float64(handIn) / keyOut // input cells per output cell
	const n = keyOut * keyOut
	for k := range 3 {
		z := out[k*n : (k+1)*n]
		top := 0
		for i, v := range z {
			if v > z[top] {
				top = i
			}
		}
		// the mean of the 3 x 3 cells' positions about the peak (each
		// cell's centre and offset), weighed by their probabilities
		var sum, near, px, py float64
		ty, tx := top/keyOut, top%keyOut
		for i, v := range z {
			p := math.Exp(float64(v - z[top]))
			sum += p
			if y, x := i/keyOut, i%keyOut; y >= ty-1 && y <= ty+1 && x >= tx-1 && x <= tx+1 {
				near += p
				px += p * (float64(x) + 0.5 + float64(out[(3+2*k)*n+i]))
				py += p * (float64(y) + 0.5 + float64(out[(4+2*k)*n+i]))
			}
		}
		// output cells -> input cells -> working pixels
		g.valleys[k] = Point{px/near*cell*s - 0.5, py/near*cell*s - 0.5}
		g.mass[k] = near / sum
	}
	return g, true
}

// How far the keypoint network's valleys are trusted (checkKeypoints,
// rescue). Its own errors (median 3.7% of the palm width, 6 of 900
// valleys over a quarter of it, on synth seed 31) are too large for it to
// place valleys: it only overrules a silhouette that is clearly wrong,
// and the valley networks refine what it gives. D is the distance of its
// outer valleys, r the palm's inscribed radius.
const (
	keySure   = 0.7  // least probability of the 3 x 3 cells about each map's peak
	keyFar    = 0.6  // D: a found valley farther than this from the network's is wrong
	keyMiddle = 0.35 // D: the largest distance of the middle valley from the outer ones' midpoint
	keyGap    = 0.1  // D: the step above a valley where a gap between the fingers shows it open
)

var keySpan = [2]float64{0.6, 2.2} // r: the least and largest D

// plausible reports whether the network is sure of all three valleys
// (keySure) and they are spaced like those of a hand whose palm has
// inscribed radius r; it returns the distance D of the outer ones.
func (g *keyGuess) plausible(r float64) (D float64, ok bool) {
	for _, m := range g.mass {
		if m < keySure {
			return 0, false
		}
	}
	v := g.valleys
	D = dist(v[0], v[2])
	if D < 2 || D < keySpan[0]*r || D > keySpan[1]*r || dist(v[1], midpoint(v[0], v[2])) > keyMiddle*D {
		return 0, false // bunched, spread, or the middle one astray
	}
	return D, true
}

// sideOf returns the side of a palm with valleys v and centre c: for a
// right palm the valley line towards the index finger and the palm below
// it turn clockwise on screen (as hypothesis decides it).
func sideOf(v [3]Point, c Point) Side {
	mid := midpoint(v[0], v[2])
	X := Point{v[0].X - v[2].X, v[0].Y - v[2].Y}
	if X.X*(c.Y-mid.Y)-X.Y*(c.X-mid.X) > 0 {
		return Right
	}
	return Left
}

func midpoint(a, b Point) Point { return Point{(a.X + b.X) / 2, (a.Y + b.Y) / 2} }

// checkKeypoints compares the valleys found with the keypoint network's
// guess g: where the network is sure of all three (each map's mass about
// its peak at least keySure) and the valleys found lie far from its
// (farther than keyFar D, in the order, found or reversed, that brings
// them nearest), the silhouette misled the finder: the network's valleys
// replace them, in that order, for the valley networks to refine, and
// the side network (checkSide) then chooses their order again. It reports
// whether it replaced them.
func (wk *work) checkKeypoints(f *found, g keyGuess) bool {
	D, ok := g.plausible(f.r)
	if !ok {
		return false
	}
	var fwd, rev float64
	for k := range 3 {
		fwd = math.Max(fwd, dist(f.valleys[k], g.valleys[k]))
		rev = math.Max(rev, dist(f.valleys[k], g.valleys[2-k]))
	}
	if math.Min(fwd, rev) <= keyFar*D {
		return false
	}
	v := g.valleys
	if rev < fwd {
		v[0], v[2] = v[2], v[0]
	}
	var open [3]bool
	for k := range 3 {
		// the open state of the found valley nearest each new one
		j := 0
		for i := range 3 {
			if dist(f.valleys[i], v[k]) < dist(f.valleys[j], v[k]) {
				j = i
			}
		}
		open[k] = f.open[j]
	}
	f.valleys, f.rim, f.open, f.side, f.tips = v, v, open, sideOf(v, f.centre), [4]Point{}
	f.alt, f.guessed = nil, true
	wk.checkSide(f)
	return true
}

// rescue takes the keypoint network's valleys for a silhouette in which
// findHand saw finger-like shapes but no hand (fingers held together, or
// cut by shade or clutter): where the network is sure of all three and
// they are spaced like a hand's about the palm centre found again below
// them, they become f's
// valleys, for the valley networks to refine. It reports whether it took
// them.
func (wk *work) rescue(f *found, g keyGuess) bool {
	v := g.valleys
	D, mid := dist(v[0], v[2]), midpoint(v[0], v[2])
	if D < 2 {
		return false
	}
	// The silhouette's centre can be far down the forearm or in clutter
	// joined to the hand: the palm centre is the deepest point about
	// where the valleys put it, on the side of their line where the
	// silhouette is deeper (the palm's, not the fingers').
	n := unit(Point{v[2].Y - v[0].Y, v[0].X - v[2].X})
	dt, _ := f.comp.distance()
	var c Point
	r := 0.0
	for _, s := range [2]float64{1, -1} {
		q, ok := f.comp.deepestNear(Point{mid.X + s*ratioCentre*D*n.X, mid.Y + s*ratioCentre*D*n.Y}, 0.25*D)
		if !ok {
			continue
		}
		if d := float64(dt[q.y*f.comp.bw+q.x]); d > r {
			c, r = Point{float64(q.x + f.comp.x0), float64(q.y + f.comp.y0)}, d
		}
	}
	if r == 0 {
		return false
	}
	if _, ok := g.plausible(r); !ok {
		return false
	}
	f.centre, f.r = c, r
	up := unit(Point{mid.X - c.X, mid.Y - c.Y})
	for k := range 3 {
		// open where the silhouette has a gap just above the valley
		p := Point{v[k].X + keyGap*D*up.X, v[k].Y + keyGap*D*up.Y}
		f.open[k] = !f.comp.at(int(p.X+0.5), int(p.Y+0.5))
	}
	f.valleys, f.rim, f.tips, f.side = v, v, [4]Point{}, sideOf(v, f.centre)
	f.alt, f.guessed, f.thumb = nil, true, false
	wk.checkSide(f)
	return true
}
