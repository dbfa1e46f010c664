package realism

import (
	"encoding/json"
	"errors"
	"image/png"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/palmid/palmid/internal/dataset"
)

// subsetData makes a data folder in a temporary directory that lists at most
// perPalm images of each palm of the sets Run reads, taken from the real
// data folder, so that the test reads real images without comparing every
// pair of them. The set folders are symbolic links: nothing is copied.
func subsetData(t *testing.T, perPalm int) string {
	t.Helper()
	m, err := dataset.ReadRealManifest()
	if errors.Is(err, dataset.ErrNoRealData) {
		t.Logf("real data absent, testing synth alone: %v", err)
		return t.TempDir() // no MANIFEST.tsv: Run reports synth alone
	}
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	var sets []string
	for _, p := range Pairs {
		sets = append(sets, p.Real...)
		sets = append(sets, p.Extra...)
	}
	sub := &dataset.Manifest{Columns: m.Columns}
	for _, name := range sets {
		if err := os.Symlink(filepath.Join(m.Dir, name), filepath.Join(dir, name)); err != nil {
			t.Fatal(err)
		}
		// Keep samples of both sessions where there are two.
		count := map[string]int{}
		for _, e := range m.Set(name) {
			k, limit := e.Identity()+"/"+e.Session(), perPalm
			if e.Session() != "" {
				limit = (perPalm + 1) / 2
			}
			if count[k] < limit {
				count[k]++
				sub.Entries = append(sub.Entries, e)
			}
		}
	}
	if err := dataset.WriteFile(filepath.Join(dir, "MANIFEST.tsv"), sub); err != nil {
		t.Fatal(err)
	}
	return dir
}

// TestRun runs a small population against a subset of the real data (4
// images a palm, 2 in -short mode) and checks that every part of the report
// is filled in and plausible, and that the figures are written.
func TestRun(t *testing.T) {
	ids, samples, perPalm := 12, 3, 4
	if testing.Short() {
		ids, samples, perPalm = 6, 2, 2
	}
	dir := subsetData(t, perPalm)
	r, err := Run(Options{Seed: 7, Identities: ids, Samples: samples, DataDir: dir})
	if err != nil {
		t.Fatal(err)
	}
	real := r.DataDir != ""
	if !real && r.RealNote == "" {
		t.Error("no real data and no note saying so")
	}
	if len(r.Pairs) != len(Pairs) {
		t.Fatalf("%d pairs, want %d", len(r.Pairs), len(Pairs))
	}
	for i, p := range r.Pairs {
		s := p.Synth
		// A few phone captures may put the ROI out of frame, not most.
		if s.Images < ids*samples*3/4 || s.Images+s.Missing != ids*samples || s.Identities != ids {
			t.Errorf("%s: %d images (%d missing) of %d identities", p.Name, s.Images, s.Missing, s.Identities)
		}
		sane(t, "synth "+p.Name, s)
		if len(s.thumbs) != min(thumbs, ids) {
			t.Errorf("%s: %d synth thumbnails", p.Name, len(s.thumbs))
		}
		if !real {
			if len(p.Real) != 0 {
				t.Errorf("%s: real sets without real data", p.Name)
			}
			continue
		}
		if want := len(Pairs[i].Real) + len(Pairs[i].Extra); len(p.Real) != want {
			t.Fatalf("%s: %d real sets, want %d", p.Name, len(p.Real), want)
		}
		for _, rs := range p.Real {
			if rs.Images == 0 {
				t.Logf("%s: no images present", rs.Name)
				continue
			}
			sane(t, rs.Name, rs)
			v := rs.Versus
			if v == nil || len(v.Z) == 0 || v.SpectrumDistance <= 0 || v.HistDistance <= 0 {
				t.Errorf("%s: comparison %+v", rs.Name, v)
				continue
			}
			if (v.AtLeastAsHard == nil) != rs.Extra {
				t.Errorf("%s: verdict %v for extra %v", rs.Name, v.AtLeastAsHard, rs.Extra)
			}
			if rs.Name == "tongji-roi" && rs.CrossSession == nil {
				t.Errorf("%s: no cross-session result", rs.Name)
			}
		}
	}

	md := r.Markdown()
	for _, want := range []string{"# Realism", "## visible", "## nir-palm", "## nir-vein", "line density", "NCC EER"} {
		if !strings.Contains(md, want) {
			t.Errorf("Markdown lacks %q", want)
		}
	}
	if real != strings.Contains(md, "casia-ms-850-roi") {
		t.Errorf("Markdown names real sets: %v, real data: %v", !real, real)
	}
	if !real && !strings.Contains(md, "No real data") {
		t.Error("Markdown does not say real data is absent")
	}
	js, err := r.JSON()
	if err != nil {
		t.Fatal(err)
	}
	var back Report
	if err := json.Unmarshal(js, &back); err != nil || len(back.Pairs) != len(r.Pairs) {
		t.Errorf("JSON round trip: %v", err)
	}

	fig := t.TempDir()
	if err := r.WriteFigure(fig); err != nil {
		t.Fatal(err)
	}
	want := []string{"rois-synth.png"}
	for _, p := range Pairs {
		want = append(want, "charts-"+p.Name+".png", "det-"+p.Name+".png")
		if real {
			want = append(want, "rois-"+p.Name+".png")
		}
	}
	got, _ := filepath.Glob(filepath.Join(fig, "*.png"))
	for i := range got {
		got[i] = filepath.Base(got[i])
	}
	slices.Sort(want)
	if !slices.Equal(got, want) {
		t.Errorf("figures %v, want %v", got, want)
	}
	for _, name := range got {
		f, err := os.Open(filepath.Join(fig, name))
		if err != nil {
			t.Fatal(err)
		}
		cfg, err := png.DecodeConfig(f)
		f.Close()
		if err != nil || cfg.Width < 300 || cfg.Height < 150 {
			t.Errorf("%s: %dx%d, %v", name, cfg.Width, cfg.Height, err)
		}
	}
}

// sane checks that a set's summary and NCC result are in plausible ranges.
func sane(t *testing.T, name string, s *SetReport) {
	t.Helper()
	m := s.Summary
	if m.N != s.Images || m.Mean.Mean <= 0.05 || m.Mean.Mean >= 0.95 || m.Std.Mean <= 0 ||
		m.Coherence.Mean <= 0.1 || m.Coherence.Mean >= 0.95 || m.LineDensity.Mean <= 0 || m.Slope.Mean >= 0 ||
		len(m.Hist) == 0 || len(m.Spectrum) == 0 {
		t.Errorf("%s: implausible summary\n%v", name, m)
	}
	n := s.NCC
	if n == nil {
		t.Errorf("%s: no NCC result", name)
		return
	}
	// Every pair is scored once.
	if n.Genuine+n.Impostor != s.Images*(s.Images-1)/2 || n.Genuine == 0 {
		t.Errorf("%s: %d genuine + %d impostor pairs of %d images", name, n.Genuine, n.Impostor, s.Images)
	}
	if n.EER < 0 || n.EER >= 0.5 || n.GenuineMean <= n.ImpostorMean {
		t.Errorf("%s: NCC %+v", name, n)
	}
}

func TestOptions(t *testing.T) {
	for _, o := range []Options{{Identities: 1}, {Samples: 1}, {Identities: -3}} {
		if _, err := Run(o); !errors.Is(err, ErrOptions) {
			t.Errorf("%+v: %v", o, err)
		}
	}
}
