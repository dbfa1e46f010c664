// Package match compares palm embeddings: 1:1 with a Matcher, 1:N with an
// in-memory Gallery searched by exact, int8 or binary scans.
//
// An embedding is a float32 vector from a feature extractor; its dimension
// is whatever the extractor gives (256 in the tests and benchmarks).
// NewTemplate copies it, scales it to unit length and derives the int8 and
// binary forms that the fast scans read. A Template is immutable.
//
//	probe, err := match.NewTemplate(embedding)
//	m := match.NewMatcher(probe)
//	score := m.Score(enrolled)                       // 1:1
//	cands := g.Search(buf, m, &match.SearchOptions{  // 1:N
//		K: 10, Threshold: t, Mode: match.Int8Rerank,
//	})
//
// # Scores
//
// Scores are similarities: higher means more alike. Matcher.Score, and
// Search in the modes Exact, Int8Rerank and BinaryRerank, return the cosine
// of the angle between the two embeddings, in [−1, 1]: 1 for the same
// direction, about 0 ± 1/√dim for unrelated random vectors. Mode Int8
// returns an estimate of the cosine from the int8 codes, within about 0.003
// at dimension 256. Mode Binary returns 1 − Hamming/dim, the fraction of
// components whose signs agree: 1 for the same signs, about 0.5 for
// unrelated vectors; for embeddings spread evenly over all directions it is
// about 1 − θ/π, θ the angle between them.
//
// The package applies no decision threshold of its own and the scores are
// not calibrated: a threshold comes from impostor scores of the extractor
// in use, in the same mode (eval.ThresholdForFMR), and a threshold for one
// mode does not carry over to another. A Candidate converts to
// eval.Candidate for identification statistics.
//
// # Which path to use
//
//   - 1:1 verification: NewMatcher(probe).Score(enrolled), one vek32.Dot:
//     tens of nanoseconds at dimension 256.
//   - 1:N, galleries up to about 100,000 templates: Exact. Its scan reads
//     4·dim bytes per template and is bound by memory bandwidth once the
//     rows leave the caches.
//   - Larger galleries: Int8Rerank. It scans the int8 rows (a quarter of
//     the bytes; 0.4 of the time of an exact scan at 1M × 256 on one core of
//     a Zen 1 EPYC)
//     and rescores the best SearchOptions.Rerank templates (10·K by
//     default) exactly, so its scores are exact cosines. In the tests it
//     returns the exact top-1 for every probe, even for probes whose cosine
//     with their enrolled template is only about 0.45.
//   - BinaryRerank scans 256-bit codes (a thirty-second of the bytes; 0.05
//     of the time of an exact scan) and rescores the same way. Its
//     prefilter misses more as genuine scores fall: at 100,000 templates
//     the exact top-1 was kept for every probe at cosine 0.71, for 99.2% at
//     0.55 and for 86% at 0.45 (96% with Rerank 100). Use it where genuine
//     scores are high, or raise Rerank.
//   - Galleries whose float32 rows do not fit in memory: a gallery made with
//     KeepInt8|KeepBinary and mode Int8 or Binary, with approximate scores.
//
// A Gallery keeps only the representations named in NewGallery; a search
// in a mode that needs another panics.
//
// # Concurrency
//
// Templates and Matchers are immutable and safe for concurrent use; one
// Matcher serves any number of simultaneous searches. All Gallery methods
// are safe for concurrent use. Searches hold a read lock for their whole
// scan; Add, Replace and Remove take the write lock, so a change waits for
// the searches in progress, and searches that start after it wait for the
// change. A search therefore sees the gallery either before or after any
// change, never in between.
//
// One search splits its scan into row ranges over GOMAXPROCS goroutines
// (galleries of fewer than 8,192 templates per goroutine use fewer) and
// merges their top-K lists. Neither Matcher.Score nor a warm Search
// allocates: pass a dst with capacity K to Search.
//
// # Kernels
//
// Dot computes float32 inner products with github.com/viterin/vek's AVX2
// kernel where the CPU has AVX2 and FMA, and an unrolled Go loop
// elsewhere. DotInt8 has an AVX2 assembly kernel on amd64, left out by the
// purego build tag. Hamming is plain Go (math/bits.OnesCount64). Every
// kernel is tested against the plain loop shown in its doc comment; run
// the tests with GODEBUG=cpu.avx2=off, or -tags purego, to exercise the
// portable paths on an AVX2 machine. No kernel needs cgo.
package match
