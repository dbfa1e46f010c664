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
// as many pixels wide as the network takes (48), each the mean of up to
// 6 x 6 bilinear samples of the input image (cutROI's sampling).
// palm/models/train_valley.py trains them on patches 96 pixels over 1.2 D
// (TestValleyPatches), whose central 0.8 D it samples down to the
// network's side. Photos have networks of their own for the second pass,
// trained on the first pass's answers: one for the valleys found closed
// (fingers touching), one for the rest.
var (
	//go:embed models/valley-phone.onnx
	valleyPhoneONNX []byte
	//go:embed models/valley-phone-2.onnx
	valleyPhone2ONNX []byte
	//go:embed models/valley-nir.onnx
	valleyNIRONNX []byte
	//go:embed models/valley-phone-closed.onnx
	valleyPhoneClosedONNX []byte
)

const (
	valleyField = 0.8 // patch side, in units of the valley distance D
	valleyReach = 0.5 // D: a larger move is outside what it learnt; the valley stays
)

// valleyPasses is how many times the valley network runs, each time from
// its last answer: on synth seeds 7 to 9 (160 identities x 2 each) valleys
// more than 6% of the palm width off went from 22 to 12 on NIR frames with
// a second pass, and on photos from 48 to 40 with the same network again,
// to 34 with one trained on the first pass's answers.
const valleyPasses = 2

// valleyNets loads the embedded networks once: [0] for colour photos, [1]
// for grey (NIR) frames, [2] for the second pass on colour photos, [3]
// for the second pass on a photo's valleys found closed.
var valleyNets = sync.OnceValues(func() ([4]*nn.Model, error) {
	var nets [4]*nn.Model
	for i, b := range [][]byte{valleyPhoneONNX, valleyNIRONNX, valleyPhone2ONNX, valleyPhoneClosedONNX} {
		m, err := nn.Load(b)
		if err != nil {
			return nets, err
		}
		// one side for all: netValleys cuts one set of patches a pass
		if s := m.InputShape(); len(s) != 4 || s[1] != 1 || s[2] < 16 || s[2] > 64 || s[3] != s[2] || i > 0 && s[2] != nets[0].InputShape()[2] || len(m.OutputShape()) != 2 || m.OutputShape()[1] != 2 {
			return nets, fmt.Errorf("palm: valley network %d takes %v and gives %v", i, s, m.OutputShape())
		}
		nets[i] = m
	}
	return nets, nil
})

// netValleys moves valleys to where the valley network of pass pass (from
// 0) puts them (on photos, the closed valleys' own in the second pass for
// those not open). The network looks at each valley's neighbourhood in the
// input image, in the frame the valleys and the palm centre define, and
// answers the valley's offset in units of D; an answer beyond valleyReach
// is outside what it learnt, and the valley stays.
func (wk *work) netValleys(img image.Image, v *[3]Point, centre Point, pass int, open [3]bool) {
	nets, err := valleyNets()
	if err != nil {
		return // the embedded models load: TestValleyNets
	}
	// each valley's network: by modality and pass, and on photos' second
	// pass by whether the fingers above it touch
	var pick [3]*nn.Model
	for k := range pick {
		switch {
		case !wk.colour:
			pick[k] = nets[1]
		case pass == 0:
			pick[k] = nets[0]
		case open[k]:
			pick[k] = nets[2]
		default:
			pick[k] = nets[3]
		}
	}
	rp := func(p Point) roi.Point { return roi.Point{X: p.X, Y: p.Y} }
	fr, ok := roi.FromValleys(rp(v[0]), rp(v[2]), rp(centre))
	if !ok {
		return
	}
	D := dist(v[0], v[2])
	frames := make([]roi.Frame, 3)
	for k, p := range v {
		frames[k] = roi.Frame{Centre: rp(p), X: fr.X, Y: fr.Y, Side: valleyField * D}
	}
	side := pick[0].InputShape()[2]
	in := make([]float32, side*side)
	var out []float32
	for k, g := range cutSquares(img, frames, side) {
		for i, b := range g.Pix {
			in[i] = float32(b)
		}
		standardise(in)
		out, err = pick[k].Run(in, out)
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
