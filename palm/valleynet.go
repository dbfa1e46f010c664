package palm

import (
	_ "embed"
	"fmt"
	"image"
	"math"
	"sync"

	"github.com/palmid/palmid/internal/nn"
	"github.com/palmid/palmid/internal/roi"
)

// The valley networks (see "Learned valley refinement" in the package doc)
// and how their input is cut: a square of side valleyField D about the
// valley, in the ROI frame's axes (fingers up, index finger on the right),
// as many pixels wide as the network takes (48 for photos, 32 for NIR
// frames), each the mean of up to 6 x 6 bilinear samples of the input
// image (cutROI's sampling). palm/models/train_valley.py trains them on
// patches 96 pixels over 1.2 D (TestValleyPatches), whose central 0.8 D
// it samples down to the network's side.
var (
	//go:embed models/valley-phone.onnx
	valleyPhoneONNX []byte
	//go:embed models/valley-nir.onnx
	valleyNIRONNX []byte
)

const (
	valleyField = 0.8  // patch side, in units of the valley distance D
	valleyReach = 0.35 // D: a larger move is outside what it learnt; the valley stays
)

// valleyNets loads the embedded networks once: [0] for colour photos, [1]
// for grey (NIR) frames.
var valleyNets = sync.OnceValues(func() ([2]*nn.Model, error) {
	var nets [2]*nn.Model
	for i, b := range [][]byte{valleyPhoneONNX, valleyNIRONNX} {
		m, err := nn.Load(b)
		if err != nil {
			return nets, err
		}
		if s := m.InputShape(); len(s) != 4 || s[1] != 1 || s[2] < 16 || s[2] > 64 || s[3] != s[2] || len(m.OutputShape()) != 2 || m.OutputShape()[1] != 2 {
			return nets, fmt.Errorf("palm: valley network %d takes %v and gives %v", i, s, m.OutputShape())
		}
		nets[i] = m
	}
	return nets, nil
})

// netValleys moves valleys to where the valley network puts them. The
// network looks at the valley's neighbourhood in the input image, in the
// frame the valleys and the palm centre define, and answers the valley's
// offset in units of D. On colour photos it places every valley. On grey
// (NIR) frames it places the closed ones (open[k] false) and the open ones
// whose gap is narrow (slit[k], where fingers nearly touch), and an open
// valley keeps its place where the answer lies on the background: on real
// 940 nm hands, with wide U-shaped gaps that synth does not render, the
// NIR network put open valleys beyond the hand's edge, into the gap, where
// refineValleys places them on it (see the package doc).
func (wk *work) netValleys(img image.Image, v *[3]Point, centre Point, open, slit [3]bool) {
	nets, err := valleyNets()
	if err != nil {
		return // the embedded models load: TestValleyNets
	}
	net := nets[1]
	if wk.colour {
		net = nets[0]
	}
	rp := func(p Point) roi.Point { return roi.Point{X: p.X, Y: p.Y} }
	fr, ok := roi.FromValleys(rp(v[0]), rp(v[2]), rp(centre))
	if !ok {
		return
	}
	D := dist(v[0], v[2])
	var frames []roi.Frame
	var ks []int
	for k, p := range v {
		if wk.colour || !open[k] || slit[k] {
			frames = append(frames, roi.Frame{Centre: rp(p), X: fr.X, Y: fr.Y, Side: valleyField * D})
			ks = append(ks, k)
		}
	}
	if len(ks) == 0 {
		return
	}
	side := net.InputShape()[2]
	in := make([]float32, side*side)
	var out []float32
	for n, g := range cutSquares(img, frames, side) {
		k := ks[n]
		for i, b := range g.Pix {
			in[i] = float32(b)
		}
		standardise(in)
		out, err = net.Run(in, out)
		if err != nil {
			return
		}
		dx, dy := float64(out[0]), float64(out[1])
		if !wk.colour && open[k] && onBackground(g.Pix, side, dx, dy) {
			continue // into the gap (real NIR hands; see the package doc)
		}
		p := Point{v[k].X + D*(dx*fr.X.X+dy*fr.Y.X), v[k].Y + D*(dx*fr.X.Y+dy*fr.Y.Y)}
		if dist(p, v[k]) <= valleyReach*D && !math.IsNaN(p.X+p.Y) {
			v[k] = p
		}
	}
}

// standardise scales in (grey levels 0 to 255) to zero mean and unit
// standard deviation, as train_valley.py does: n - 1 in the denominator,
// as PyTorch's std, and 1e-3 added to the deviation.
func standardise(in []float32) {
	var sum float64
	for _, a := range in {
		sum += float64(a)
	}
	mean := sum / float64(len(in))
	var ss float64
	for _, a := range in {
		d := float64(a) - mean
		ss += d * d
	}
	sd := math.Sqrt(ss / float64(len(in)-1))
	inv := 1 / (sd + 1e-3)
	for i, a := range in {
		in[i] = float32((float64(a) - mean) * inv)
	}
}

// onBackground reports whether the network's answer (dx, dy), in units of
// D from the centre of the valley's patch pix (side x side grey levels),
// lies on the background rather than on the hand: darker, by
// bilinear interpolation, than backgroundFrac of the way from the patch's
// dark level (its 5th percentile) to its hand level (its median). A valley
// lies on the hand's edge. Where the patch hardly has a dark part
// (minGapContrast) nothing counts as background.
func onBackground(pix []uint8, side int, dx, dy float64) bool {
	var hist [256]int
	for _, b := range pix {
		hist[b]++
	}
	level := func(p float64) float64 {
		n, want := 0, int(p*float64(len(pix)))
		for i, h := range hist {
			if n += h; n > want {
				return float64(i)
			}
		}
		return 255
	}
	lo, hi := level(0.05), level(0.5)
	if hi-lo < minGapContrast {
		return false
	}
	n := float64(side)
	x := n/2 - 0.5 + dx*n/valleyField
	y := n/2 - 0.5 + dy*n/valleyField
	x0, y0 := int(math.Floor(x)), int(math.Floor(y))
	if x0 < 0 || y0 < 0 || x0+1 >= side || y0+1 >= side {
		return false // beyond the patch: the reach limit decides
	}
	ax, ay := x-float64(x0), y-float64(y0)
	p := func(i, j int) float64 { return float64(pix[j*side+i]) }
	t := p(x0, y0) + ax*(p(x0+1, y0)-p(x0, y0))
	b := p(x0, y0+1) + ax*(p(x0+1, y0+1)-p(x0, y0+1))
	return t+ay*(b-t) < lo+backgroundFrac*(hi-lo)
}

// An answer darker than backgroundFrac of the way from a valley patch's
// dark level to its hand level is on the background, where the patch's
// levels differ by minGapContrast grey levels or more.
const (
	backgroundFrac = 0.15
	minGapContrast = 20
)
