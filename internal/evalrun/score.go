package evalrun

import (
	"errors"
	"math"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/palmid/palmid/eval"
	"github.com/palmid/palmid/internal/ncc"
	"github.com/palmid/palmid/palm"
	"github.com/palmid/palmid/vein"
)

// unit is one capture compared in a row: the item its palm code (or NCC
// template) comes from and the item its vein template comes from, the same
// item except in fused rows that pair two images of one capture.
type unit struct {
	palm, vein        *item
	identity, session string
}

// row is one group evaluated with one method.
type row struct {
	set, modality, method string
	images                int
	units                 []unit
	note                  string // set when the method does not apply
}

var errNoVeinImage = errors.New("no vein image of the same capture")

// plan lays out the rows of the evaluation: one per group and method.
func plan(items []*item, method string) []*row {
	groups := map[groupKey][]*item{}
	for _, it := range items {
		k := groupKey{it.e.Set, it.e.Modality}
		groups[k] = append(groups[k], it)
	}
	veinOf := map[captureKey]*item{}
	for _, it := range items {
		if it.e.Modality == "nir-vein" {
			if _, dup := veinOf[keyOf(it.e)]; !dup {
				veinOf[keyOf(it.e)] = it
			}
		}
	}
	var rows []*row
	for _, k := range sortedKeys(groups) {
		g := groups[k]
		nir := isNIR(k.modality)
		var ms []string
		note := ""
		switch method {
		case Auto:
			switch {
			case k.modality == "nir-vein":
				ms = []string{Vein}
			case nir:
				ms = []string{PalmCode, Vein, Fused}
			default:
				ms = []string{PalmCode}
			}
		case Vein:
			ms = []string{Vein}
			if !nir {
				note = "vein needs an NIR modality"
			}
		case Fused:
			ms = []string{Fused}
			if !nir {
				note = "fused needs an NIR modality"
			}
		default:
			ms = []string{method}
		}
		for _, m := range ms {
			r := &row{set: k.set, modality: k.modality, method: m, images: len(g), note: note}
			if note == "" {
				r.units = units(g, m, veinOf)
				if m == Fused && k.modality == "nir-palm" && r.units[0].vein != r.units[0].palm {
					r.modality = "nir-palm+nir-vein"
				}
			}
			rows = append(rows, r)
		}
	}
	if method == Auto || method == Fused {
		rows = append(rows, bandPairs(groups)...)
	}
	return rows
}

// units makes the units of a group for method m. Fused units of NIR palm
// frames take the vein template from the vein frame of the same capture
// when the data set has vein frames, else from the palm frame itself.
func units(g []*item, m string, veinOf map[captureKey]*item) []unit {
	partnered := false
	if m == Fused {
		for _, it := range g {
			if it.e.Modality == "nir-palm" && veinOf[keyOf(it.e)] != nil {
				partnered = true
				break
			}
		}
	}
	us := make([]unit, len(g))
	for i, it := range g {
		u := unit{palm: it, vein: it, identity: it.e.Identity(), session: it.e.Session()}
		if partnered {
			u.vein = veinOf[keyOf(it.e)] // may be nil
		}
		us[i] = u
	}
	return us
}

// bandPairs finds pairs of ROI groups that are two bands of the same
// captures (see the package documentation) and makes their fused rows.
func bandPairs(groups map[groupKey][]*item) []*row {
	var rows []*row
	keys := sortedKeys(groups)
	for _, a := range keys {
		for _, b := range keys {
			if !isROI(a.modality) || !isROI(b.modality) || isNIR(a.modality) || !isNIR(b.modality) {
				continue
			}
			if a.set != b.set && !oneWordApart(a.set, b.set) {
				continue
			}
			type pk struct{ person, hand, sample string }
			byKey := map[pk]*item{}
			for _, it := range groups[b] {
				byKey[pk{it.e.Person, it.e.Hand, it.e.Sample}] = it
			}
			ga := groups[a]
			if len(ga) != len(byKey) || len(ga) != len(groups[b]) {
				continue
			}
			us := make([]unit, 0, len(ga))
			for _, it := range ga {
				v := byKey[pk{it.e.Person, it.e.Hand, it.e.Sample}]
				if v == nil {
					break
				}
				us = append(us, unit{palm: it, vein: v, identity: it.e.Identity(), session: it.e.Session()})
			}
			if len(us) != len(ga) {
				continue
			}
			set := a.set
			if b.set != a.set {
				set += "+" + b.set
			}
			rows = append(rows, &row{
				set: set, modality: a.modality + "+" + b.modality,
				method: Fused, images: 2 * len(us), units: us,
			})
		}
	}
	return rows
}

// oneWordApart reports whether two names have the same number of
// dash-separated words and differ in exactly one.
func oneWordApart(a, b string) bool {
	wa, wb := strings.Split(a, "-"), strings.Split(b, "-")
	if len(wa) != len(wb) || len(wa) < 2 {
		return false
	}
	diff := 0
	for i := range wa {
		if wa[i] != wb[i] {
			diff++
		}
	}
	return diff == 1
}

// unitErr returns why a unit has no template for method m, or nil.
func unitErr(u unit, m string) error {
	switch m {
	case Fused:
		if err := u.palm.errFor(PalmCode); err != nil {
			return err
		}
		if u.vein == nil {
			return errNoVeinImage
		}
		return u.vein.errFor(Vein)
	case Vein:
		return u.vein.errFor(Vein)
	}
	return u.palm.errFor(m)
}

// matrix holds the scores of all pairs i < j of n units, NaN where either
// unit lacks a template: pair (i, j) is at tri(i, j).
type matrix struct {
	n int
	v []float32
}

func (m *matrix) at(i, j int) float64 {
	if i > j {
		i, j = j, i
	}
	return float64(m.v[i*(2*m.n-i-1)/2+j-i-1])
}

type matrixKey struct {
	kind, units string
}

// cacheKey names the items a matrix of kind compares.
func cacheKey(kind string, us []unit) matrixKey {
	var b strings.Builder
	for _, u := range us {
		it := u.palm
		if kind == Vein {
			it = u.vein
		}
		if it == nil {
			b.WriteString("-,")
			continue
		}
		b.WriteString(it.e.Set)
		b.WriteByte('/')
		b.WriteString(it.e.Path)
		b.WriteByte(',')
	}
	return matrixKey{kind, b.String()}
}

// scores computes (or takes from cache) the matrix of template kind for us
// on w goroutines, calling progress with each finished number of rows.
func scores(cache map[matrixKey]*matrix, kind string, us []unit, w int, progress func(int)) *matrix {
	key := cacheKey(kind, us)
	if m := cache[key]; m != nil {
		progress(len(us))
		return m
	}
	n := len(us)
	m := &matrix{n: n, v: make([]float32, n*(n-1)/2)}
	ok := make([]bool, n)
	for i, u := range us {
		if kind == Vein {
			ok[i] = u.vein != nil && u.vein.errFor(Vein) == nil
		} else {
			ok[i] = u.palm.errFor(kind) == nil
		}
	}
	var next atomic.Int64
	var wg sync.WaitGroup
	nan := float32(math.NaN())
	for range w {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				i := int(next.Add(1)) - 1
				if i >= n {
					return
				}
				base := i*(2*n-i-1)/2 - i - 1
				for j := i + 1; j < n; j++ {
					v := nan
					if ok[i] && ok[j] {
						switch kind {
						case PalmCode:
							a, b := us[i].palm.codes, us[j].palm.codes
							v = float32(palm.CompareBest(b[len(b)/2], a))
						case Vein:
							v = float32(vein.Compare(us[i].vein.vein, us[j].vein.vein))
						case NCC:
							v = float32(ncc.Compare(us[i].palm.ncc, us[j].palm.ncc))
						}
					}
					m.v[base+j] = v
				}
				progress(1)
			}
		}()
	}
	wg.Wait()
	cache[key] = m
	return m
}

// fuse combines a palm code and a vein matrix by the FusionRule: vein's
// Fusion with DefaultFusion's weight and the group's own label-free
// statistics.
func fuse(p, v *matrix) *matrix {
	var fu vein.Fusion
	fu.PalmMean, fu.PalmSD = meanStd(p, v)
	fu.VeinMean, fu.VeinSD = meanStd(v, p)
	fu.PalmWeight = vein.DefaultFusion.PalmWeight
	f := &matrix{n: p.n, v: make([]float32, len(p.v))}
	for i := range p.v {
		f.v[i] = float32(fu.Score(float64(p.v[i]), float64(v.v[i]))) // NaN stays NaN
	}
	return f
}

// meanStd returns the mean and standard deviation of the scores of m at the
// pairs where both m and o have one; the deviation is 1 when it is zero or
// undefined.
func meanStd(m, o *matrix) (mean, std float64) {
	var s, s2 float64
	var n int
	for i, x := range m.v {
		if x != x || o.v[i] != o.v[i] {
			continue
		}
		s += float64(x)
		s2 += float64(x) * float64(x)
		n++
	}
	if n == 0 {
		return 0, 1
	}
	mean = s / float64(n)
	std = math.Sqrt(math.Max(s2/float64(n)-mean*mean, 0))
	if !(std > 1e-12) {
		std = 1
	}
	return mean, std
}

// work returns the number of matrix rows the row will compute (for
// progress).
func (r *row) work() int {
	if r.method == Fused {
		return 2 * len(r.units)
	}
	return len(r.units)
}

// evaluate compares the row's pairs and builds its result.
func (r *row) evaluate(cache map[matrixKey]*matrix, w int, progress func(int)) *GroupResult {
	g := &GroupResult{Set: r.set, Modality: r.modality, Method: r.method, Images: r.images, Note: r.note}
	if r.note != "" {
		return g
	}
	ids := map[string]bool{}
	usable := make([]bool, len(r.units))
	var tally eval.Tally
	for i, u := range r.units {
		ids[u.identity] = true
		err := unitErr(u, r.method)
		g.FTA.add(err)
		tally.Add(err != nil)
		usable[i] = err == nil
	}
	g.Identities = len(ids)
	var m *matrix
	switch r.method {
	case Fused:
		m = fuse(scores(cache, PalmCode, r.units, w, progress), scores(cache, Vein, r.units, w, progress))
	default:
		m = scores(cache, r.method, r.units, w, progress)
	}
	name := r.set + " " + r.modality + " " + r.method
	g.All = report(name+" (all pairs)", r.units, usable, m, false)
	g.All.FTA = &tally
	sessions := map[string]bool{}
	for i, u := range r.units {
		if usable[i] && u.session != "" {
			sessions[u.session] = true
		}
	}
	if len(sessions) >= 2 {
		g.CrossSession = report(name+" (cross-session)", r.units, usable, m, true)
	}
	return g
}

// report scores the pairs of a protocol and runs its 1:N searches.
func report(name string, us []unit, usable []bool, m *matrix, cross bool) *eval.Report {
	pairOK := func(i, j int) bool {
		if !usable[i] || !usable[j] {
			return false
		}
		if cross {
			a, b := us[i].session, us[j].session
			return a != "" && b != "" && a != b
		}
		return true
	}
	var gen, imp eval.Scores
	for i := range us {
		for j := i + 1; j < len(us); j++ {
			if !pairOK(i, j) {
				continue
			}
			v := m.at(i, j)
			if math.IsNaN(v) {
				continue
			}
			if us[i].identity == us[j].identity {
				gen.Add(v)
			} else {
				imp.Add(v)
			}
		}
	}
	r := eval.NewReport(name, &gen, &imp)
	thr, err := eval.ThresholdForFMR(&imp, 1e-3)
	if err != nil {
		return r
	}
	if len(r.Points) > 1 && r.Points[1].Unresolved && r.EER != nil {
		thr = r.EER.Threshold
	}
	var searches []eval.Search
	for p := range us {
		if !usable[p] || (cross && us[p].session == "") {
			continue
		}
		best := map[string]float64{}
		for q := range us {
			if q == p || !pairOK(p, q) {
				continue
			}
			v := m.at(p, q)
			if math.IsNaN(v) {
				continue
			}
			if b, ok := best[us[q].identity]; !ok || v > b {
				best[us[q].identity] = v
			}
		}
		if len(best) == 0 {
			continue
		}
		s := eval.Search{}
		if _, ok := best[us[p].identity]; ok {
			s.Mate = us[p].identity
		}
		for id, v := range best {
			s.Candidates = append(s.Candidates, eval.Candidate{ID: id, Score: v})
		}
		sort.Slice(s.Candidates, func(a, b int) bool {
			ca, cb := s.Candidates[a], s.Candidates[b]
			if ca.Score != cb.Score {
				return ca.Score > cb.Score
			}
			return ca.ID < cb.ID
		})
		searches = append(searches, s)
	}
	id := eval.IdentificationAt(searches, thr)
	r.Identification = &id
	return r
}

// pct formats a rate as a percentage with two decimals, 0 and 1 as "0%"
// and "100%".
func pct(v float64) string {
	switch v {
	case 0:
		return "0%"
	case 1:
		return "100%"
	}
	return strconv.FormatFloat(100*v, 'f', 2, 64) + "%"
}
