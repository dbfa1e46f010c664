package match

import (
	"fmt"
	"math"
	"runtime"
	"slices"
	"sync"
)

// minRowsPerWorker is the fewest rows worth a goroutine of their own: about
// 20 µs of the cheapest (binary) scan, ten times the cost of starting one.
const minRowsPerWorker = 8192

// Search returns the best identities for the matcher's probe, best first,
// appended to dst[:0]: at most K of them, each with the score of its
// best-matching template, each scoring at least the threshold. Equal scores
// come in a fixed order (enrolment order until the first Remove), whatever
// the split of the scan. It allocates nothing once dst has capacity for K
// candidates and earlier searches have warmed its scratch space.
//
// A nil opts means DefaultSearchOptions. The scan is split over GOMAXPROCS
// goroutines for galleries of more than a few thousand templates.
//
// It panics if the probe's dimension is not the gallery's, the threshold is
// NaN, or the mode needs a representation the gallery does not keep.
func (g *Gallery) Search(dst []Candidate, m *Matcher, opts *SearchOptions) []Candidate {
	o := &DefaultSearchOptions
	if opts != nil {
		o = opts
	}
	if math.IsNaN(o.Threshold) {
		panic("match: Search threshold is NaN")
	}
	k := max(o.K, 1)
	mode := o.Mode
	dst = dst[:0]

	g.mu.RLock()
	defer g.mu.RUnlock()
	g.mustServe("Search", mode, m)
	if len(g.owner) == 0 {
		return dst
	}

	s := getScratch()
	defer putScratch(s)
	var ranges []rowRange // nil: every row
	if g.part != nil && o.Probes > 0 {
		ranges = s.probeRanges(g, m.probe.vec, o.Probes)
	}
	var best *topk
	switch mode {
	case Exact, Int8:
		best = s.scan(g, m.probe, ranges, mode, k, floor32(o.Threshold), true)
	case Binary:
		best = s.scan(g, m.probe, ranges, mode, k, g.agreeFloor(o.Threshold), true)
	default:
		r := o.Rerank
		if r <= 0 {
			r = 10 * k
		}
		pre := s.scan(g, m.probe, ranges, mode.scan(), max(r, k), float32(math.Inf(-1)), false)
		best = &s.final
		g.rescore(best, m.probe, pre, mode, k, o.Threshold)
	}
	for _, h := range best.sorted() {
		score := float64(h.score)
		if mode == Binary {
			score /= float64(g.dim)
		}
		dst = append(dst, Candidate{ID: g.id(h.key), Score: score})
	}
	return dst
}

// rescore puts into best the top k identities of the rows in pre, scored
// exactly (Int8Rerank, BinaryRerank) or from their int8 rows
// (BinaryInt8Rerank), at or above threshold.
func (g *Gallery) rescore(best *topk, p *Template, pre *topk, mode Mode, k int, threshold float64) {
	best.reset(k, floor32(threshold), true)
	d := g.dim
	if mode == BinaryInt8Rerank {
		q, step := p.q, p.qstep
		for _, h := range pre.h {
			r := int(h.key)
			best.push(float32(dotInt8(q, g.q[r*d:(r+1)*d]))*(g.qstep[r]*step), g.owner[r])
		}
		return
	}
	for _, h := range pre.h {
		r := int(h.key)
		best.push(dot(p.vec, g.vecs[r*d:(r+1)*d]), g.owner[r])
	}
}

// agreeFloor turns a threshold on 1 − Hamming/dim into the fewest agreeing
// bits, the unit of binary scans: the smallest a with a/dim >= t.
func (g *Gallery) agreeFloor(t float64) float32 {
	d := float64(g.dim)
	a := math.Ceil(max(0, min(d+1, t*d)))
	for a > 0 && (a-1)/d >= t {
		a--
	}
	for a <= d && a/d < t {
		a++
	}
	return float32(a)
}

// scratch is the per-search working memory, kept for reuse so searches do
// not allocate.
type scratch struct {
	tasks  []scanTask
	wg     sync.WaitGroup
	merged topk
	final  topk
	cents  []float32  // scores of list centroids
	lists  topk       // the lists to probe
	ranges []rowRange // their rows
}

// rowRange is the rows [lo, hi) of a gallery.
type rowRange struct{ lo, hi int32 }

// probeRanges returns the rows of the probes lists whose centroids have
// the largest inner products with the probe p, as runs of consecutive rows
// in ascending order.
func (s *scratch) probeRanges(g *Gallery, p []float32, probes int) []rowRange {
	part := g.part
	nl := len(part.rows)
	s.cents = grow(s.cents, nl)
	scoreCentroids(p, part.cents, s.cents)
	s.lists.reset(min(probes, nl), float32(math.Inf(-1)), false)
	for l, c := range s.cents {
		if c >= s.lists.bound() {
			s.lists.push(c, int32(l))
		}
	}
	// Lists in ascending order of their first rows, for a forward sweep.
	slices.SortFunc(s.lists.h, func(a, b hit) int { return int(a.key) - int(b.key) })
	rs := s.ranges[:0]
	for _, h := range s.lists.h {
		rows := part.rows[h.key]
		for i := 0; i < len(rows); {
			j := i + 1
			for j < len(rows) && rows[j] == rows[j-1]+1 {
				j++
			}
			rs = append(rs, rowRange{rows[i], rows[j-1] + 1})
			i = j
		}
	}
	if rs == nil {
		rs = []rowRange{} // not nil: no rows, rather than every row
	}
	s.ranges = rs
	return rs
}

// scratchFree holds idle scratch spaces, most recently used on top. Unlike
// a sync.Pool's, which a garbage collection empties (so the first search
// after two collections allocated again: the alloc per search that long
// 10M benchmarks showed), they stay until a search takes them. A search
// finding none makes one; one finding the stack full, after more searches
// than its capacity ran at once, lets its space go.
var scratchFree struct {
	sync.Mutex
	s []*scratch
}

const maxFreeScratch = 64

func getScratch() *scratch {
	f := &scratchFree
	f.Lock()
	defer f.Unlock()
	if n := len(f.s); n > 0 {
		s := f.s[n-1]
		f.s = f.s[:n-1]
		return s
	}
	return new(scratch)
}

func putScratch(s *scratch) {
	f := &scratchFree
	f.Lock()
	defer f.Unlock()
	if len(f.s) < maxFreeScratch {
		f.s = append(f.s, s)
	}
}

// scan runs one pass of the given mode (Exact, Int8 or Binary) over the
// rows of ranges, or the whole gallery if ranges is nil, split over
// goroutines, and returns the merged best k hits of at least floor:
// identities if dedupe, rows otherwise.
func (s *scratch) scan(g *Gallery, p *Template, ranges []rowRange, mode Mode, k int, floor float32, dedupe bool) *topk {
	n := len(g.owner)
	if ranges != nil {
		n = 0
		for _, r := range ranges {
			n += int(r.hi - r.lo)
		}
	}
	w := max(1, min(runtime.GOMAXPROCS(0), (n+minRowsPerWorker-1)/minRowsPerWorker))
	if cap(s.tasks) < w {
		s.tasks = make([]scanTask, w)
	}
	s.tasks = s.tasks[:w]
	ri, done := 0, int32(0) // the next range, and its rows already given out
	for i := range s.tasks {
		t := &s.tasks[i]
		t.g, t.p, t.mode = g, p, mode
		t.lo, t.hi = n*i/w, n*(i+1)/w
		t.all, t.ranges = ranges == nil, nil
		if ranges != nil {
			// This task's share of the ranges' rows, splitting ranges
			// where the shares meet.
			t.rbuf = t.rbuf[:0]
			for want := int32(t.hi - t.lo); want > 0 && ri < len(ranges); {
				r := ranges[ri]
				lo := r.lo + done
				hi := min(r.hi, lo+want)
				t.rbuf = append(t.rbuf, rowRange{lo, hi})
				want -= hi - lo
				if done = hi - r.lo; hi == r.hi {
					ri, done = ri+1, 0
				}
			}
			t.ranges = t.rbuf
		}
		t.top.reset(k, floor, dedupe)
		t.wg = &s.wg
	}
	s.wg.Add(w - 1)
	for i := 1; i < w; i++ {
		go scanWorker()
	}
	for i := 1; i < w; i++ {
		scanTasks <- &s.tasks[i]
	}
	s.tasks[0].run()
	s.wg.Wait()

	s.merged.reset(k, floor, dedupe)
	for i := range s.tasks {
		t := &s.tasks[i]
		for _, h := range t.top.h {
			s.merged.push(h.score, h.key)
		}
		t.g, t.p, t.wg, t.ranges = nil, nil, nil, nil // let go of the gallery while pooled
	}
	return &s.merged
}

// scanTasks hands tasks to goroutines started by scan. Each search starts as
// many goroutines as it sends tasks, so every task finds a goroutine; a
// goroutine may run another search's task, which is as good. Starting a
// function with no arguments and passing the task over a channel, rather
// than starting a closure, keeps searches free of allocations. The buffer
// lets a search send its tasks and start on its own share at once.
var scanTasks = make(chan *scanTask, 64)

func scanWorker() {
	t := <-scanTasks
	t.run()
	t.wg.Done()
}

// scanTask scans rows [lo, hi) of a gallery into top, or the rows of
// ranges if it is not nil.
type scanTask struct {
	g      *Gallery
	p      *Template
	mode   Mode
	lo, hi int
	all    bool // scan [lo, hi), not ranges
	ranges []rowRange
	rbuf   []rowRange
	top    topk
	wg     *sync.WaitGroup
	fbuf   [scanBlockRows]float32 // float32 scores of a block of rows
	ibuf   [scanBlockRows]int32   // int8 inner products or Hamming distances
}

func (t *scanTask) run() {
	if t.all {
		t.scanRows(t.lo, t.hi)
		return
	}
	for _, r := range t.ranges {
		t.scanRows(int(r.lo), int(r.hi))
	}
}

func (t *scanTask) scanRows(lo, hi int) {
	switch t.mode {
	case Exact:
		t.scanFloat32(lo, hi)
	case Int8:
		t.scanInt8(lo, hi)
	case Binary:
		t.scanBinary(lo, hi)
	}
}

// key returns what hits of row r are kept under: its identity when top
// dedupes, the row otherwise.
func (t *scanTask) key(r int) int32 {
	if t.top.dedupe {
		return t.g.owner[r]
	}
	return int32(r)
}

// The scans score a block of rows per kernel call into the task's buffers,
// then offer the top-k only the scores that reach its bound: one compare per
// row, rows in ascending order, so the results are those of a row-by-row scan.

func (t *scanTask) scanFloat32(first, end int) {
	p, d, rows, top := t.p.vec, t.g.dim, t.g.vecs, &t.top
	bound := top.bound()
	out := t.fbuf[:]
	for lo := first; lo < end; lo += len(out) {
		n := min(len(out), end-lo)
		sc := out[:n]
		dotRowsF32(p, rows[lo*d:(lo+n)*d], sc)
		for i, s := range sc {
			if s < bound {
				continue
			}
			top.push(s, t.key(lo+i))
			bound = top.bound()
		}
	}
}

// scanInt8 scores rows by the estimated cosine DotInt8·step·probe step.
func (t *scanTask) scanInt8(first, end int) {
	p, pstep, d, rows, steps, top := t.p.q, t.p.qstep, t.g.dim, t.g.q, t.g.qstep, &t.top
	bound := top.bound()
	out := t.ibuf[:]
	for lo := first; lo < end; lo += len(out) {
		n := min(len(out), end-lo)
		dots := out[:n]
		dotRowsInt8(p, rows[lo*d:(lo+n)*d], dots)
		st := steps[lo : lo+n]
		for i, x := range dots {
			s := float32(x) * (st[i] * pstep)
			if s < bound {
				continue
			}
			top.push(s, t.key(lo+i))
			bound = top.bound()
		}
	}
}

// scanBinary scores rows by the number of agreeing bits, dim − Hamming,
// and skips rows by comparing Hamming distances with an integer bound.
func (t *scanTask) scanBinary(first, end int) {
	p, w, codes, top := t.p.code, t.g.words, t.g.codes, &t.top
	d := t.g.dim
	maxH := int32(t.maxHamming())
	out := t.ibuf[:]
	for lo := first; lo < end; lo += len(out) {
		n := min(len(out), end-lo)
		hs := out[:n]
		if hammingRows(p, codes[lo*w:(lo+n)*w], hs) > maxH {
			continue // no row of the block reaches the bound
		}
		for i, h := range hs {
			if h > maxH {
				continue
			}
			top.push(float32(d-int(h)), t.key(lo+i))
			maxH = int32(t.maxHamming())
		}
	}
}

// maxHamming returns the largest Hamming distance whose score,
// dim − distance, top may still take.
func (t *scanTask) maxHamming() int {
	b := float64(t.top.bound())
	if b <= 0 {
		return t.g.dim
	}
	return t.g.dim - int(math.Ceil(b))
}

// mustServe panics, naming the caller op, when a probe's dimension is not
// the gallery's or the mode needs rows the gallery does not keep.
func (g *Gallery) mustServe(op string, mode Mode, ms ...*Matcher) {
	for _, m := range ms {
		if m.probe.Dim() != g.dim {
			panic(fmt.Sprintf("match: %s with a probe of dimension %d in a gallery of %d", op, m.probe.Dim(), g.dim))
		}
	}
	if need := mode.keep(); g.keep&need != need {
		panic(fmt.Sprintf("match: %s mode %v needs rows the gallery does not keep", op, mode))
	}
}
