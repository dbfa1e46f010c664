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
// holds 369 B per template in KeepInt8 mode (260 B of rows), 141 B in
// KeepBinary, 1,133 B in KeepFloat32 and 1,425 B in KeepAll, with 16-byte
// ids. Reproduce with (PALMID_PG_DSN set for the PostgreSQL rows):
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
