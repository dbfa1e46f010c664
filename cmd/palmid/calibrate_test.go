package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/palmid/palmid/match"
)

// TestCalibrate runs palmid calibrate on a tiny population, twice (the
// second run reads the feature cache), and checks that it writes a valid
// table for each comparison.
func TestCalibrate(t *testing.T) {
	if testing.Short() {
		t.Skip("renders 8 identities in three modalities; skipped with -short")
	}
	dir, cache := t.TempDir(), t.TempDir()
	args := []string{"calibrate", "--identities", "8", "--phone-identities", "4", "--workers", "2", "--out", dir, "--cache", cache}
	for range 2 {
		var out, errb bytes.Buffer
		if code := run(args, &out, &errb); code != 0 {
			t.Fatalf("calibrate exited %d: %s", code, errb.String())
		}
	}
	for _, name := range []string{match.CalPalmNIR, match.CalVeinNIR, match.CalPalmVeinNIR, match.CalPalmPhoneNIR} {
		b, err := os.ReadFile(filepath.Join(dir, name+".json"))
		if err != nil {
			t.Fatal(err)
		}
		c, err := match.ParseCalibration(b)
		if err != nil {
			t.Fatal(err)
		}
		// 8 identities: 56 ordered impostor pairs resolve FMR 0.2 only; 4
		// phones against the two device captures of 8 identities give 56
		// impostor and 8 genuine comparisons too.
		if c.Impostors != 56 || c.Genuine != 8 || len(c.Points) != 1 {
			t.Errorf("%s: %d impostors, %d genuine, %d points", name, c.Impostors, c.Genuine, len(c.Points))
		}
	}
}

// TestCalibrateTables checks that --tables measures and writes only the
// tables named, and refuses a name that is not a table.
func TestCalibrateTables(t *testing.T) {
	if testing.Short() {
		t.Skip("renders 4 identities; skipped with -short")
	}
	dir, cache := t.TempDir(), t.TempDir()
	var out, errb bytes.Buffer
	args := []string{"calibrate", "--identities", "4", "--phone-identities", "1", "--workers", "2", "--tables", "palm-nir", "--out", dir, "--cache", cache}
	if code := run(args, &out, &errb); code != 0 {
		t.Fatalf("calibrate exited %d: %s", code, errb.String())
	}
	ents, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	if len(ents) != 1 || ents[0].Name() != match.CalPalmNIR+".json" {
		t.Errorf("wrote %v, want only %s.json", ents, match.CalPalmNIR)
	}
	b, err := os.ReadFile(filepath.Join(dir, match.CalPalmNIR+".json"))
	if err != nil {
		t.Fatal(err)
	}
	c, err := match.ParseCalibration(b)
	if err != nil {
		t.Fatal(err)
	}
	if c.Impostors != 12 || !strings.Contains(c.Command, "--tables palm-nir") {
		t.Errorf("%d impostors (want 12), command %q", c.Impostors, c.Command)
	}
	if code := run([]string{"calibrate", "--identities", "4", "--tables", "palm", "--cache", cache}, &out, &errb); code == 0 {
		t.Error("--tables palm accepted")
	}
}
