package eval

import (
	"fmt"
	"strconv"
	"strings"
	"text/tabwriter"
)

// reportTargets are the FMR targets that NewReport evaluates.
var reportTargets = [...]float64{1e-2, 1e-3, 1e-4, 1e-5, 1e-6}

// Report gathers the performance figures of one system or configuration. It
// renders as an aligned plain-text table (Text), as Markdown (Markdown) and,
// through its field tags, as JSON with encoding/json. Text and Markdown round
// numbers for reading; JSON keeps them exact.
//
// Optional sections are nil (and left out of JSON) when not measured; set
// FTE, FTA and Identification directly.
type Report struct {
	Name string `json:"name"`
	// Genuine and Impostor count the valid comparison scores; Rejected
	// counts the non-finite scores refused by either set.
	Genuine  int `json:"genuine"`
	Impostor int `json:"impostor"`
	Rejected int `json:"rejected"`
	// EER is nil when either score set is empty.
	EER *EER `json:"eer,omitempty"`
	// Points holds the operating points at FMR 1e-2, 1e-3, 1e-4, 1e-5 and
	// 1e-6, then one per threshold given to NewReport. It is empty when
	// either score set is empty.
	Points         []OperatingPoint `json:"operating_points,omitempty"`
	FTE            *Tally           `json:"fte,omitempty"`
	FTA            *Tally           `json:"fta,omitempty"`
	Identification *Identification  `json:"identification,omitempty"`
}

// NewReport returns a report named name on the verification scores: their
// counts, the EER, the operating points at FMR 1e-2, 1e-3, 1e-4, 1e-5 and
// 1e-6, and the operating points at the given thresholds. Either set may be
// nil or empty; the report then holds only the counts. It panics if a
// threshold is NaN.
func NewReport(name string, genuine, impostor *Scores, thresholds ...float64) *Report {
	r := &Report{
		Name:     name,
		Genuine:  genuine.Len(),
		Impostor: impostor.Len(),
		Rejected: genuine.Rejected() + impostor.Rejected(),
	}
	for _, t := range thresholds {
		checkThreshold(t)
	}
	eer, err := EqualErrorRate(genuine, impostor)
	if err != nil {
		return r
	}
	r.EER = &eer
	for _, target := range reportTargets {
		p, _ := FNMRAtFMR(genuine, impostor, target)
		r.Points = append(r.Points, p)
	}
	for _, t := range thresholds {
		p, _ := OperatingPointAt(genuine, impostor, t)
		r.Points = append(r.Points, p)
	}
	return r
}

// Text renders the report as aligned plain text.
func (r *Report) Text() string {
	var b strings.Builder
	b.WriteString(r.Name + "\n")
	tw := tabwriter.NewWriter(&b, 0, 8, 2, ' ', 0)
	for _, kv := range r.summary() {
		fmt.Fprintf(tw, "  %s\t%s\n", kv[0], kv[1])
	}
	tw.Flush()
	if len(r.Points) > 0 {
		b.WriteString("\n")
		tw = tabwriter.NewWriter(&b, 0, 8, 2, ' ', 0)
		for _, row := range r.pointRows() {
			fmt.Fprintf(tw, "  %s\n", strings.Join(row, "\t"))
		}
		tw.Flush()
	}
	if r.Identification != nil {
		fmt.Fprintf(&b, "\nidentification at threshold %s\n", fmtScore(r.Identification.Threshold))
		tw = tabwriter.NewWriter(&b, 0, 8, 2, ' ', 0)
		for _, kv := range r.identRows() {
			fmt.Fprintf(tw, "  %s\t%s\n", kv[0], kv[1])
		}
		tw.Flush()
	}
	// tabwriter pads empty last cells; drop the trailing blanks.
	lines := strings.Split(b.String(), "\n")
	for i, l := range lines {
		lines[i] = strings.TrimRight(l, " ")
	}
	return strings.Join(lines, "\n")
}

// Markdown renders the report as a Markdown section with tables.
func (r *Report) Markdown() string {
	var b strings.Builder
	fmt.Fprintf(&b, "## %s\n\n| measure | value |\n|---|---|\n", r.Name)
	for _, kv := range r.summary() {
		fmt.Fprintf(&b, "| %s | %s |\n", kv[0], kv[1])
	}
	if len(r.Points) > 0 {
		rows := r.pointRows()
		b.WriteString("\n| " + strings.Join(rows[0], " | ") + " |\n|")
		for i := range rows[0] {
			if i == len(rows[0])-1 {
				b.WriteString("---|")
			} else {
				b.WriteString("--:|")
			}
		}
		b.WriteString("\n")
		for _, row := range rows[1:] {
			b.WriteString("| " + strings.Join(row, " | ") + " |\n")
		}
	}
	if r.Identification != nil {
		fmt.Fprintf(&b, "\n### Identification at threshold %s\n\n| measure | value |\n|---|---|\n", fmtScore(r.Identification.Threshold))
		for _, kv := range r.identRows() {
			fmt.Fprintf(&b, "| %s | %s |\n", kv[0], kv[1])
		}
	}
	return b.String()
}

func (r *Report) summary() [][2]string {
	rows := [][2]string{
		{"genuine comparisons", strconv.Itoa(r.Genuine)},
		{"impostor comparisons", strconv.Itoa(r.Impostor)},
		{"rejected scores", strconv.Itoa(r.Rejected)},
	}
	if r.EER != nil {
		rows = append(rows, [2]string{"EER", fmtRate(r.EER.Rate) + " at threshold " + fmtScore(r.EER.Threshold)})
	} else {
		rows = append(rows, [2]string{"EER", "n/a (no scores)"})
	}
	if r.FTE != nil {
		rows = append(rows, [2]string{"FTE", fmtTally(*r.FTE)})
	}
	if r.FTA != nil {
		rows = append(rows, [2]string{"FTA", fmtTally(*r.FTA)})
	}
	return rows
}

func (r *Report) pointRows() [][]string {
	rows := [][]string{{"target FMR", "threshold", "FMR", "FNMR", "false matches", "false non-matches", "impostor", "genuine", "note"}}
	for _, p := range r.Points {
		target := "-"
		if p.TargetFMR > 0 {
			target = fmtRate(p.TargetFMR)
		}
		var notes []string
		if p.FMRUpper > 0 {
			notes = append(notes, "FMR <= "+fmtRate(p.FMRUpper)+" (rule of 3)")
		}
		if p.Unresolved {
			notes = append(notes, "unresolved: impostor < 3/target")
		}
		rows = append(rows, []string{
			target, fmtScore(p.Threshold), fmtRate(p.FMR), fmtRate(p.FNMR),
			strconv.Itoa(p.FalseMatches), strconv.Itoa(p.FalseNonMatches),
			strconv.Itoa(p.Impostor), strconv.Itoa(p.Genuine), strings.Join(notes, "; "),
		})
	}
	return rows
}

func (r *Report) identRows() [][2]string {
	id := r.Identification
	rate := func(v float64, err error, num, den int) string {
		if err != nil {
			return "n/a"
		}
		return fmt.Sprintf("%s (%d/%d)", fmtRate(v), num, den)
	}
	r1, err1 := id.Rank1Rate()
	fnir, err2 := id.FNIR()
	fpir, err3 := id.FPIR()
	return [][2]string{
		{"mated searches", strconv.Itoa(id.Mated)},
		{"non-mated searches", strconv.Itoa(id.NonMated)},
		{"rank-1 rate", rate(r1, err1, id.Rank1Hits, id.Mated)},
		{"FNIR", rate(fnir, err2, id.Misses, id.Mated)},
		{"FPIR", rate(fpir, err3, id.FalsePositives, id.NonMated)},
	}
}

func fmtTally(t Tally) string {
	v, err := t.Rate()
	if err != nil {
		return "n/a (no attempts)"
	}
	return fmt.Sprintf("%s (%d/%d)", fmtRate(v), t.Failures, t.Attempts)
}

// fmtRate formats a rate with 4 significant digits.
func fmtRate(v float64) string { return strconv.FormatFloat(v, 'g', 4, 64) }

// fmtScore formats a score with 6 significant digits.
func fmtScore(v float64) string { return strconv.FormatFloat(v, 'g', 6, 64) }
