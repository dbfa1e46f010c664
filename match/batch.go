package match

import (
	"math"
	"math/bits"
	"runtime"
	"sync"
)

// Rows per block of a batched scan: each block is scored against every
// probe of the batch while it sits in the L2 cache (256 KiB of float32 rows
// at dimension 256).
const batchBlockBytes = 256 << 10

// dotF32x4Go is the portable kernel of batched float32 scans: the inner
// products of r with four probes packed one after another in p,
//
//	for i := range 4 {
//		out[i] = Dot(p[i*len(r):(i+1)*len(r)], r)
//	}
//
// with the terms of each sum added in another order.
func dotF32x4Go(p, r []float32, out *[4]float32) {
	d := len(r)
	p0, p1, p2, p3 := p[:d], p[d:2*d], p[2*d:3*d], p[3*d:4*d]
	var s0, s1, s2, s3 float32
	for i, x := range r {
		s0 += p0[i] * x
		s1 += p1[i] * x
		s2 += p2[i] * x
		s3 += p3[i] * x
	}
	out[0], out[1], out[2], out[3] = s0, s1, s2, s3
}

// dotInt8x4Go is the portable kernel of batched int8 scans: the exact inner
// products of r with four probes, widened to int16 and packed in p,
//
//	for i := range 4 {
//		var s int32
//		for j, x := range r {
//			s += int32(p[i*len(r)+j]) * int32(x)
//		}
//		out[i] = s
//	}
func dotInt8x4Go(p []int16, r []int8, out *[4]int32) {
	d := len(r)
	p0, p1, p2, p3 := p[:d], p[d:2*d], p[2*d:3*d], p[3*d:4*d]
	var s0, s1, s2, s3 int32
	for i, x := range r {
		v := int32(x)
		s0 += int32(p0[i]) * v
		s1 += int32(p1[i]) * v
		s2 += int32(p2[i]) * v
		s3 += int32(p3[i]) * v
	}
	out[0], out[1], out[2], out[3] = s0, s1, s2, s3
}

// SearchBatch runs Search for each of the matchers with the same options and
// returns their results in order, reusing dst[i] for the i-th where dst has
// one. One pass over the gallery serves the whole batch: the rows are read
// in blocks that stay in the cache while every probe is scored against them,
// so a batch reads the gallery from memory once instead of once per probe,
// and the float32 and int8 kernels score four probes per row read. Results
// are those of Search, except that float32 scores may differ from it in the
// last bits (the sums are added in another order), which can reorder
// candidates whose scores tie to within a few units in the last place.
//
// A nil opts means DefaultSearchOptions. The scan is split over GOMAXPROCS
// goroutines as Search's is. Rerank modes rescore each probe's candidates
// exactly after the batched prefilter. A batch of one probe, and a batch
// with Probes > 0 in a partitioned gallery, run Search for each probe.
//
// It panics where Search would for any of the matchers.
func (g *Gallery) SearchBatch(dst [][]Candidate, ms []*Matcher, opts *SearchOptions) [][]Candidate {
	o := &DefaultSearchOptions
	if opts != nil {
		o = opts
	}
	if math.IsNaN(o.Threshold) {
		panic("match: SearchBatch threshold is NaN")
	}
	k := max(o.K, 1)
	mode := o.Mode
	for len(dst) < len(ms) {
		dst = append(dst, nil)
	}
	dst = dst[:len(ms)]
	for i := range dst {
		dst[i] = dst[i][:0]
	}
	if len(ms) == 0 {
		return dst
	}
	if len(ms) == 1 || o.Probes > 0 && g.partitioned() {
		// Search's single-probe row kernels read the rows faster than the
		// four-probe kernels with three empty probes, and each probe of a
		// partitioned gallery scans lists of its own.
		for i, m := range ms {
			dst[i] = g.Search(dst[i], m, opts)
		}
		return dst
	}

	g.mu.RLock()
	defer g.mu.RUnlock()
	g.mustServe("SearchBatch", mode, ms...)
	if len(g.owner) == 0 {
		return dst
	}

	s := batchPool.Get().(*batchScratch)
	defer batchPool.Put(s)
	scan := mode.scan()
	var floor float32
	kk, dedupe := k, true
	switch mode {
	case Exact, Int8:
		floor = floor32(o.Threshold)
	case Binary:
		floor = g.agreeFloor(o.Threshold)
	default:
		r := o.Rerank
		if r <= 0 {
			r = 10 * k
		}
		kk, dedupe, floor = max(r, k), false, float32(math.Inf(-1))
	}
	tops := s.scan(g, ms, scan, kk, floor, dedupe)
	for i, m := range ms {
		best := &tops[i]
		if mode != scan {
			best = &s.final
			g.rescore(best, m.probe, &tops[i], mode, k, o.Threshold)
		}
		for _, h := range best.sorted() {
			score := float64(h.score)
			if mode == Binary {
				score /= float64(g.dim)
			}
			dst[i] = append(dst[i], Candidate{ID: g.id(h.key), Score: score})
		}
	}
	return dst
}

// batchScratch is the working memory of one SearchBatch, pooled.
type batchScratch struct {
	pf     []float32 // float32 probes, packed four by four (padded with zeros)
	pq     []int16   // int8 probes widened to int16, packed the same way
	pstep  []float32 // int8 probe steps
	tasks  []batchTask
	merged []topk
	final  topk
	wg     sync.WaitGroup
}

var batchPool = sync.Pool{New: func() any { return new(batchScratch) }}

// scan runs one batched pass of mode (Exact, Int8 or Binary) and returns
// the merged top-k of every probe.
func (s *batchScratch) scan(g *Gallery, ms []*Matcher, mode Mode, k int, floor float32, dedupe bool) []topk {
	nb := (len(ms) + 3) &^ 3
	d := g.dim
	switch mode {
	case Exact:
		s.pf = grow(s.pf, nb*d)
		clear(s.pf[len(ms)*d:])
		for i, m := range ms {
			copy(s.pf[i*d:], m.probe.vec)
		}
	case Int8:
		s.pq = grow(s.pq, nb*d)
		clear(s.pq[len(ms)*d:])
		s.pstep = grow(s.pstep, len(ms))
		for i, m := range ms {
			for j, x := range m.probe.q {
				s.pq[i*d+j] = int16(x)
			}
			s.pstep[i] = m.probe.qstep
		}
	}
	n := len(g.owner)
	w := min(runtime.GOMAXPROCS(0), (n+minRowsPerWorker-1)/minRowsPerWorker)
	if cap(s.tasks) < w {
		s.tasks = make([]batchTask, w)
	}
	s.tasks = s.tasks[:w]
	for i := range s.tasks {
		t := &s.tasks[i]
		t.g, t.ms, t.s, t.mode = g, ms, s, mode
		t.lo, t.hi = n*i/w, n*(i+1)/w
		if cap(t.tops) < len(ms) {
			t.tops = make([]topk, len(ms))
		}
		t.tops = t.tops[:len(ms)]
		for j := range t.tops {
			t.tops[j].reset(k, floor, dedupe)
		}
		t.wg = &s.wg
	}
	s.wg.Add(w - 1)
	for i := 1; i < w; i++ {
		go batchWorker()
	}
	for i := 1; i < w; i++ {
		batchTasks <- &s.tasks[i]
	}
	s.tasks[0].run()
	s.wg.Wait()

	if cap(s.merged) < len(ms) {
		s.merged = make([]topk, len(ms))
	}
	s.merged = s.merged[:len(ms)]
	for j := range s.merged {
		m := &s.merged[j]
		m.reset(k, floor, dedupe)
		for i := range s.tasks {
			for _, h := range s.tasks[i].tops[j].h {
				m.push(h.score, h.key)
			}
		}
	}
	for i := range s.tasks {
		t := &s.tasks[i]
		t.g, t.ms, t.s, t.wg = nil, nil, nil, nil
	}
	return s.merged
}

func grow[T any](s []T, n int) []T {
	if cap(s) < n {
		return make([]T, n)
	}
	return s[:n]
}

var batchTasks = make(chan *batchTask, 64)

func batchWorker() {
	t := <-batchTasks
	t.run()
	t.wg.Done()
}

// batchTask scans rows [lo, hi) of a gallery for every probe of a batch.
type batchTask struct {
	g      *Gallery
	ms     []*Matcher
	s      *batchScratch
	mode   Mode
	lo, hi int
	tops   []topk
	wg     *sync.WaitGroup
}

func (t *batchTask) run() {
	switch t.mode {
	case Exact:
		t.scanFloat32()
	case Int8:
		t.scanInt8()
	case Binary:
		t.scanBinary()
	}
}

func (t *batchTask) key(j, r int) int32 {
	if t.tops[j].dedupe {
		return t.g.owner[r]
	}
	return int32(r)
}

// push offers probe j the score s of row r.
func (t *batchTask) push(j int, s float32, r int) {
	if top := &t.tops[j]; s >= top.bound() {
		top.push(s, t.key(j, r))
	}
}

func (t *batchTask) scanFloat32() {
	d, rows, np := t.g.dim, t.g.vecs, len(t.ms)
	block := max(1, batchBlockBytes/(4*d))
	var out [4]float32
	for lo := t.lo; lo < t.hi; lo += block {
		hi := min(lo+block, t.hi)
		for j := 0; j < np; j += 4 {
			p := t.s.pf[j*d : (j+4)*d]
			for r := lo; r < hi; r++ {
				dotF32x4(p, rows[r*d:(r+1)*d], &out)
				for i := range min(4, np-j) {
					t.push(j+i, out[i], r)
				}
			}
		}
	}
}

func (t *batchTask) scanInt8() {
	d, rows, steps, np := t.g.dim, t.g.q, t.g.qstep, len(t.ms)
	block := max(1, batchBlockBytes/d)
	var out [4]int32
	for lo := t.lo; lo < t.hi; lo += block {
		hi := min(lo+block, t.hi)
		for j := 0; j < np; j += 4 {
			p := t.s.pq[j*d : (j+4)*d]
			ps := t.s.pstep[j:min(j+4, np)]
			for r := lo; r < hi; r++ {
				dotInt8x4(p, rows[r*d:(r+1)*d], &out)
				for i, step := range ps {
					t.push(j+i, float32(out[i])*(steps[r]*step), r)
				}
			}
		}
	}
}

func (t *batchTask) scanBinary() {
	w, d, codes := t.g.words, t.g.dim, t.g.codes
	block := max(1, batchBlockBytes/(8*w))
	for lo := t.lo; lo < t.hi; lo += block {
		hi := min(lo+block, t.hi)
		for j, m := range t.ms {
			p := m.probe.code
			top := &t.tops[j]
			bound := top.bound()
			if w == 4 {
				p0, p1, p2, p3 := p[0], p[1], p[2], p[3]
				for r := lo; r < hi; r++ {
					c := codes[r*4 : r*4+4 : r*4+4]
					h := bits.OnesCount64(p0^c[0]) + bits.OnesCount64(p1^c[1]) +
						bits.OnesCount64(p2^c[2]) + bits.OnesCount64(p3^c[3])
					if s := float32(d - h); s >= bound {
						top.push(s, t.key(j, r))
						bound = top.bound()
					}
				}
				continue
			}
			for r := lo; r < hi; r++ {
				if s := float32(d - hamming(p, codes[r*w:(r+1)*w])); s >= bound {
					top.push(s, t.key(j, r))
					bound = top.bound()
				}
			}
		}
	}
}
