package evalrun

import (
	"fmt"
	"sort"
	"strconv"
	"strings"
	"text/tabwriter"

	"github.com/palmid/palmid/eval"
)

// Targets are the FMR targets that Text shows (JSON has all of eval.Report's).
var Targets = []float64{1e-2, 1e-3, 1e-4}

// Text renders the result as an aligned table, one line per group and
// protocol, followed by the failures' reasons.
func (r *Result) Text() string {
	var b strings.Builder
	fmt.Fprintf(&b, "data %s, method %s, %d images listed, %d unreadable\n", r.Data, r.Method, r.Listed, r.Unreadable.Failures)
	if len(r.SetsNotFound) > 0 {
		fmt.Fprintf(&b, "sets not in the manifest: %s\n", strings.Join(r.SetsNotFound, ", "))
	}
	fmt.Fprintf(&b, "ROIs: %s\n", r.ROI)
	if r.Fusion != "" {
		fmt.Fprintf(&b, "fused: %s\n", r.Fusion)
	}
	b.WriteString("\n")
	tw := tabwriter.NewWriter(&b, 0, 8, 2, ' ', 0)
	hdr := []string{"set", "modality", "method", "protocol", "images", "ids", "FTA", "genuine", "impostor", "EER"}
	for _, t := range Targets {
		hdr = append(hdr, "FNMR@"+fmtTarget(t))
	}
	hdr = append(hdr, "rank-1")
	fmt.Fprintln(tw, strings.Join(hdr, "\t"))
	unresolved := false
	notes := map[string][]string{} // note: groups
	for _, g := range r.Groups {
		lead := []string{g.Set, g.Modality, g.Method}
		if g.Note != "" {
			notes[g.Note] = append(notes[g.Note], g.Set+" "+g.Modality)
			continue
		}
		fta := fmt.Sprintf("%s (%d/%d)", pct(g.FTA.Rate()), g.FTA.Failures, g.FTA.Attempts)
		for k, rep := range []*eval.Report{g.All, g.CrossSession} {
			if rep == nil {
				continue
			}
			cells := append([]string(nil), lead...)
			if k == 0 {
				cells = append(cells, "all pairs", strconv.Itoa(g.Images), strconv.Itoa(g.Identities), fta)
			} else {
				cells = []string{"", "", "", "cross-session", "", "", ""}
			}
			cells = append(cells, strconv.Itoa(rep.Genuine), strconv.Itoa(rep.Impostor))
			if rep.EER == nil {
				cells = append(cells, "-")
			} else {
				cells = append(cells, pct(rep.EER.Rate))
			}
			for _, t := range Targets {
				c := "-"
				for _, p := range rep.Points {
					if p.TargetFMR == t {
						c = pct(p.FNMR)
						if p.Unresolved {
							c += "*"
							unresolved = true
						}
					}
				}
				cells = append(cells, c)
			}
			c := "-"
			if id := rep.Identification; id != nil && id.Mated > 0 {
				v, _ := id.Rank1Rate()
				c = fmt.Sprintf("%s (%d/%d)", pct(v), id.Rank1Hits, id.Mated)
			}
			cells = append(cells, c)
			fmt.Fprintln(tw, strings.Join(cells, "\t"))
		}
	}
	tw.Flush()
	if unresolved {
		b.WriteString("* unresolved: fewer than 3/FMR impostor comparisons, the threshold rests on the few highest impostor scores\n")
	}
	noteKeys := make([]string, 0, len(notes))
	for note := range notes {
		noteKeys = append(noteKeys, note)
	}
	sort.Strings(noteKeys)
	for _, note := range noteKeys {
		fmt.Fprintf(&b, "not evaluated (%s): %s\n", note, strings.Join(notes[note], ", "))
	}
	var reasons []string
	for _, g := range r.Groups {
		if g.FTA.Failures == 0 {
			continue
		}
		reasons = append(reasons, fmt.Sprintf("  %s %s %s: %s", g.Set, g.Modality, g.Method, FormatCounts(g.FTA.Reasons)))
	}
	if len(reasons) > 0 {
		b.WriteString("\nfailures to acquire, by reason:\n")
		b.WriteString(strings.Join(reasons, "\n"))
		b.WriteString("\n")
	}
	if len(r.Files) > 0 {
		fmt.Fprintf(&b, "\nunreadable files (%s):\n", FormatCounts(r.Unreadable.Reasons))
		for i, f := range r.Files {
			if i == 10 {
				fmt.Fprintf(&b, "  ... and %d more\n", len(r.Files)-10)
				break
			}
			fmt.Fprintf(&b, "  %s: %s\n", f.Path, f.Reason)
		}
	}
	// tabwriter pads the last cells; drop trailing blanks.
	lines := strings.Split(b.String(), "\n")
	for i, l := range lines {
		lines[i] = strings.TrimRight(l, " ")
	}
	return strings.Join(lines, "\n")
}

func fmtTarget(t float64) string {
	return strings.Replace(strconv.FormatFloat(t, 'e', 0, 64), "e-0", "e-", 1)
}

// FormatCounts lists counts by key, largest first, ties by key:
// "fingers closed 3, too blurry 1".
func FormatCounts(m map[string]int) string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(a, b int) bool {
		if m[keys[a]] != m[keys[b]] {
			return m[keys[a]] > m[keys[b]]
		}
		return keys[a] < keys[b]
	})
	parts := make([]string, len(keys))
	for i, k := range keys {
		parts[i] = fmt.Sprintf("%s %d", k, m[k])
	}
	return strings.Join(parts, ", ")
}
