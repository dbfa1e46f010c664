package realism

import (
	"encoding/json"
	"fmt"
	"image"
	"math"
	"strconv"
	"strings"

	"github.com/palmid/palmid/internal/imstat"
)

// Report is the outcome of Run. It renders as Markdown (Markdown) and JSON
// (JSON, or encoding/json directly), and draws its figures with WriteFigure.
type Report struct {
	Seed       uint64 `json:"seed"`
	Identities int    `json:"identities"`
	Samples    int    `json:"samples"`
	Difficulty string `json:"difficulty"`
	// DataDir is the real data folder read, "" when there was none.
	DataDir string `json:"data_dir,omitempty"`
	// RealNote says why there is no real data, "" when there is.
	RealNote string        `json:"real_note,omitempty"`
	Pairs    []*PairReport `json:"pairs"`
}

// PairReport compares one synth modality with its real sets.
type PairReport struct {
	Name     string       `json:"name"`           // Pair.Name
	Modality string       `json:"synth_modality"` // synth modality name
	Synth    *SetReport   `json:"synth"`
	Real     []*SetReport `json:"real,omitempty"` // one per real set, empty without real data
}

// SetReport describes one set of ROIs, synth or real.
type SetReport struct {
	Name       string `json:"name"`
	Images     int    `json:"images"`     // ROIs analysed
	Identities int    `json:"identities"` // distinct palms among them
	// Missing counts synth captures whose ROI left the frame and real
	// images absent from the data folder, or images with no contrast.
	Missing int            `json:"missing,omitempty"`
	Summary imstat.Summary `json:"summary"`
	// NCC is the baseline on all pairs; CrossSession on the pairs across
	// sessions only, nil for sets without sessions. Either is nil when the
	// set has no genuine or no impostor pair.
	NCC          *NCC `json:"ncc,omitempty"`
	CrossSession *NCC `json:"ncc_cross_session,omitempty"`
	// Extra marks a real set reported for reference only (Pair.Extra).
	Extra bool `json:"extra,omitempty"`
	// Versus measures synth against this set; set on real sets only.
	Versus *Versus `json:"versus_synth,omitempty"`

	thumbs     []*image.Gray
	all, cross *pairScores
}

// Versus measures the synth set of a pair against one real set.
type Versus struct {
	// HistDistance and SpectrumDistance are imstat's distances between the
	// mean histograms and mean spectra.
	HistDistance     float64 `json:"hist_distance"`
	SpectrumDistance float64 `json:"spectrum_distance"`
	// Z holds, for each scalar of imstat.Compare, how many of the real
	// set's standard deviations the synth mean lies above the real mean.
	Z map[string]Z `json:"z"`
	// SynthEER is the synth all-pairs EER and RealEER the larger of the real
	// set's all-pairs and cross-session EERs.
	SynthEER float64 `json:"synth_eer"`
	RealEER  float64 `json:"real_eer"`
	// AtLeastAsHard reports SynthEER >= RealEER; nil when either EER is
	// missing or the real set is an extra one.
	AtLeastAsHard *bool `json:"synth_at_least_as_hard,omitempty"`
	// WithinNoise reports that the two EERs differ by less than the root
	// sum of squares of their margins (NCC.Margin), so the verdict could
	// go either way with other palms.
	WithinNoise bool `json:"within_noise,omitempty"`
}

// Z is a z-score. It encodes as JSON null when it is not finite (a real
// statistic with zero spread).
type Z float64

// MarshalJSON encodes z as a number, or null when it is infinite or NaN.
func (z Z) MarshalJSON() ([]byte, error) {
	f := float64(z)
	if math.IsInf(f, 0) || math.IsNaN(f) {
		return []byte("null"), nil
	}
	return strconv.AppendFloat(nil, f, 'g', -1, 64), nil
}

// versus measures synth against real.
func versus(real, syn *SetReport) *Versus {
	if real.Images == 0 || syn.Images == 0 {
		return nil
	}
	c := imstat.Compare(real.Summary, syn.Summary)
	v := &Versus{HistDistance: c.HistDistance, SpectrumDistance: c.SpectrumDistance, Z: map[string]Z{}}
	for k, z := range c.Z {
		v.Z[k] = Z(z)
	}
	if syn.NCC != nil && real.NCC != nil {
		v.SynthEER, v.RealEER = syn.NCC.EER, real.NCC.EER
		rm := real.NCC.Margin
		if c := real.CrossSession; c != nil && c.EER > v.RealEER {
			v.RealEER, rm = c.EER, c.Margin
		}
		v.WithinNoise = math.Abs(v.SynthEER-v.RealEER) < math.Hypot(syn.NCC.Margin, rm)
		if !real.Extra {
			hard := v.SynthEER >= v.RealEER
			v.AtLeastAsHard = &hard
		}
	}
	return v
}

// Easier returns "pair/set" for every real set that synth is easier than by
// NCC EER (see Versus.AtLeastAsHard); empty when synth is at least as hard as
// every real set measured.
func (r *Report) Easier() []string {
	var out []string
	for _, p := range r.Pairs {
		for _, s := range p.Real {
			if s.Versus != nil && s.Versus.AtLeastAsHard != nil && !*s.Versus.AtLeastAsHard {
				out = append(out, p.Name+"/"+s.Name)
			}
		}
	}
	return out
}

// JSON returns the report as indented JSON.
func (r *Report) JSON() ([]byte, error) {
	return json.MarshalIndent(r, "", "  ")
}

// statRow is one scalar row of the statistics table.
type statRow struct {
	label, z string // table label, key of imstat.Comparison.Z
	get      func(*imstat.Summary) imstat.Moments
}

var statRows = func() []statRow {
	rows := []statRow{
		{"intensity mean", "mean", func(s *imstat.Summary) imstat.Moments { return s.Mean }},
		{"intensity std", "std", func(s *imstat.Summary) imstat.Moments { return s.Std }},
	}
	for i, p := range imstat.PercentileLevels {
		rows = append(rows, statRow{fmt.Sprintf("intensity p%g", p), fmt.Sprintf("p%g", p),
			func(s *imstat.Summary) imstat.Moments { return s.Percentiles[i] }})
	}
	return append(rows,
		statRow{"orientation coherence", "coherence", func(s *imstat.Summary) imstat.Moments { return s.Coherence }},
		statRow{"line density (fine, ≤8 px)", "line density", func(s *imstat.Summary) imstat.Moments { return s.LineDensity }},
		statRow{"band density (coarse, ≤20 px)", "band density", func(s *imstat.Summary) imstat.Moments { return s.BandDensity }},
		statRow{"spectrum slope", "slope", func(s *imstat.Summary) imstat.Moments { return s.Slope }},
		statRow{"mid-band power (4-16 px)", "mid fraction", func(s *imstat.Summary) imstat.Moments { return s.MidFraction }},
	)
}()

func pm(m imstat.Moments) string { return fmt.Sprintf("%.3f ± %.3f", m.Mean, m.Std) }

func zs(z Z) string {
	f := float64(z)
	if math.IsInf(f, 0) || math.IsNaN(f) {
		return "–"
	}
	s := fmt.Sprintf("%+.1f", f)
	if math.Abs(f) >= 2 {
		s = "**" + s + "**"
	}
	return s
}

func pct(v float64) string { return fmt.Sprintf("%.2f%%", 100*v) }

func nccCells(n *NCC) (eer, counts string) {
	if n == nil {
		return "–", "–"
	}
	return fmt.Sprintf("%s ± %.1f", pct(n.EER), 100*n.Margin), fmt.Sprintf("%d / %d", n.Genuine, n.Impostor)
}

// Markdown renders the report: a summary table, then for each pair the
// statistics table (synth and every real set, with the synth z-score in the
// real set's standard deviations), the NCC table and one verdict line per
// real set.
func (r *Report) Markdown() string {
	var b strings.Builder
	fmt.Fprintf(&b, "# Realism of synth against real palms\n\n")
	fmt.Fprintf(&b, "Synth: seed %d, %d identities x %d samples, %s difficulty, ground-truth-aligned %dx%d ROIs. ",
		r.Seed, r.Identities, r.Samples, r.Difficulty, ROISize, ROISize)
	if r.DataDir != "" {
		fmt.Fprintf(&b, "Real: the ROI sets of ../shared/data, resampled to %dx%d.\n\n", ROISize, ROISize)
	} else {
		fmt.Fprintf(&b, "\n\n**No real data: synth only.** %s\n\n", r.RealNote)
	}
	b.WriteString("z is (synth mean − real mean) / real sd, in the real set's standard deviations over its images; |z| ≥ 2 is in bold. ")
	b.WriteString("NCC is the baseline of internal/ncc (flattened raw pixels at 64x64, ±4 px shift search); synth counts as at least as hard as a real set when its EER is at least the larger of the real set's all-pairs and cross-session EERs. ")
	b.WriteString("EERs carry a rough 95% margin from the number of genuine pairs (binomial, or 3/N at 0%); pairs share images, so the true uncertainty is larger.\n\n")

	if r.DataDir != "" {
		b.WriteString("## Summary\n\n")
		b.WriteString("| pair | real set | intensity mean synth / real | intensity std | line density | band density | spectrum slope | NCC EER synth / real | synth at least as hard |\n")
		b.WriteString("| --- | --- | --- | --- | --- | --- | --- | --- | --- |\n")
		for _, p := range r.Pairs {
			for _, s := range p.Real {
				if s.Versus == nil {
					fmt.Fprintf(&b, "| %s | %s | no images | | | | | | |\n", p.Name, s.Name)
					continue
				}
				sy, re := &p.Synth.Summary, &s.Summary
				two := func(a, c imstat.Moments) string { return fmt.Sprintf("%.3f / %.3f", a.Mean, c.Mean) }
				fmt.Fprintf(&b, "| %s | %s | %s | %s | %s | %s | %s | %s | %s |\n", p.Name, s.Name,
					two(sy.Mean, re.Mean), two(sy.Std, re.Std), two(sy.LineDensity, re.LineDensity),
					two(sy.BandDensity, re.BandDensity), fmt.Sprintf("%.2f / %.2f", sy.Slope.Mean, re.Slope.Mean),
					eerPair(p.Synth, s), verdict(s.Versus))
			}
		}
		b.WriteString("\n")
	}

	for _, p := range r.Pairs {
		names := []string{}
		for _, s := range p.Real {
			names = append(names, s.Name)
		}
		fmt.Fprintf(&b, "## %s: synth %s", p.Name, p.Modality)
		if len(names) > 0 {
			fmt.Fprintf(&b, " vs %s", strings.Join(names, ", "))
		}
		b.WriteString("\n\n")
		sets := append([]*SetReport{p.Synth}, p.Real...)
		for _, s := range sets {
			fmt.Fprintf(&b, "- %s: %d ROIs of %d palms", s.Name, s.Images, s.Identities)
			if s.Missing > 0 {
				fmt.Fprintf(&b, " (%d left out: ROI outside the frame, file absent or no contrast)", s.Missing)
			}
			b.WriteString("\n")
		}
		b.WriteString("\n")

		b.WriteString("| statistic | synth")
		for _, s := range p.Real {
			fmt.Fprintf(&b, " | %s | z", s.Name)
		}
		b.WriteString(" |\n| ---")
		for range 1 + 2*len(p.Real) {
			b.WriteString(" | ---")
		}
		b.WriteString(" |\n")
		for _, row := range statRows {
			fmt.Fprintf(&b, "| %s | %s", row.label, pm(row.get(&p.Synth.Summary)))
			for _, s := range p.Real {
				if s.Versus == nil {
					b.WriteString(" | – | –")
					continue
				}
				fmt.Fprintf(&b, " | %s | %s", pm(row.get(&s.Summary)), zs(s.Versus.Z[row.z]))
			}
			b.WriteString(" |\n")
		}
		for _, d := range []struct {
			label string
			get   func(*Versus) float64
		}{
			{"histogram distance to synth (EMD, grey levels)", func(v *Versus) float64 { return v.HistDistance }},
			{"spectrum distance to synth (RMS log10)", func(v *Versus) float64 { return v.SpectrumDistance }},
		} {
			if len(p.Real) == 0 {
				break
			}
			fmt.Fprintf(&b, "| %s |", d.label)
			for _, s := range p.Real {
				if s.Versus == nil {
					b.WriteString(" | – |")
					continue
				}
				fmt.Fprintf(&b, " | %.3f |", d.get(s.Versus))
			}
			b.WriteString("\n")
		}
		b.WriteString("\n")

		b.WriteString("| set | ROIs | palms | NCC EER all pairs | genuine / impostor | EER cross-session | genuine / impostor | mean score genuine / impostor |\n")
		b.WriteString("| --- | --- | --- | --- | --- | --- | --- | --- |\n")
		for _, s := range sets {
			e1, c1 := nccCells(s.NCC)
			e2, c2 := nccCells(s.CrossSession)
			means := "–"
			if s.NCC != nil {
				means = fmt.Sprintf("%.3f / %.3f", s.NCC.GenuineMean, s.NCC.ImpostorMean)
			}
			fmt.Fprintf(&b, "| %s | %d | %d | %s | %s | %s | %s | %s |\n", s.Name, s.Images, s.Identities, e1, c1, e2, c2, means)
		}
		b.WriteString("\n")
		for _, s := range p.Real {
			switch {
			case s.Extra && s.Versus != nil:
				fmt.Fprintf(&b, "- %s is a reference for the statistics only, not judged: NCC EER synth %s, %s %s.\n", s.Name, pct(s.Versus.SynthEER), s.Name, pct(s.Versus.RealEER))
				continue
			case s.Versus == nil || s.Versus.AtLeastAsHard == nil:
				fmt.Fprintf(&b, "- %s: not measured (too few images).\n", s.Name)
				continue
			}
			v := s.Versus
			noise := ""
			if v.WithinNoise {
				noise = " The difference is within the margins: more palms are needed to tell."
			}
			if *v.AtLeastAsHard {
				fmt.Fprintf(&b, "- synth %s is at least as hard as %s: NCC EER %s ≥ %s.%s\n", p.Modality, s.Name, pct(v.SynthEER), pct(v.RealEER), noise)
			} else {
				fmt.Fprintf(&b, "- **synth %s is easier than %s**: NCC EER %s < %s.%s\n", p.Modality, s.Name, pct(v.SynthEER), pct(v.RealEER), noise)
			}
		}
		if len(p.Real) > 0 {
			b.WriteString("\n")
		}
	}

	b.WriteString("## Figures\n\n")
	b.WriteString("WriteFigure writes these next to the report:\n\n")
	b.WriteString("- rois-synth.png: six synth ROIs of each modality, one identity per column.\n")
	for _, p := range r.Pairs {
		fmt.Fprintf(&b, "- charts-%s.png: mean intensity histograms and mean radial spectra, synth and real; det-%s.png: NCC DET curves.\n", p.Name, p.Name)
	}
	b.WriteString("- rois-<pair>.png: six synth ROIs above six ROIs of each real set, at raw intensity. They show real images, ")
	b.WriteString("which must not be copied into the repository (../shared/data/README.md), so they are written only where the real data is and are not committed.\n\n")
	b.WriteString("![synth ROIs](rois-synth.png)\n\n")
	for _, p := range r.Pairs {
		fmt.Fprintf(&b, "![%s charts](charts-%s.png)\n\n", p.Name, p.Name)
	}
	return b.String()
}

func eerPair(syn, real *SetReport) string {
	if syn.NCC == nil || real.NCC == nil {
		return "–"
	}
	return pct(real.Versus.SynthEER) + " / " + pct(real.Versus.RealEER)
}

func verdict(v *Versus) string {
	if v.AtLeastAsHard == nil {
		return "not judged"
	}
	s := "**no**"
	if *v.AtLeastAsHard {
		s = "yes"
	}
	if v.WithinNoise {
		s += " (within noise)"
	}
	return s
}
