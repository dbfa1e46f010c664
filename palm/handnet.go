package palm

import (
	_ "embed"
	"fmt"
	"math"
	"sync"

	"github.com/palmid/palmid/internal/nn"
)

// The hand network (the learned hand locator; see "Hand finding" in the
// package doc): it sees the working image of a colour photo shrunk into a
// handIn x handIn square (the long side filling it, the rest zero) as four
// planes: luma, Cb and Cr (each (v - 128) / 64, from 0..255) and a plane
// that is 1 over the image and 0 over the padding. It answers a handOut x handOut map of
// logits, one for each 2 x 2 input cells: is this the hand (or its arm)?
// palm/models/train_hand.py trains it on the records TestHandPatches
// writes.
var (
	//go:embed models/hand-phone.onnx
	handPhoneONNX []byte
)

const (
	handIn  = 80 // input side, cells
	handOut = 40 // output side, cells
)

// handNet loads the embedded network once.
var handNet = sync.OnceValues(func() (*nn.Model, error) {
	m, err := nn.Load(handPhoneONNX)
	if err != nil {
		return nil, err
	}
	if s, o := m.InputShape(), m.OutputShape(); len(s) != 4 || s[1] != 4 || s[2] != handIn || s[3] != handIn || len(o) != 4 || o[1] != 1 || o[2] != handOut || o[3] != handOut {
		return nil, fmt.Errorf("palm: hand network takes %v and gives %v", s, o)
	}
	return m, nil
})

// handCell returns the working-image pixels per input cell of the hand
// network, and how many cells across and down the working image fills.
func (wk *work) handCell() (s float64, cw, ch int) {
	s = float64(max(wk.w, wk.h)) / handIn
	cw = min(handIn, max(1, int(math.Ceil(float64(wk.w)/s-1e-9))))
	ch = min(handIn, max(1, int(math.Ceil(float64(wk.h)/s-1e-9))))
	return s, cw, ch
}

// handPlanes writes to in (3 x handIn x handIn) the luma, Cb and Cr of
// the working image (colour) averaged over each cell, 0..255, with zeros
// outside the cw x ch cells the image fills, and returns cw and ch.
func (wk *work) handPlanes(in []float32) (cw, ch int) {
	s, cw, ch := wk.handCell()
	clear(in)
	const k = 4 // samples a side per cell
	var xs [handIn * k]int
	for i := range cw * k {
		xs[i] = min(wk.w-1, int((float64(i)+0.5)/k*s))
	}
	plane := handIn * handIn
	for cy := range ch {
		for j := range k {
			y := min(wk.h-1, int((float64(cy*k+j)+0.5)/k*s))
			lum, cb, cr := wk.lum[y*wk.w:], wk.cb[y*wk.w:], wk.cr[y*wk.w:]
			for cx := range cw {
				o := cy*handIn + cx
				for i := range k {
					x := xs[cx*k+i]
					in[o] += lum[x] * 255
					in[plane+o] += cb[x]
					in[2*plane+o] += cr[x]
				}
			}
		}
	}
	for i := range in[:3*plane] {
		in[i] *= 1.0 / (k * k)
	}
	return cw, ch
}

// handStandardise turns handPlanes' output (3 planes, then room for a
// fourth) into the network's input.
func handStandardise(in []float32, cw, ch int) {
	plane := handIn * handIn
	for c := range 3 {
		for cy := range ch {
			for cx := range cw {
				o := c*plane + cy*handIn + cx
				in[o] = (in[o] - 128) / 64
			}
		}
	}
	valid := in[3*plane : 4*plane]
	clear(valid)
	for cy := range ch {
		for cx := range cw {
			valid[cy*handIn+cx] = 1
		}
	}
}

// handInput returns the hand network's input for a colour working image
// (the keypoint network takes the same), made on the first call.
func (wk *work) handInput() []float32 {
	if wk.netIn == nil {
		wk.netIn = make([]float32, 4*handIn*handIn)
		cw, ch := wk.handPlanes(wk.netIn)
		handStandardise(wk.netIn, cw, ch)
	}
	return wk.netIn
}

// handPrior runs the hand network on a colour working image and returns,
// for each working pixel, the network's probability that it is the hand
// (bilinear between its output cells), or nil where it cannot run.
func (wk *work) handPrior() []float32 {
	net, err := handNet()
	if err != nil || !wk.colour {
		return nil // the embedded model loads: TestHandNet
	}
	out, err := net.Run(wk.handInput(), nil)
	if err != nil {
		return nil
	}
	for i, v := range out {
		out[i] = float32(1 / (1 + math.Exp(-float64(v))))
	}
	s, _, _ := wk.handCell()
	cell := 2 * s // working pixels per output cell
	// bilinear weights: cell columns x0[x], x0[x]+dx[x] at 1-tx[x], tx[x]
	at := func(v int) (i0, d int, t float32) {
		f := clamp((float64(v)+0.5)/cell-0.5, 0, handOut-1)
		i0 = int(f)
		return i0, min(handOut-1, i0+1) - i0, float32(f - float64(i0))
	}
	x0, dx, tx := make([]int, wk.w), make([]int, wk.w), make([]float32, wk.w)
	for x := range wk.w {
		x0[x], dx[x], tx[x] = at(x)
	}
	p := wk.scratch(wk.w * wk.h)
	for y := range wk.h {
		y0, dy, ty := at(y)
		ra, rb := out[y0*handOut:], out[(y0+dy)*handOut:]
		row := p[y*wk.w : (y+1)*wk.w]
		for x := range row {
			i, j, t := x0[x], x0[x]+dx[x], tx[x]
			a := ra[i] + (ra[j]-ra[i])*t
			b := rb[i] + (rb[j]-rb[i])*t
			row[x] = a + (b-a)*ty
		}
	}
	return p
}

// The hand network's probabilities that netFit samples the hand's colour
// over (handSure) and the background's under (handNot).
const (
	handSure = 0.85
	handNot  = 0.1
)

// netFit segments a colour working image with models of its chroma over
// luma (nb and nr, see findHand): the hand's fitted to the pixels the
// hand network is sure of (prior, from handPrior), the background's
// colours (as in contrastFit) to those it rules out. A pixel is the
// hand's where the hand's colour, weighed by the network's probability,
// is likelier than every background colour, weighed by the rest. Fitted to
// the whole hand, fingers and all, the hand's model takes in their shading
// and colour; the network's probability keeps out clutter of the hand's
// colour away from it. It returns nil where the network is sure of too few
// pixels.
func netFit(prior, lum, nb, nr []float32, w, h int) []uint8 {
	var fg gaussSum
	var xs, ys []float64
	var bg []int
	for i, p := range prior {
		switch {
		case p > handSure && lum[i] >= 0.04:
			fg.add(float64(nb[i]), float64(nr[i]))
		case p < handNot && i%4 == 0 && (i/w)%4 == 0:
			bg = append(bg, len(xs))
			xs = append(xs, float64(nb[i]))
			ys = append(ys, float64(nr[i]))
		}
	}
	if fg.n < float64(w*h/200) {
		return nil
	}
	hand, ok := fg.fit()
	if !ok {
		return nil
	}
	var models []gauss2
	if len(bg) >= 4*bgClusters {
		models = bgModels(hand, xs, ys, bg, true)
	}
	return classify(hand, models, prior, lum, nb, nr)
}

// priorAgrees reports whether the hand network agrees with a hand found:
// its palm centre lies where the network sees the hand, and its
// silhouette overlaps the network's hand (probability over one half) by
// an intersection over union of at least handAgree, counted on every
// other pixel.
func (wk *work) priorAgrees(f *found) bool {
	w := wk.w
	cx, cy := int(f.centre.X+0.5), int(f.centre.Y+0.5)
	if cx < 0 || cy < 0 || cx >= w || cy >= wk.h || wk.prior[cy*w+cx] < 0.5 {
		return false
	}
	cp := f.comp
	inter, union := 0, 0
	for y := 0; y < wk.h; y += 2 {
		for x := 0; x < w; x += 2 {
			a, b := cp.at(x, y), wk.prior[y*w+x] > 0.5
			if a && b {
				inter++
			}
			if a || b {
				union++
			}
		}
	}
	return float64(inter) >= handAgree*float64(union)
}

// priorPenalty is taken from the score of a hand that the hand network
// does not agree with (priorAgrees): such a hand must score well above
// the least score of a hand (minScore) to be taken, as clutter does not.
const priorPenalty = 3

// handAgree is the least overlap (intersection over union) of a hand's
// silhouette with the hand network's that priorAgrees accepts.
const handAgree = 0.5
