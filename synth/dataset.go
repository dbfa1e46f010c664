package synth

import (
	"bytes"
	"errors"
	"fmt"
	"image"
	"image/png"
	"os"
	"path"
	"path/filepath"
	"runtime"
	"sort"
	"strconv"
	"sync"

	"github.com/palmid/palmid/internal/dataset"
)

// DatasetOptions describe a synthetic data set to write.
type DatasetOptions struct {
	Seed       uint64
	Identities int // number of identities, indices 0..Identities-1
	Samples    int // captures per identity and modality
	// Modalities to render; nil means all three.
	Modalities []Modality
	Render     Options
	// Workers renders identities in parallel; 0 means one per CPU.
	Workers int
	// Progress, if not nil, is called after each identity is written, from
	// one goroutine at a time.
	Progress func(done, total int)
}

// Manifest columns synth adds to the core ones: the ground truth of every
// capture. Coordinates are image pixels; orientation is in radians.
var truthColumns = []string{
	"seed", "identity", "difficulty", "px_per_mm", "palm_width_mm",
	"v1_x", "v1_y", "v2_x", "v2_y", "v3_x", "v3_y", "valleys_open",
	"centre_x", "centre_y", "orientation", "occluded", "blur", "mask",
}

// SetName is the set column of synthetic manifests.
const SetName = "synth"

// WriteDataset renders a population into dir: images under
// <modality>/<identity>/, foreground masks under masks/, a MANIFEST.tsv in
// the format of the real data (core columns plus the ground-truth columns
// listed in the package documentation) and contact-sheet.png. Phone photos
// are written as the JPEG files they were rendered as, NIR images as PNG.
// Identities render in parallel; the output does not depend on the number of
// workers.
func WriteDataset(dir string, o DatasetOptions) error {
	if o.Identities <= 0 || o.Samples <= 0 {
		return errors.New("synth: identities and samples must be positive")
	}
	mods := o.Modalities
	if mods == nil {
		mods = []Modality{Phone, NIRPalm, NIRVein}
	}
	workers := o.Workers
	if workers <= 0 {
		workers = runtime.NumCPU()
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	type result struct {
		entries []dataset.Entry
		err     error
	}
	results := make([]result, o.Identities)
	jobs := make(chan int)
	var wg sync.WaitGroup
	var mu sync.Mutex
	done := 0
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range jobs {
				e, err := writeIdentity(dir, NewIdentity(o.Seed, i), o.Samples, mods, &o.Render)
				results[i] = result{e, err}
				if o.Progress != nil {
					mu.Lock()
					done++
					o.Progress(done, o.Identities)
					mu.Unlock()
				}
			}
		}()
	}
	for i := range o.Identities {
		jobs <- i
	}
	close(jobs)
	wg.Wait()
	m := &dataset.Manifest{Columns: truthColumns}
	for _, r := range results {
		if r.err != nil {
			return r.err
		}
		m.Entries = append(m.Entries, r.entries...)
	}
	sort.SliceStable(m.Entries, func(a, b int) bool { return m.Entries[a].Path < m.Entries[b].Path })
	if err := dataset.WriteFile(filepath.Join(dir, "MANIFEST.tsv"), m); err != nil {
		return err
	}
	n := min(o.Identities, 6)
	ids := make([]*Identity, n)
	for i := range ids {
		ids[i] = NewIdentity(o.Seed, i)
	}
	return writePNG(filepath.Join(dir, "contact-sheet.png"), ContactSheet(ids, 400, &o.Render))
}

func writeIdentity(dir string, id *Identity, samples int, mods []Modality, opts *Options) ([]dataset.Entry, error) {
	var out []dataset.Entry
	person := fmt.Sprintf("%05d", id.Index)
	for s := range samples {
		var caps []*Capture
		for _, m := range mods {
			switch {
			case m == NIRVein && contains(mods, NIRPalm):
				// rendered together with NIRPalm, from the same pose
			case m == NIRPalm:
				p, v := id.renderDevice(s, opts, true, contains(mods, NIRVein))
				caps = append(caps, p)
				if v != nil {
					caps = append(caps, v)
				}
			default:
				caps = append(caps, id.Render(m, s, opts))
			}
		}
		for _, c := range caps {
			e, err := writeCapture(dir, person, c)
			if err != nil {
				return nil, err
			}
			out = append(out, e)
		}
	}
	return out, nil
}

func contains(ms []Modality, m Modality) bool {
	for _, x := range ms {
		if x == m {
			return true
		}
	}
	return false
}

// ManifestModality is the modality column written for each modality.
func (m Modality) ManifestModality() string {
	switch m {
	case NIRPalm:
		return "nir-palm"
	case NIRVein:
		return "nir-vein"
	}
	return "visible-hand"
}

func writeCapture(dir, person string, c *Capture) (dataset.Entry, error) {
	t := &c.Truth
	sample := fmt.Sprintf("%02d", t.Sample)
	base := fmt.Sprintf("%s_%s_%s", person, t.Hand, sample)
	ext := ".png"
	if c.jpeg != nil {
		ext = ".jpg"
	}
	rel := path.Join(t.Modality.String(), person, base+ext)
	var data []byte
	if c.jpeg != nil {
		data = c.jpeg
	} else {
		var buf bytes.Buffer
		if err := png.Encode(&buf, c.Image); err != nil {
			return dataset.Entry{}, err
		}
		data = buf.Bytes()
	}
	if err := writeFile(filepath.Join(dir, filepath.FromSlash(rel)), data); err != nil {
		return dataset.Entry{}, err
	}
	maskRel := path.Join("masks", t.Modality.String(), person, base+".png")
	if t.Modality != NIRVein { // the vein image shares the palm image's mask
		if err := writePNG(filepath.Join(dir, filepath.FromSlash(maskRel)), t.Mask); err != nil {
			return dataset.Entry{}, err
		}
	} else {
		maskRel = path.Join("masks", NIRPalm.String(), person, base+".png")
	}
	f := func(v float64) string { return strconv.FormatFloat(v, 'f', 3, 64) }
	open := ""
	for _, o := range t.ValleysOpen {
		if o {
			open += "1"
		} else {
			open += "0"
		}
	}
	return dataset.Entry{
		Path: rel, Set: SetName, Modality: t.Modality.ManifestModality(),
		Person: person, Hand: t.Hand.String(), Sample: sample,
		Extra: map[string]string{
			"seed": strconv.FormatUint(t.Seed, 10), "identity": strconv.Itoa(t.Identity),
			"difficulty": t.Difficulty.String(), "px_per_mm": f(t.PxPerMM), "palm_width_mm": f(t.PalmWidth),
			"v1_x": f(t.Valleys[0].X), "v1_y": f(t.Valleys[0].Y),
			"v2_x": f(t.Valleys[1].X), "v2_y": f(t.Valleys[1].Y),
			"v3_x": f(t.Valleys[2].X), "v3_y": f(t.Valleys[2].Y),
			"valleys_open": open,
			"centre_x":     f(t.Centre.X), "centre_y": f(t.Centre.Y),
			"orientation": strconv.FormatFloat(t.Orientation, 'f', 4, 64),
			"occluded":    f(t.Occluded), "blur": f(t.Blur), "mask": maskRel,
		},
	}, nil
}

func writeFile(name string, data []byte) error {
	if err := os.MkdirAll(filepath.Dir(name), 0o755); err != nil {
		return err
	}
	return os.WriteFile(name, data, 0o644)
}

func writePNG(name string, img image.Image) error {
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		return err
	}
	return writeFile(name, buf.Bytes())
}
