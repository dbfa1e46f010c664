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
// valleyIn pixels wide, each the mean of up to 6 x 6 bilinear samples of
// the input image (cutROI's sampling). palm/models/train_valley.py trains
// them on patches cut the same way, 96 pixels over 1.2 D
// (TestValleyPatches), whose central 0.8 D it averages down to 32 pixels.
var (
	//go:embed models/valley-phone.onnx
	valleyPhoneONNX []byte
	//go:embed models/valley-nir.onnx
	valleyNIRONNX []byte
)

const (
	valleyField = 0.8  // patch side, in units of the valley distance D
	valleyIn    = 32   // network input side, pixels
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
		if s := m.InputShape(); len(s) != 4 || s[1] != 1 || s[2] != valleyIn || s[3] != valleyIn || len(m.OutputShape()) != 2 || m.OutputShape()[1] != 2 {
			return nets, fmt.Errorf("palm: valley network %d takes %v and gives %v", i, s, m.OutputShape())
		}
		nets[i] = m
	}
	return nets, nil
})

// netValleys moves valleys to where the valley network puts them. The
// network looks at the valley's neighbourhood in the input image, in the
// frame the valleys and the palm centre define, and answers the valley's
// offset in units of D. On colour photos it places every valley; on grey
// (NIR) frames only the closed ones (open[k] false): on real 940 nm hands
// the NIR network put open valleys beyond the hand's edge, into the gap,
// where refineValleys places them on it (see the package doc).
func (wk *work) netValleys(img image.Image, v *[3]Point, centre Point, open [3]bool) {
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
		if wk.colour || !open[k] {
			frames = append(frames, roi.Frame{Centre: rp(p), X: fr.X, Y: fr.Y, Side: valleyField * D})
			ks = append(ks, k)
		}
	}
	if len(ks) == 0 {
		return
	}
	in := make([]float32, valleyIn*valleyIn)
	var out []float32
	for n, g := range cutSquares(img, frames, valleyIn) {
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
