package match

import (
	"fmt"
	"math"
	"math/rand/v2"
	"runtime"
	"strconv"
	"testing"

	"github.com/viterin/vek/vek32"
)

// Kernel benchmarks at small, medium, large and huge dimensions. The plain
// Go loops are the reference: /work/shared/bench/README.md gives 172 ns for
// the float32 one at d = 256 and 12.8 ns for vek32.Dot on the reference
// machine, so compare ratios measured in the same run.

var (
	sinkF32 float32
	sinkI32 int32
	sinkInt int
	sinkC   []Candidate
)

var benchDims = []struct {
	name string
	d    int
}{{"small", 64}, {"medium", 256}, {"large", 1024}, {"huge", 16384}}

func BenchmarkDot(b *testing.B) {
	rng := rand.New(rand.NewPCG(51, 52))
	for _, s := range benchDims {
		x, y := randVec(rng, s.d), randVec(rng, s.d)
		b.Run("ref-"+s.name+"-"+strconv.Itoa(s.d), func(b *testing.B) {
			for b.Loop() {
				sinkF32 += dotRef(x, y)
			}
		})
		b.Run("go-"+s.name+"-"+strconv.Itoa(s.d), func(b *testing.B) {
			for b.Loop() {
				sinkF32 += dotGo(x, y)
			}
		})
		b.Run("Dot-"+s.name+"-"+strconv.Itoa(s.d), func(b *testing.B) {
			for b.Loop() {
				sinkF32 += Dot(x, y)
			}
		})
	}
}

func BenchmarkDotInt8(b *testing.B) {
	rng := rand.New(rand.NewPCG(53, 54))
	for _, s := range benchDims {
		x, y := randInt8(rng, s.d), randInt8(rng, s.d)
		b.Run("ref-"+s.name+"-"+strconv.Itoa(s.d), func(b *testing.B) {
			for b.Loop() {
				sinkI32 += dotInt8Ref(x, y)
			}
		})
		b.Run("DotInt8-"+s.name+"-"+strconv.Itoa(s.d), func(b *testing.B) {
			for b.Loop() {
				sinkI32 += DotInt8(x, y)
			}
		})
	}
}

func BenchmarkHamming(b *testing.B) {
	rng := rand.New(rand.NewPCG(55, 56))
	for _, s := range benchDims {
		x, y := randCode(rng, CodeWords(s.d)), randCode(rng, CodeWords(s.d))
		b.Run("ref-"+s.name+"-"+strconv.Itoa(s.d), func(b *testing.B) {
			for b.Loop() {
				sinkInt += hammingRef(x, y)
			}
		})
		b.Run("Hamming-"+s.name+"-"+strconv.Itoa(s.d), func(b *testing.B) {
			for b.Loop() {
				sinkInt += Hamming(x, y)
			}
		})
	}
}

func BenchmarkScore(b *testing.B) {
	rng := rand.New(rand.NewPCG(57, 58))
	m := NewMatcher(mustTemplate(b, randVec(rng, 256)))
	c := mustTemplate(b, randVec(rng, 256))
	b.ReportAllocs()
	for b.Loop() {
		sinkF32 += float32(m.Score(c))
	}
}

// benchGallery is the gallery of the last search benchmark, kept across the
// -cpu and -count repetitions and dropped before a larger one is built.
var benchGallery struct {
	n     int
	keep  Keep
	g     *Gallery
	probe *Matcher
}

// searchGallery returns a gallery of n identities with one template each
// at d = 256, and a probe that is a gallery vector plus noise. The rows
// cycle through 65,536 random unit vectors: scan times do not depend on the
// values, and building stays quick.
func searchGallery(b *testing.B, n int, keep Keep) (*Gallery, *Matcher) {
	if benchGallery.n == n && benchGallery.keep == keep {
		return benchGallery.g, benchGallery.probe
	}
	benchGallery.g, benchGallery.probe = nil, nil
	runtime.GC()
	const dim = 256
	rng := rand.New(rand.NewPCG(59, 60))
	pool := make([]*Template, min(n, 1<<16))
	for i := range pool {
		pool[i] = mustTemplate(b, randVec(rng, dim))
	}
	g := NewGallery(dim, keep)
	g.Grow(n)
	for i := range n {
		if err := g.Add(strconv.Itoa(i), pool[i%len(pool)]); err != nil {
			b.Fatal(err)
		}
	}
	j := rng.IntN(len(pool))
	p := mustTemplate(b, noisy(rng, pool[j].vec, 0.8))
	benchGallery.n, benchGallery.keep, benchGallery.g, benchGallery.probe = n, keep, g, NewMatcher(p)
	runtime.GC()
	return g, benchGallery.probe
}

var benchModes = []struct {
	name string
	mode Mode
}{{"float32", Exact}, {"int8", Int8}, {"binary", Binary}, {"int8-rerank", Int8Rerank}, {"binary-rerank", BinaryRerank}, {"binary-int8-rerank", BinaryInt8Rerank}}

// benchSearch times top-1 searches of every mode the gallery keeps. The
// ns/row metric is the time per query divided by the gallery's size.
func benchSearch(b *testing.B, n int, keep Keep) {
	g, m := searchGallery(b, n, keep)
	dst := make([]Candidate, 0, 1)
	for _, bm := range benchModes {
		if need := bm.mode.keep(); keep&need != need {
			continue
		}
		o := &SearchOptions{K: 1, Threshold: math.Inf(-1), Mode: bm.mode}
		b.Run(bm.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				dst = g.Search(dst, m, o)
			}
			perQuery := float64(b.Elapsed().Nanoseconds()) / float64(b.N)
			b.ReportMetric(perQuery/float64(n), "ns/row")
			b.ReportMetric(perQuery/1e6, "ms/query")
			b.ReportMetric(1e9/perQuery, "queries/s")
		})
	}
	sinkC = dst
}

// benchSearchBatch times SearchBatch (top-1) at batches of 1, 8 and 64
// probes in the modes the gallery keeps, with the time per query (the
// batch's time over its size) and queries per second.
func benchSearchBatch(b *testing.B, n int, keep Keep) {
	g, _ := searchGallery(b, n, keep)
	rng := rand.New(rand.NewPCG(63, 64))
	probes := make([]*Matcher, 64)
	for i := range probes {
		probes[i] = NewMatcher(mustTemplate(b, randVec(rng, g.Dim())))
	}
	var dst [][]Candidate
	for _, bm := range benchModes {
		if need := bm.mode.keep(); keep&need != need || bm.mode > Binary {
			continue
		}
		o := &SearchOptions{K: 1, Threshold: math.Inf(-1), Mode: bm.mode}
		for _, batch := range []int{1, 8, 64} {
			b.Run(bm.name+"/batch"+strconv.Itoa(batch), func(b *testing.B) {
				b.ReportAllocs()
				for b.Loop() {
					dst = g.SearchBatch(dst, probes[:batch], o)
				}
				perQuery := float64(b.Elapsed().Nanoseconds()) / float64(b.N) / float64(batch)
				b.ReportMetric(perQuery/float64(n), "ns/row")
				b.ReportMetric(perQuery/1e6, "ms/query")
				b.ReportMetric(1e9/perQuery, "queries/s")
			})
		}
	}
	if len(dst) > 0 {
		sinkC = dst[0]
	}
}

func BenchmarkSearchBatch100k(b *testing.B) { benchSearchBatch(b, 100_000, KeepAll) }

// BenchmarkSearchBatch1M holds 1.3 GiB of rows.
func BenchmarkSearchBatch1M(b *testing.B) {
	if testing.Short() {
		b.Skip("1.3 GiB gallery; skipped with -short")
	}
	benchSearchBatch(b, 1_000_000, KeepAll)
}

func BenchmarkSearch1k(b *testing.B)   { benchSearch(b, 1_000, KeepAll) }
func BenchmarkSearch100k(b *testing.B) { benchSearch(b, 100_000, KeepAll) }

// BenchmarkSearch1M holds 1.3 GiB of rows.
func BenchmarkSearch1M(b *testing.B) {
	if testing.Short() {
		b.Skip("1.3 GiB gallery; skipped with -short")
	}
	benchSearch(b, 1_000_000, KeepAll)
}

// BenchmarkSearch10M keeps int8 and binary rows only: 2.9 GiB of rows and
// about 1.5 GiB of identities.
func BenchmarkSearch10M(b *testing.B) {
	if testing.Short() {
		b.Skip("4.5 GiB gallery; skipped with -short")
	}
	benchSearch(b, 10_000_000, KeepInt8|KeepBinary)
}

// BenchmarkReferenceScan times plain top-1 scans of 1M rows at d = 256, as
// /work/shared/bench/scan.c does in C: vek32.Dot per float32 row (44 ms on
// the reference machine), then Dot (the same through this package's checks), the plain int8 loop, and the plain OnesCount64
// loop over 256-bit codes (1.97 ms there).
func BenchmarkReferenceScan(b *testing.B) {
	if testing.Short() {
		b.Skip("1.3 GiB of rows; skipped with -short")
	}
	const n, d = 1_000_000, 256
	rng := rand.New(rand.NewPCG(61, 62))
	b.Run("float32-vek", func(b *testing.B) {
		rows, p := randVec(rng, n*d), randVec(rng, d)
		for b.Loop() {
			best, bi := float32(math.Inf(-1)), -1
			for i := range n {
				if s := vek32.Dot(p, rows[i*d:(i+1)*d]); s > best {
					best, bi = s, i
				}
			}
			sinkInt += bi
		}
	})
	b.Run("float32-Dot", func(b *testing.B) {
		rows, p := randVec(rng, n*d), randVec(rng, d)
		for b.Loop() {
			best, bi := float32(math.Inf(-1)), -1
			for i := range n {
				if s := Dot(p, rows[i*d:(i+1)*d]); s > best {
					best, bi = s, i
				}
			}
			sinkInt += bi
		}
	})
	b.Run("int8-plain", func(b *testing.B) {
		rows, p := randInt8(rng, n*d), randInt8(rng, d)
		for b.Loop() {
			best, bi := int32(math.MinInt32), -1
			for i := range n {
				if s := dotInt8Ref(p, rows[i*d:(i+1)*d]); s > best {
					best, bi = s, i
				}
			}
			sinkInt += bi
		}
	})
	b.Run("binary-plain", func(b *testing.B) {
		rows, p := randCode(rng, n*4), randCode(rng, 4)
		for b.Loop() {
			best, bi := math.MaxInt, -1
			for i := range n {
				if h := hammingRef(p, rows[i*4:(i+1)*4]); h < best {
					best, bi = h, i
				}
			}
			sinkInt += bi
		}
	})
}

// BenchmarkDotX4 times the four-probe batch kernels against four calls of
// the single-probe ones, at d = 256 with the operands in the L1 cache.
func BenchmarkDotX4(b *testing.B) {
	const d = 256
	rng := rand.New(rand.NewPCG(65, 66))
	pf, r := randVec(rng, 4*d), randVec(rng, d)
	q8, r8 := randInt8(rng, 4*d), randInt8(rng, d)
	pq := make([]int16, 4*d)
	for i, x := range q8 {
		pq[i] = int16(x)
	}
	var of [4]float32
	var oi [4]int32
	b.Run("float32-x4", func(b *testing.B) {
		for b.Loop() {
			dotF32x4(pf, r, &of)
		}
		sinkF32 += of[0]
	})
	b.Run("float32-4xDot", func(b *testing.B) {
		for b.Loop() {
			for i := range 4 {
				of[i] = dot(pf[i*d:(i+1)*d], r)
			}
		}
		sinkF32 += of[0]
	})
	b.Run("int8-x4", func(b *testing.B) {
		for b.Loop() {
			dotInt8x4(pq, r8, &oi)
		}
		sinkI32 += oi[0]
	})
	b.Run("int8-4xDotInt8", func(b *testing.B) {
		for b.Loop() {
			for i := range 4 {
				oi[i] = dotInt8(q8[i*d:(i+1)*d], r8)
			}
		}
		sinkI32 += oi[0]
	})
}

// BenchmarkScanRows times the single-probe row kernels alone over 1M rows
// at d = 256 in blocks of scanBlockRows, as Search's scans call them: the
// gap between these and BenchmarkSearch1M is the top-k bookkeeping. Compare
// with the read bandwidth floor of ../shared/bench/membw.c (rows' bytes
// over GB/s: 1.024 GB float32, 256 MB int8, 32 MB binary).
func BenchmarkScanRows(b *testing.B) {
	if testing.Short() {
		b.Skip("1 GiB of rows; skipped with -short")
	}
	const n, d = 1_000_000, 256
	rng := rand.New(rand.NewPCG(67, 68))
	b.Run("float32", func(b *testing.B) {
		rows, p := make([]float32, n*d), randVec(rng, d)
		for i := range rows {
			rows[i] = float32(i%7) * 0.1
		}
		var out [scanBlockRows]float32
		for b.Loop() {
			for lo := 0; lo < n; lo += scanBlockRows {
				m := min(scanBlockRows, n-lo)
				dotRowsF32(p, rows[lo*d:(lo+m)*d], out[:m])
			}
		}
		sinkF32 += out[0]
	})
	b.Run("int8", func(b *testing.B) {
		rows, p := make([]int8, n*d), randInt8(rng, d)
		for i := range rows {
			rows[i] = int8(i)
		}
		var out [scanBlockRows]int32
		for b.Loop() {
			for lo := 0; lo < n; lo += scanBlockRows {
				m := min(scanBlockRows, n-lo)
				dotRowsInt8(p, rows[lo*d:(lo+m)*d], out[:m])
			}
		}
		sinkI32 += out[0]
	})
	b.Run("binary", func(b *testing.B) {
		rows, p := randCode(rng, n*4), randCode(rng, 4)
		var out [scanBlockRows]int32
		for b.Loop() {
			for lo := 0; lo < n; lo += scanBlockRows {
				m := min(scanBlockRows, n-lo)
				sinkI32 += hammingRows(p, rows[lo*4:(lo+m)*4], out[:m])
			}
		}
	})
}

// BenchmarkGalleryMemory reports the heap a gallery of 100,000 and of
// 1,000,000 identities with one template each holds per template, at
// d = 256, for each kept representation: rows, the identity tables, the
// arena of IDs ("0" to "999999") and the table of names. Per template,
// rows take 1024 bytes (float32), 260 (int8 and its step) and 32
// (binary), plus 8 for the row's owner and the next row of its identity;
// the rest is the identity's first row, the start of its name, the name
// (a length byte and its bytes) and the table's cells. Run it with
// -benchtime 1x; the 1M galleries are skipped with -short.
func BenchmarkGalleryMemory(b *testing.B) {
	const dim = 256
	rng := rand.New(rand.NewPCG(67, 68))
	pool := make([]*Template, 1024)
	for i := range pool {
		pool[i] = mustTemplate(b, randVec(rng, dim))
	}
	for _, n := range []int{100_000, 1_000_000} {
		ids := make([]string, n)
		for i := range ids {
			ids[i] = strconv.Itoa(i)
		}
		for _, k := range []struct {
			name string
			keep Keep
		}{{"float32", KeepFloat32}, {"int8", KeepInt8}, {"int8+binary", KeepInt8 | KeepBinary}, {"binary", KeepBinary}, {"all", KeepAll}} {
			b.Run(fmt.Sprintf("%s/%d", k.name, n), func(b *testing.B) {
				if n > 100_000 && testing.Short() {
					b.Skip("1M templates; skipped with -short")
				}
				var perTemplate float64
				for b.Loop() {
					var m0, m1 runtime.MemStats
					runtime.GC()
					runtime.ReadMemStats(&m0)
					g := NewGallery(dim, k.keep)
					g.Grow(n) // as a gallery loaded from a store that knows its size
					for i := range n {
						id := string([]byte(ids[i])) // a fresh string, as one read from a store
						if err := g.Add(id, pool[i%len(pool)]); err != nil {
							b.Fatal(err)
						}
					}
					runtime.GC()
					runtime.ReadMemStats(&m1)
					perTemplate = float64(m1.HeapAlloc-m0.HeapAlloc) / float64(n)
					runtime.KeepAlive(g)
				}
				b.ReportMetric(perTemplate, "B/template")
			})
		}
	}
}
