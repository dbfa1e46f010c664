package match

import (
	"math"
	"math/rand/v2"
	"runtime"
	"slices"
	"sync"
)

// PartitionOptions are the settings of Gallery.Partition.
type PartitionOptions struct {
	// Lists is the number of lists the rows are split into; 0 means
	// 2·√rows, at least 1, and values above the number of rows are
	// lowered to it.
	Lists int
	// Sample is the number of rows k-means learns the centroids from; 0
	// means 40 per list (at most every row).
	Sample int
	// Iterations is the number of k-means rounds at each of the two
	// levels; 0 means 12.
	Iterations int
	// Seed seeds the sample and the first centroids: the same gallery and
	// seed give the same lists.
	Seed uint64
}

// partition is the coarse quantiser of a partitioned gallery: unit
// centroids of lists, learned by spherical k-means in two levels (top
// cells, then lists within each cell, as many in a cell as its share of
// the sample), and the rows of each list.
type partition struct {
	cents    []float32 // lists·dim: unit centroids of the lists
	top      []float32 // tops·dim: unit centroids of the top cells
	topLists []int32   // tops+1: the lists of top cell c are [topLists[c], topLists[c+1])
	rows     [][]int32 // per list: its rows, ascending
	listOf   []int32   // per row: its list
	dim      int
	buf      []float32 // scores of centroids and a row, for addRow under the write lock
}

// partitionTopCells is the number of best top cells whose lists a row is
// compared with when it is assigned to a list. With 3, 4.7% of the rows of
// a 20k gallery of signature-like vectors were not in the list of their
// nearest centroid, which cost recall (at 100k and cosine 0.64, 16 probes:
// 0.993 against 0.996 comparing with every list); 6 gave 0.995, for
// about a tenth of the inner products of every list at 10M rows (6,325
// lists in 80 cells).
const partitionTopCells = 6

// Partition splits the gallery's rows into lists around centroids learned
// by k-means on a sample of them, and reorders the rows so that each
// list's rows are contiguous. Afterwards a search with
// SearchOptions.Probes > 0 scans only the rows of the Probes lists whose
// centroids are nearest the probe: for a gallery of N rows in L lists,
// about Probes·N/L rows instead of N. Templates added later join the list
// of the nearest centroid (their rows are no longer contiguous with the
// list's older ones); removed ones leave their lists. Calling Partition
// again learns new lists from the rows then enrolled; the centroids are
// not updated otherwise, so repartition after the gallery has changed
// much.
//
// The lists are learned from the float32 rows if the gallery keeps them,
// else from the int8 rows, else from the binary codes. Learning takes
// about half a minute per million rows on a loaded 2-core machine, most of
// it assigning rows to lists. Searches and changes go on meanwhile: the
// sample is copied under the write lock (a fraction of a second), k-means
// runs on the copy without any lock, and rows are assigned in chunks of
// 65,536 under the read lock.
// Partition then takes the write lock to assign the rows changed
// meanwhile and to reorder the rows (about a second per million rows),
// during which searches and changes wait. Until it returns, searches use
// the gallery's former lists, if any. Calls of Partition run one at a
// time.
//
// It panics if the gallery is empty.
func (g *Gallery) Partition(opts *PartitionOptions) {
	var o PartitionOptions
	if opts != nil {
		o = *opts
	}
	g.partMu.Lock()
	defer g.partMu.Unlock()

	g.mu.Lock()
	if len(g.owner) == 0 {
		g.mu.Unlock()
		panic("match: Partition of an empty gallery")
	}
	g.dirty = make([]int32, 0, 64) // rows whose contents change from now on
	xs, lists := g.samplePartition(o)
	g.mu.Unlock()

	p := trainPartition(o, xs, g.dim, lists)
	var listOf []int32
	for {
		g.mu.RLock()
		n := len(g.owner)
		listOf = listOf[:min(len(listOf), n)] // rows removed meanwhile
		done := len(listOf)
		if done == n {
			g.mu.RUnlock()
			break
		}
		hi := min(n, done+partitionChunk)
		listOf = append(listOf, make([]int32, hi-done)...)
		p.assignRows(g, listOf, done, hi)
		g.mu.RUnlock()
	}

	g.mu.Lock()
	defer g.mu.Unlock()
	n := len(g.owner)
	listOf = listOf[:min(len(listOf), n)]
	if done := len(listOf); done < n { // rows added since the last chunk
		listOf = append(listOf, make([]int32, n-done)...)
		p.assignRows(g, listOf, done, n)
	}
	buf := make([]float32, len(p.topLists)-1+len(p.rows))
	x := make([]float32, g.dim)
	for _, r := range g.dirty {
		if int(r) < n {
			g.rowVec(x, int(r))
			listOf[r] = p.assign(x, buf)
		}
	}
	g.dirty = nil
	p.listOf = slices.Grow(listOf, cap(g.owner)-n)
	g.reorderByList(p)
	g.part = p
}

// partitionChunk is the number of rows Partition assigns to lists per
// hold of the read lock.
var partitionChunk = 1 << 16 // a variable for tests

// Lists returns the number of rows of each list of a partitioned gallery,
// in the order of their centroids, or nil if the gallery has no lists.
func (g *Gallery) Lists() []int {
	g.mu.RLock()
	defer g.mu.RUnlock()
	if g.part == nil {
		return nil
	}
	sizes := make([]int, len(g.part.rows))
	for i, r := range g.part.rows {
		sizes[i] = len(r)
	}
	return sizes
}

// rowVec writes row r of the gallery as a float32 vector into dst, from
// the most precise representation kept (unit length only for float32).
func (g *Gallery) rowVec(dst []float32, r int) {
	d := g.dim
	switch {
	case g.keep&KeepFloat32 != 0:
		copy(dst, g.vecs[r*d:(r+1)*d])
	case g.keep&KeepInt8 != 0:
		for i, x := range g.q[r*d : (r+1)*d] {
			dst[i] = float32(x)
		}
	default:
		w := g.words
		for i := range dst {
			if g.codes[r*w+i>>6]>>(i&63)&1 != 0 {
				dst[i] = 1
			} else {
				dst[i] = -1
			}
		}
	}
}

// samplePartition returns a sample of the rows, as unit float32 vectors
// one after another, and the number of lists.
func (g *Gallery) samplePartition(o PartitionOptions) ([]float32, int) {
	n, d := len(g.owner), g.dim
	lists := o.Lists
	if lists <= 0 {
		lists = max(1, int(2*math.Sqrt(float64(n))))
	}
	lists = min(lists, n)
	sample := o.Sample
	if sample <= 0 {
		sample = 40 * lists
	}
	sample = max(min(sample, n), lists)
	rng := rand.New(rand.NewPCG(o.Seed, 0x5851f42d4c957f2d))
	pick := make([]int32, n)
	for i := range pick {
		pick[i] = int32(i)
	}
	for i := range sample { // partial Fisher–Yates: distinct rows
		j := i + rng.IntN(n-i)
		pick[i], pick[j] = pick[j], pick[i]
	}
	pick = pick[:sample]
	slices.Sort(pick)
	xs := make([]float32, sample*d)
	for i, r := range pick {
		x := xs[i*d : (i+1)*d]
		g.rowVec(x, int(r))
		normalizeInPlace(x)
	}
	return xs, lists
}

// trainPartition learns the centroids of lists lists from the sample xs.
func trainPartition(o PartitionOptions, xs []float32, d, lists int) *partition {
	iters := o.Iterations
	if iters <= 0 {
		iters = 12
	}
	rng := rand.New(rand.NewPCG(o.Seed, 0x9e3779b97f4a7c15))
	sample := len(xs) / d
	tops := max(1, min(lists, int(math.Round(math.Sqrt(float64(lists))))))
	top, assign := sphericalKMeans(rng, xs, d, tops, iters)

	// Lists per top cell in proportion to its share of the sample.
	members := make([][]int32, tops)
	for i, c := range assign {
		members[c] = append(members[c], int32(i))
	}
	counts := apportion(members, lists)
	p := &partition{dim: d, top: top, topLists: make([]int32, tops+1)}
	sub := make([]float32, 0, sample*d/max(1, tops))
	for c, m := range members {
		p.topLists[c+1] = p.topLists[c] + int32(counts[c])
		if counts[c] == 0 {
			continue
		}
		sub = sub[:0]
		for _, i := range m {
			sub = append(sub, xs[int(i)*d:(int(i)+1)*d]...)
		}
		cents, _ := sphericalKMeans(rng, sub, d, counts[c], iters)
		p.cents = append(p.cents, cents...)
	}
	p.rows = make([][]int32, len(p.cents)/d)
	return p
}

// apportion splits total lists over the cells in proportion to their
// members (largest remainders), giving every cell with members at least
// one and none more than its members.
func apportion(members [][]int32, total int) []int {
	sum := 0
	for _, m := range members {
		sum += len(m)
	}
	counts := make([]int, len(members))
	given := 0
	rem := make([]float64, len(members))
	for c, m := range members {
		if len(m) == 0 {
			continue
		}
		share := float64(total) * float64(len(m)) / float64(sum)
		counts[c] = min(len(m), max(1, int(share)))
		rem[c] = share - float64(counts[c])
		given += counts[c]
	}
	for given < total {
		best := -1
		for c, m := range members {
			if counts[c] < len(m) && (best < 0 || rem[c] > rem[best]) {
				best = c
			}
		}
		if best < 0 {
			break
		}
		counts[best]++
		rem[best]--
		given++
	}
	return counts
}

// sphericalKMeans clusters the unit vectors xs (rows of d) into k unit
// centroids by maximum inner product, starting from k distinct points, and
// returns the centroids and each point's cluster. A cluster left empty
// restarts from a point of the largest cluster.
func sphericalKMeans(rng *rand.Rand, xs []float32, d, k, iters int) ([]float32, []int32) {
	m := len(xs) / d
	cents := make([]float32, k*d)
	for i, j := range rng.Perm(m)[:k] {
		copy(cents[i*d:(i+1)*d], xs[j*d:(j+1)*d])
	}
	assign := make([]int32, m)
	sums := make([]float64, k*d)
	sizes := make([]int, k)
	for it := 0; ; it++ {
		assignAll(xs, d, cents, assign)
		if it == iters {
			return cents, assign
		}
		clear(sums)
		clear(sizes)
		for i, c := range assign {
			sizes[c]++
			s := sums[int(c)*d : (int(c)+1)*d]
			for j, x := range xs[i*d : (i+1)*d] {
				s[j] += float64(x)
			}
		}
		for c := range k {
			cent := cents[c*d : (c+1)*d]
			if sizes[c] == 0 {
				big := 0
				for j, s := range sizes {
					if s > sizes[big] {
						big = j
					}
				}
				// A random member of the largest cluster, nudged apart.
				for {
					i := rng.IntN(m)
					if int(assign[i]) == big {
						copy(cent, xs[i*d:(i+1)*d])
						break
					}
				}
				for j := range cent {
					cent[j] += float32(1e-3 * rng.NormFloat64())
				}
				normalizeInPlace(cent)
				continue
			}
			for j, s := range sums[c*d : (c+1)*d] {
				cent[j] = float32(s)
			}
			normalizeInPlace(cent)
		}
	}
}

// assignAll writes into assign the index of the centroid with the largest
// inner product with each point, on all cores.
func assignAll(xs []float32, d int, cents []float32, assign []int32) {
	m := len(xs) / d
	w := max(1, min(runtime.GOMAXPROCS(0), m/1024))
	var wg sync.WaitGroup
	for t := range w {
		wg.Go(func() {
			scores := make([]float32, len(cents)/d)
			for i := m * t / w; i < m*(t+1)/w; i++ {
				scoreCentroids(xs[i*d:(i+1)*d], cents, scores)
				assign[i] = int32(argmax(scores))
			}
		})
	}
	wg.Wait()
}

// scoreCentroids writes the inner products of x with each centroid of
// cents (rows of len(x)) into out, four centroids per kernel call.
func scoreCentroids(x, cents, out []float32) {
	d := len(x)
	k := len(cents) / d
	var o4 [4]float32
	i := 0
	for ; i+4 <= k; i += 4 {
		dotF32x4(cents[i*d:(i+4)*d], x, &o4)
		copy(out[i:i+4], o4[:])
	}
	for ; i < k; i++ {
		out[i] = dot(x, cents[i*d:(i+1)*d])
	}
}

func argmax(s []float32) int {
	b := 0
	for i, x := range s {
		if x > s[b] {
			b = i
		}
	}
	return b
}

func normalizeInPlace(x []float32) {
	var ss float64
	for _, v := range x {
		ss += float64(v) * float64(v)
	}
	if ss == 0 {
		return
	}
	f := float32(1 / math.Sqrt(ss))
	for i := range x {
		x[i] *= f
	}
}

// assign returns the list of the vector x: the best of the lists of its
// partitionTopCells best top cells. buf holds at least as many floats as
// there are top cells and lists.
func (p *partition) assign(x, buf []float32) int32 {
	d := p.dim
	tops := len(p.topLists) - 1
	ts := buf[:tops]
	scoreCentroids(x, p.top, ts)
	best, bestScore := int32(0), float32(math.Inf(-1))
	for range min(partitionTopCells, tops) {
		c := argmax(ts)
		ts[c] = float32(math.Inf(-1))
		lo, hi := int(p.topLists[c]), int(p.topLists[c+1])
		ls := buf[tops : tops+hi-lo]
		scoreCentroids(x, p.cents[lo*d:hi*d], ls)
		if i := argmax(ls); len(ls) > 0 && ls[i] > bestScore {
			best, bestScore = int32(lo+i), ls[i]
		}
	}
	return best
}

// assignRows writes the list of rows [lo, hi) of g into listOf, on all
// cores.
func (p *partition) assignRows(g *Gallery, listOf []int32, lo, hi int) {
	d := g.dim
	w := max(1, min(runtime.GOMAXPROCS(0), (hi-lo)/4096))
	var wg sync.WaitGroup
	for t := range w {
		wg.Go(func() {
			x := make([]float32, d)
			buf := make([]float32, len(p.topLists)-1+len(p.rows))
			for r := lo + (hi-lo)*t/w; r < lo+(hi-lo)*(t+1)/w; r++ {
				g.rowVec(x, r)
				listOf[r] = p.assign(x, buf)
			}
		})
	}
	wg.Wait()
}

// reorderByList permutes the gallery's rows, in place, so that the rows of
// each list are contiguous and in their former order, and fills p.rows.
func (g *Gallery) reorderByList(p *partition) {
	n := len(g.owner)
	start := make([]int32, len(p.rows)+1)
	for _, l := range p.listOf {
		start[l+1]++
	}
	for l := range p.rows {
		start[l+1] += start[l]
	}
	to := make([]int32, n) // row r moves to to[r]
	next := slices.Clone(start[:len(p.rows)])
	for r, l := range p.listOf {
		to[r] = next[l]
		next[l]++
	}
	all := make([]int32, n)
	for i := range all {
		all[i] = int32(i)
	}
	for l := range p.rows {
		p.rows[l] = slices.Clip(all[start[l]:start[l+1]])
	}
	// Follow the permutation's cycles, carrying one row at a time.
	d, w := g.dim, g.words
	var fv []float32
	var fq []int8
	var fc []uint64
	var fs float32
	var fo, fn int32
	hold := func(r int) { // the row to carry
		if g.keep&KeepFloat32 != 0 {
			fv = append(fv[:0], g.vecs[r*d:(r+1)*d]...)
		}
		if g.keep&KeepInt8 != 0 {
			fq = append(fq[:0], g.q[r*d:(r+1)*d]...)
			fs = g.qstep[r]
		}
		if g.keep&KeepBinary != 0 {
			fc = append(fc[:0], g.codes[r*w:(r+1)*w]...)
		}
		fo, fn = g.owner[r], g.next[r]
	}
	swap := func(r int) { // exchange the carried row with row r
		if g.keep&KeepFloat32 != 0 {
			row := g.vecs[r*d : (r+1)*d]
			for i := range row {
				row[i], fv[i] = fv[i], row[i]
			}
		}
		if g.keep&KeepInt8 != 0 {
			row := g.q[r*d : (r+1)*d]
			for i := range row {
				row[i], fq[i] = fq[i], row[i]
			}
			g.qstep[r], fs = fs, g.qstep[r]
		}
		if g.keep&KeepBinary != 0 {
			row := g.codes[r*w : (r+1)*w]
			for i := range row {
				row[i], fc[i] = fc[i], row[i]
			}
		}
		g.owner[r], fo = fo, g.owner[r]
		g.next[r], fn = fn, g.next[r]
	}
	done := make([]bool, n)
	for r0 := range n {
		if done[r0] || to[r0] == int32(r0) {
			done[r0] = true
			continue
		}
		hold(r0)
		for r := r0; !done[r]; {
			done[r] = true
			r = int(to[r])
			swap(r) // r now holds the carried row; carry the one it held
		}
	}
	for i, x := range g.next {
		if x >= 0 {
			g.next[i] = to[x]
		}
	}
	for s, x := range g.first {
		if x >= 0 {
			g.first[s] = to[x]
		}
	}
	lists := make([]int32, n)
	for r, l := range p.listOf {
		lists[to[r]] = l
	}
	copy(p.listOf, lists)
}

// addRow puts new row r of g in the list of its nearest centroid, found
// from the row as Partition finds it for older rows.
func (p *partition) addRow(g *Gallery, r int32) {
	if len(p.buf) == 0 {
		p.buf = make([]float32, len(p.topLists)-1+len(p.rows)+g.dim)
	}
	x := p.buf[len(p.buf)-g.dim:]
	g.rowVec(x, int(r))
	l := p.assign(x, p.buf)
	p.rows[l] = append(p.rows[l], r) // r is the highest row: still ascending
	p.listOf = append(p.listOf, l)
}

// moveRow mirrors Gallery.moveLastRow: row r leaves its list, and the last
// row becomes row r in its own.
func (p *partition) moveRow(r, last int32) {
	l := p.listOf[r]
	rows := p.rows[l]
	i, _ := slices.BinarySearch(rows, r)
	p.rows[l] = slices.Delete(rows, i, i+1)
	if r != last {
		l = p.listOf[last]
		rows = p.rows[l]
		// last is the list's highest row: its last entry. Put r in its place.
		rows = rows[:len(rows)-1]
		i, _ := slices.BinarySearch(rows, r)
		p.rows[l] = slices.Insert(rows, i, r)
		p.listOf[r] = l
	}
	p.listOf = p.listOf[:last]
}

func (g *Gallery) partitioned() bool {
	g.mu.RLock()
	defer g.mu.RUnlock()
	return g.part != nil
}
