package evalrun

import (
	"errors"
	"fmt"
	"image"
	"image/png"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/palmid/palmid/internal/dataset"
	"github.com/palmid/palmid/internal/fimg"
	"github.com/palmid/palmid/internal/ncc"
	"github.com/palmid/palmid/internal/roi"
	"github.com/palmid/palmid/palm"
	"github.com/palmid/palmid/vein"
)

// item is one listed image and what was extracted from it.
type item struct {
	e       dataset.Entry
	readErr error // the file could not be read or decoded
	roiErr  error // no ROI (includes readErr)

	codes   []*palm.Code // EnrolCodes; the middle one is the unrotated code
	codeErr error
	vein    *vein.Template
	veinErr error
	ncc     *ncc.Template
	nccErr  error
}

// acquired returns the template error of the item for method m (PalmCode,
// Vein or NCC), or nil when it has that template.
func (it *item) errFor(m string) error {
	if it.roiErr != nil {
		return it.roiErr
	}
	switch m {
	case PalmCode:
		return it.codeErr
	case Vein:
		return it.veinErr
	case NCC:
		return it.nccErr
	}
	panic("evalrun: no template kind " + m)
}

type missingError struct{ err error }

func (e *missingError) Error() string { return e.err.Error() }
func (e *missingError) Unwrap() error { return e.err }

type unreadableError struct{ err error }

func (e *unreadableError) Error() string { return e.err.Error() }
func (e *unreadableError) Unwrap() error { return e.err }

// isROI reports whether images of a modality are ROIs already.
func isROI(modality string) bool { return strings.HasSuffix(modality, "-roi") }

// isNIR reports whether a modality is near-infrared.
func isNIR(modality string) bool { return strings.HasPrefix(modality, "nir-") }

// hand is what the hand finder gives for one whole image: its ROI, and a
// way to cut the ROI of another frame of the same pose.
type hand interface {
	roi() *image.Gray
	cut(img image.Image) (*image.Gray, error)
}

// finderName names the hand finder in reports.
const finderName = "palm.FindROI (landmarks, 128 x 128 ROI, quality checks)"

// palmHand adapts a *palm.Hand.
type palmHand struct{ h *palm.Hand }

func (p palmHand) roi() *image.Gray                         { return p.h.ROI }
func (p palmHand) cut(img image.Image) (*image.Gray, error) { return p.h.Cut(img) }

// findHand finds the hand in a whole image with palm.FindROI. With a debug
// folder, the finder's drawing of what it saw (contour, keypoints, ROI
// square) is written next to the ROI, for failures too when the finder got
// that far.
func findHand(img image.Image, e dataset.Entry, debugDir string, o *Options) (hand, error) {
	opts := &palm.Options{RequireOpen: o.RequireOpen, ClassicValleys: o.ClassicValleys}
	if debugDir != "" {
		opts.Sink = func(name string, im image.Image) {
			if name == "contour" {
				writePNG(strings.TrimSuffix(debugName(debugDir, e), ".png")+"-contour.png", im)
			}
		}
	}
	h, err := palm.FindROI(img, opts)
	if err != nil {
		return nil, err
	}
	return palmHand{h}, nil
}

// frameHand is a hand placed by a ROI frame (ground truth).
type frameHand struct {
	f   roi.Frame
	img image.Image
}

func (h frameHand) roi() *image.Gray {
	g, _ := h.cut(h.img)
	return g
}

func (h frameHand) cut(img image.Image) (*image.Gray, error) {
	b := img.Bounds()
	if !h.f.Inside(b.Dx(), b.Dy()) {
		return nil, errTruthOutside
	}
	return h.f.CutTo(fimg.New(128, 128), fimg.FromImage(img)).Gray(), nil
}

var (
	errNoTruth      = errors.New("no ground-truth columns")
	errTruthOutside = errors.New("ground-truth ROI outside the image")
)

// truthHand places the ROI from the ground-truth columns of e: the
// index-middle valley v1, the ring-little valley v3 and the palm centre.
func truthHand(e dataset.Entry, img image.Image) (hand, error) {
	var v [6]float64
	for i, c := range []string{"v1_x", "v1_y", "v3_x", "v3_y", "centre_x", "centre_y"} {
		s, ok := e.Extra[c]
		if !ok || s == "" {
			return nil, errNoTruth
		}
		f, err := strconv.ParseFloat(s, 64)
		if err != nil {
			return nil, fmt.Errorf("%w: column %s: %v", errNoTruth, c, err)
		}
		v[i] = f
	}
	f, ok := roi.FromValleys(roi.Point{X: v[0], Y: v[1]}, roi.Point{X: v[2], Y: v[3]}, roi.Point{X: v[4], Y: v[5]})
	if !ok {
		return nil, errNoTruth
	}
	b := img.Bounds()
	if !f.Inside(b.Dx(), b.Dy()) {
		return nil, errTruthOutside
	}
	return frameHand{f, img}, nil
}

// load reads the image of e, classifying failures.
func load(m *dataset.Manifest, e dataset.Entry) (image.Image, error) {
	img, err := dataset.LoadImage(m.File(e))
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return nil, &missingError{err}
		}
		return nil, &unreadableError{err}
	}
	if b := img.Bounds(); b.Dx() < 8 || b.Dy() < 8 {
		return nil, &unreadableError{fmt.Errorf("%s: image of %dx%d pixels", e.Path, b.Dx(), b.Dy())}
	}
	return img, nil
}

// captureKey identifies one capture across modalities of a set.
type captureKey struct{ set, person, hand, sample string }

func keyOf(e dataset.Entry) captureKey { return captureKey{e.Set, e.Person, e.Hand, e.Sample} }

// extractAll loads every entry and extracts the templates the method needs,
// on o.Workers goroutines. Items keep the order of entries.
func extractAll(m *dataset.Manifest, entries []dataset.Entry, o *Options) []*item {
	items := make([]*item, len(entries))
	for i, e := range entries {
		items[i] = &item{e: e}
	}
	// Jobs: an NIR vein frame goes with the NIR palm frame of its capture,
	// so that the palm frame's landmarks cut it.
	palmOf := map[captureKey]int{}
	for i, e := range entries {
		if e.Modality == "nir-palm" {
			if _, dup := palmOf[keyOf(e)]; !dup {
				palmOf[keyOf(e)] = i
			}
		}
	}
	veinsOf := map[int][]int{}
	var jobs [][]int
	for i, e := range entries {
		if e.Modality == "nir-vein" {
			if p, ok := palmOf[keyOf(e)]; ok {
				veinsOf[p] = append(veinsOf[p], i)
				continue
			}
		}
		jobs = append(jobs, []int{i})
	}
	for j := range jobs {
		jobs[j] = append(jobs[j], veinsOf[jobs[j][0]]...)
	}

	need := needs(o.Method)
	var next, done atomic.Int64
	var pmu sync.Mutex
	var wg sync.WaitGroup
	for range o.Workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				j := int(next.Add(1)) - 1
				if j >= len(jobs) {
					return
				}
				var h hand
				var herr error
				for k, i := range jobs[j] {
					it := items[i]
					h, herr = process(m, it, k == 0, h, herr, need, o)
					if o.Progress != nil {
						n := int(done.Add(1))
						pmu.Lock()
						o.Progress("extracting", n, len(items))
						pmu.Unlock()
					}
				}
			}
		}()
	}
	wg.Wait()
	return items
}

// process acquires and extracts one item: first (a job's first item) finds
// its own ROI, a later item (a vein frame) is cut with the first's hand h.
// It returns the hand found by a first item. A panic in the library is
// counted as the item's failure, not passed on: one bad image must not end
// an evaluation.
func process(m *dataset.Manifest, it *item, first bool, h hand, herr error, n need, o *Options) (hOut hand, errOut error) {
	defer func() {
		if p := recover(); p != nil {
			err := fmt.Errorf("%w: %v", errPanic, p)
			if it.roiErr == nil {
				it.roiErr = err
			}
			hOut, errOut = h, herr
			if first {
				hOut, errOut = nil, err
			}
		}
	}()
	var g *image.Gray
	if first {
		g, h, herr = acquire(m, it, o)
	} else {
		g = acquireWith(m, it, h, herr)
	}
	if g != nil {
		extract(it, g, n)
		if o.DebugDir != "" {
			writeROI(o.DebugDir, it.e, g)
		}
	}
	return h, herr
}

// errPanic is the failure of an image on which the library panicked.
var errPanic = errors.New("internal error (panic)")

// needs says which templates a method uses.
type need struct{ codes, vein, ncc bool }

func needs(method string) need {
	switch method {
	case NCC:
		return need{ncc: true}
	case PalmCode:
		return need{codes: true}
	case Vein:
		return need{vein: true}
	}
	return need{codes: true, vein: true} // auto, fused
}

// acquire loads it and returns its ROI, with the hand found for a whole
// image (nil for ROI images) and the error finding it.
func acquire(m *dataset.Manifest, it *item, o *Options) (*image.Gray, hand, error) {
	img, err := load(m, it.e)
	if err != nil {
		it.readErr, it.roiErr = err, err
		return nil, nil, err
	}
	if isROI(it.e.Modality) {
		return toGray(img), nil, nil
	}
	var h hand
	if o.TruthROI {
		h, err = truthHand(it.e, img)
	} else {
		h, err = findHand(img, it.e, o.DebugDir, o)
	}
	if err != nil {
		it.roiErr = err
		return nil, nil, err
	}
	g := h.roi()
	if g == nil {
		it.roiErr = errTruthOutside
		return nil, nil, it.roiErr
	}
	return g, h, nil
}

// acquireWith loads the NIR vein frame it and cuts its ROI with the hand
// found on the palm frame of the same capture.
func acquireWith(m *dataset.Manifest, it *item, h hand, herr error) *image.Gray {
	img, err := load(m, it.e)
	if err != nil {
		it.readErr, it.roiErr = err, err
		return nil
	}
	if herr != nil {
		it.roiErr = herr
		return nil
	}
	g, err := h.cut(img)
	if err != nil {
		it.roiErr = err
		return nil
	}
	return g
}

// extract builds the templates of one ROI.
func extract(it *item, g *image.Gray, n need) {
	if n.codes {
		it.codes, it.codeErr = palm.EnrolCodes(g)
	}
	if n.vein && isNIR(it.e.Modality) {
		it.vein, it.veinErr = vein.NewTemplate(g)
	} else if n.vein {
		it.veinErr = errNotNIR
	}
	if n.ncc {
		it.ncc, it.nccErr = ncc.NewTemplate(fimg.FromImage(g), nil)
	}
}

var errNotNIR = errors.New("not an NIR image")

// toGray converts img to 8-bit grey (luma) with its origin at 0, 0.
func toGray(img image.Image) *image.Gray {
	if g, ok := img.(*image.Gray); ok && g.Rect.Min == (image.Point{}) {
		return g
	}
	return fimg.FromImage(img).Gray()
}

// debugName is the file an item's ROI is written to under the debug folder.
func debugName(dir string, e dataset.Entry) string {
	base := strings.ReplaceAll(e.Path, "/", "_")
	base = strings.TrimSuffix(base, filepath.Ext(base)) + ".png"
	return filepath.Join(dir, safe(e.Set), safe(e.Modality), base)
}

func safe(s string) string {
	return strings.Map(func(r rune) rune {
		if r == '/' || r == '\\' || r == 0 {
			return '_'
		}
		return r
	}, s)
}

// writeROI writes g to the debug folder.
func writeROI(dir string, e dataset.Entry, g *image.Gray) {
	writePNG(debugName(dir, e), g)
}

// writePNG writes img to the named file, making its folder; debug output
// is best effort, so errors are ignored.
func writePNG(name string, img image.Image) {
	if err := os.MkdirAll(filepath.Dir(name), 0o755); err != nil {
		return
	}
	f, err := os.Create(name)
	if err != nil {
		return
	}
	_ = png.Encode(f, img)
	_ = f.Close()
}

// writeFailures writes failures.tsv: path, stage and reason of every item
// that has no ROI or lacks a template it was asked for.
func writeFailures(dir string, items []*item) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	var b strings.Builder
	b.WriteString("path\tset\tmodality\tstage\treason\n")
	for _, it := range items {
		row := func(stage string, err error) {
			if err != nil && !errors.Is(err, errNotNIR) {
				fmt.Fprintf(&b, "%s\t%s\t%s\t%s\t%s\n", it.e.Path, it.e.Set, it.e.Modality, stage, strings.ReplaceAll(err.Error(), "\t", " "))
			}
		}
		if it.roiErr != nil {
			row("roi", it.roiErr)
			continue
		}
		row("palmcode", it.codeErr)
		row("vein", it.veinErr)
		row("ncc", it.nccErr)
	}
	return os.WriteFile(filepath.Join(dir, "failures.tsv"), []byte(b.String()), 0o644)
}
