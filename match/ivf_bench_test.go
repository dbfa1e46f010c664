package match

import (
	"math"
	"math/rand/v2"
	"runtime"
	"strconv"
	"sync"
	"testing"
	"time"
)

// partBench is the gallery of the last partitioned-search benchmark, kept
// across -cpu and -count repetitions.
var partBench struct {
	n      int
	g      *Gallery
	probes []*Matcher
}

// partitionedGallery returns a partitioned gallery of n distinct
// signature-like vectors (signatureModel) at d = 256 keeping int8 and
// binary rows, as a 10M gallery must, and 64 probes, each a gallery
// vector plus noise 0.8 (cosine about 0.78 with it).
func partitionedGallery(b *testing.B, n int) (*Gallery, []*Matcher) {
	if partBench.n == n {
		return partBench.g, partBench.probes
	}
	partBench.g, partBench.probes = nil, nil
	benchGallery.g, benchGallery.probe, benchGallery.n = nil, nil, 0
	runtime.GC()
	const dim = 256
	rng := rand.New(rand.NewPCG(91, 92))
	model := newSignatureModel(rng, dim)
	g := NewGallery(dim, KeepInt8|KeepBinary)
	g.Grow(n)
	const chunk = 1 << 16
	var probes []*Matcher
	t0 := time.Now()
	for lo := 0; lo < n; lo += chunk {
		hi := min(n, lo+chunk)
		ts := make([]*Template, hi-lo)
		w := runtime.GOMAXPROCS(0)
		var wg sync.WaitGroup
		for k := range w {
			wg.Go(func() {
				rng := rand.New(rand.NewPCG(uint64(lo), uint64(k)))
				for i := k; i < len(ts); i += w {
					ts[i] = mustTemplate(b, model.draw(rng))
				}
			})
		}
		wg.Wait()
		for i, t := range ts {
			g.Add(strconv.Itoa(lo+i), t)
		}
		for len(probes) < 64 && len(probes) < (lo+chunk)/1024 {
			t := ts[rng.IntN(len(ts))]
			probes = append(probes, NewMatcher(mustTemplate(b, noisy(rng, t.vec, 0.8))))
		}
	}
	t1 := time.Now()
	g.Partition(nil)
	b.Logf("N=%d: built in %v, partitioned in %v; %s", n, t1.Sub(t0).Round(time.Millisecond), time.Since(t1).Round(time.Millisecond), listBalance(g.Lists()))
	partBench.n, partBench.g, partBench.probes = n, g, probes
	runtime.GC()
	return g, probes
}

// benchPartition times top-1 searches of a partitioned gallery of n
// signature-like vectors: the flat binary scan and flat BinaryInt8Rerank
// beside partitioned Int8 and BinaryInt8Rerank searches probing 16 to 128
// lists. Each reports ms/query, the rows scanned per query, and recall@1
// against the flat int8 search over the same 64 probes (int8 top-1 is the
// exact float32 top-1 to within int8 rounding; TestPartitionRecall
// measures against exact search).
func benchPartition(b *testing.B, n int) {
	g, probes := partitionedGallery(b, n)
	lists := g.Lists()
	truth := make([]string, len(probes))
	var dst []Candidate
	for i, m := range probes {
		dst = g.Search(dst, m, &SearchOptions{K: 1, Threshold: math.Inf(-1), Mode: Int8})
		truth[i] = dst[0].ID
	}
	type run struct {
		name   string
		mode   Mode
		probes int
	}
	runs := []run{{"flat/binary", Binary, 0}, {"flat/binary-int8-rerank", BinaryInt8Rerank, 0}}
	for _, p := range []int{16, 32, 64, 128} {
		runs = append(runs, run{"lists/int8/probes" + strconv.Itoa(p), Int8, p},
			run{"lists/binary-int8-rerank/probes" + strconv.Itoa(p), BinaryInt8Rerank, p})
	}
	dst = make([]Candidate, 0, 1)
	for _, r := range runs {
		o := &SearchOptions{K: 1, Threshold: math.Inf(-1), Mode: r.mode, Probes: r.probes}
		b.Run(r.name, func(b *testing.B) {
			hits := 0
			for i, m := range probes {
				if dst = g.Search(dst, m, o); len(dst) > 0 && dst[0].ID == truth[i] {
					hits++
				}
			}
			b.ReportAllocs()
			i := 0
			for b.Loop() {
				dst = g.Search(dst, probes[i%len(probes)], o)
				i++
			}
			perQuery := float64(b.Elapsed().Nanoseconds()) / float64(b.N)
			b.ReportMetric(perQuery/1e6, "ms/query")
			b.ReportMetric(float64(hits)/float64(len(probes)), "recall@1")
			rows := n
			if r.probes > 0 {
				rows = scannedRows(g, probes, r.probes, lists)
			}
			b.ReportMetric(float64(rows), "rows/query")
		})
	}
	sinkC = dst
}

// scannedRows returns the mean number of rows a search probing p lists
// scans, over the probes.
func scannedRows(g *Gallery, probes []*Matcher, p int, lists []int) int {
	s := getScratch()
	defer putScratch(s)
	g.mu.RLock()
	defer g.mu.RUnlock()
	total := 0
	for _, m := range probes {
		for _, r := range s.probeRanges(g, m.probe.vec, p) {
			total += int(r.hi - r.lo)
		}
	}
	return total / len(probes)
}

// BenchmarkPartitionSearch1M holds about 300 MB of rows.
func BenchmarkPartitionSearch1M(b *testing.B) {
	if testing.Short() {
		b.Skip("1M gallery; skipped with -short")
	}
	benchPartition(b, 1_000_000)
}

// BenchmarkPartitionSearch10M holds about 3.3 GB and takes minutes to
// build and partition.
func BenchmarkPartitionSearch10M(b *testing.B) {
	if testing.Short() {
		b.Skip("10M gallery; skipped with -short")
	}
	benchPartition(b, 10_000_000)
}
