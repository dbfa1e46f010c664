package imstat

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/palmid/palmid/internal/fimg"
)

func constant(v float32) *fimg.Image {
	m := fimg.New(ROISize, ROISize)
	for i := range m.Pix {
		m.Pix[i] = v
	}
	return m
}

// stripes returns a sinusoid of the given period (px) and direction of
// variation (radians), between 0.3 and 0.7.
func stripes(period, angle float64) *fimg.Image {
	m := fimg.New(ROISize, ROISize)
	c, s := math.Cos(angle), math.Sin(angle)
	for y := 0; y < m.H; y++ {
		for x := 0; x < m.W; x++ {
			u := float64(x)*c + float64(y)*s
			m.Pix[y*m.W+x] = float32(0.5 + 0.2*math.Sin(2*math.Pi*u/period))
		}
	}
	return m
}

func noise(seed uint64, std float64) *fimg.Image {
	r := rand.New(rand.NewPCG(seed, 1))
	m := fimg.New(ROISize, ROISize)
	for i := range m.Pix {
		m.Pix[i] = float32(0.5 + std*r.NormFloat64())
	}
	return m
}

func near(a, b, tol float64) bool { return math.Abs(a-b) <= tol }

func TestResample(t *testing.T) {
	src := fimg.New(4, 2)
	copy(src.Pix, []float32{0, 2, 4, 6, 1, 3, 5, 7})
	got := ResampleTo(fimg.New(2, 1), src)
	if want := []float32{1.5, 5.5}; got.Pix[0] != want[0] || got.Pix[1] != want[1] {
		t.Errorf("2x2 area average = %v, want %v", got.Pix, want)
	}
	// Non-integer shrink keeps a constant and the mean of a ramp.
	ramp := fimg.New(300, 200)
	for y := 0; y < ramp.H; y++ {
		for x := 0; x < ramp.W; x++ {
			ramp.Pix[y*ramp.W+x] = float32(x) / 299
		}
	}
	r := ROI(ramp)
	if r.W != ROISize || r.H != ROISize {
		t.Fatalf("ROI size %dx%d", r.W, r.H)
	}
	if m := IntensityOf(r).Mean; !near(m, 0.5, 1e-4) {
		t.Errorf("ramp mean after shrinking = %g", m)
	}
	for x := 1; x < ROISize; x++ {
		if r.Pix[x] <= r.Pix[x-1] {
			t.Fatalf("shrunk ramp not increasing at %d", x)
		}
	}
	// Enlarging a ramp interpolates it linearly.
	small := fimg.New(8, 1)
	for x := range small.Pix {
		small.Pix[x] = float32(x)
	}
	big := ResampleTo(fimg.New(32, 3), small)
	for x := 2; x < 30; x++ { // away from the clamped ends
		want := (float64(x)+0.5)/4 - 0.5
		if !near(float64(big.Pix[32+x]), want, 1e-5) {
			t.Errorf("enlarged ramp at %d = %g, want %g", x, big.Pix[32+x], want)
		}
	}
}

func TestIntensityConstant(t *testing.T) {
	st := IntensityOf(constant(0.4))
	if !near(st.Mean, 0.4, 1e-6) || st.Std > 1e-6 {
		t.Errorf("mean %g std %g", st.Mean, st.Std)
	}
	for _, p := range st.Percentiles {
		if !near(p, 0.4, 1e-6) {
			t.Errorf("percentiles %v", st.Percentiles)
			break
		}
	}
	bin := 12 // 0.4 * 32
	for i, v := range st.Hist {
		if want := float64(map[bool]int{true: 1}[i == bin]); v != want {
			t.Errorf("hist[%d] = %g, want %g", i, v, want)
		}
	}
}

func TestPercentiles(t *testing.T) {
	m := fimg.New(101, 1)
	for i := range m.Pix {
		m.Pix[i] = float32(i) / 100
	}
	st := IntensityOf(m)
	for i, p := range PercentileLevels {
		if !near(st.Percentiles[i], p/100, 1e-6) {
			t.Errorf("p%g = %g", p, st.Percentiles[i])
		}
	}
	if !near(st.Mean, 0.5, 1e-6) || !near(st.Std, math.Sqrt(0.085), 1e-3) {
		t.Errorf("mean %g std %g", st.Mean, st.Std)
	}
}

func TestHistDistance(t *testing.T) {
	a := HistogramTo(nil, constant(0.2))
	b := HistogramTo(nil, constant(0.45))
	if d := HistDistance(a, b); !near(d, 0.25, 1.0/HistBins) {
		t.Errorf("distance between spikes 0.25 apart = %g", d)
	}
	if d := HistDistance(a, a); d != 0 {
		t.Errorf("self distance %g", d)
	}
	n1, n2 := HistogramTo(nil, noise(1, 0.1)), HistogramTo(nil, noise(2, 0.1))
	if d := HistDistance(n1, n2); d > 0.01 {
		t.Errorf("distance between two noise draws = %g", d)
	}
}

func TestCoherence(t *testing.T) {
	if c := Coherence(constant(0.5)); c != 0 {
		t.Errorf("constant image: coherence %g, want 0", c)
	}
	for _, angle := range []float64{0, 0.3, math.Pi / 4, 2} {
		for _, period := range []float64{6, 12} {
			if c := Coherence(stripes(period, angle)); c < 0.95 {
				t.Errorf("stripes period %g angle %g: coherence %g, want near 1", period, angle, c)
			}
		}
	}
	if c := Coherence(noise(3, 0.1)); c > 0.4 {
		t.Errorf("white noise: coherence %g, want low", c)
	}
}

// drawLine draws a dark segment of the given width (px) and depth into m,
// anti-aliased over one pixel, and returns the segment's area in pixels.
func drawLine(m *fimg.Image, x0, y0, x1, y1, width, depth float64) float64 {
	dx, dy := x1-x0, y1-y0
	l := math.Hypot(dx, dy)
	for y := 0; y < m.H; y++ {
		for x := 0; x < m.W; x++ {
			px, py := float64(x)-x0, float64(y)-y0
			u := (px*dx + py*dy) / l // along
			v := math.Abs(px*dy-py*dx) / l
			if u < 0 || u > l {
				continue
			}
			cover := math.Max(0, math.Min(1, width/2-v+0.5))
			m.Pix[y*m.W+x] -= float32(depth * cover)
		}
	}
	return width * l
}

func TestLineDensity(t *testing.T) {
	if d := LineDensity(constant(0.5), FineLines); d != 0 {
		t.Errorf("constant image: line density %g", d)
	}
	if d := LineDensity(stripes(100, 0.5), CoarseLines); d != 0 {
		t.Errorf("broad shading: line density %g", d)
	}
	for _, c := range []struct {
		name  string
		width float64
		sc    LineScale
	}{
		{"fine 2px", 2, FineLines},
		{"fine 3px", 3, FineLines},
		{"fine 5px", 5, FineLines},
		{"coarse 5px", 5, CoarseLines},
		{"coarse 12px", 12, CoarseLines},
	} {
		m := constant(0.6)
		// A gentle illumination ramp must not matter.
		for y := 0; y < m.H; y++ {
			for x := 0; x < m.W; x++ {
				m.Pix[y*m.W+x] += float32(x) / 1000
			}
		}
		area := drawLine(m, 10, 20, 110, 60, c.width, 0.2)
		area += drawLine(m, 20, 110, 100, 90, c.width, 0.1)
		want := area / float64(len(m.Pix))
		got := LineDensity(m, c.sc)
		t.Logf("%s: line density %.4f, area fraction %.4f", c.name, got, want)
		if got < 0.75*want || got > 1.25*want {
			t.Errorf("%s: line density %.4f, area fraction %.4f", c.name, got, want)
		}
		// Gain and offset do not change it.
		for i := range m.Pix {
			m.Pix[i] = 0.1 + 0.5*m.Pix[i]
		}
		if got2 := LineDensity(m, c.sc); !near(got2, got, 0.002) {
			t.Errorf("%s: density %.4f at half contrast, %.4f at full", c.name, got2, got)
		}
	}
	// A dark spot is not a line.
	m := constant(0.6)
	drawLine(m, 60, 64, 63, 64, 3, 0.3)
	if d := LineDensity(m, FineLines); d != 0 {
		t.Errorf("spot: line density %g", d)
	}
}

func TestSpectrum(t *testing.T) {
	if sp := SpectrumOf(constant(0.3)); sp.Slope != 0 || sp.MidFraction != 0 {
		t.Errorf("constant: %+v", sp)
	}
	// A sinusoid of period 8 px (0.125 cycles/px) peaks in ring 8.
	sp := SpectrumOf(stripes(8, 0))
	best := 0
	for i, p := range sp.Power {
		if p > sp.Power[best] {
			best = i
		}
	}
	if best != 8 || sp.MidFraction < 0.95 {
		t.Errorf("period-8 stripes: peak ring %d, mid fraction %g", best, sp.MidFraction)
	}
	var sum float64
	for _, p := range sp.Power {
		sum += p
	}
	if !near(sum, 1, 1e-9) {
		t.Errorf("power sums to %g", sum)
	}
	// White noise is flat; blurred noise falls steeply.
	var white, blurred float64
	for seed := uint64(1); seed <= 4; seed++ {
		n := noise(seed, 0.1)
		white += SpectrumOf(n).Slope / 4
		blurred += SpectrumOf(fimg.BlurTo(nil, n, 2)).Slope / 4
	}
	if math.Abs(white) > 0.2 {
		t.Errorf("white noise: slope %g, want about 0", white)
	}
	if blurred > -3 {
		t.Errorf("blurred noise: slope %g, want steep", blurred)
	}
	if d := SpectrumDistance(SpectrumOf(noise(5, 0.1)).Power, SpectrumOf(noise(6, 0.3)).Power); d > 0.25 {
		t.Errorf("distance between white noise spectra %g", d)
	}
}

func TestSummarize(t *testing.T) {
	stats := []Stats{Analyze(constant(0.2)), Analyze(constant(0.6))}
	s := Summarize(stats)
	if s.N != 2 || !near(s.Mean.Mean, 0.4, 1e-6) || !near(s.Mean.Std, 0.2, 1e-6) {
		t.Errorf("mean moments %v, N %d", s.Mean, s.N)
	}
	var sum float64
	for _, v := range s.Hist {
		sum += v
	}
	if !near(sum, 1, 1e-9) || s.Hist[6] != 0.5 {
		t.Errorf("mean histogram %v", s.Hist)
	}
	if len(s.Spectrum) != SpectrumBins {
		t.Errorf("spectrum length %d", len(s.Spectrum))
	}
	a := Summarize([]Stats{Analyze(noise(1, 0.1)), Analyze(stripes(8, 1))})
	c := Compare(a, a)
	if c.HistDistance != 0 || c.SpectrumDistance != 0 {
		t.Errorf("self comparison %+v", c)
	}
	for k, z := range c.Z {
		if z != 0 {
			t.Errorf("self comparison: z[%s] = %g", k, z)
		}
	}
	if s.String() == "" {
		t.Error("empty String")
	}
}

func BenchmarkAnalyze(b *testing.B) {
	m := noise(1, 0.1)
	for b.Loop() {
		Analyze(m)
	}
}
