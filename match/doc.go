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
// The cosine scores of embeddings are not calibrated: a threshold comes
// from impostor scores of the extractor in use, in the same mode
// (eval.ThresholdForFMR), and a threshold for one mode does not carry over
// to another. A Candidate converts to eval.Candidate for identification
// statistics.
//
// # Thresholds as false-match rates
//
// A threshold is chosen by the false-match rate (FMR) it stands for. A
// Calibration table, measured with package eval on a large synthetic
// population and embedded in the package (LoadCalibration, by name), maps
// false-match rates to thresholds for one comparison made by one model at
// one version; Calibration.Check refuses a table of another version, and
// tables are remeasured whenever a model changes (palmid calibrate). For a
// rate f, ThresholdForFMR(f) returns the threshold of the table's point
// with the largest FMR at most f, and ErrFMRUnresolved when f is below
// what the table's impostor count resolves: a point for FMR f rests on at
// least MinFalseMatches/f impostor comparisons (10 million for 1e-6).
// FMRForScore maps a score back to the rate accepting it stands for.
//
//	cal, err := match.LoadCalibration(match.CalPalmNIR)
//	t, err := cal.ThresholdForFMR(1e-6)
//	if palm.CompareBest(probe, enrolled) >= t { ... }
//
// Until learned embeddings land, the tables cover the extractors palmid
// has: palm competitive codes (palm.CompareBest) and vein templates
// (vein.Compare). They were measured on ground-truth ROIs
// (synth.TruthROI), so that they describe the matchers apart from the
// hand finder: palm.FindROI adds its own misalignment, which lowers
// genuine scores more than impostor ones, and tables measured on its ROIs
// are still to come.
//
// The embedded tables come from synth seed 6, a population no matcher
// parameter was tuned on, at realistic difficulty. Every ordered pair of
// distinct identities is an impostor comparison (probe: device sample 1;
// enrolled: device sample 0 or the phone photo, sample 0).
//
//   - palm-nir (palmid calibrate --identities 10100 --phone-identities 1
//     --tables palm-nir, commit b92b09a): device captures of 10,100
//     identities, 101,999,900 impostor and 10,100 genuine comparisons,
//     enough for 1e-7; down to 1e-6 its thresholds agree to within 0.0007
//     with those of the 3,300-identity run that the other tables share.
//   - palm-phone-nir (palmid calibrate --identities 3300
//     --phone-identities 1600, commit bb0dd90): phone photos of the first
//     1,600 of 3,300 identities; 10,556,800 phone-device impostor
//     comparisons (both device samples as probes against every other
//     identity's phone photo) and 3,200 genuine ones.
//   - vein-nir and palm-vein-nir (--identities 3300 --phone-identities 1,
//     commit 8bf5794, vein.TemplateVersion 2): the same 3,300 identities'
//     device captures, 10,886,700 impostor and 3,300 genuine comparisons.
//     An earlier 1,100-identity run of version 2 (1,208,900 impostors)
//     agreed with them to within 0.002 down to 1e-5.
//
// Each cell is the threshold, score ≥ x ⇒ FMR ≤ the row's rate on that
// population, with the FNMR there in brackets; the tables hold three
// points a decade down to the last rate with at least 10 impostor scores
// above its threshold. Only palm-nir resolves 1e-7, which needs 100
// million impostor comparisons.
//
//	FMR <=    palm-nir         vein-nir         palm-vein-nir    palm-phone-nir
//	0.01      0.5878 (0.028)   0.5301 (0.017)   0.5480 (0.008)   0.5859 (0.059)
//	0.001     0.6019 (0.050)   0.5637 (0.035)   0.5670 (0.018)   0.5993 (0.097)
//	0.0001    0.6145 (0.078)   0.5928 (0.068)   0.5839 (0.031)   0.6110 (0.144)
//	1e-05     0.6262 (0.108)   0.6193 (0.117)   0.5988 (0.048)   0.6212 (0.197)
//	1e-06     0.6381 (0.150)   0.6411 (0.163)   0.6116 (0.075)   0.6336 (0.271)
//	1e-07     0.6481 (0.192)   -                -                -
//
// palm-nir is palm.CompareBest of a device NIR palm code against the
// palm.EnrolCodes of another device capture; vein-nir is vein.Compare of
// two device vein templates; palm-vein-nir is the mean of the two scores
// of the same captures; palm-phone-nir is the enrolment check below. At
// the last point of a table a threshold rests on 10 to 12 impostor
// scores, so the rate there is known to about ±30% (one Poisson standard
// deviation), and it holds for this synthetic population: real
// populations, and ROIs from a hand finder, need tables of their own.
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
//   - Many probes at once (a server answering several devices): SearchBatch.
//     It reads the gallery once per batch, in blocks that stay in the
//     cache while every probe of the batch is scored against them, and its
//     float32 and int8 kernels score four probes per row read. At 1M ×
//     256 on one core of a shared, busy Zen 1 EPYC (bench/compare.sh; see
//     bench/README.md), float32 served 5.6, 22.7 and 24.6 queries/s at
//     batches of 1, 8 and 64, against 10.3 for FAISS IndexFlatIP with
//     OpenBLAS at batch 64 in the same run; past about 8 probes the scan is
//     bound by arithmetic, not memory, and throughput grows little more.
//     A batch of one probe runs Search, whose single-probe kernels are
//     faster than the four-probe ones with three probes empty.
//   - Galleries whose float32 rows do not fit in memory: a gallery made with
//     KeepInt8|KeepBinary (292 bytes of rows a template at dimension 256)
//     and mode BinaryInt8Rerank, which scans the binary codes and rescores
//     the best Rerank templates from their int8 rows (scores within about
//     0.003 of the cosine, as Int8's); its prefilter is BinaryRerank's, so
//     the same recall notes apply. Int8 and Binary alone also work there.
//   - Galleries of millions of templates that must be searched in a small
//     fraction of a scan's time: Partition the gallery and search with
//     SearchOptions.Probes (see Partitioned galleries below), in mode Int8
//     or Int8Rerank. Its cost is that of the rows of the probed lists; its
//     recall depends on how the embeddings cluster, so measure it on the
//     extractor's own embeddings before trusting a number of probes.
//
// The binary prefilter's recall also depends on the embeddings. The
// figures above are for vectors spread evenly over all directions; on the
// signature-like vectors of the partition tests (a direction common to
// all, clusters, a few strong principal directions), whose sign bits are
// correlated, flat BinaryInt8Rerank kept the exact top-1 for only about
// 98% of probes at cosine 0.78 (1M templates), and Binary alone 95%.
//
// A Gallery keeps only the representations named in NewGallery; a search
// in a mode that needs another panics.
//
// # Partitioned galleries
//
// Gallery.Partition learns centroids by spherical k-means from a sample
// of the rows (40 per list; by default 2·√N lists), in two levels: about
// √lists top cells, then as many lists in each cell as its share of the
// sample, so that big clusters get more lists. Each row joins the list
// whose centroid has the largest inner product with it among the lists of
// its six best top cells, and the rows are reordered so that each list's
// rows are contiguous. A search with Probes = p scores the probe against
// every centroid (a few thousand inner products, well under a
// millisecond) and scans only the rows of the p best lists, with the
// mode's own kernels; the rerank modes then rescore as usual. The lists
// cost 8 bytes a row (its list, and its entry in the list) and 4·dim
// bytes a list. Templates added afterwards join the list of their nearest
// centroid; removed ones leave theirs; the centroids stay as learned, so
// call Partition again after the gallery has changed much. Searches and
// changes go on while Partition learns; it holds the write lock only to
// catch up with the changes made meanwhile and to reorder the rows. A
// SyncedGallery partitions its index after every full load when
// SyncOptions.Partition is set (a reload builds a new index, without
// lists otherwise), and again on SyncedGallery.Partition.
//
// Recall is what a partition trades for speed: a probe whose enrolled
// template lies in a list it does not probe misses it, however it is
// scored. Lists say much about nearness when embeddings cluster, as
// learned ones do, and little when they are spread evenly over all
// directions. Recall@1 against exact float32 search (Int8Rerank, K = 1;
// each probe an enrolled vector plus Gaussian noise, the cosine with it
// given; 2,000 probes a cell for signature-like vectors, 200 for
// isotropic ones; PALMID_IVF_EXPLORE below):
//
//	vectors    N     lists  probes  rows scanned  cos 0.64 to 0.89  cos 0.45
//	signature  1M    2000   16      0.96%         0.9955            0.906
//	signature  1M    2000   32      1.9%          0.9985            0.964
//	signature  1M    2000   64      3.8%          1.0000            0.987
//	signature  1M    2000   128     7.7%          1.0000            0.9985
//	signature  1M    2000   256     15%           1.0000            0.9995
//	signature  10M   6324   16      0.29%         0.993 *           0.797 *
//	signature  10M   6324   32      0.56%         1.000 *           0.870 *
//	signature  10M   6324   64      1.1%          1.000 *           0.943 *
//	signature  10M   6324   128     2.2%          1.000 *           0.977 *
//	signature  10M   6324   256     4.4%          1.000 *           0.997 *
//	isotropic  100k  632    64      10%           0.82 to 0.995     0.62
//	isotropic  100k  632    256     40%           0.975 to 1.000    0.925
//
// * At 10M the reference is the flat int8 search (Int8, probes likewise),
// not exact search: the float32 rows of 10M templates did not fit beside
// the others on the test machine; 300 probe templates a cell
// (PALMID_IVF_LARGE below). At cosine 0.45 the flat top-1 was the probe's
// own enrolled vector for only 224 of the 300: at 10M other identities of
// its cluster come as near.
//
// "signature" is the tests' model of learned embeddings (signatureModel in
// ivf_test.go: a direction common to all, 64 clusters of Zipf-distributed
// sizes, 8 strong principal directions, an isotropic remainder); its lists
// are unbalanced (at 1M: 1 to 1,467 rows, median 508, mean 500; probes
// land in big lists more often, so a probed list holds 1.2 times the
// mean, and 1.26 times at 10M). "isotropic" is random unit vectors, where
// lists are balanced but k-means centroids carry little information:
// there a partition saves little at useful recall, and a flat scan is the
// honest choice. TestPartitionRecall checks recall@1 ≥ 0.999 on
// signature-like vectors at cosine 0.56 to 0.89 with a sixth of the lists
// probed (20,000 vectors with -short, 50,000 without). Real palm
// signatures will cluster differently: measure recall on them, with
// PALMID_IVF_EXPLORE or as TestPartitionRecall does, before choosing
// Probes. From these figures, 64 probes of 2,000 lists (1M) or 32 of
// 6,324 (10M) kept every top-1 at cosine 0.64 and above; at cosine 0.45,
// 128 probes lost 0.15% at 1M and 256 lost 0.3% at 10M.
//
// Times on one core of the project's shared 2-core Zen 1 EPYC (load
// average 8 to 10 from other jobs; BenchmarkPartitionSearch1M and 10M,
// -cpu 1), signature-like vectors, a gallery of int8 and binary rows as a
// 10M gallery must be, top-1, 64 probe templates at cosine about 0.78
// with their enrolled vectors; recall@1 here is against the flat int8
// search (the bench gallery keeps no float32 rows), over those 64 only. The
// read-bandwidth floor (membw, same run) is the rows' bytes over the
// bandwidth: 9.3 GB/s before the 10M run and 6.6 after it.
//
//	N = 10M, 6,324 lists           ms/query  rows scanned  recall@1
//	flat Binary                    54.7      10,000,000    0.83  (floor 34 to 48 ms)
//	flat BinaryInt8Rerank          51.3      10,000,000    0.97
//	lists, Int8, 16 probes          2.5          29,020    1.00
//	lists, Int8, 32 probes          3.6          56,074    1.00
//	lists, Int8, 64 probes          6.7         110,054    1.00
//	lists, Int8, 128 probes        11.1         219,121    1.00  (floor 6.1 to 8.6 ms)
//	lists, BinaryInt8Rerank, 16-128 1.6 to 2.8               0.97
//
//	N = 1M, 2,000 lists (8.4 GB/s)
//	flat Binary                     4.9       1,000,000    0.95  (floor 3.8 ms)
//	flat BinaryInt8Rerank           4.8       1,000,000    0.98
//	lists, Int8, 16 probes          0.51          8,489    1.00
//	lists, Int8, 128 probes         2.4          66,614    1.00  (floor 2.1 ms)
//
// So at 10M a partitioned Int8 search probing 128 lists took a fifth of
// the flat binary scan's time (a quarter to a third of that scan's
// bandwidth floor) with better recall; the binary prefilter inside the lists is faster still,
// but loses what the flat binary scan loses. Learning the lists is the
// price: on the same loaded machine, 29 s for 1M rows and 9 to 11 minutes
// for 10M (on 2 cores: mostly assigning every row to a list, about 550
// inner products a row), against 4 to 6 minutes to generate and enrol the
// 10M templates.
//
// Reproduce with:
//
//	PALMID_IVF_EXPLORE=1000000 PALMID_IVF_MODELS=signature PALMID_IVF_PROBES=2000 \
//		PALMID_IVF_NOISE=0.5-1.2,2 PALMID_IVF_PROBECOUNTS=16,32,64,128,256 \
//		go test -run PartitionExplore -v -timeout 40m ./match
//	GOMEMLIMIT=4800MiB go test -run '^$' -bench 'PartitionSearch(1M|10M)$' -cpu 1 -benchtime 10x -timeout 60m ./match
//	GOMEMLIMIT=4800MiB PALMID_IVF_LARGE=10000000 PALMID_IVF_PROBES=300 go test -run PartitionRecallLarge -v -timeout 60m ./match
//
// # Enrolment check
//
// VerifyEnrolment is the cross-modal check of enrolment: a person enrols
// from a phone photo, and a device that sees the same palm in near-infrared
// confirms that the photo is theirs. It compares the device's NIR palm code
// (palm.NewCode) with the phone photo's enrolment codes (palm.EnrolCodes)
// and decides at a false-match rate (VerifyOptions.FMR, default
// DefaultVerifyFMR = 1e-6) through its own table, CalPalmPhoneNIR: phone
// and NIR images of one palm differ more than two NIR images do, and
// impostor scores differ too, so the device-to-device table does not carry
// over. The Decision holds the score, the threshold and the FMR the score
// stands for. The phone sees no veins, so the vein template takes no part;
// learned signatures will join the check with tables of their own.
//
// At the default 1e-6 (threshold 0.6336) the check accepted 72.9% of the
// 3,200 genuine phone-device pairs of the calibration population (FNMR
// 0.271), and at 1e-4 (0.6110) 85.6%; on 24 identities of another seed
// (TestVerifyEnrolment) it accepted 18 of 24 genuine pairs and none of 552
// impostor pairs at 1e-6. These are ground-truth ROIs: phone photos cut
// by a hand finder will score lower.
//
// # Concurrency
//
// Templates and Matchers are immutable and safe for concurrent use; one
// Matcher serves any number of simultaneous searches. All Gallery methods
// are safe for concurrent use. Searches hold a read lock for their whole
// scan; Add, Replace and Remove take the write lock, so a change waits for
// the searches in progress, and searches that start after it wait for the
// change. A search therefore sees the gallery either before or after any
// change, never in between. Partition lets searches and changes go on
// while it learns its lists, and holds the write lock only to install
// them (see Partitioned galleries).
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
// purego build tag. SearchBatch scores four probes per row read, with AVX2
// assembly kernels on amd64 (FMA for float32; VPMADDWD on probes widened
// to int16 for int8, exact) and plain four-probe Go loops beside them.
// Search's single-probe scans score 256 rows per call of a row kernel
// (kernel_rows_amd64.s: AVX2 float32 rows bit-identical to vek32.Dot, AVX2
// int8 rows, POPCNT Hamming rows that also return the block's least
// distance so that blocks which cannot enter the top-k are skipped), and
// offer the top-k only scores that reach its bound. Hamming on its own is
// plain Go (math/bits.OnesCount64). Every kernel is tested
// against the plain loop shown in its doc comment; run
// the tests with GODEBUG=cpu.avx2=off, or -tags purego, to exercise the
// portable paths on an AVX2 machine. No kernel needs cgo.
//
// # Persistence
//
// A Store keeps the gallery outside the process: one record per identity,
// holding its templates as Template.MarshalBinary writes them (a versioned
// frame with a CRC-32C; UnmarshalTemplate refuses other versions and checks
// every size against the data before it allocates). Only the float32
// vectors are stored; the int8 and binary rows are derived search
// structures, rebuilt when a gallery loads, so a change of quantisation
// needs no migration. Records of another TemplateVersion are refused, not
// converted: keep the captures if templates may need re-extracting.
//
// OpenGallery builds a SyncedGallery, the in-memory index, from a store at
// start and keeps it in step: Put and Delete write through the store first
// and change the index only once the store has committed, so what a search
// finds survives a crash. Stores decode records on all cores while loading.
//
//	s, err := match.OpenBolt("gallery.db", &match.BoltOptions{Key: key})
//	g, err := match.OpenGallery(ctx, s, 256, &match.SyncOptions{Keep: match.KeepInt8 | match.KeepFloat32})
//	err = g.Put(ctx, "alice", t1, t2)    // replaces alice's templates, atomically
//	cands := g.Search(nil, m, opts)
//
// Two stores come with the package. BoltStore, the embedded default, is one
// file written through go.etcd.io/bbolt: each write is a transaction synced
// before it returns, so killing the process (tested with SIGKILL in the
// middle of writes, in a child process) loses nothing acknowledged, and a
// write in progress is whole or absent. PGStore keeps the records in a
// PostgreSQL table (id text primary key, record bytea), created with its
// trigger if missing, for galleries shared by many nodes; PostgreSQL's
// replication, not palmid, makes it survive the loss of a machine.
//
// Most of palmid's share of start-up is decoding (a CRC, the int8 and
// binary rows built from each vector) and the index's appends. On this
// project's shared 2-core machine (load average 13 to 15 while measuring,
// so wall times are pessimistic), with the store in the page cache, 1M
// identities of one template at dimension 256, index KeepInt8|KeepFloat32:
//
//	store               wall     CPU (palmid)   stored per identity
//	bbolt               32 s     12.4 s         1,915 B (file)
//	bbolt, sealed       37 s     13.3 s
//	PostgreSQL 15       44 s     11.7 s         1,223 B (table)
//	PostgreSQL, sealed  64 s     12.9 s
//
// A cold start adds reading the file or table from disk. The index then
// holds 299 B per template in KeepInt8 mode (260 B of rows), 71 B in
// KeepBinary, 1,063 B in KeepFloat32 and 1,355 B in KeepAll, with 16-byte
// ids: besides its rows, a template costs 8 B (its identity, the next row
// of that identity) and an identity about 10 B and its name, kept in one
// byte arena with an open-addressing table of slots (no Go string, slice
// or map entry per identity). Reproduce with (PALMID_PG_DSN set for the
// PostgreSQL rows):
//
//	go test -run '^$' -bench 'Startup|SyncedGalleryMemory' -benchtime 1x ./match
//
// # Testing against PostgreSQL
//
// PGStore's tests read the server's address from PALMID_PG_DSN and skip,
// saying so, when it is unset or unreachable. .ci/run starts a throwaway
// server on loopback; by hand, with Debian's postgresql package:
//
//	d=$(mktemp -d); chown postgres $d  # as root; or skip runuser below
//	runuser -u postgres -- /usr/lib/postgresql/15/bin/initdb -D $d/data -A trust -U postgres
//	runuser -u postgres -- /usr/lib/postgresql/15/bin/pg_ctl -D $d/data -l $d/log -w \
//		-o "-c listen_addresses=127.0.0.1 -p 54329 -k $d" start
//	PALMID_PG_DSN='postgres://postgres@127.0.0.1:54329/postgres?sslmode=disable' go test -run PG ./match
//
// # Sealing
//
// With a key (BoltOptions.Key, PGOptions.Key: 32 bytes), every record is
// sealed at rest with AES-256-GCM from the standard library, under a random
// nonce, with the identity's name as associated data: a record altered, or
// copied under another identity, does not open. A store is sealed or not
// from its creation on, and records a key check, so opening it with a
// wrong key, without its key, or with a key when it was made without one,
// fails at once with an error wrapping ErrSealed. A damaged record gives
// an error wrapping ErrRecord or ErrSealed that names the identity; no
// stored bytes make the package panic (FuzzUnmarshalTemplate and
// FuzzDecodeRecord). The key itself is the application's to keep (a KMS,
// a TPM, a secrets file): the package only takes it.
//
// # Many nodes
//
// Any number of nodes may share one PostgreSQL table, each with its own
// SyncedGallery. The table's trigger notifies a channel named after it
// (LISTEN/NOTIFY) of every identity put or deleted, whoever wrote it;
// each node listens on a connection of its own and re-reads the
// identities it is told of, so an enrolment or a deletion on one node is
// searchable or gone on the others within milliseconds (the test requires
// a second; it measures about 40 ms on a loaded 2-core machine). A node that loses its
// listening connection reconnects, with a pause that doubles up to five
// seconds, then reloads the whole table (building the new index beside the
// old one, so for a while it needs memory for both) and carries on from
// the notifications that arrived since it listened again;
// SyncOptions.OnError hears of each failure. Writes to one identity reach
// every index in the order PostgreSQL committed them: a node re-reads the
// row rather than trusting the order of notifications.
//
// # Sharding
//
// A gallery larger than one machine's memory is split by identity:
// identity id lives in shard ShardOf(id, n), a jump consistent hash of its
// name, so every node agrees on it without a directory and growing from n
// to n+1 shards moves only about 1/(n+1) of the identities, all to the new
// shard. A ShardedGallery searches its shards concurrently (Shard is
// LocalShard of an in-process gallery, or a client of another node's) and
// merges their best K: as an identity lives in one shard only, the result
// is what one gallery of all identities would return, equal scores
// ordered by id (tested against one gallery with up to five shards). The
// rerank modes rescore each shard's best Rerank templates, so they find
// candidates at least as good. If a shard fails, Search returns the
// others' candidates with an error naming it; the caller decides whether
// a partial answer will do.
//
// Shards map onto PostgreSQL in one of two ways, both followed by nodes
// exactly as above:
//
//   - One table per shard in one database: PGOptions.Table
//     "palmid_templates_0" … "_<n−1>"; the nodes of shard i open table i.
//     Each table has its own trigger and channel, so a node hears only of
//     its own shard. This is manual partitioning: simple, one server.
//   - One database (one server, or one primary with its replicas) per
//     shard: the nodes of shard i get the DSN of database i, each with the
//     default table. Storage, write load and replication scale with the
//     shards.
//
// Writers route a Put or Delete of id to the store of shard ShardOf(id, n);
// ShardedGallery.Shard gives the index. PostgreSQL's own declarative
// partitioning (PARTITION BY HASH) is not used: its hash is not ShardOf,
// and a node would still need to listen to its partition alone.
package match
