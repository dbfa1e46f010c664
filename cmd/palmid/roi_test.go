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

func savePNG(t *testing.T, name string, img image.Image) {
	t.Helper()
	f, err := os.Create(name)
	if err != nil {
		t.Fatal(err)
	}
	if err := png.Encode(f, img); err != nil {
		t.Fatal(err)
	}
	f.Close()
}

func TestROICommand(t *testing.T) {
	dir := t.TempDir()
	in := filepath.Join(dir, "hand.png")
	savePNG(t, in, synth.NewIdentity(1, 0).Render(synth.NIRPalm, 0, nil).Image)
	dbg, roi := filepath.Join(dir, "debug.png"), filepath.Join(dir, "roi.png")
	var out, errb bytes.Buffer
	if code := run([]string{"roi", in, "--debug", dbg, "--out", roi}, &out, &errb); code != 0 {
		t.Fatalf("roi exited %d: %s%s", code, out.String(), errb.String())
	}
	for _, want := range []string{"valley", "quality", "ROI accepted"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("output lacks %q:\n%s", want, out.String())
		}
	}
	for _, f := range []string{dbg, roi} {
		if st, err := os.Stat(f); err != nil || st.Size() == 0 {
			t.Errorf("%s not written: %v", f, err)
		}
	}
	// Nothing is written unless asked.
	out.Reset()
	if code := run([]string{"roi", in}, &out, &errb); code != 0 {
		t.Fatalf("roi exited %d", code)
	}
	if es, _ := os.ReadDir(dir); len(es) != 3 {
		t.Errorf("%d files in the folder, want 3", len(es))
	}
}

func TestROICommandRejects(t *testing.T) {
	dir := t.TempDir()
	in := filepath.Join(dir, "tiny.png")
	savePNG(t, in, image.NewGray(image.Rect(0, 0, 1, 1)))
	var out, errb bytes.Buffer
	if code := run([]string{"roi", in}, &out, &errb); code != 1 {
		t.Fatalf("roi on a 1x1 image exited %d, want 1", code)
	}
	if !strings.Contains(out.String(), "rejected: palm: image too small") {
		t.Errorf("no rejection reason:\n%s", out.String())
	}
	// a hand with fingers touching above two valleys (see palm's
	// TestRequireOpen) passes, and fails with --require-open
	closed := filepath.Join(dir, "closed.png")
	savePNG(t, closed, synth.NewIdentity(31, 1).Render(synth.NIRPalm, 0, &synth.Options{Difficulty: synth.Realistic}).Image)
	out.Reset()
	if code := run([]string{"roi", closed}, &out, &errb); code != 0 {
		t.Errorf("roi on a hand with closed fingers exited %d, want 0:\n%s", code, out.String())
	}
	out.Reset()
	if code := run([]string{"roi", closed, "--require-open"}, &out, &errb); code != 1 || !strings.Contains(out.String(), "rejected: palm: fingers closed") {
		t.Errorf("roi --require-open on a hand with closed fingers exited %d, want 1 and a rejection:\n%s", code, out.String())
	}
	for _, args := range [][]string{{"roi"}, {"roi", in, "extra"}, {"roi", filepath.Join(dir, "missing.png")}} {
		out.Reset()
		errb.Reset()
		if code := run(args, &out, &errb); code == 0 {
			t.Errorf("%q: exit 0, want an error", args)
		}
	}
}

// TestROICommandClassic checks that --classic-valleys reaches the hand
// finder: on a synth phone photo the valleys differ from the default's.
func TestROICommandClassic(t *testing.T) {
	dir := t.TempDir()
	in := filepath.Join(dir, "hand.png")
	savePNG(t, in, synth.NewIdentity(1, 0).Render(synth.Phone, 0, nil).Image)
	valleys := func(args ...string) string {
		var out, errb bytes.Buffer
		if code := run(append([]string{"roi", in}, args...), &out, &errb); code != 0 {
			t.Fatalf("roi %q exited %d: %s%s", args, code, out.String(), errb.String())
		}
		var lines []string
		for _, l := range strings.Split(out.String(), "\n") {
			if strings.HasPrefix(l, "valley") {
				lines = append(lines, l)
			}
		}
		if len(lines) != 3 {
			t.Fatalf("roi %q printed %d valley lines:\n%s", args, len(lines), out.String())
		}
		return strings.Join(lines, "\n")
	}
	if a, b := valleys(), valleys("--classic-valleys"); a == b {
		t.Errorf("--classic-valleys changed no valley:\n%s", a)
	}
}
