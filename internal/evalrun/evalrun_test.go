package evalrun

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"image"
	"image/png"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/palmid/palmid/internal/dataset"
	"github.com/palmid/palmid/palm"
	"github.com/palmid/palmid/synth"
)

// The synthetic folder: 4 palms x 3 captures in the three whole-image
// modalities written by synth.WriteDataset, two ROI sets that are two bands
// of the same captures (their truth ROIs, with sessions), the same ROIs as
// one set with two modalities, a corrupt and a missing file, and a set with
// a modality nobody knows.
const (
	synthIDs     = 4
	synthSamples = 3
)

var (
	synthOnce sync.Once
	synthDir  string
	synthErr  error
)

func synthFolder(t *testing.T) string {
	t.Helper()
	synthOnce.Do(func() {
		synthDir, synthErr = os.MkdirTemp("", "evalrun-synth-")
		if synthErr == nil {
			synthErr = writeSynthFolder(synthDir)
		}
	})
	if synthErr != nil {
		t.Fatal(synthErr)
	}
	return synthDir
}

func TestMain(m *testing.M) {
	code := m.Run()
	if synthDir != "" {
		os.RemoveAll(synthDir)
	}
	os.Exit(code)
}

func writeSynthFolder(dir string) error {
	err := synth.WriteDataset(dir, synth.DatasetOptions{Seed: 11, Identities: synthIDs, Samples: synthSamples, Workers: 2})
	if err != nil {
		return err
	}
	m, err := dataset.ReadFile(filepath.Join(dir, "MANIFEST.tsv"))
	if err != nil {
		return err
	}
	// Two bands of the same captures as ROI sets: the NIR palm frame's
	// truth ROI as the "visible" band, the vein frame's as the NIR band.
	for i := range synthIDs {
		id := synth.NewIdentity(11, i)
		for s := range synthSamples {
			pa, ve := id.RenderDevice(s, nil)
			sample := fmt.Sprintf("s%d_%02d", 1+s%2, s)
			for _, band := range []struct {
				set, mod string
				c        *synth.Capture
			}{{"bands-vis-roi", "visible-roi", pa}, {"bands-nir-roi", "nir-roi", ve}} {
				g, err := band.c.TruthROI(128)
				if err != nil {
					return err
				}
				rel := fmt.Sprintf("%s/%d_%s.png", band.set, i, sample)
				if err := writeTestPNG(filepath.Join(dir, rel), g); err != nil {
					return err
				}
				m.Entries = append(m.Entries, dataset.Entry{Path: rel, Set: band.set, Modality: band.mod,
					Person: fmt.Sprint(i), Hand: "R", Sample: sample})
				// The same images as one set with two modalities.
				m.Entries = append(m.Entries, dataset.Entry{Path: rel, Set: "ms-roi", Modality: band.mod,
					Person: fmt.Sprint(i), Hand: "R", Sample: sample})
			}
		}
	}
	if err := os.WriteFile(filepath.Join(dir, "corrupt.jpg"), []byte("not an image"), 0o644); err != nil {
		return err
	}
	m.Entries = append(m.Entries,
		dataset.Entry{Path: "corrupt.jpg", Set: "synth", Modality: "visible-hand", Person: "00000", Hand: "L", Sample: "99"},
		dataset.Entry{Path: "missing.png", Set: "synth", Modality: "visible-hand", Person: "00001", Hand: "L", Sample: "99"},
		dataset.Entry{Path: "bands-vis-roi/0_s1_00.png", Set: "odd", Modality: "thermal", Person: "x", Hand: "?", Sample: "1"},
	)
	m.Dir = ""
	return dataset.WriteFile(filepath.Join(dir, "MANIFEST.tsv"), m)
}

func writeTestPNG(name string, img image.Image) error {
	if err := os.MkdirAll(filepath.Dir(name), 0o755); err != nil {
		return err
	}
	var b bytes.Buffer
	if err := png.Encode(&b, img); err != nil {
		return err
	}
	return os.WriteFile(name, b.Bytes(), 0o644)
}

func find(t *testing.T, r *Result, set, modality, method string) *GroupResult {
	t.Helper()
	for _, g := range r.Groups {
		if g.Set == set && g.Modality == modality && g.Method == method {
			return g
		}
	}
	t.Fatalf("no group %s %s %s in\n%s", set, modality, method, r.Text())
	return nil
}

func readManifest(t *testing.T, dir string) *dataset.Manifest {
	t.Helper()
	m, err := dataset.ReadFile(filepath.Join(dir, "MANIFEST.tsv"))
	if err != nil {
		t.Fatal(err)
	}
	return m
}

func TestSynthTruthROI(t *testing.T) {
	dir := synthFolder(t)
	r, err := Run(readManifest(t, dir), &Options{TruthROI: true})
	if err != nil {
		t.Fatal(err)
	}
	t.Log("\n" + r.Text())
	if r.Unreadable.Failures != 2 || r.Unreadable.Reasons["missing file"] != 1 || r.Unreadable.Reasons["unreadable image"] != 1 {
		t.Errorf("unreadable %+v, want one missing and one unreadable", r.Unreadable)
	}
	hand := find(t, r, "synth", "visible-hand", PalmCode)
	if hand.Images != synthIDs*synthSamples+2 || hand.FTA.Failures != 2 || hand.FTA.Reasons["missing file"] != 1 {
		t.Errorf("visible-hand: %d images, FTA %+v; want %d images and the two bad files failed", hand.Images, hand.FTA, synthIDs*synthSamples+2)
	}
	nGen := synthIDs * synthSamples * (synthSamples - 1) / 2
	nAll := synthIDs * synthSamples * (synthIDs*synthSamples - 1) / 2
	for _, c := range []struct{ set, mod, method string }{
		{"synth", "visible-hand", PalmCode},
		{"synth", "nir-palm", PalmCode},
		{"synth", "nir-palm+nir-vein", Fused},
		{"synth", "nir-vein", Vein},
		{"bands-vis-roi", "visible-roi", PalmCode},
		{"bands-nir-roi", "nir-roi", Vein},
		{"bands-vis-roi+bands-nir-roi", "visible-roi+nir-roi", Fused},
		{"ms-roi", "visible-roi+nir-roi", Fused},
	} {
		g := find(t, r, c.set, c.mod, c.method)
		a := g.All
		if a.Genuine != nGen || a.Impostor != nAll-nGen {
			t.Errorf("%s %s %s: %d genuine, %d impostor pairs, want %d and %d", c.set, c.mod, c.method, a.Genuine, a.Impostor, nGen, nAll-nGen)
			continue
		}
		// Ground-truth ROIs of 4 synthetic palms separate easily.
		if a.EER == nil || a.EER.Rate > 0.2 {
			t.Errorf("%s %s %s: EER %+v, want at most 20%%", c.set, c.mod, c.method, a.EER)
		}
		if id := a.Identification; id == nil || id.Mated != synthIDs*synthSamples || id.Rank1Hits < id.Mated*3/4 {
			t.Errorf("%s %s %s: identification %+v, want most of %d probes right", c.set, c.mod, c.method, id, synthIDs*synthSamples)
		}
	}
	band := find(t, r, "bands-vis-roi", "visible-roi", PalmCode)
	if band.CrossSession == nil {
		t.Fatal("no cross-session report for a set with sessions")
	}
	// Sessions: samples 0 and 2 in s1, sample 1 in s2: 2 genuine pairs
	// across sessions per palm.
	if cs := band.CrossSession; cs.Genuine != 2*synthIDs || cs.Impostor != synthIDs*(synthIDs-1)*2 {
		t.Errorf("cross-session: %d genuine, %d impostor, want %d and %d", cs.Genuine, cs.Impostor, 2*synthIDs, synthIDs*(synthIDs-1)*2)
	}
	if g := find(t, r, "synth", "visible-hand", PalmCode); g.CrossSession != nil {
		t.Error("cross-session report for a set without sessions")
	}
	// A modality nobody knows is treated as a whole image.
	odd := find(t, r, "odd", "thermal", PalmCode)
	if odd.Images != 1 || odd.FTA.Failures != 1 {
		t.Errorf("unknown modality: %+v", odd)
	}
}

// TestWholeImagesFindROI runs the synthetic whole images through the hand
// finder: every image is an attempt, and every failure is one of palm's
// reasons.
func TestWholeImagesFindROI(t *testing.T) {
	dir := synthFolder(t)
	r, err := Run(readManifest(t, dir), &Options{Sets: []string{"synth"}, Method: PalmCode})
	if err != nil {
		t.Fatal(err)
	}
	t.Log("\n" + r.Text())
	for _, mod := range []string{"visible-hand", "nir-palm", "nir-vein"} {
		g := find(t, r, "synth", mod, PalmCode)
		if g.FTA.Attempts != g.Images {
			t.Errorf("%s: %d attempts for %d images", mod, g.FTA.Attempts, g.Images)
		}
		for reason := range g.FTA.Reasons {
			if !strings.HasPrefix(reason, "palm:") && reason != "missing file" && reason != "unreadable image" {
				t.Errorf("%s: unexpected reason %q", mod, reason)
			}
		}
	}
	// RequireOpen rejects more of them, all with fingers closed
	ro, err := Run(readManifest(t, dir), &Options{Sets: []string{"synth"}, Method: PalmCode, RequireOpen: true})
	if err != nil {
		t.Fatal(err)
	}
	closed := palm.ErrFingersClosed.Error()
	more := 0
	for _, mod := range []string{"visible-hand", "nir-palm", "nir-vein"} {
		g, h := find(t, r, "synth", mod, PalmCode), find(t, ro, "synth", mod, PalmCode)
		for reason, n := range h.FTA.Reasons {
			if d := n - g.FTA.Reasons[reason]; d < 0 || (d > 0 && reason != closed) {
				t.Errorf("%s, RequireOpen: %d failures %q, %d without it", mod, n, reason, g.FTA.Reasons[reason])
			}
		}
		more += h.FTA.Failures - g.FTA.Failures
	}
	if more == 0 {
		t.Error("RequireOpen rejected no hand more")
	}
}

func TestJSONRoundTrip(t *testing.T) {
	dir := synthFolder(t)
	r, err := Run(readManifest(t, dir), &Options{TruthROI: true, Sets: []string{"bands-vis-roi", "bands-nir-roi", "synth"}})
	if err != nil {
		t.Fatal(err)
	}
	a, err := json.Marshal(r)
	if err != nil {
		t.Fatal(err)
	}
	var back Result
	if err := json.Unmarshal(a, &back); err != nil {
		t.Fatal(err)
	}
	b, err := json.Marshal(&back)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(a, b) {
		t.Errorf("JSON changed in a round trip:\n%s\n%s", a, b)
	}
	if len(back.Groups) != len(r.Groups) || back.Groups[0].All == nil || back.Groups[0].All.EER == nil {
		t.Fatalf("groups lost in JSON: %s", a)
	}
	for _, key := range []string{`"fta"`, `"all_pairs"`, `"cross_session"`, `"eer"`, `"operating_points"`, `"identification"`, `"rank1_hits"`, `"unreadable"`} {
		if !strings.Contains(string(a), key) {
			t.Errorf("JSON lacks %s", key)
		}
	}
}

func TestMethods(t *testing.T) {
	dir := synthFolder(t)
	m := readManifest(t, dir)
	for _, method := range []string{NCC, PalmCode, Vein, Fused} {
		r, err := Run(m, &Options{Method: method, Sets: []string{"bands-vis-roi", "bands-nir-roi"}})
		if err != nil {
			t.Fatal(err)
		}
		for _, g := range r.Groups {
			if g.Method != method {
				t.Errorf("%s: group %s %s has method %s", method, g.Set, g.Modality, g.Method)
			}
			applies := method != Vein && method != Fused || isNIR(g.Modality) || strings.Contains(g.Modality, "+")
			if applies != (g.Note == "") || applies && (g.All == nil || g.All.Genuine == 0) {
				t.Errorf("%s: group %s %s: note %q, report %v", method, g.Set, g.Modality, g.Note, g.All)
			}
		}
	}
	if _, err := Run(m, &Options{Method: "bogus"}); err == nil {
		t.Error("unknown method accepted")
	}
	r, err := Run(m, &Options{Sets: []string{"nosuchset"}})
	if err != nil || len(r.Groups) != 0 || len(r.SetsNotFound) != 1 || !strings.Contains(r.Text(), "nosuchset") {
		t.Errorf("unknown set: %v, %+v", err, r)
	}
}

func TestDebugWritesOnlyWhenAsked(t *testing.T) {
	dir := synthFolder(t)
	m := readManifest(t, dir)
	before := countFiles(t, dir)
	if _, err := Run(m, &Options{Sets: []string{"bands-nir-roi", "synth"}, TruthROI: true}); err != nil {
		t.Fatal(err)
	}
	if after := countFiles(t, dir); after != before {
		t.Errorf("Run without DebugDir wrote %d files", after-before)
	}
	debug := t.TempDir()
	if _, err := Run(m, &Options{Sets: []string{"bands-nir-roi", "synth"}, TruthROI: true, DebugDir: debug}); err != nil {
		t.Fatal(err)
	}
	rois, _ := filepath.Glob(filepath.Join(debug, "bands-nir-roi", "nir-roi", "*.png"))
	if len(rois) != synthIDs*synthSamples {
		t.Errorf("%d debug ROIs of bands-nir-roi, want %d", len(rois), synthIDs*synthSamples)
	}
	f, err := os.ReadFile(filepath.Join(debug, "failures.tsv"))
	if err != nil || !strings.Contains(string(f), "missing.png") {
		t.Errorf("failures.tsv does not name missing.png: %v\n%s", err, f)
	}
}

func countFiles(t *testing.T, dir string) int {
	n := 0
	err := filepath.Walk(dir, func(_ string, fi os.FileInfo, err error) error {
		if err == nil && !fi.IsDir() {
			n++
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return n
}

func TestReason(t *testing.T) {
	sentinel := errors.New("palm: no hand found")
	for _, c := range []struct {
		err  error
		want string
	}{
		{fmt.Errorf("detail: %w", sentinel), "palm: no hand found"},
		{&missingError{os.ErrNotExist}, "missing file"},
		{&unreadableError{fmt.Errorf("x: %w", dataset.ErrTooLarge)}, "image too large"},
		{&unreadableError{errors.New("bad jpeg")}, "unreadable image"},
	} {
		if got := Reason(c.err); got != c.want {
			t.Errorf("Reason(%v) = %q, want %q", c.err, got, c.want)
		}
	}
}

// TestRealData evaluates the two PolyU bands of ../shared/data, which also
// exercises the cross-band fusion.
func TestRealData(t *testing.T) {
	m, err := dataset.ReadRealManifest()
	if err != nil {
		t.Skipf("real data absent: %v", err)
	}
	sets := []string{"polyu-ms-green-roi", "polyu-ms-nir-roi"}
	if len(m.Select(func(e dataset.Entry) bool { return e.Set == sets[0] || e.Set == sets[1] })) == 0 {
		t.Skip("real data lacks the PolyU sets")
	}
	r, err := Run(m, &Options{Sets: sets})
	if err != nil {
		t.Fatal(err)
	}
	t.Log("\n" + r.Text())
	for _, g := range r.Groups {
		if g.Note != "" {
			continue
		}
		if g.All.EER == nil || g.All.EER.Rate > 0.02 {
			t.Errorf("%s %s %s: EER %+v, want at most 2%%", g.Set, g.Modality, g.Method, g.All.EER)
		}
		if g.CrossSession == nil {
			t.Errorf("%s %s %s: no cross-session report", g.Set, g.Modality, g.Method)
		}
	}
	find(t, r, sets[0]+"+"+sets[1], "visible-roi+nir-roi", Fused)
}
