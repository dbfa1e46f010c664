package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"image"
	"io"
	"os"
	"runtime"
	"sort"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/palmid/palmid/eval"
	"github.com/palmid/palmid/internal/evalrun"
	"github.com/palmid/palmid/internal/fimg"
	"github.com/palmid/palmid/internal/ncc"
	"github.com/palmid/palmid/palm"
	"github.com/palmid/palmid/synth"
	"github.com/palmid/palmid/vein"
)

func init() {
	register(command{
		name:    "demo",
		summary: "end-to-end demo: synthetic population, enrol, compare, identify, report (the main job)",
		run:     runDemo,
	})
}

// Demo defaults: a fixed population anyone can rerun, sized to finish in
// under two minutes on a 2-core machine.
const (
	demoSeed       = 2026
	demoIdentities = 60
	demoSamples    = 4
)

// demoMethod names the recognition the demo runs; roiFound or roiTruth
// follows it.
const (
	demoMethod = "palmprint competitive codes (package palm: 6-orientation Gabor code, shifted masked Hamming, enrolment at ±4°) on the phone and NIR palm images, Hessian vein templates (package vein: shifted Dice) on the NIR vein image, fused by vein.Fuse (impostor z-normalised weighted sum of the two device scores); the raw-pixel NCC baseline runs beside for reference"
	roiFound   = "128x128 ROIs found by palmid (palm.FindROI: hand located, finger valleys checked against a keypoint network on photos, refined and their side checked by small networks, quality checks) on the phone photo and on the NIR palm frame; the vein ROI is the palm frame's square cut from the vein frame of the same pose (palm.Hand.Cut)"
	roiTruth   = "ground-truth-aligned 128x128 ROIs (--truth-roi: cut where synth's ground truth puts them, no hand finding)"
)

// channel is one recognition channel the demo evaluates: an image kind and
// the features read from it.
type channel struct {
	image, method string
	index         int // template slot
}

func (c channel) name() string { return c.image + " (" + c.method + ")" }

var channels = []channel{
	{"phone photo", "palm code", 0},
	{"device NIR palm surface", "palm code", 1},
	{"device NIR vein", "vein templates", 2},
}

const fusedName = "device palm code + vein (vein.Fuse)"

// enrolled is one capture's templates, nil where acquisition failed.
type enrolled struct {
	identity, sample int
	t                [3]*template
}

// template is one capture's features in one channel: palmprint competitive
// codes (palm.EnrolCodes: the ROI at -4, 0 and +4 degrees) and the NCC
// baseline template.
type template struct {
	codes []*palm.Code
	ncc   *ncc.Template
	vein  *vein.Template // vein channel only
}

type demoResult struct {
	Seed       uint64         `json:"seed"`
	Identities int            `json:"identities"`
	Samples    int            `json:"samples"`
	Difficulty string         `json:"difficulty"`
	Method     string         `json:"method"`
	ROI        string         `json:"roi"`
	Reports    []*eval.Report `json:"reports"`
	// FTAReasons counts the failures to acquire of each channel by reason.
	FTAReasons map[string]map[string]int `json:"fta_reasons,omitempty"`
	Timings    demoTimings               `json:"timings"`
}

type demoTimings struct {
	RenderDeviceMS float64 `json:"render_device_ms"` // per NIR palm+vein capture, one core
	RenderPhoneMS  float64 `json:"render_phone_ms"`  // per phone photo, one core
	TemplateMS     float64 `json:"template_ms"`      // ROI (found or cut) + codes + NCC template, per image
	CompareUS      float64 `json:"compare_us"`       // per comparison (codes and NCC), one core
	Comparisons    int64   `json:"comparisons"`
	WallS          float64 `json:"wall_s"`
	Workers        int     `json:"workers"`
}

func runDemo(args []string, stdout, stderr io.Writer) error {
	fs := newFlags("demo", "[--seed S] [--identities N] [--samples K] [flags]", stderr)
	seed := fs.Uint64("seed", demoSeed, "population seed (choose another to test on palms nobody tuned on)")
	n := fs.Int("identities", demoIdentities, "number of identities")
	k := fs.Int("samples", demoSamples, "captures per identity and modality (at least 2)")
	diff := fs.String("difficulty", "realistic", "nuisance level: easy, realistic or hard")
	asJSON := fs.Bool("json", false, "print the report as JSON")
	det := fs.String("det", "palmid-demo-det.png", "write the DET curves to this PNG (empty: don't)")
	workers := fs.Int("workers", 0, "parallel workers (0: one per CPU)")
	truthROI := fs.Bool("truth-roi", false, "cut ROIs where synth's ground truth puts them instead of finding the hand (for comparison)")
	classic := fs.Bool("classic-valleys", false, "find the hand and its valleys by the image cues alone, without the learned hand locator, side check and valley refinement (palm.Options.ClassicValleys), for comparison")
	requireOpen := fs.Bool("require-open", false, "reject captures whose fingers touch above a valley (palm.Options.RequireOpen), as a device that asks for another capture would")
	if err := parse(fs, args); err != nil {
		return err
	}
	if *n < 2 || *k < 2 {
		return fmt.Errorf("--identities and --samples must be at least 2")
	}
	d, err := synth.ParseDifficulty(*diff)
	if err != nil {
		return err
	}
	nw := *workers
	if nw <= 0 {
		nw = runtime.NumCPU()
	}
	start := time.Now()
	info := stderr
	if !*asJSON {
		info = stdout
	}
	fmt.Fprintf(info, "palmid demo: %d synthetic identities x %d captures, seed %d, difficulty %s\n", *n, *k, *seed, d)
	roiText := roiFound
	switch {
	case *truthROI:
		roiText = roiTruth
	case *classic:
		roiText += "; valleys by the image cues alone (--classic-valleys)"
	}
	if *requireOpen && !*truthROI {
		roiText += "; captures with fingers touching above a valley are rejected (--require-open)"
	}
	fmt.Fprintf(info, "recognition: %s\nROIs: %s\n\n", demoMethod, roiText)

	// 1. Render every capture and build its templates.
	opts := &synth.Options{Difficulty: d}
	caps := make([]enrolled, *n**k)
	var devNS, phoneNS, tmplNS, tmplCount atomic.Int64
	ftas := [3]eval.Tally{}
	reasons := [3]map[string]int{{}, {}, {}}
	var ftaMu sync.Mutex
	p := newProgress(stderr, *n, "rendering and enrolling")
	var done atomic.Int64
	parallel(*n, nw, func(i int) {
		id := synth.NewIdentity(*seed, i)
		for s := 0; s < *k; s++ {
			e := &caps[i**k+s]
			e.identity, e.sample = i, s
			t0 := time.Now()
			ph := id.Render(synth.Phone, s, opts)
			t1 := time.Now()
			pa, ve := id.RenderDevice(s, opts)
			t2 := time.Now()
			phoneNS.Add(int64(t1.Sub(t0)))
			devNS.Add(int64(t2.Sub(t1)))
			t3 := time.Now()
			var errs [3]error
			if *truthROI {
				for c, capt := range []*synth.Capture{ph, pa, ve} {
					e.t[c], errs[c] = truthTemplate(capt, c == 2)
				}
			} else {
				e.t, errs = foundTemplates(ph, pa, ve, &palm.Options{RequireOpen: *requireOpen, ClassicValleys: *classic})
			}
			tmplNS.Add(int64(time.Since(t3)))
			tmplCount.Add(3)
			ftaMu.Lock()
			for c, err := range errs {
				ftas[c].Add(err != nil)
				if err != nil {
					reasons[c][failureReason(err)]++
				}
			}
			ftaMu.Unlock()
		}
		p.set(int(done.Add(1)))
	})
	p.finish()

	// 2. Verification: every pair of captures, per channel and fused.
	type scores struct{ gen, imp eval.Scores }
	nCh := len(channels) + 1 // the channels and the fused device score; NCC follows
	var comparisons atomic.Int64
	var cmpNS atomic.Int64
	perWorker := make([][]scores, nw)
	p = newProgress(stderr, len(caps), "comparing")
	done.Store(0)
	var next atomic.Int64
	var wg sync.WaitGroup
	for w := range nw {
		perWorker[w] = make([]scores, nCh+len(channels))
		wg.Add(1)
		go func() {
			defer wg.Done()
			sc := perWorker[w]
			for {
				a := int(next.Add(1)) - 1
				if a >= len(caps) {
					return
				}
				t0 := time.Now()
				var cnt int64
				for b := a + 1; b < len(caps); b++ {
					ea, eb := &caps[a], &caps[b]
					same := ea.identity == eb.identity // labels only score the outcome
					var v [3]float64
					var ok [3]bool
					for c := range channels {
						if ea.t[c] == nil || eb.t[c] == nil {
							continue
						}
						v[c], ok[c] = compare(ea.t[c], eb.t[c]), true
						cnt++
						add(&sc[c].gen, &sc[c].imp, same, v[c])
						add(&sc[nCh+c].gen, &sc[nCh+c].imp, same, ncc.Compare(ea.t[c].ncc, eb.t[c].ncc))
					}
					if ok[1] && ok[2] {
						add(&sc[3].gen, &sc[3].imp, same, vein.Fuse(v[1], v[2]))
					}
				}
				cmpNS.Add(int64(time.Since(t0)))
				comparisons.Add(cnt)
				p.set(int(done.Add(1)))
			}
		}()
	}
	wg.Wait()
	p.finish()
	merged := make([]scores, nCh+len(channels))
	for _, sc := range perWorker {
		for c := range sc {
			merged[c].gen.Merge(&sc[c].gen)
			merged[c].imp.Merge(&sc[c].imp)
		}
	}

	// 3. Reports, with 1:N identification: sample 0 of the first 80% of
	// identities is the gallery; every other capture is a probe (mated when
	// its identity is enrolled).
	res := demoResult{Seed: *seed, Identities: *n, Samples: *k, Difficulty: d.String(), Method: demoMethod, ROI: roiText}
	for c, ch := range channels {
		if len(reasons[c]) > 0 {
			if res.FTAReasons == nil {
				res.FTAReasons = map[string]map[string]int{}
			}
			res.FTAReasons[ch.image] = reasons[c]
		}
	}
	var curves []eval.Curve
	for c := 0; c < nCh; c++ {
		name := fusedName
		if c < len(channels) {
			name = channels[c].name()
		}
		r := eval.NewReport(name, &merged[c].gen, &merged[c].imp)
		if c < len(channels) {
			t := ftas[c]
			r.FTA = &t
		}
		if thr, err := eval.ThresholdForFMR(&merged[c].imp, 1e-3); err == nil {
			idn := identify(caps, *n, c, thr)
			r.Identification = &idn
		}
		res.Reports = append(res.Reports, r)
		curves = append(curves, eval.Curve{Name: name, Genuine: &merged[c].gen, Impostor: &merged[c].imp})
	}
	for c, ch := range channels {
		sc := &merged[nCh+c]
		name := ch.image + " (NCC baseline)"
		res.Reports = append(res.Reports, eval.NewReport(name, &sc.gen, &sc.imp))
		curves = append(curves, eval.Curve{Name: name, Genuine: &sc.gen, Impostor: &sc.imp})
	}
	nCap := float64(len(caps))
	res.Timings = demoTimings{
		RenderDeviceMS: float64(devNS.Load()) / nCap / 1e6,
		RenderPhoneMS:  float64(phoneNS.Load()) / nCap / 1e6,
		TemplateMS:     float64(tmplNS.Load()) / float64(max(tmplCount.Load(), 1)) / 1e6,
		CompareUS:      float64(cmpNS.Load()) / float64(max(comparisons.Load(), 1)) / 1e3,
		Comparisons:    comparisons.Load(),
		WallS:          time.Since(start).Seconds(),
		Workers:        nw,
	}
	if *det != "" {
		if err := writeDET(*det, curves); err != nil {
			return err
		}
	}
	if *asJSON {
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(res)
	}
	for _, r := range res.Reports {
		fmt.Fprintln(stdout, r.Text())
	}
	fmt.Fprintln(stdout, "failures to acquire (FTA) per channel:")
	for c, ch := range channels {
		rate, _ := ftas[c].Rate()
		fmt.Fprintf(stdout, "  %-24s %.4g (%d/%d)", ch.image, rate, ftas[c].Failures, ftas[c].Attempts)
		if len(reasons[c]) > 0 {
			fmt.Fprintf(stdout, ": %s", evalrun.FormatCounts(reasons[c]))
		}
		fmt.Fprintln(stdout)
	}
	fmt.Fprintln(stdout)
	t := res.Timings
	fmt.Fprintf(stdout, "timings (per item, one core): render device NIR pair %.1f ms, phone photo %.1f ms; ROI + template %.2f ms; comparison %.1f µs (%d comparisons)\n",
		t.RenderDeviceMS, t.RenderPhoneMS, t.TemplateMS, t.CompareUS, t.Comparisons)
	fmt.Fprintf(stdout, "wall time %.1fs on %d workers", t.WallS, t.Workers)
	if *det != "" {
		fmt.Fprintf(stdout, "; DET curves written to %s", *det)
	}
	fmt.Fprintln(stdout)
	return nil
}

func add(gen, imp *eval.Scores, genuine bool, v float64) {
	if genuine {
		gen.Add(v)
	} else {
		imp.Add(v)
	}
}

// foundTemplates finds the hand on the phone photo and on the NIR palm
// frame with palm.FindROI and builds the templates of the three channels;
// the vein ROI is the palm frame's square cut from the vein frame of the
// same pose. An error is a failure to acquire; a vein frame fails with its
// palm frame.
func foundTemplates(phone, nirPalm, nirVein *synth.Capture, opts *palm.Options) (t [3]*template, errs [3]error) {
	if h, err := palm.FindROI(phone.Image, opts); err != nil {
		errs[0] = err
	} else {
		t[0], errs[0] = roiTemplate(h.ROI, false)
	}
	h, err := palm.FindROI(nirPalm.Image, opts)
	if err != nil {
		errs[1], errs[2] = err, err
		return t, errs
	}
	t[1], errs[1] = roiTemplate(h.ROI, false)
	g, err := h.Cut(nirVein.Image)
	if err != nil {
		errs[2] = err
		return t, errs
	}
	t[2], errs[2] = roiTemplate(g, true)
	return t, errs
}

// failureReason is the innermost error's message: the sentinel, for errors
// wrapped with %w.
func failureReason(err error) string {
	for u := errors.Unwrap(err); u != nil; u = errors.Unwrap(err) {
		err = u
	}
	return err.Error()
}

// truthTemplate cuts the ground-truth ROI of a capture and builds its
// templates; an error is a failure to acquire.
func truthTemplate(c *synth.Capture, withVein bool) (*template, error) {
	f, err := c.Truth.ROIFrame()
	if err != nil {
		return nil, err
	}
	return roiTemplate(f.CutTo(fimg.New(128, 128), fimg.FromImage(c.Image)).Gray(), withVein)
}

// roiTemplate builds the templates of a 128x128 ROI.
func roiTemplate(roi *image.Gray, withVein bool) (*template, error) {
	codes, err := palm.EnrolCodes(roi)
	if err != nil {
		return nil, err
	}
	nt, err := ncc.NewTemplate(fimg.FromImage(roi), nil)
	if err != nil {
		return nil, err
	}
	t := &template{codes: codes, ncc: nt}
	if withVein {
		if t.vein, err = vein.NewTemplate(roi); err != nil {
			return nil, err
		}
	}
	return t, nil
}

// compare scores two templates: vein templates with the vein matcher,
// others with the palmprint codes (the probe's unrotated code against the
// other's enrolment codes).
func compare(a, b *template) float64 {
	if a.vein != nil && b.vein != nil {
		return vein.Compare(a.vein, b.vein)
	}
	return palm.CompareBest(a.codes[len(a.codes)/2], b.codes)
}

// identify runs the 1:N searches of channel c (3 = fused) at threshold thr.
func identify(caps []enrolled, n, c int, thr float64) eval.Identification {
	enrolledN := max(1, n*8/10)
	type gal struct {
		id int
		e  *enrolled
	}
	var gallery []gal
	inGallery := map[int]bool{}
	for i := range caps {
		e := &caps[i]
		if e.sample == 0 && e.identity < enrolledN && usable(e, c) {
			gallery = append(gallery, gal{e.identity, e})
			inGallery[e.identity] = true
		}
	}
	var searches []eval.Search
	for i := range caps {
		e := &caps[i]
		if e.sample == 0 || !usable(e, c) {
			continue
		}
		s := eval.Search{}
		if inGallery[e.identity] {
			// an identity whose enrolment capture failed is not in the
			// gallery: its probes are searches without a mate
			s.Mate = strconv.Itoa(e.identity)
		}
		for _, g := range gallery {
			s.Candidates = append(s.Candidates, eval.Candidate{ID: strconv.Itoa(g.id), Score: score(e, g.e, c)})
		}
		sort.Slice(s.Candidates, func(a, b int) bool { return s.Candidates[a].Score > s.Candidates[b].Score })
		if len(s.Candidates) > 10 {
			s.Candidates = s.Candidates[:10]
		}
		searches = append(searches, s)
	}
	return eval.IdentificationAt(searches, thr)
}

func usable(e *enrolled, c int) bool {
	if c == 3 {
		return e.t[1] != nil && e.t[2] != nil
	}
	return e.t[c] != nil
}

func score(a, b *enrolled, c int) float64 {
	if c == 3 {
		return vein.Fuse(compare(a.t[1], b.t[1]), compare(a.t[2], b.t[2]))
	}
	return compare(a.t[c], b.t[c])
}

// parallel calls f(i) for i in [0, n) on w goroutines.
func parallel(n, w int, f func(i int)) {
	var next atomic.Int64
	var wg sync.WaitGroup
	for range w {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				i := int(next.Add(1)) - 1
				if i >= n {
					return
				}
				f(i)
			}
		}()
	}
	wg.Wait()
}

func writeDET(name string, curves []eval.Curve) error {
	f, err := os.Create(name)
	if err != nil {
		return err
	}
	if err := eval.WriteDET(f, curves...); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}
