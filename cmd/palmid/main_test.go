package main

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/palmid/palmid/internal/dataset"
)

func TestHelpListsCommands(t *testing.T) {
	var out, errb bytes.Buffer
	if code := run([]string{"help"}, &out, &errb); code != 0 {
		t.Fatalf("help exited %d", code)
	}
	for _, c := range []string{"demo", "synth"} {
		if !strings.Contains(out.String(), c) {
			t.Errorf("help does not list %q:\n%s", c, out.String())
		}
	}
}

func TestBadInput(t *testing.T) {
	for _, args := range [][]string{
		{"nosuchcommand"},
		{"demo", "--identities", "x"},
		{"demo", "--identities", "1"},
		{"demo", "--difficulty", "nightmare"},
		{"demo", "stray"},
		{"synth"},
		{"synth", "--out", t.TempDir(), "--modalities", "x-ray"},
	} {
		var out, errb bytes.Buffer
		if code := run(args, &out, &errb); code == 0 {
			t.Errorf("%q: exit 0, want an error", args)
		} else if errb.Len() == 0 {
			t.Errorf("%q: no message on stderr", args)
		}
	}
}

func TestDemoJSON(t *testing.T) {
	det := filepath.Join(t.TempDir(), "det.png")
	var out, errb bytes.Buffer
	code := run([]string{"demo", "--identities", "6", "--samples", "2", "--json", "--det", det, "--truth-roi"}, &out, &errb)
	if code != 0 {
		t.Fatalf("demo exited %d: %s", code, errb.String())
	}
	var res demoResult
	if err := json.Unmarshal(out.Bytes(), &res); err != nil {
		t.Fatalf("demo --json output is not JSON: %v\n%s", err, out.String())
	}
	if len(res.Reports) != 7 {
		t.Fatalf("%d reports, want 7 (3 channels, fused, 3 NCC baselines)", len(res.Reports))
	}
	for _, r := range res.Reports {
		// 6 identities x 2 captures: 6 genuine and 60 impostor pairs,
		// less any failed acquisitions.
		if r.Genuine == 0 || r.Impostor == 0 || r.Genuine+r.Impostor > 66 {
			t.Errorf("%s: %d genuine, %d impostor comparisons", r.Name, r.Genuine, r.Impostor)
		}
		if r.EER == nil {
			t.Errorf("%s: no EER", r.Name)
		}
	}
	if !strings.Contains(res.ROI, "ground-truth-aligned") {
		t.Errorf("with --truth-roi the demo must say it uses ground-truth ROIs, got %q", res.ROI)
	}
	if fi, err := os.Stat(det); err != nil || fi.Size() == 0 {
		t.Errorf("DET PNG not written: %v", err)
	}
}

func TestSynthCommand(t *testing.T) {
	dir := t.TempDir()
	var out, errb bytes.Buffer
	code := run([]string{"synth", "--identities", "2", "--samples", "1", "--out", dir, "--modalities", "nir-palm,nir-vein"}, &out, &errb)
	if code != 0 {
		t.Fatalf("synth exited %d: %s", code, errb.String())
	}
	m, err := dataset.ReadFile(filepath.Join(dir, "MANIFEST.tsv"))
	if err != nil {
		t.Fatal(err)
	}
	if len(m.Entries) != 4 {
		t.Fatalf("%d manifest entries, want 4", len(m.Entries))
	}
	if m.Entries[0].Extra["v1_x"] == "" {
		t.Error("ground-truth columns missing")
	}
}

func TestCaptureSynthetic(t *testing.T) {
	dir := t.TempDir()
	out := filepath.Join(dir, "best.png")
	var stdout, stderr bytes.Buffer
	if code := run([]string{"capture"}, &stdout, &stderr); code != 0 {
		t.Fatalf("capture exited %d: %s", code, stderr.String())
	}
	if !strings.Contains(stdout.String(), "best is frame") || !strings.Contains(stdout.String(), "no image written") {
		t.Errorf("unexpected output:\n%s", stdout.String())
	}
	stdout.Reset()
	if code := run([]string{"capture", "--out", out}, &stdout, &stderr); code != 0 {
		t.Fatalf("capture --out exited %d: %s", code, stderr.String())
	}
	if fi, err := os.Stat(out); err != nil || fi.Size() == 0 {
		t.Fatalf("no image written: %v", err)
	}
	if code := run([]string{"capture", "--device", "nosuchdriver:x"}, &stdout, &stderr); code == 0 {
		t.Error("unknown device: exit 0")
	}
}
