package match

import (
	"encoding/json"
	"errors"
	"math"
	"strconv"
	"strings"
	"testing"

	"github.com/palmid/palmid/palm"
	"github.com/palmid/palmid/vein"
)

func testCalibration() *Calibration {
	return &Calibration{
		Name: "test", Model: "m", Version: "1", Impostors: 1e7, Genuine: 100,
		Points: []CalPoint{
			{FMR: 1e-3, Threshold: 0.60, Impostors: 1e7, FalseMatches: 10000},
			{FMR: 1e-4, Threshold: 0.62, Impostors: 1e7, FalseMatches: 1000},
			{FMR: 1e-5, Threshold: 0.65, Impostors: 1e7, FalseMatches: 100},
			{FMR: 1e-6, Threshold: 0.70, Impostors: 1e7, FalseMatches: 10},
		},
	}
}

func TestCalibrationThresholdForFMR(t *testing.T) {
	c := testCalibration()
	if err := c.Validate(); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		fmr, want float64
	}{
		{1e-3, 0.60}, {0.5, 0.60}, {5e-4, 0.62}, {1e-4, 0.62}, {2e-6, 0.70}, {1e-6, 0.70},
	} {
		got, err := c.ThresholdForFMR(tc.fmr)
		if err != nil || got != tc.want {
			t.Errorf("ThresholdForFMR(%g) = %v, %v; want %v", tc.fmr, got, err, tc.want)
		}
	}
	if _, err := c.ThresholdForFMR(9e-7); !errors.Is(err, ErrFMRUnresolved) {
		t.Errorf("ThresholdForFMR(9e-7) error %v, want ErrFMRUnresolved", err)
	}
	if c.MinFMR() != 1e-6 {
		t.Errorf("MinFMR = %g", c.MinFMR())
	}
}

func TestCalibrationFMRForScore(t *testing.T) {
	c := testCalibration()
	for _, tc := range []struct {
		s, want float64
	}{
		{0.1, 1}, {0.5999, 1}, {0.60, 1e-3}, {0.63, 1e-4}, {0.65, 1e-5}, {0.7, 1e-6}, {0.99, 1e-6},
	} {
		if got := c.FMRForScore(tc.s); got != tc.want {
			t.Errorf("FMRForScore(%v) = %g, want %g", tc.s, got, tc.want)
		}
	}
}

// TestCalibrationConsistent checks, for every table point, that a score at
// the threshold stands for at most the point's FMR, and that the threshold
// for that FMR is the point's.
func TestCalibrationConsistent(t *testing.T) {
	for _, name := range Calibrations() {
		c, err := LoadCalibration(name)
		if err != nil {
			t.Fatal(err)
		}
		if c.Name != name {
			t.Errorf("table %s calls itself %q", name, c.Name)
		}
		for _, p := range c.Points {
			if f := c.FMRForScore(p.Threshold); f > p.FMR {
				t.Errorf("%s: FMRForScore(%v) = %g > %g", name, p.Threshold, f, p.FMR)
			}
			if thr, err := c.ThresholdForFMR(p.FMR); err != nil || thr != p.Threshold {
				t.Errorf("%s: ThresholdForFMR(%g) = %v, %v; want %v", name, p.FMR, thr, err, p.Threshold)
			}
			if p.FalseMatches > int64(math.Floor(p.FMR*float64(p.Impostors))) {
				t.Errorf("%s: %d false matches of %d exceed FMR %g", name, p.FalseMatches, p.Impostors, p.FMR)
			}
		}
	}
}

func TestCalibrationValidate(t *testing.T) {
	for name, change := range map[string]func(c *Calibration){
		"unordered FMR":     func(c *Calibration) { c.Points[1].FMR = 2e-3 },
		"falling threshold": func(c *Calibration) { c.Points[2].Threshold = 0.5 },
		"too few impostors": func(c *Calibration) { c.Points[3].Impostors = 9_000_000 },
		"NaN threshold":     func(c *Calibration) { c.Points[0].Threshold = math.NaN() },
		"no version":        func(c *Calibration) { c.Version = "" },
	} {
		c := testCalibration()
		change(c)
		if c.Validate() == nil {
			t.Errorf("%s: Validate accepted the table", name)
		}
	}
}

func TestLoadCalibration(t *testing.T) {
	names := Calibrations()
	for _, want := range []string{CalPalmNIR, CalVeinNIR, CalPalmVeinNIR, CalPalmPhoneNIR} {
		c, err := LoadCalibration(want)
		if err != nil {
			t.Errorf("LoadCalibration(%q): %v (have %v)", want, err, names)
			continue
		}
		if len(c.Points) == 0 || c.Impostors == 0 || c.Population == "" || c.Command == "" {
			t.Errorf("%s: incomplete table %+v", want, c)
		}
	}
	if _, err := LoadCalibration("nope"); !errors.Is(err, ErrNoCalibration) {
		t.Errorf("LoadCalibration(nope) error %v", err)
	}
	c := testCalibration()
	if err := c.Check("m", "1"); err != nil {
		t.Error(err)
	}
	if err := c.Check("m", "2"); !errors.Is(err, ErrCalibrationVersion) {
		t.Errorf("Check of another version: %v", err)
	}
	b, _ := json.Marshal(c)
	d, err := ParseCalibration(b)
	if err != nil || len(d.Points) != len(c.Points) || d.Points[3] != c.Points[3] {
		t.Errorf("ParseCalibration round trip: %+v, %v", d, err)
	}
	if !strings.Contains(c.Text(), "FMR <= 1e-06") {
		t.Errorf("Text lacks the 1e-6 line:\n%s", c.Text())
	}
}

// TestCalibrationVersions checks that every embedded table belongs to the
// current versions of the templates it scores: a new palm.CodeVersion or
// vein.TemplateVersion needs new tables (palmid calibrate).
func TestCalibrationVersions(t *testing.T) {
	pv, vv := strconv.Itoa(palm.CodeVersion), strconv.Itoa(vein.TemplateVersion)
	for name, want := range map[string][2]string{
		CalPalmNIR:      {"palm.Code", pv},
		CalVeinNIR:      {"vein.Template", vv},
		CalPalmVeinNIR:  {"palm.Code+vein.Template", pv + "+" + vv},
		CalPalmPhoneNIR: {"palm.Code", pv},
	} {
		c, err := LoadCalibration(name)
		if err != nil {
			t.Fatal(err)
		}
		if err := c.Check(want[0], want[1]); err != nil {
			t.Error(err)
		}
	}
}
