package match

import (
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"runtime"
	"strconv"
	"sync"
	"testing"
	"time"
)

// partBench is the gallery of the last partitioned-search benchmark, kept
// across -cpu and -count repetitions.
var partBench struct {
	n       int
	g       *Gallery
	sources []source
}

// source is an enrolled vector and its ID, for making probes.
type source struct {
	id  string
	vec []float32
}

// partitionedGallery returns a partitioned gallery of n distinct
// signature-like vectors (signatureModel) at d = 256 keeping int8 and
// binary rows, as a 10M gallery must, and 64 probes, each a gallery
// vector plus noise 0.8 (cosine about 0.78 with it), and 2,048 enrolled
// vectors for other probes.
func partitionedGallery(b testing.TB, n int) (*Gallery, []*Matcher, []source) {
	if partBench.n == n {
		return partBench.g, benchProbes(partBench.sources), partBench.sources
	}
	partBench.g, partBench.sources = nil, nil
	benchGallery.g, benchGallery.probe, benchGallery.n = nil, nil, 0
	runtime.GC()
	const dim = 256
	rng := rand.New(rand.NewPCG(91, 92))
	model := newSignatureModel(rng, dim)
	g := NewGallery(dim, KeepInt8|KeepBinary)
	g.Grow(n)
	const chunk = 1 << 16
	var sources []source
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
		for len(sources) < 2048 && len(sources) < (lo+chunk)/256 {
			i := rng.IntN(len(ts))
			sources = append(sources, source{strconv.Itoa(lo + i), ts[i].vec})
		}
	}
	t1 := time.Now()
	g.Partition(nil)
	b.Logf("N=%d: built in %v, partitioned in %v; %s", n, t1.Sub(t0).Round(time.Millisecond), time.Since(t1).Round(time.Millisecond), listBalance(g.Lists()))
	rng.Shuffle(len(sources), func(i, j int) { sources[i], sources[j] = sources[j], sources[i] })
	partBench.n, partBench.g, partBench.sources = n, g, sources
	runtime.GC()
	return g, benchProbes(sources), sources
}

// benchProbes returns the benchmarks' 64 probes: enrolled vectors plus
// noise 0.8.
func benchProbes(sources []source) []*Matcher {
	rng := rand.New(rand.NewPCG(93, 94))
	probes := make([]*Matcher, 64)
	for i := range probes {
		t, err := NewTemplate(noisy(rng, sources[i%len(sources)].vec, 0.8))
		if err != nil {
			panic(err)
		}
		probes[i] = NewMatcher(t)
	}
	return probes
}

// benchPartition times top-1 searches of a partitioned gallery of n
// signature-like vectors: the flat binary scan and flat BinaryInt8Rerank
// beside partitioned Int8 and BinaryInt8Rerank searches probing 16 to 128
// lists. Each reports ms/query, the rows scanned per query, and recall@1
// against the flat int8 search over the same 64 probes (int8 top-1 is the
// exact float32 top-1 to within int8 rounding; TestPartitionRecall
// measures against exact search).
func benchPartition(b *testing.B, n int) {
	g, probes, _ := partitionedGallery(b, n)
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

// TestPartitionRecallLarge measures recall@1 of partitioned Int8 searches
// against the flat int8 search (the gallery keeps no float32 rows) on a
// gallery of PALMID_IVF_LARGE signature-like vectors built as the
// partitioned-search benchmarks build theirs, with PALMID_IVF_PROBES
// probes (default 500) per noise level. Set GOMEMLIMIT for 10M.
func TestPartitionRecallLarge(t *testing.T) {
	n, _ := strconv.Atoi(os.Getenv("PALMID_IVF_LARGE"))
	if n == 0 {
		t.Skip("PALMID_IVF_LARGE unset")
	}
	nProbes := 500
	if s := os.Getenv("PALMID_IVF_PROBES"); s != "" {
		nProbes, _ = strconv.Atoi(s)
	}
	g, _, sources := partitionedGallery(t, n)
	t.Logf("N=%d: %s", n, listBalance(g.Lists()))
	probeCounts := []int{16, 32, 64, 128, 256}
	rng := rand.New(rand.NewPCG(95, 96))
	for _, level := range [][2]float64{{0.5, 1.2}, {2, 2}} {
		hits := make([]int, len(probeCounts))
		planted := 0
		var dst []Candidate
		for i := range nProbes {
			src := sources[i%len(sources)]
			sigma := level[0] + (level[1]-level[0])*rng.Float64()
			m := NewMatcher(mustTemplate(t, noisy(rng, src.vec, sigma)))
			dst = g.Search(dst, m, &SearchOptions{K: 1, Threshold: math.Inf(-1), Mode: Int8})
			truth := dst[0].ID
			if truth == src.id {
				planted++
			}
			for k, pc := range probeCounts {
				dst = g.Search(dst, m, &SearchOptions{K: 1, Threshold: math.Inf(-1), Mode: Int8, Probes: pc})
				if len(dst) > 0 && dst[0].ID == truth {
					hits[k]++
				}
			}
		}
		line := fmt.Sprintf("  noise %.1f to %.1f (cos %.2f to %.2f), %d probes, flat int8 top-1 is the planted vector for %d:",
			level[0], level[1], 1/math.Sqrt(1+level[1]*level[1]), 1/math.Sqrt(1+level[0]*level[0]), nProbes, planted)
		for k, pc := range probeCounts {
			line += fmt.Sprintf(" %d:%.4f", pc, float64(hits[k])/float64(nProbes))
		}
		t.Log(line)
	}
}
