package dataset

import (
	"bytes"
	"errors"
	"os"
	"reflect"
	"strings"
	"testing"
)

func realManifest(t *testing.T) *Manifest {
	t.Helper()
	m, err := ReadRealManifest()
	if errors.Is(err, ErrNoRealData) {
		t.Skipf("real data absent, skipping: %v", err)
	}
	if err != nil {
		t.Fatal(err)
	}
	return m
}

func TestReadRealManifest(t *testing.T) {
	m := realManifest(t)
	if len(m.Entries) == 0 {
		t.Fatal("no entries")
	}
	want := []string{"source_repo", "source_commit", "source_path", "licence"}
	if !reflect.DeepEqual(m.Columns, want) {
		t.Errorf("extra columns = %q, want %q", m.Columns, want)
	}
	counts := make(map[string]int)
	ids := make(map[string]map[string]bool)
	for _, e := range m.Entries {
		counts[e.Set]++
		if ids[e.Set] == nil {
			ids[e.Set] = make(map[string]bool)
		}
		ids[e.Set][e.Identity()] = true
		if e.Extra["source_repo"] == "" {
			t.Errorf("%s: no source_repo", e.Path)
		}
	}
	// Figures from the data README.
	for _, c := range []struct {
		set          string
		images, ids  int
		withSessions bool
	}{
		{"tongji-roi", 120, 6, true},
		{"polyu-ms-green-roi", 84, 7, true},
		{"polyu-ms-nir-roi", 84, 7, true},
		{"casia-ms-850-roi", 234, 39, false},
		{"ntu-pi-demo", 40, 8, false},
	} {
		if counts[c.set] != c.images || len(ids[c.set]) != c.ids {
			t.Errorf("%s: %d images of %d palms, want %d of %d", c.set, counts[c.set], len(ids[c.set]), c.images, c.ids)
		}
		for _, e := range m.Set(c.set) {
			if got := e.Session() != ""; got != c.withSessions {
				t.Errorf("%s: Session() = %q", e.Path, e.Session())
				break
			}
		}
	}
}

func TestLoadRealImages(t *testing.T) {
	m := realManifest(t)
	// One image of each set, covering BMP and JPEG.
	done := make(map[string]bool)
	for _, e := range m.Entries {
		if done[e.Set] {
			continue
		}
		done[e.Set] = true
		name := m.File(e)
		if _, err := os.Stat(name); err != nil {
			t.Logf("%s absent, not checked", name)
			continue
		}
		g, err := m.Load(e)
		if err != nil {
			t.Errorf("%s: %v", e.Path, err)
			continue
		}
		if g.W < 32 || g.H < 32 {
			t.Errorf("%s: %dx%d", e.Path, g.W, g.H)
		}
		var lo, hi float32 = 1, 0
		for _, v := range g.Pix {
			lo, hi = min(lo, v), max(hi, v)
		}
		if lo < 0 || hi > 1 || hi-lo < 0.05 {
			t.Errorf("%s: values in [%g, %g]", e.Path, lo, hi)
		}
	}
}

func TestSession(t *testing.T) {
	for sample, want := range map[string]string{
		"s1_01": "s1", "s12_3": "s12", "s1": "", "s_01": "", "850nm_01": "", "3": "", "sx_1": "", "s1_": "s1",
	} {
		if got := (Entry{Sample: sample}).Session(); got != want {
			t.Errorf("Session(%q) = %q, want %q", sample, got, want)
		}
	}
}

func TestRoundTrip(t *testing.T) {
	in := &Manifest{
		Columns: []string{"truth_rotation", "seed"},
		Entries: []Entry{
			{Path: "synth/p1/a.png", Set: "synth-v1", Modality: "visible-roi", Person: "0001", Hand: "L", Sample: "s1_01",
				Extra: map[string]string{"truth_rotation": "1.5", "seed": "42"}},
			{Path: "synth/p1/b.png", Set: "synth-v1", Modality: "nir-roi", Person: "0001", Hand: "?", Sample: "2",
				Extra: map[string]string{"seed": "7"}}, // missing value written empty
		},
	}
	var buf bytes.Buffer
	w, err := NewWriter(&buf, in.Columns...)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range in.Entries {
		if err := w.Write(e); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Flush(); err != nil {
		t.Fatal(err)
	}
	wantText := "path\tset\tmodality\tperson\thand\tsample\ttruth_rotation\tseed\n" +
		"synth/p1/a.png\tsynth-v1\tvisible-roi\t0001\tL\ts1_01\t1.5\t42\n" +
		"synth/p1/b.png\tsynth-v1\tnir-roi\t0001\t?\t2\t\t7\n"
	if buf.String() != wantText {
		t.Errorf("written:\n%s\nwant:\n%s", buf.String(), wantText)
	}
	out, err := Read(&buf)
	if err != nil {
		t.Fatal(err)
	}
	in.Entries[1].Extra["truth_rotation"] = ""
	if !reflect.DeepEqual(out, in) {
		t.Errorf("read back %+v\nwant %+v", out, in)
	}
	if got := out.Entries[0].Identity(); got != "synth-v1/0001/L" {
		t.Errorf("Identity() = %q", got)
	}
}

func TestReadColumnOrderAndCRLF(t *testing.T) {
	text := "sample\tnote\tperson\thand\tset\tmodality\tpath\r\n\r\n" +
		"3\thello world\t07\tR\tx\tnir-roi\ta/b.bmp\r\n"
	m, err := Read(strings.NewReader(text))
	if err != nil {
		t.Fatal(err)
	}
	want := Entry{Path: "a/b.bmp", Set: "x", Modality: "nir-roi", Person: "07", Hand: "R", Sample: "3",
		Extra: map[string]string{"note": "hello world"}}
	if len(m.Entries) != 1 || !reflect.DeepEqual(m.Entries[0], want) {
		t.Errorf("got %+v, want %+v", m.Entries, want)
	}
}

func TestReadErrors(t *testing.T) {
	const hdr = "path\tset\tmodality\tperson\thand\tsample\n"
	const row = "a.png\ts\tm\tp\tL\t1\n"
	for _, c := range []struct {
		name, text string
		line       int
	}{
		{"empty", "", 1},
		{"missing column", "path\tset\tmodality\tperson\thand\n", 1},
		{"duplicate column", "path\tset\tmodality\tperson\thand\tsample\tset\n", 1},
		{"unnamed column", "path\tset\tmodality\tperson\thand\tsample\t\n", 1},
		{"too few fields", hdr + row + "b.png\ts\tm\tp\tL\n", 3},
		{"too many fields", hdr + row + row + "\n" + "c.png\ts\tm\tp\tL\t1\textra\n", 5},
		{"empty person", hdr + "a.png\ts\tm\t\tL\t1\n", 2},
		{"absolute path", hdr + "/etc/passwd\ts\tm\tp\tL\t1\n", 2},
		{"escaping path", hdr + "a/../../x.png\ts\tm\tp\tL\t1\n", 2},
		{"long line", hdr + strings.Repeat("x", maxLine+10) + "\n", 2},
	} {
		_, err := Read(strings.NewReader(c.text))
		var pe *ParseError
		if !errors.As(err, &pe) || !errors.Is(err, ErrFormat) {
			t.Errorf("%s: error %v, want a ParseError", c.name, err)
			continue
		}
		if pe.Line != c.line {
			t.Errorf("%s: error at line %d, want %d (%v)", c.name, pe.Line, c.line, err)
		}
		if !strings.Contains(err.Error(), "line ") {
			t.Errorf("%s: message %q lacks the line", c.name, err)
		}
	}
}

func TestWriterErrors(t *testing.T) {
	if _, err := NewWriter(&bytes.Buffer{}, "set"); err == nil {
		t.Error("extra column shadowing a core column accepted")
	}
	if _, err := NewWriter(&bytes.Buffer{}, "a", "a"); err == nil {
		t.Error("repeated extra column accepted")
	}
	var buf bytes.Buffer
	w, err := NewWriter(&buf, "truth")
	if err != nil {
		t.Fatal(err)
	}
	good := Entry{Path: "a.png", Set: "s", Modality: "m", Person: "p", Hand: "L", Sample: "1"}
	for name, e := range map[string]Entry{
		"empty hand":     {Path: "a.png", Set: "s", Modality: "m", Person: "p", Sample: "1"},
		"tab in value":   {Path: "a.png", Set: "s\tt", Modality: "m", Person: "p", Hand: "L", Sample: "1"},
		"unknown column": {Path: "a.png", Set: "s", Modality: "m", Person: "p", Hand: "L", Sample: "1", Extra: map[string]string{"other": "1"}},
		"newline extra":  {Path: "a.png", Set: "s", Modality: "m", Person: "p", Hand: "L", Sample: "1", Extra: map[string]string{"truth": "1\n2"}},
		"parent path":    {Path: "../a.png", Set: "s", Modality: "m", Person: "p", Hand: "L", Sample: "1"},
	} {
		if err := w.Write(e); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
	if err := w.Write(good); err != nil {
		t.Fatal(err)
	}
	w.Flush()
	if n := strings.Count(buf.String(), "\n"); n != 2 {
		t.Errorf("%d lines written, want header and one row:\n%s", n, buf.String())
	}
}
