package realism

import (
	"errors"
	"fmt"
	"image"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"sync"

	"github.com/palmid/palmid/internal/dataset"
	"github.com/palmid/palmid/internal/fimg"
	"github.com/palmid/palmid/internal/imstat"
	"github.com/palmid/palmid/internal/ncc"
	"github.com/palmid/palmid/synth"
)

// Pair is one synth modality and the real ROI sets it is compared with.
type Pair struct {
	Name     string         // short name, used in file names: "visible", "nir-palm", "nir-vein"
	Modality synth.Modality // the synth modality whose ROIs are compared
	Real     []string       // real sets of ../shared/data, by set name
	// Extra are real sets reported for reference but left out of the
	// hardness verdict (Versus.AtLeastAsHard stays nil).
	Extra []string
}

// Pairs are the modality pairs Run measures, in report order.
var Pairs = []Pair{
	{Name: "visible", Modality: synth.Phone, Real: []string{"tongji-roi", "polyu-ms-green-roi"}},
	{Name: "nir-palm", Modality: synth.NIRPalm, Real: []string{"polyu-ms-nir-roi"}},
	// rpi-noir-palm is too faint for NCC to tell palms apart (EER about
	// 40%), so it is a reference for the statistics only.
	{Name: "nir-vein", Modality: synth.NIRVein, Real: []string{"casia-ms-850-roi"}, Extra: []string{"rpi-noir-palm"}},
}

// ROISize is the side of the ROIs that are analysed and matched, the size
// of the real ROI sets.
const ROISize = imstat.ROISize

// thumbs is the number of ROIs of each set kept for the figure.
const thumbs = 6

// Options set the size of the synth population and where the real data is.
type Options struct {
	// Seed is the synth population seed.
	Seed uint64
	// Identities and Samples: the population rendered, Samples captures per
	// identity and modality; zero means DefaultOptions' value. Identities
	// must be at least 2 and Samples at least 2, for impostor and genuine
	// pairs.
	Identities, Samples int
	// DataDir is the real data folder (holding MANIFEST.tsv); "" means
	// dataset.RealDataDir(). When there is no real data the report holds
	// synth alone and says why.
	DataDir string
	// Workers is the number of goroutines; 0 means runtime.NumCPU().
	Workers int
}

// DefaultOptions are the options whose zero fields Run fills in.
var DefaultOptions = Options{Seed: 1, Identities: 100, Samples: 4}

// ErrOptions is returned by Run for options out of range.
var ErrOptions = errors.New("realism: invalid options")

// item is one analysed ROI.
type item struct {
	ok       bool   // false: no ROI (out of frame) or no contrast
	identity string // palm identity
	session  string // capture session, "" if none
	stats    imstat.Stats
	tmpl     *ncc.Template
}

// Run renders the synth population at realistic difficulty, analyses its
// ROIs and the real ROI sets, and returns the report. Errors reading real
// images are returned; absent real data is not an error.
func Run(opts Options) (*Report, error) {
	o := opts
	if o.Identities == 0 {
		o.Identities = DefaultOptions.Identities
	}
	if o.Samples == 0 {
		o.Samples = DefaultOptions.Samples
	}
	if o.Workers <= 0 {
		o.Workers = runtime.NumCPU()
	}
	if o.Identities < 2 || o.Samples < 2 {
		return nil, fmt.Errorf("%w: %d identities x %d samples, want at least 2 x 2", ErrOptions, o.Identities, o.Samples)
	}
	r := &Report{
		Seed: o.Seed, Identities: o.Identities, Samples: o.Samples,
		Difficulty: synth.Realistic.String(),
	}
	var m *dataset.Manifest
	dir := o.DataDir
	if dir == "" {
		d, err := dataset.RealDataDir()
		if err != nil {
			r.RealNote = err.Error()
		}
		dir = d
	}
	if dir != "" {
		mm, err := dataset.ReadFile(filepath.Join(dir, "MANIFEST.tsv"))
		switch {
		case errors.Is(err, os.ErrNotExist):
			r.RealNote = fmt.Sprintf("no real data: %v", err)
		case err != nil:
			return nil, err
		default:
			m, r.DataDir = mm, dir
		}
	}

	syn := renderSynth(o)
	for pi, p := range Pairs {
		pr := &PairReport{Name: p.Name, Modality: p.Modality.String()}
		pr.Synth = newSetReport("synth "+p.Modality.String(), syn[pi], o.Workers)
		pr.Synth.thumbs = syn[pi].thumbs
		pr.Synth.Missing = syn[pi].missing
		for k, name := range slices.Concat(p.Real, p.Extra) {
			if m == nil {
				continue
			}
			rs, err := loadReal(m, name, o.Workers)
			if err != nil {
				return nil, err
			}
			sr := newSetReport(name, rs, o.Workers)
			sr.thumbs, sr.Missing = rs.thumbs, rs.missing
			sr.Extra = k >= len(p.Real)
			if sr.Images > 0 {
				sr.Versus = versus(sr, pr.Synth)
			}
			pr.Real = append(pr.Real, sr)
		}
		r.Pairs = append(r.Pairs, pr)
	}
	return r, nil
}

// set is the analysed ROIs of one set.
type set struct {
	items   []item
	thumbs  []*image.Gray
	missing int
}

// renderSynth renders the population and returns one set per entry of Pairs.
// Identities are shared out over o.Workers goroutines; each writes only its
// identities' slots, so the result does not depend on the scheduling.
func renderSynth(o Options) []*set {
	n := o.Identities * o.Samples
	sets := make([]*set, len(Pairs))
	for i := range sets {
		sets[i] = &set{items: make([]item, n), thumbs: make([]*image.Gray, min(thumbs, o.Identities))}
	}
	ropts := &synth.Options{Difficulty: synth.Realistic}
	next := make(chan int)
	var wg sync.WaitGroup
	for range o.Workers {
		wg.Go(func() {
			for k := range next {
				id := synth.NewIdentity(o.Seed, k)
				name := fmt.Sprint(k)
				for s := range o.Samples {
					caps := map[synth.Modality]*synth.Capture{synth.Phone: id.Render(synth.Phone, s, ropts)}
					caps[synth.NIRPalm], caps[synth.NIRVein] = id.RenderDevice(s, ropts)
					for pi, p := range Pairs {
						g, err := caps[p.Modality].TruthROI(ROISize)
						it := &sets[pi].items[k*o.Samples+s]
						it.identity = name
						if err != nil {
							continue
						}
						analyse(it, fimg.FromImage(g))
						if it.ok && k < len(sets[pi].thumbs) && sets[pi].thumbs[k] == nil {
							sets[pi].thumbs[k] = g
						}
					}
				}
			}
		})
	}
	for k := range o.Identities {
		next <- k
	}
	close(next)
	wg.Wait()
	for _, st := range sets {
		st.compact()
	}
	return sets
}

// analyse fills in it's statistics and template from a ROI.
func analyse(it *item, roi *fimg.Image) {
	t, err := ncc.NewTemplate(roi, nil)
	if err != nil {
		return
	}
	it.stats, it.tmpl, it.ok = imstat.Analyze(roi), t, true
}

// compact drops the items without a ROI, counting them, and the empty
// thumbnail slots.
func (st *set) compact() {
	kept := st.items[:0]
	for _, it := range st.items {
		if it.ok {
			kept = append(kept, it)
		} else {
			st.missing++
		}
	}
	st.items = kept
	th := st.thumbs[:0]
	for _, g := range st.thumbs {
		if g != nil {
			th = append(th, g)
		}
	}
	st.thumbs = th
}

// loadReal reads and analyses the images of one real set that are present,
// each resampled to ROISize. Absent files are counted in missing.
func loadReal(m *dataset.Manifest, name string, workers int) (*set, error) {
	entries := m.Set(name)
	st := &set{items: make([]item, len(entries))}
	errs := make([]error, len(entries))
	rois := make([]*fimg.Image, len(entries))
	next := make(chan int)
	var wg sync.WaitGroup
	for range workers {
		wg.Go(func() {
			for i := range next {
				e := entries[i]
				if _, err := os.Stat(m.File(e)); err != nil {
					continue
				}
				img, err := m.Load(e)
				if err != nil {
					errs[i] = fmt.Errorf("realism: %s: %w", e.Path, err)
					continue
				}
				if img.W == 0 || img.H == 0 {
					continue
				}
				roi := imstat.ROI(img)
				it := &st.items[i]
				it.identity, it.session = e.Identity(), e.Session()
				analyse(it, roi)
				rois[i] = roi
			}
		})
	}
	for i := range entries {
		next <- i
	}
	close(next)
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	st.thumbs = pickThumbs(st.items, rois)
	st.compact()
	return st, nil
}

// pickThumbs returns the first image of up to thumbs identities, spread
// evenly over the identities in order of first appearance.
func pickThumbs(items []item, rois []*fimg.Image) []*image.Gray {
	first := map[string]int{}
	var ids []string
	for i, it := range items {
		if !it.ok {
			continue
		}
		if _, seen := first[it.identity]; !seen {
			first[it.identity] = i
			ids = append(ids, it.identity)
		}
	}
	var out []*image.Gray
	n := min(thumbs, len(ids))
	for k := range n {
		out = append(out, rois[first[ids[k*len(ids)/n]]].Gray())
	}
	return out
}

// identities counts the distinct identities of items.
func identities(items []item) int {
	seen := map[string]bool{}
	for _, it := range items {
		seen[it.identity] = true
	}
	return len(seen)
}

// newSetReport summarises a set and scores it with NCC.
func newSetReport(name string, st *set, workers int) *SetReport {
	sr := &SetReport{Name: name, Images: len(st.items), Identities: identities(st.items)}
	if len(st.items) == 0 {
		return sr
	}
	stats := make([]imstat.Stats, len(st.items))
	for i := range st.items {
		stats[i] = st.items[i].stats
	}
	sr.Summary = imstat.Summarize(stats)
	all, cross := scorePairs(st.items, workers)
	sr.NCC = all.result()
	sr.CrossSession = cross.result()
	sr.all, sr.cross = all, cross
	return sr
}
