package match

import (
	"cmp"
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"runtime"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
)

// withProcs runs f with GOMAXPROCS set to n, so that searches split their
// scans as they would on n cores.
func withProcs(n int, f func()) {
	old := runtime.GOMAXPROCS(n)
	defer runtime.GOMAXPROCS(old)
	f()
}

// model is the brute-force twin of a Gallery: identities in enrolment
// order, each with its templates.
type model struct {
	ids []string
	ts  map[string][]*Template
}

func newModel() *model { return &model{ts: make(map[string][]*Template)} }

// randTemplates returns n templates of random unit vectors.
func randTemplates(t testing.TB, rng *rand.Rand, n, dim int) []*Template {
	ts := make([]*Template, n)
	for i := range ts {
		ts[i] = mustTemplate(t, randVec(rng, dim))
	}
	return ts
}

// templatePool makes a pool of n random templates and a function that
// draws 1 to most of them, with repeats (which make ties).
func templatePool(t testing.TB, rng *rand.Rand, n, dim, most int) ([]*Template, func() []*Template) {
	pool := randTemplates(t, rng, n, dim)
	return pool, func() []*Template {
		ts := make([]*Template, 1+rng.IntN(most))
		for i := range ts {
			ts[i] = pool[rng.IntN(len(pool))]
		}
		return ts
	}
}

func (m *model) add(id string, ts ...*Template) {
	if _, ok := m.ts[id]; !ok {
		m.ids = append(m.ids, id)
	}
	m.ts[id] = append(m.ts[id], ts...)
}

func (m *model) replace(id string, ts ...*Template) {
	if _, ok := m.ts[id]; !ok {
		m.ids = append(m.ids, id)
	}
	m.ts[id] = ts
}

func (m *model) remove(id string) {
	if _, ok := m.ts[id]; ok {
		delete(m.ts, id)
		m.ids = slices.DeleteFunc(m.ids, func(s string) bool { return s == id })
	}
}

// score returns what mode scores probe against candidate, computed from
// the templates with the package's kernels.
func modeScore(mode Mode, p, c *Template) float64 {
	switch mode {
	case Int8:
		return float64(float32(dotInt8(p.q, c.q)) * (c.qstep * p.qstep))
	case Binary:
		return float64(len(p.vec)-hamming(p.code, c.code)) / float64(len(p.vec))
	}
	return float64(dot(p.vec, c.vec))
}

// search is a brute-force Search: every identity's best score, at least
// the threshold, best first. Ties are left in any order.
func (m *model) search(p *Template, o SearchOptions) []Candidate {
	var all []Candidate
	for _, id := range m.ids {
		best := math.Inf(-1)
		for _, c := range m.ts[id] {
			best = max(best, modeScore(o.Mode, p, c))
		}
		if best >= o.Threshold {
			all = append(all, Candidate{id, best})
		}
	}
	slices.SortStableFunc(all, func(a, b Candidate) int { return cmp.Compare(b.Score, a.Score) })
	return all[:min(len(all), max(o.K, 1))]
}

// checkInvariants verifies the gallery's row bookkeeping against the model.
func checkInvariants(t *testing.T, g *Gallery, m *model) {
	t.Helper()
	if len(g.first) != len(m.ids) || len(g.names.at) != len(m.ids) {
		t.Fatalf("%d identities, %d names, model has %d", len(g.first), len(g.names.at), len(m.ids))
	}
	used := 0
	for _, c := range g.names.table {
		if c != 0 {
			used++
		}
	}
	if used != len(m.ids) {
		t.Fatalf("%d names in the table, model has %d identities", used, len(m.ids))
	}
	rows := 0
	n := len(g.owner)
	seen := make([]bool, n)
	for s := range g.first {
		id := g.id(int32(s))
		if got, _ := g.names.find(id); got != int32(s) {
			t.Fatalf("slot of %q is %d, stored at %d", id, got, s)
		}
		ts, ok := m.ts[id]
		if !ok {
			t.Fatalf("slot %d holds %q, which the model does not have", s, id)
		}
		k := 0
		for r := g.first[s]; r >= 0; r = g.next[r] {
			if seen[r] || g.owner[r] != int32(s) {
				t.Fatalf("row %d of %q: seen %v, owner %d", r, id, seen[r], g.owner[r])
			}
			seen[r] = true
			k++
			// The row holds one of the identity's templates.
			found := false
			for _, tp := range ts {
				if slices.Equal(g.vecs[int(r)*g.dim:(int(r)+1)*g.dim], tp.vec) &&
					slices.Equal(g.q[int(r)*g.dim:(int(r)+1)*g.dim], tp.q) && g.qstep[r] == tp.qstep &&
					slices.Equal(g.codes[int(r)*g.words:(int(r)+1)*g.words], tp.code) {
					found = true
				}
			}
			if !found {
				t.Fatalf("row %d of %q holds none of its templates", r, id)
			}
		}
		if k != len(ts) {
			t.Fatalf("%q has %d rows, model %d templates", id, k, len(ts))
		}
		rows += k
	}
	if rows != n || len(g.next) != n || len(g.vecs) != n*g.dim || len(g.q) != n*g.dim || len(g.qstep) != n || len(g.codes) != n*g.words {
		t.Fatalf("row counts disagree: %d rows of identities, %d owners", rows, n)
	}
	if g.part != nil {
		checkPartition(t, g)
	}
}

// checkSearch compares Search with the brute-force search, allowing scores
// that tie (or, for Exact, differ by rounding) to swap places.
func checkSearch(t *testing.T, g *Gallery, m *model, p *Template, o SearchOptions) {
	t.Helper()
	got := g.Search(nil, NewMatcher(p), &o)
	want := m.search(p, o)
	if len(got) != len(want) {
		t.Fatalf("%+v: %d candidates, brute force %d\ngot  %v\nwant %v", o, len(got), len(want), got, want)
	}
	for i := range got {
		if got[i].Score != want[i].Score {
			t.Fatalf("%+v: candidate %d scores %v, brute force %v\ngot  %v\nwant %v", o, i, got[i].Score, want[i].Score, got, want)
		}
		if got[i].ID != want[i].ID {
			// Only a tie may swap identities.
			if s := modeScore(o.Mode, p, m.best(o.Mode, p, got[i].ID)); s != want[i].Score {
				t.Fatalf("%+v: candidate %d is %q, brute force %q\ngot  %v\nwant %v", o, i, got[i].ID, want[i].ID, got, want)
			}
		}
		if i > 0 && got[i].Score > got[i-1].Score {
			t.Fatalf("candidates not sorted: %v", got)
		}
	}
}

func (m *model) best(mode Mode, p *Template, id string) *Template {
	var best *Template
	bs := math.Inf(-1)
	for _, c := range m.ts[id] {
		if s := modeScore(mode, p, c); s > bs {
			best, bs = c, s
		}
	}
	return best
}

// TestGalleryMatchesBruteForce applies random Add, Replace and Remove calls
// and checks the bookkeeping and every search mode against brute force, with
// the scan split over 1, 2 and 5 goroutines.
func TestGalleryMatchesBruteForce(t *testing.T) {
	const dim = 40 // not a multiple of 64 or 32, to exercise kernel tails
	rng := rand.New(rand.NewPCG(25, 26))
	g, m := NewGallery(dim, KeepAll), newModel()
	pool, pick := templatePool(t, rng, 300, dim, 4)
	steps, ops := 40, 300
	if testing.Short() || raceEnabled {
		steps, ops = 20, 150
	}
	nextID := 0
	for step := range steps {
		for range ops {
			switch op := rng.IntN(10); {
			case op < 6 || len(m.ids) == 0:
				id := fmt.Sprint("id", nextID)
				nextID++
				ts := pick()
				if err := g.Add(id, ts...); err != nil {
					t.Fatal(err)
				}
				m.add(id, ts...)
			case op < 7:
				id := m.ids[rng.IntN(len(m.ids))]
				ts := pick()
				g.Add(id, ts...)
				m.add(id, ts...)
			case op < 8:
				id := m.ids[rng.IntN(len(m.ids))]
				if rng.IntN(4) == 0 {
					id = fmt.Sprint("id", nextID) // Replace also enrols
					nextID++
				}
				ts := pick()
				g.Replace(id, ts...)
				m.replace(id, ts...)
			default:
				id := m.ids[rng.IntN(len(m.ids))]
				if !g.Remove(id) {
					t.Fatalf("Remove(%q) = false", id)
				}
				m.remove(id)
			}
		}
		checkInvariants(t, g, m)
		if g.Remove("absent") {
			t.Fatal(`Remove("absent") = true`)
		}
		if step%10 != 9 {
			continue
		}
		t.Logf("step %d: %d identities, %d templates", step, g.Len(), g.Templates())
		for _, procs := range []int{1, 2, 5} {
			withProcs(procs, func() {
				for range 5 {
					p := mustTemplate(t, randVec(rng, dim))
					if rng.IntN(2) == 0 {
						p = pool[rng.IntN(len(pool))]
					}
					for _, mode := range []Mode{Exact, Int8, Binary} {
						for _, o := range []SearchOptions{
							{K: 1, Threshold: math.Inf(-1)},
							{K: 7, Threshold: 0.2},
							{K: 50, Threshold: 0},
							{K: 3, Threshold: 2},
						} {
							if mode == Binary && o.Threshold == 0.2 {
								o.Threshold = 0.6
							}
							o.Mode = mode
							checkSearch(t, g, m, p, o)
						}
					}
				}
			})
		}
	}
}

// TestSearchSplitsScan checks searches on galleries large enough for
// several workers against brute force, to cover merging worker results, at
// a dimension with one-word codes and at one with the unrolled four-word
// case (200: int8 rows with a tail after the 32-byte blocks).
func TestSearchSplitsScan(t *testing.T) {
	for _, dim := range []int{64, 200} {
		rng := rand.New(rand.NewPCG(27, uint64(dim)))
		g, m := NewGallery(dim, 0), newModel()
		pool := randTemplates(t, rng, 2000, dim)
		n := 3*minRowsPerWorker + 77
		if raceEnabled {
			n = minRowsPerWorker + 77
		}
		g.Grow(n)
		for i := 0; i < n; i += 2 {
			id := fmt.Sprint(i)
			ts := []*Template{pool[rng.IntN(len(pool))], pool[rng.IntN(len(pool))]}
			g.Add(id, ts...)
			m.add(id, ts...)
		}
		withProcs(4, func() {
			for range 3 {
				p := mustTemplate(t, randVec(rng, dim))
				if rng.IntN(2) == 0 {
					p = pool[rng.IntN(len(pool))]
				}
				for _, mode := range []Mode{Exact, Int8, Binary} {
					checkSearch(t, g, m, p, SearchOptions{K: 20, Threshold: math.Inf(-1), Mode: mode})
					checkSearch(t, g, m, p, SearchOptions{K: 5, Threshold: 0.1, Mode: mode})
				}
				checkSearch(t, g, m, p, SearchOptions{K: 5, Threshold: 0.56, Mode: Binary})
			}
		})
	}
}

func TestSearchEdges(t *testing.T) {
	rng := rand.New(rand.NewPCG(29, 30))
	g := NewGallery(16, KeepInt8|KeepBinary)
	m := NewMatcher(mustTemplate(t, randVec(rng, 16)))
	if got := g.Search(make([]Candidate, 3), m, &SearchOptions{Mode: Int8}); len(got) != 0 {
		t.Errorf("search of an empty gallery returned %v", got)
	}
	if err := g.Add("a", mustTemplate(t, randVec(rng, 17))); !errors.Is(err, ErrDim) {
		t.Errorf("Add of a 17-d template to a 16-d gallery: %v", err)
	}
	if g.Len() != 0 {
		t.Error("failed Add enrolled something")
	}
	g.Add("a", m.probe)
	got := g.Search(nil, m, &SearchOptions{Mode: Binary, Threshold: 1})
	if len(got) != 1 || got[0].ID != "a" || got[0].Score != 1 {
		t.Errorf("binary search for an enrolled template = %v", got)
	}
	for name, f := range map[string]func(){
		"exact without float32 rows": func() { g.Search(nil, m, nil) },
		"rerank without float32":     func() { g.Search(nil, m, &SearchOptions{Mode: BinaryRerank}) },
		"unknown mode":               func() { g.Search(nil, m, &SearchOptions{Mode: 99}) },
		"NaN threshold":              func() { g.Search(nil, m, &SearchOptions{Mode: Int8, Threshold: math.NaN()}) },
		"probe dimension":            func() { g.Search(nil, NewMatcher(mustTemplate(t, randVec(rng, 8))), &SearchOptions{Mode: Int8}) },
		"no templates":               func() { g.Add("b") },
		"nil template":               func() { g.Replace("b", nil) },
		"Score dimension":            func() { m.Score(mustTemplate(t, randVec(rng, 8))) },
	} {
		func() {
			defer func() {
				if recover() == nil {
					t.Errorf("%s: no panic", name)
				}
			}()
			f()
		}()
	}
}

func TestAgreeFloor(t *testing.T) {
	g := NewGallery(100, 0)
	for _, c := range []struct {
		t    float64
		want float32
	}{
		{math.Inf(-1), 0}, {-3, 0}, {0, 0}, {0.005, 1}, {0.01, 1}, {0.011, 2}, {0.29, 29}, {0.5, 50}, {1, 100}, {1.001, 101}, {math.Inf(1), 101},
	} {
		if got := g.agreeFloor(c.t); got != c.want {
			t.Errorf("agreeFloor(%v) = %v, want %v", c.t, got, c.want)
		}
	}
	for a := range 101 {
		x := float64(a) / 100
		if f := g.agreeFloor(x); f != float32(a) {
			t.Errorf("agreeFloor(%d/100) = %v", a, f)
		}
	}
}

func TestFloor32(t *testing.T) {
	for _, x := range []float64{0, 0.1, -0.1, 1.0 / 3, 0.7, math.Inf(-1), math.Inf(1), -1e300, 1e300, math.SmallestNonzeroFloat64} {
		f := floor32(x)
		if float64(f) < x {
			t.Errorf("floor32(%v) = %v, below", x, f)
		}
		if p := math.Nextafter32(f, float32(math.Inf(-1))); f != float32(math.Inf(-1)) && float64(p) >= x {
			t.Errorf("floor32(%v) = %v, but %v also passes", x, f, p)
		}
	}
}

func TestTopK(t *testing.T) {
	rng := rand.New(rand.NewPCG(31, 32))
	for range 500 {
		k := 1 + rng.IntN(8)
		dedupe := rng.IntN(2) == 0
		floor := float32(rng.IntN(5)) - 2
		var tk topk
		tk.reset(k, floor, dedupe)
		best := map[int32]hit{}
		var all []hit
		for range rng.IntN(60) {
			h := hit{float32(rng.IntN(9)) - 4, int32(rng.IntN(12))}
			tk.push(h.score, h.key)
			if h.score < floor {
				continue
			}
			if !dedupe {
				all = append(all, h)
			} else if b, ok := best[h.key]; !ok || better(h, b) {
				best[h.key] = h
			}
		}
		for _, h := range best {
			all = append(all, h)
		}
		slices.SortFunc(all, func(a, b hit) int {
			if better(a, b) {
				return -1
			}
			if better(b, a) {
				return 1
			}
			return 0
		})
		want := all[:min(k, len(all))]
		if got := tk.sorted(); !slices.Equal(got, want) {
			t.Fatalf("k=%d dedupe=%v floor=%v: got %v, want %v", k, dedupe, floor, got, want)
		}
	}
}

// TestConcurrentUpdates runs searches beside Add, Replace and Remove; run it
// with -race. Identities enrolled before the searches start and never
// touched must always be found by their own templates.
func TestConcurrentUpdates(t *testing.T) {
	const dim = 32
	rng := rand.New(rand.NewPCG(33, 34))
	g := NewGallery(dim, 0)
	stable := randTemplates(t, rng, 50, dim)
	for i, s := range stable {
		g.Add(fmt.Sprint("stable", i), s)
	}
	churn := randTemplates(t, rng, 500, dim)
	n := 2 * minRowsPerWorker // several workers per search
	if raceEnabled {
		n = minRowsPerWorker + 100
	}
	for i := range n {
		g.Add(fmt.Sprint("bulk", i), churn[i%len(churn)])
	}

	var stop atomic.Bool
	var wg sync.WaitGroup
	for w := range 2 {
		wg.Go(func() {
			rng := rand.New(rand.NewPCG(35, uint64(w)))
			for i := 0; !stop.Load(); i++ {
				id := fmt.Sprint("churn", w, "-", rng.IntN(200))
				switch rng.IntN(3) {
				case 0:
					g.Add(id, churn[rng.IntN(len(churn))])
				case 1:
					g.Replace(id, churn[rng.IntN(len(churn))], churn[rng.IntN(len(churn))])
				default:
					g.Remove(id)
				}
			}
		})
	}
	withProcs(4, func() {
		var sw sync.WaitGroup
		for w := range 3 {
			sw.Go(func() {
				dst := make([]Candidate, 0, 5)
				for i := range 40 {
					j := (w*40 + i) % len(stable)
					for _, mode := range []Mode{Exact, Int8, Binary, Int8Rerank, BinaryRerank} {
						dst = g.Search(dst, NewMatcher(stable[j]), &SearchOptions{K: 5, Mode: mode})
						if len(dst) == 0 || dst[0].ID != fmt.Sprint("stable", j) {
							t.Errorf("%v: search for stable%d found %v", mode, j, dst)
							return
						}
					}
				}
			})
		}
		sw.Wait()
	})
	stop.Store(true)
	wg.Wait()
}

// mallocsAfterGC returns the heap allocations of one call of f (on one
// P, as AllocsPerRun measures) made just after two garbage collections,
// which empty every sync.Pool.
func mallocsAfterGC(f func()) uint64 {
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(1))
	f()
	runtime.GC()
	runtime.GC()
	var m0, m1 runtime.MemStats
	runtime.ReadMemStats(&m0)
	f()
	runtime.ReadMemStats(&m1)
	return m1.Mallocs - m0.Mallocs
}

// TestSearchAllocs checks that searches allocate nothing once warm, with
// and without splitting the scan, even after garbage collections (the
// first search of a long benchmark showed as 1 alloc/op at 10M).
func TestSearchAllocs(t *testing.T) {
	if raceEnabled {
		t.Skip("the race detector allocates")
	}
	const dim = 256
	rng := rand.New(rand.NewPCG(37, 38))
	g := NewGallery(dim, 0)
	n := 2*minRowsPerWorker + 10
	g.Grow(n)
	pool := randTemplates(t, rng, 256, dim)
	for i := range n {
		g.Add(fmt.Sprint(i), pool[i%len(pool)])
	}
	m := NewMatcher(mustTemplate(t, randVec(rng, dim)))
	dst := make([]Candidate, 0, 10)
	for _, procs := range []int{1, 2, 4} {
		withProcs(procs, func() {
			for _, mode := range []Mode{Exact, Int8, Binary, Int8Rerank, BinaryRerank} {
				o := &SearchOptions{K: 10, Threshold: math.Inf(-1), Mode: mode}
				if a := mallocsAfterGC(func() { dst = g.Search(dst, m, o) }); a != 0 {
					t.Errorf("GOMAXPROCS=%d %v: Search after two garbage collections allocates %v times", procs, mode, a)
				}
				if a := testing.AllocsPerRun(20, func() { dst = g.Search(dst, m, o) }); a != 0 {
					t.Errorf("GOMAXPROCS=%d %v: Search allocates %v times", procs, mode, a)
				}
			}
		})
	}
}
