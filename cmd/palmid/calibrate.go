package main

import (
	"encoding/gob"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/palmid/palmid/eval"
	"github.com/palmid/palmid/match"
	"github.com/palmid/palmid/palm"
	"github.com/palmid/palmid/synth"
	"github.com/palmid/palmid/vein"
)

func init() {
	register(command{
		name:    "calibrate",
		summary: "measure FMR calibration tables (score thresholds) on a large synthetic population",
		run:     runCalibrate,
	})
}

// Calibration defaults: a population no matcher parameter was tuned on
// (palm used seeds 1 and 7, the demo 2026).
const (
	calibSeed       = 6
	calibIdentities = 3300 // 10.9 million ordered impostor pairs
	calibPhones     = 1600 // 10.6 million phone-device impostor comparisons
	calibChunk      = 50   // identities per feature cache file
)

// calibFeatures are one identity's templates, as the cache stores them
// (MarshalBinary forms); an empty field is a capture that failed.
type calibFeatures struct {
	PhoneRendered bool     // whether Phone was rendered (it is empty for a failure too)
	Phone         [][]byte // phone photo, sample 0: palm.EnrolCodes
	NIR0          [][]byte // device NIR palm, sample 0: palm.EnrolCodes (enrolment)
	NIR1          []byte   // device NIR palm, sample 1: palm.NewCode (probe)
	Vein0         []byte   // device NIR vein, sample 0: vein.NewTemplate (enrolment)
	Vein1         []byte   // device NIR vein, sample 1 (probe)
}

// calibIdent is one identity's templates, decoded; nil where a capture failed.
type calibIdent struct {
	phone, nir0  []*palm.Code
	nir0c, nir1  *palm.Code // unrotated codes of the device samples (nir0c is nir0's middle code)
	vein0, vein1 *vein.Template
}

func runCalibrate(args []string, stdout, stderr io.Writer) error {
	fs := newFlags("calibrate", "[--identities N] [--out DIR] [flags]", stderr)
	seed := fs.Uint64("seed", calibSeed, "population seed")
	n := fs.Int("identities", calibIdentities, "number of identities (N·(N−1) impostor pairs per device table)")
	np := fs.Int("phone-identities", calibPhones, "render phone photos for the first P identities only (0: all): the phone-to-device table gets 2·(N·P − P) impostor comparisons (two device probes each), and each identity left out costs a third as much to render")
	diff := fs.String("difficulty", "realistic", "nuisance level: easy, realistic or hard")
	out := fs.String("out", "", "write the tables as JSON into this directory (such as match/calibration)")
	cache := fs.String("cache", "", "feature cache directory (default: $TMPDIR/palmid-calibrate-<seed>-<difficulty>); reruns reuse it")
	workers := fs.Int("workers", 0, "parallel workers (0: one per CPU)")
	only := fs.String("tables", "", "comma-separated tables to measure and write (palm-nir, vein-nir, palm-vein-nir, palm-phone-nir; default all): a larger population for one table need not pay for the others' comparisons")
	if err := parse(fs, args); err != nil {
		return err
	}
	want, err := calibWanted(*only)
	if err != nil {
		return err
	}
	if *n < 2 {
		return fmt.Errorf("--identities must be at least 2")
	}
	if *np <= 0 || *np > *n {
		*np = *n
	}
	d, err := synth.ParseDifficulty(*diff)
	if err != nil {
		return err
	}
	nw := *workers
	if nw <= 0 {
		nw = runtime.NumCPU()
	}
	if *cache == "" {
		*cache = filepath.Join(os.TempDir(), fmt.Sprintf("palmid-calibrate-%d-%s", *seed, d))
	}
	if err := os.MkdirAll(*cache, 0o755); err != nil {
		return err
	}
	start := time.Now()
	fmt.Fprintf(stderr, "palmid calibrate: %d identities, seed %d, %s, %d workers, cache %s\n", *n, *seed, d, nw, *cache)

	ids, err := calibExtract(*seed, *n, *np, d, nw, *cache, stderr)
	if err != nil {
		return err
	}
	fmt.Fprintf(stderr, "features ready after %.0fs\n", time.Since(start).Seconds())

	tables := calibCompare(ids, want, nw, stderr)
	pop := fmt.Sprintf("synth seed %d, %s difficulty, device captures (samples 0 and 1) of identities 0 to %d", *seed, d, *n-1)
	if *np < *n {
		pop += fmt.Sprintf(", phone photos (sample 0) of identities 0 to %d", *np-1)
	} else {
		pop += ", phone photos (sample 0) of the same"
	}
	pop += "; ground-truth ROIs (synth.TruthROI, 128 x 128), so that the table measures the matcher apart from the hand finder"
	cmdline := fmt.Sprintf("palmid calibrate --seed %d --identities %d --phone-identities %d --difficulty %s", *seed, *n, *np, d)
	if *only != "" {
		cmdline += " --tables " + *only
	}
	cmdline += " --out match/calibration"
	for k, t := range tables {
		if !want[k] {
			continue
		}
		c := t.table(pop, cmdline)
		if err := c.Validate(); err != nil {
			return err
		}
		fmt.Fprintln(stdout, c.Text())
		if *out != "" {
			b, err := json.MarshalIndent(c, "", "  ")
			if err != nil {
				return err
			}
			if err := os.WriteFile(filepath.Join(*out, c.Name+".json"), append(b, '\n'), 0o644); err != nil {
				return err
			}
		}
	}
	fmt.Fprintf(stdout, "wall time %.0fs on %d workers\n", time.Since(start).Seconds(), nw)
	return nil
}

// calibExtract renders and enrols identities [0, n), one chunk of
// calibChunk identities at a time, reading chunks already in the cache.
func calibExtract(seed uint64, n, nPhone int, d synth.Difficulty, nw int, cache string, stderr io.Writer) ([]calibIdent, error) {
	ids := make([]calibIdent, n)
	chunks := (n + calibChunk - 1) / calibChunk
	opts := &synth.Options{Difficulty: d}
	var failed [5]atomic.Int64
	p := newProgress(stderr, n, "rendering and enrolling")
	var done atomic.Int64
	var firstErr error
	var errMu sync.Mutex
	for c := range chunks {
		lo, hi := c*calibChunk, min(n, (c+1)*calibChunk)
		name := filepath.Join(cache, fmt.Sprintf("ids-%06d-%06d.gob", lo, hi))
		feats := make([]calibFeatures, hi-lo)
		if f, err := os.Open(name); err == nil {
			err = gob.NewDecoder(f).Decode(&feats)
			f.Close()
			if err != nil {
				return nil, fmt.Errorf("%s: %w", name, err)
			}
			if phoneMissing(feats, lo, nPhone) {
				// A chunk rendered without phone photos that this run wants.
				parallel(hi-lo, nw, func(k int) {
					if i := lo + k; i < nPhone && !feats[k].PhoneRendered {
						feats[k].Phone = calibPhone(synth.NewIdentity(seed, i), opts)
						feats[k].PhoneRendered = true
					}
				})
				if err := writeGob(name, feats); err != nil {
					return nil, err
				}
			}
		} else {
			parallel(hi-lo, nw, func(k int) {
				i := lo + k
				feats[k] = calibRender(synth.NewIdentity(seed, i), i < nPhone, opts)
			})
			if err := writeGob(name, feats); err != nil {
				return nil, err
			}
		}
		parallel(hi-lo, nw, func(k int) {
			id, err := feats[k].decode()
			if err != nil {
				errMu.Lock()
				firstErr = errors.Join(firstErr, err)
				errMu.Unlock()
			}
			if lo+k >= nPhone {
				id.phone = nil // rendered in a run with more phones: left out
			}
			ids[lo+k] = id
			for i, miss := range []bool{id.phone == nil && lo+k < nPhone, id.nir0 == nil, id.nir1 == nil, id.vein0 == nil, id.vein1 == nil} {
				if miss {
					failed[i].Add(1)
				}
			}
			p.set(int(done.Add(1)))
		})
	}
	p.finish()
	fmt.Fprintf(stderr, "failures to acquire: phone %d, NIR palm s0 %d, s1 %d, vein s0 %d, s1 %d\n",
		failed[0].Load(), failed[1].Load(), failed[2].Load(), failed[3].Load(), failed[4].Load())
	return ids, firstErr
}

// calibRender renders an identity's phone photo (sample 0, if phone is set)
// and two device captures (samples 0 and 1) and extracts their templates
// from the ground-truth ROIs.
func calibRender(id *synth.Identity, phone bool, opts *synth.Options) calibFeatures {
	var f calibFeatures
	probe := func(c *synth.Capture) []byte {
		roi, err := c.TruthROI(128)
		if err != nil {
			return nil
		}
		code, err := palm.NewCode(roi)
		if err != nil {
			return nil
		}
		b, _ := code.MarshalBinary()
		return b
	}
	veinT := func(c *synth.Capture) []byte {
		roi, err := c.TruthROI(128)
		if err != nil {
			return nil
		}
		t, err := vein.NewTemplate(roi)
		if err != nil {
			return nil
		}
		b, _ := t.MarshalBinary()
		return b
	}
	if phone {
		f.PhoneRendered = true
		f.Phone = calibPhone(id, opts)
	}
	pa, ve := id.RenderDevice(0, opts)
	f.NIR0, f.Vein0 = calibEnrol(pa), veinT(ve)
	pa, ve = id.RenderDevice(1, opts)
	f.NIR1, f.Vein1 = probe(pa), veinT(ve)
	return f
}

// calibPhone renders an identity's phone photo (sample 0) and returns its
// enrolment codes, nil if it fails.
func calibPhone(id *synth.Identity, opts *synth.Options) [][]byte {
	return calibEnrol(id.Render(synth.Phone, 0, opts))
}

// calibEnrol returns the palm.EnrolCodes of a capture's ground-truth ROI,
// marshalled, or nil if it fails.
func calibEnrol(c *synth.Capture) [][]byte {
	roi, err := c.TruthROI(128)
	if err != nil {
		return nil
	}
	codes, err := palm.EnrolCodes(roi)
	if err != nil {
		return nil
	}
	var out [][]byte
	for _, c := range codes {
		b, _ := c.MarshalBinary()
		out = append(out, b)
	}
	return out
}

// phoneMissing reports whether a cached chunk starting at identity lo lacks
// phone photos of identities below nPhone.
func phoneMissing(feats []calibFeatures, lo, nPhone int) bool {
	for k := range feats {
		if lo+k < nPhone && !feats[k].PhoneRendered {
			return true
		}
	}
	return false
}

func (f *calibFeatures) decode() (calibIdent, error) {
	var id calibIdent
	codes := func(bs [][]byte) ([]*palm.Code, error) {
		var out []*palm.Code
		for _, b := range bs {
			c := new(palm.Code)
			if err := c.UnmarshalBinary(b); err != nil {
				return nil, err
			}
			out = append(out, c)
		}
		return out, nil
	}
	var err error
	if id.phone, err = codes(f.Phone); err != nil {
		return id, err
	}
	if id.nir0, err = codes(f.NIR0); err != nil {
		return id, err
	}
	if len(id.nir0) == 3 { // EnrolCodes at -4, 0 and +4 degrees, none left out
		id.nir0c = id.nir0[1]
	}
	if f.NIR1 != nil {
		id.nir1 = new(palm.Code)
		if err := id.nir1.UnmarshalBinary(f.NIR1); err != nil {
			return id, err
		}
	}
	for _, v := range []struct {
		b []byte
		t **vein.Template
	}{{f.Vein0, &id.vein0}, {f.Vein1, &id.vein1}} {
		if v.b != nil {
			*v.t = new(vein.Template)
			if err := (*v.t).UnmarshalBinary(v.b); err != nil {
				return id, err
			}
		}
	}
	return id, nil
}

func writeGob(name string, v any) error {
	tmp := name + ".tmp"
	f, err := os.Create(tmp)
	if err != nil {
		return err
	}
	if err := gob.NewEncoder(f).Encode(v); err != nil {
		f.Close()
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}
	return os.Rename(tmp, name)
}

// calibTable is the scores of one comparison, before they become a
// match.Calibration.
type calibTable struct {
	name, model, version, comparison string
	gen, imp                         eval.Scores
}

// Calibration tables the command measures. Probes are the device's sample 1
// captures; enrolled templates are sample 0 (device) or the phone photo.
const (
	tabPalmNIR  = iota // NIR palm code vs NIR palm codes
	tabVeinNIR         // vein vs vein
	tabFusedNIR        // mean of the two
	tabPhoneNIR        // NIR palm code vs phone palm codes
	calibTables
)

func newCalibTables() []*calibTable {
	pv, vv := strconv.Itoa(palm.CodeVersion), strconv.Itoa(vein.TemplateVersion)
	return []*calibTable{
		tabPalmNIR: {name: match.CalPalmNIR, model: "palm.Code", version: pv,
			comparison: "palm.CompareBest(device NIR palm code of sample 1, palm.EnrolCodes of the device NIR palm image of sample 0)"},
		tabVeinNIR: {name: match.CalVeinNIR, model: "vein.Template", version: vv,
			comparison: "vein.Compare(device NIR vein template of sample 0, that of sample 1)"},
		tabFusedNIR: {name: match.CalPalmVeinNIR, model: "palm.Code+vein.Template", version: pv + "+" + vv,
			comparison: "mean of the palm-nir and vein-nir scores of the same two device captures"},
		tabPhoneNIR: {name: match.CalPalmPhoneNIR, model: "palm.Code", version: pv,
			comparison: "palm.CompareBest(device NIR palm code, palm.EnrolCodes of the phone photo of sample 0), with the unrotated codes of device samples 1 and 0 as two probes: the enrolment check, match.VerifyEnrolment"},
	}
}

// calibWanted parses --tables: which of newCalibTables to measure.
func calibWanted(list string) ([calibTables]bool, error) {
	var want [calibTables]bool
	if list == "" {
		for k := range want {
			want[k] = true
		}
		return want, nil
	}
	names := newCalibTables()
	for _, name := range strings.Split(list, ",") {
		name = strings.TrimSpace(name)
		k := slices.IndexFunc(names, func(t *calibTable) bool { return t.name == name })
		if k < 0 {
			return want, fmt.Errorf("--tables: no table %q (palm-nir, vein-nir, palm-vein-nir, palm-phone-nir)", name)
		}
		want[k] = true
	}
	return want, nil
}

// calibCompare scores every ordered pair of identities for the wanted
// tables: genuine when they are the same, impostor otherwise.
func calibCompare(ids []calibIdent, want [calibTables]bool, nw int, stderr io.Writer) []*calibTable {
	n := len(ids)
	per := make([][]*calibTable, nw)
	p := newProgress(stderr, n, "comparing")
	var next, done atomic.Int64
	var wg sync.WaitGroup
	for w := range nw {
		per[w] = newCalibTables()
		for k, t := range per[w] {
			if want[k] {
				t.imp.Grow(n * (n - 1) / nw * 11 / 10)
			}
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			ts := per[w]
			for {
				i := int(next.Add(1)) - 1
				if i >= n {
					return
				}
				a := &ids[i]
				for j := range ids {
					b := &ids[j]
					same := i == j
					var ps, vs float64
					palmOK := a.nir1 != nil && b.nir0 != nil && (want[tabPalmNIR] || want[tabFusedNIR])
					veinOK := a.vein1 != nil && b.vein0 != nil && (want[tabVeinNIR] || want[tabFusedNIR])
					if palmOK {
						ps = palm.CompareBest(a.nir1, b.nir0)
						if want[tabPalmNIR] {
							add(&ts[tabPalmNIR].gen, &ts[tabPalmNIR].imp, same, ps)
						}
					}
					if veinOK {
						vs = vein.Compare(b.vein0, a.vein1)
						if want[tabVeinNIR] {
							add(&ts[tabVeinNIR].gen, &ts[tabVeinNIR].imp, same, vs)
						}
					}
					if palmOK && veinOK && want[tabFusedNIR] {
						add(&ts[tabFusedNIR].gen, &ts[tabFusedNIR].imp, same, (ps+vs)/2)
					}
					if b.phone != nil && want[tabPhoneNIR] {
						for _, probe := range []*palm.Code{a.nir1, a.nir0c} {
							if probe != nil {
								add(&ts[tabPhoneNIR].gen, &ts[tabPhoneNIR].imp, same, palm.CompareBest(probe, b.phone))
							}
						}
					}
				}
				p.set(int(done.Add(1)))
			}
		}()
	}
	wg.Wait()
	p.finish()
	tables := per[0]
	for _, ts := range per[1:] {
		for k, t := range ts {
			tables[k].gen.Merge(&t.gen)
			tables[k].imp.Merge(&t.imp)
			t.gen, t.imp = eval.Scores{}, eval.Scores{}
		}
	}
	return tables
}

// calFMRs are the false-match rates a table may hold, three a decade; a
// table keeps those its impostor count resolves (match.MinFalseMatches).
func calFMRs() []float64 {
	var out []float64
	for e := -1; e >= -9; e-- {
		for _, m := range []int{5, 2, 1} {
			// Parsed, not multiplied, so that 5e-6 is the float64 nearest 5e-6.
			if f, _ := strconv.ParseFloat(fmt.Sprintf("%de%d", m, e), 64); f < 0.5 {
				out = append(out, f)
			}
		}
	}
	return out
}

func (t *calibTable) table(population, cmdline string) *match.Calibration {
	c := &match.Calibration{
		Name: t.name, Model: t.model, Version: t.version, Comparison: t.comparison,
		Population: population, Impostors: int64(t.imp.Len()), Genuine: int64(t.gen.Len()),
		Command: cmdline,
	}
	nImp := float64(t.imp.Len())
	for _, f := range calFMRs() {
		if nImp*f < match.MinFalseMatches {
			break
		}
		thr, err := eval.ThresholdForFMR(&t.imp, f)
		if err != nil {
			break
		}
		fmr, _ := eval.FMR(&t.imp, thr)
		fnmr, _ := eval.FNMR(&t.gen, thr)
		c.Points = append(c.Points, match.CalPoint{
			FMR: f, Threshold: thr, Impostors: int64(nImp),
			FalseMatches: int64(math.Round(fmr * nImp)), FNMR: fnmr,
		})
	}
	c.Population = strings.TrimSpace(population)
	return c
}
