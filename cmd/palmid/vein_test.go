package main

import (
	"bytes"
	"image"
	"image/png"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/palmid/palmid/synth"
)

func TestVeinCommand(t *testing.T) {
	dir := t.TempDir()
	_, v := synth.NewIdentity(3, 0).RenderDevice(0, nil)
	roi, err := v.TruthROI(128)
	if err != nil {
		t.Fatal(err)
	}
	in := filepath.Join(dir, "roi.png")
	if err := writePNG(in, roi); err != nil {
		t.Fatal(err)
	}
	var out, errb bytes.Buffer
	if code := run([]string{"vein", in}, &out, &errb); code != 0 {
		t.Fatalf("vein exited %d: %s", code, errb.String())
	}
	for _, want := range []string{"template   32x32 cells", "PAD score", "branch points"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("output lacks %q:\n%s", want, out.String())
		}
	}
	if files, _ := os.ReadDir(dir); len(files) != 1 {
		t.Errorf("without --debug the command wrote %d files", len(files)-1)
	}
	// The flag may follow the image.
	dbg := filepath.Join(dir, "debug.png")
	out.Reset()
	if code := run([]string{"vein", in, "--debug", dbg}, &out, &errb); code != 0 {
		t.Fatalf("vein --debug exited %d: %s", code, errb.String())
	}
	f, err := os.Open(dbg)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	img, err := png.Decode(f)
	if err != nil {
		t.Fatal(err)
	}
	if b := img.Bounds(); b.Dx() != 4*veinPanel+12 || b.Dy() != veinPanel {
		t.Errorf("debug image %v", b)
	}
}

func TestVeinCommandErrors(t *testing.T) {
	empty := filepath.Join(t.TempDir(), "flat.png")
	if err := writePNG(empty, synthFlat()); err != nil {
		t.Fatal(err)
	}
	for _, args := range [][]string{
		{"vein"},
		{"vein", "a.png", "b.png"},
		{"vein", filepath.Join(t.TempDir(), "missing.png")},
		{"vein", empty},
	} {
		var out, errb bytes.Buffer
		if code := run(args, &out, &errb); code == 0 {
			t.Errorf("%q: exit 0, want an error", args)
		} else if errb.Len() == 0 {
			t.Errorf("%q: no message on stderr", args)
		}
	}
}

// synthFlat is a black image: no palm, no texture.
func synthFlat() *image.Gray { return image.NewGray(image.Rect(0, 0, 64, 64)) }

func TestVeinCommandFrame(t *testing.T) {
	dir := t.TempDir()
	p, v := synth.NewIdentity(3, 1).RenderDevice(0, nil)
	pf, vf := filepath.Join(dir, "palm.png"), filepath.Join(dir, "vein.png")
	if err := writePNG(pf, p.Image); err != nil {
		t.Fatal(err)
	}
	if err := writePNG(vf, v.Image); err != nil {
		t.Fatal(err)
	}
	var out, errb bytes.Buffer
	if code := run([]string{"vein", "--frame", "--palm", pf, vf}, &out, &errb); code != 0 {
		t.Fatalf("vein --frame exited %d: %s", code, errb.String())
	}
	for _, want := range []string{"ROI corners", "ROI 128x128", "PAD score"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("output lacks %q:\n%s", want, out.String())
		}
	}
	if code := run([]string{"vein", "--palm", pf, vf}, &out, &errb); code == 0 {
		t.Error("--palm without --frame accepted")
	}
}
