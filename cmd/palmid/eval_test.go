package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"image/png"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/palmid/palmid/internal/dataset"
	"github.com/palmid/palmid/internal/evalrun"
	"github.com/palmid/palmid/synth"
)

// writeROIFolder writes a small folder of synthetic NIR palm ROIs (ids palms
// x samples, two sessions) with a MANIFEST.tsv that also lists a missing
// file.
func writeROIFolder(t *testing.T, ids, samples int) string {
	t.Helper()
	dir := t.TempDir()
	m := &dataset.Manifest{}
	for i := range ids {
		id := synth.NewIdentity(5, i)
		for s := range samples {
			pa, _ := id.RenderDevice(s, nil)
			g, err := pa.TruthROI(128)
			if err != nil {
				t.Fatal(err)
			}
			sample := fmt.Sprintf("s%d_%02d", 1+s%2, s)
			rel := fmt.Sprintf("roi/%d_%s.png", i, sample)
			var b bytes.Buffer
			if err := png.Encode(&b, g); err != nil {
				t.Fatal(err)
			}
			if err := os.MkdirAll(filepath.Join(dir, "roi"), 0o755); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(filepath.Join(dir, rel), b.Bytes(), 0o644); err != nil {
				t.Fatal(err)
			}
			m.Entries = append(m.Entries, dataset.Entry{Path: rel, Set: "tiny-roi", Modality: "nir-roi", Person: fmt.Sprint(i), Hand: "L", Sample: sample})
		}
	}
	m.Entries = append(m.Entries, dataset.Entry{Path: "roi/gone.png", Set: "tiny-roi", Modality: "nir-roi", Person: "0", Hand: "L", Sample: "s1_99"})
	if err := dataset.WriteFile(filepath.Join(dir, "MANIFEST.tsv"), m); err != nil {
		t.Fatal(err)
	}
	return dir
}

func TestEvalCommand(t *testing.T) {
	dir := writeROIFolder(t, 3, 2)
	var out, errb bytes.Buffer
	if code := run([]string{"eval", "--data", dir, "--json"}, &out, &errb); code != 0 {
		t.Fatalf("eval exited %d: %s", code, errb.String())
	}
	var res evalrun.Result
	if err := json.Unmarshal(out.Bytes(), &res); err != nil {
		t.Fatalf("eval --json output is not JSON: %v\n%s", err, out.String())
	}
	if res.Listed != 7 || res.Unreadable.Failures != 1 || len(res.Files) != 1 || res.Files[0].Reason != "missing file" {
		t.Errorf("listed %d, unreadable %+v %+v; want 7 listed and roi/gone.png missing", res.Listed, res.Unreadable, res.Files)
	}
	var methods []string
	for _, g := range res.Groups {
		methods = append(methods, g.Method)
		if g.FTA.Attempts != 7 || g.FTA.Failures != 1 {
			t.Errorf("%s: FTA %+v, want 1 of 7", g.Method, g.FTA)
		}
		// 3 palms x 2 captures: 3 genuine and 12 impostor pairs.
		if g.All == nil || g.All.Genuine != 3 || g.All.Impostor != 12 || g.CrossSession == nil {
			t.Errorf("%s: all pairs %+v, cross-session %+v", g.Method, g.All, g.CrossSession)
		}
	}
	if strings.Join(methods, ",") != "palmcode,vein,fused" {
		t.Errorf("auto on nir-roi ran %v, want palmcode, vein, fused", methods)
	}

	// Text output, and nothing written to the data folder.
	before, _ := filepath.Glob(filepath.Join(dir, "*", "*"))
	out.Reset()
	if code := run([]string{"eval", "--data", dir, "--method", "ncc"}, &out, &errb); code != 0 {
		t.Fatalf("eval exited %d: %s", code, errb.String())
	}
	for _, want := range []string{"tiny-roi", "cross-session", "FNMR@1e-3", "rank-1", "missing file"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("text output lacks %q:\n%s", want, out.String())
		}
	}
	if after, _ := filepath.Glob(filepath.Join(dir, "*", "*")); len(after) != len(before) {
		t.Errorf("eval without --debug wrote files: %v", after)
	}
}

func TestEvalBadInput(t *testing.T) {
	for _, args := range [][]string{
		{"eval"},
		{"eval", "--data", t.TempDir()}, // no MANIFEST.tsv
		{"eval", "--data", ".", "--method", "magic"},
		{"eval", "--data", ".", "stray"},
	} {
		var out, errb bytes.Buffer
		if code := run(args, &out, &errb); code == 0 {
			t.Errorf("%q: exit 0, want an error", args)
		} else if errb.Len() == 0 {
			t.Errorf("%q: no message on stderr", args)
		}
	}
}

// TestEvalRealTongji runs the command on one real set, Tongji's ROIs, whose
// two sessions give a cross-session protocol.
func TestEvalRealTongji(t *testing.T) {
	dir, err := dataset.RealDataDir()
	if err != nil {
		t.Skipf("real data absent: %v", err)
	}
	var out, errb bytes.Buffer
	if code := run([]string{"eval", "--data", dir, "--sets", "tongji-roi", "--method", "palmcode", "--json"}, &out, &errb); code != 0 {
		t.Fatalf("eval exited %d: %s", code, errb.String())
	}
	var res evalrun.Result
	if err := json.Unmarshal(out.Bytes(), &res); err != nil {
		t.Fatal(err)
	}
	if len(res.Groups) != 1 || res.Groups[0].Images == 0 {
		t.Skipf("real data lacks tongji-roi: %+v", res.Groups)
	}
	g := res.Groups[0]
	if g.FTA.Failures != 0 || g.CrossSession == nil || g.CrossSession.EER == nil || g.CrossSession.EER.Rate > 0.01 {
		t.Errorf("tongji-roi: FTA %+v, cross-session %+v; palm documents EER 0%% cross-session", g.FTA, g.CrossSession)
	}
}

// TestDemoFoundROI runs the demo on ROIs found by palm.FindROI (its
// default): every capture is an attempt in each channel, failures carry
// palm's reasons, and a vein frame fails exactly when its palm frame does.
// (TestDemoJSON covers the --truth-roi path.)
func TestDemoFoundROI(t *testing.T) {
	var out, errb bytes.Buffer
	if code := run([]string{"demo", "--identities", "5", "--samples", "2", "--json", "--det", ""}, &out, &errb); code != 0 {
		t.Fatalf("demo exited %d: %s", code, errb.String())
	}
	var res demoResult
	if err := json.Unmarshal(out.Bytes(), &res); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(res.ROI, "palm.FindROI") {
		t.Errorf("the demo must say it finds ROIs with palm.FindROI, got %q", res.ROI)
	}
	if len(res.Reports) != 7 {
		t.Fatalf("%d reports, want 7", len(res.Reports))
	}
	for c := range channels {
		r := res.Reports[c]
		if r.FTA == nil || r.FTA.Attempts != 10 {
			t.Errorf("%s: FTA %+v, want 10 attempts", r.Name, r.FTA)
		}
		for reason := range res.FTAReasons[channels[c].image] {
			if !strings.HasPrefix(reason, "palm:") && !strings.HasPrefix(reason, "vein:") {
				t.Errorf("%s: unexpected failure reason %q", r.Name, reason)
			}
		}
	}
	if p, v := res.Reports[1].FTA, res.Reports[2].FTA; p != nil && v != nil && v.Failures < p.Failures {
		t.Errorf("vein channel failed %d times, its palm frames %d", v.Failures, p.Failures)
	}
}
