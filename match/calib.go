package match

import (
	"embed"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"path"
	"slices"
	"sort"
	"strings"
)

var (
	// ErrFMRUnresolved is returned when a calibration table was not measured
	// on enough impostor comparisons to resolve the false-match rate asked
	// for.
	ErrFMRUnresolved = errors.New("match: false-match rate below what the calibration table resolves")
	// ErrNoCalibration is returned for a calibration table name that is not
	// embedded.
	ErrNoCalibration = errors.New("match: no such calibration table")
	// ErrCalibrationVersion is returned when a calibration table belongs to
	// another model or version than the templates being compared.
	ErrCalibrationVersion = errors.New("match: calibration table is for another model or version")
)

// MinFalseMatches is the fewest impostor scores at or above a threshold that
// a calibration point must rest on: a point for FMR f needs at least
// MinFalseMatches/f impostor comparisons (10 million for 1e-6).
const MinFalseMatches = 10

// CalPoint is one row of a calibration table: accepting scores at or above
// Threshold gives a false-match rate of at most FMR on the table's
// population. It was measured on Impostors impostor comparisons, of which
// FalseMatches scored at or above Threshold; FNMR is the share of the
// table's genuine comparisons that scored below it.
type CalPoint struct {
	FMR          float64 `json:"fmr"`
	Threshold    float64 `json:"threshold"`
	Impostors    int64   `json:"impostors"`
	FalseMatches int64   `json:"false_matches"`
	FNMR         float64 `json:"fnmr"`
}

// Calibration maps scores of one comparison, made by one model at one
// version, to false-match rates measured on a named population. Points are
// ordered by falling FMR and rising threshold.
type Calibration struct {
	// Name is the table's name, as LoadCalibration takes it.
	Name string `json:"name"`
	// Model and Version name the templates and matcher the scores come
	// from, such as "palm.Code" and "1" (palm.CodeVersion). A table does
	// not carry over to another version.
	Model   string `json:"model"`
	Version string `json:"version"`
	// Comparison says what is compared with what, and how.
	Comparison string `json:"comparison"`
	// Population describes the data the table was measured on.
	Population string `json:"population"`
	// Impostors and Genuine are the numbers of impostor and genuine
	// comparisons behind the table.
	Impostors int64 `json:"impostors"`
	Genuine   int64 `json:"genuine"`
	// Command reproduces the table.
	Command string     `json:"command"`
	Points  []CalPoint `json:"points"`
}

// ThresholdForFMR returns the threshold of the table's point with the
// largest FMR that is at most fmr: scores at or above it are false matches
// at a rate of at most fmr on the table's population. Between points it is
// conservative (it takes the next point below fmr), so tables hold several
// points per decade. It returns ErrFMRUnresolved when fmr is below every
// point of the table, and panics unless 0 < fmr < 1.
func (c *Calibration) ThresholdForFMR(fmr float64) (float64, error) {
	if !(fmr > 0 && fmr < 1) {
		panic("match: ThresholdForFMR target not in (0, 1)")
	}
	best := -1
	for i, p := range c.Points {
		if p.FMR <= fmr && (best < 0 || p.FMR > c.Points[best].FMR) {
			best = i
		}
	}
	if best < 0 {
		return 0, fmt.Errorf("%w: %g asked, table %q resolves %g (%d impostor comparisons)",
			ErrFMRUnresolved, fmr, c.Name, c.MinFMR(), c.Impostors)
	}
	return c.Points[best].Threshold, nil
}

// FMRForScore returns the false-match rate that accepting at score s stands
// for: the smallest FMR among the points whose threshold is at most s, an
// upper bound on the rate of impostors that score s or more. It returns 1
// when s is below every threshold. For a score above the last threshold it
// returns that point's FMR, the lowest the table resolves, though the true
// rate may be lower.
func (c *Calibration) FMRForScore(s float64) float64 {
	f := 1.0
	for _, p := range c.Points {
		if p.Threshold <= s && p.FMR < f {
			f = p.FMR
		}
	}
	return f
}

// MinFMR returns the lowest false-match rate the table resolves, or 1 for a
// table with no points.
func (c *Calibration) MinFMR() float64 {
	f := 1.0
	for _, p := range c.Points {
		f = min(f, p.FMR)
	}
	return f
}

// Check returns ErrCalibrationVersion unless the table belongs to model at
// version.
func (c *Calibration) Check(model, version string) error {
	if c.Model != model || c.Version != version {
		return fmt.Errorf("%w: table %q is for %s version %s, not %s version %s",
			ErrCalibrationVersion, c.Name, c.Model, c.Version, model, version)
	}
	return nil
}

// Validate checks that the table's points are ordered and consistent: FMRs
// in (0, 1) and falling, thresholds finite and not falling, and each point
// resting on at least MinFalseMatches impostor scores' worth of comparisons.
func (c *Calibration) Validate() error {
	bad := func(format string, a ...any) error {
		return fmt.Errorf("match: calibration table %q: %s", c.Name, fmt.Sprintf(format, a...))
	}
	if c.Name == "" || c.Model == "" || c.Version == "" {
		return bad("name, model and version must be set")
	}
	for i, p := range c.Points {
		if !(p.FMR > 0 && p.FMR < 1) || math.IsNaN(p.Threshold) || math.IsInf(p.Threshold, 0) {
			return bad("point %d: FMR %g, threshold %g", i, p.FMR, p.Threshold)
		}
		if float64(p.Impostors)*p.FMR < MinFalseMatches*(1-1e-9) {
			return bad("point %d: FMR %g on only %d impostor comparisons", i, p.FMR, p.Impostors)
		}
		if i > 0 && (p.FMR >= c.Points[i-1].FMR || p.Threshold < c.Points[i-1].Threshold) {
			return bad("point %d out of order", i)
		}
	}
	return nil
}

// Text returns the table in words: one line "score ≥ x ⇒ FMR ≤ f" per point.
func (c *Calibration) Text() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s (%s version %s): %s\n", c.Name, c.Model, c.Version, c.Comparison)
	fmt.Fprintf(&b, "population: %s\n", c.Population)
	fmt.Fprintf(&b, "%d impostor and %d genuine comparisons\n", c.Impostors, c.Genuine)
	for _, p := range c.Points {
		fmt.Fprintf(&b, "  score >= %.4f  =>  FMR <= %-7g  (%d of %d impostors; FNMR %.4f)\n",
			p.Threshold, p.FMR, p.FalseMatches, p.Impostors, p.FNMR)
	}
	return b.String()
}

//go:embed calibration/*.json
var calibrationFS embed.FS

// Calibrations returns the names of the embedded calibration tables, sorted.
func Calibrations() []string {
	entries, _ := calibrationFS.ReadDir("calibration")
	var names []string
	for _, e := range entries {
		if n, ok := strings.CutSuffix(e.Name(), ".json"); ok {
			names = append(names, n)
		}
	}
	sort.Strings(names)
	return names
}

// LoadCalibration returns the embedded calibration table called name (see
// Calibrations), validated. Each call returns a new copy, which the caller
// may change. It returns ErrNoCalibration for an unknown name.
func LoadCalibration(name string) (*Calibration, error) {
	data, err := calibrationFS.ReadFile(path.Join("calibration", name+".json"))
	if err != nil {
		return nil, fmt.Errorf("%w: %q (have %s)", ErrNoCalibration, name, strings.Join(Calibrations(), ", "))
	}
	return ParseCalibration(data)
}

// ParseCalibration decodes and validates a calibration table in the JSON
// form that LoadCalibration reads.
func ParseCalibration(data []byte) (*Calibration, error) {
	c := new(Calibration)
	if err := json.Unmarshal(data, c); err != nil {
		return nil, fmt.Errorf("match: calibration table: %w", err)
	}
	if err := c.Validate(); err != nil {
		return nil, err
	}
	c.Points = slices.Clip(c.Points)
	return c, nil
}

// Names of the embedded calibration tables.
const (
	// CalPalmNIR: device NIR palm code against device NIR palm codes.
	CalPalmNIR = "palm-nir"
	// CalVeinNIR: device NIR vein template against another.
	CalVeinNIR = "vein-nir"
	// CalPalmVeinNIR: the mean of the palm-nir and vein-nir scores of the
	// same two device captures.
	CalPalmVeinNIR = "palm-vein-nir"
	// CalPalmPhoneNIR: device NIR palm code against the palm codes of a
	// phone photo, the enrolment check of VerifyEnrolment.
	CalPalmPhoneNIR = "palm-phone-nir"
)
