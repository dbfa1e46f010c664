package eval

import (
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

// golden compares got with testdata/name, or rewrites the file with -update.
func golden(t *testing.T, name, got string) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if got != string(want) {
		t.Errorf("%s differs from golden file (rerun with -update to accept):\n%s", name, got)
	}
}

// goldenReport is a small fixed report: 1000 impostor scores 0.000 ...
// 0.999, 10 genuine 0.990 ... 0.999 plus one NaN, the operating point at a
// fixed threshold 0.995, FTE and FTA tallies and an identification count.
func goldenReport() *Report {
	var imp, gen Scores
	for i := range 1000 {
		imp.Add(float64(i) / 1000)
	}
	for i := 990; i < 1000; i++ {
		gen.Add(float64(i) / 1000)
	}
	gen.Add(nan())
	r := NewReport("palm demo", &gen, &imp, 0.995)
	r.FTE = &Tally{Attempts: 200, Failures: 3}
	r.FTA = &Tally{}
	id := IdentificationAt([]Search{
		{Mate: "a", Candidates: []Candidate{{"a", 0.9}}},
		{Mate: "b", Candidates: []Candidate{{"a", 0.9}, {"b", 0.8}}},
	}, 0.85)
	r.Identification = &id
	return r
}

func nan() float64 { var z float64; return z / z }

func TestReportGolden(t *testing.T) {
	r := goldenReport()
	golden(t, "report.txt", r.Text())
	golden(t, "report.md", r.Markdown())
	b, err := json.MarshalIndent(r, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	golden(t, "report.json", string(b)+"\n")

	var back Report
	if err := json.Unmarshal(b, &back); err != nil {
		t.Fatal(err)
	}
	if back.Points[0] != r.Points[0] || *back.EER != *r.EER || *back.FTE != *r.FTE || *back.Identification != *r.Identification {
		t.Errorf("JSON round trip lost data: %+v", back)
	}
}

func TestReportAligned(t *testing.T) {
	// In the operating point table every row must start its "FNMR" column
	// at the same offset as the header does.
	text := goldenReport().Text()
	lines := strings.Split(text, "\n")
	var table []string
	for i, l := range lines {
		if strings.Contains(l, "target FMR") {
			table = lines[i : i+7]
			break
		}
	}
	if table == nil {
		t.Fatalf("no table in\n%s", text)
	}
	col := strings.Index(table[0], "FNMR")
	for _, l := range table[1:] {
		if len(l) <= col || l[col-1] != ' ' || l[col] == ' ' {
			t.Errorf("misaligned row %q (FNMR column at %d)", l, col)
		}
	}
}

func TestReportEmpty(t *testing.T) {
	r := NewReport("nothing", nil, &Scores{})
	if r.EER != nil || r.Points != nil {
		t.Errorf("empty report has metrics: %+v", r)
	}
	if !strings.Contains(r.Text(), "EER") || !strings.Contains(r.Markdown(), "n/a") {
		t.Errorf("empty report text:\n%s\n%s", r.Text(), r.Markdown())
	}
	b, err := json.Marshal(r)
	if err != nil || string(b) != `{"name":"nothing","genuine":0,"impostor":0,"rejected":0}` {
		t.Errorf("JSON %s, %v", b, err)
	}
}
