package match

import (
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"runtime"
	"syscall"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	bolt "go.etcd.io/bbolt"
)

// Start-up benchmarks: how long a node takes to open a store of n
// identities (one template each, dimension 256) and build its index. They
// write the store once, outside the timing (minutes at 1M), and read it
// from the page cache: a cold start adds the time to read the file (about
// 1.1 KB per template) from disk.
//
//	go test -run '^$' -bench 'Startup' -benchtime 1x ./match
//	PALMID_PG_DSN=... go test -run '^$' -bench 'StartupPG' -benchtime 1x ./match
//
// The 1M benchmarks are skipped with -short.

const benchDim = 256

// benchIdentities calls put with n identities: "%016x" names and one
// template each, from a seeded generator. Templates are made by a few
// goroutines, as their generation costs more than the writing.
func benchIdentities(b *testing.B, n int, put func(i int, id string, t *Template)) {
	const chunk = 4096
	type item struct {
		id string
		t  *Template
	}
	ch := make(chan []item, 4)
	go func() {
		defer close(ch)
		for lo := 0; lo < n; lo += chunk {
			rng := rand.New(rand.NewPCG(uint64(lo), 77))
			items := make([]item, 0, chunk)
			for i := lo; i < min(n, lo+chunk); i++ {
				items = append(items, item{fmt.Sprintf("%016x", rng.Uint64()), unitTemplate(b, rng, benchDim)})
			}
			ch <- items
		}
	}()
	i := 0
	for items := range ch {
		for _, it := range items {
			put(i, it.id, it.t)
			i++
		}
	}
}

// writeBolt fills a new bolt file with n identities, in large transactions.
func writeBolt(b *testing.B, path string, n int, key []byte) {
	s, err := OpenBolt(path, &BoltOptions{Key: key})
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	var batch [][2][]byte
	flush := func() {
		err := s.db.Update(func(tx *bolt.Tx) error {
			bk := tx.Bucket(boltRecords)
			for _, kv := range batch {
				if err := bk.Put(kv[0], kv[1]); err != nil {
					return err
				}
			}
			return addCount(tx, int64(len(batch)))
		})
		if err != nil {
			b.Fatal(err)
		}
		batch = batch[:0]
	}
	benchIdentities(b, n, func(i int, id string, t *Template) {
		rec, err := s.seal.encodeRecord(id, []*Template{t})
		if err != nil {
			b.Fatal(err)
		}
		batch = append(batch, [2][]byte{[]byte(id), rec})
		if len(batch) == 20_000 {
			flush()
		}
	})
	flush()
}

func benchStartupBolt(b *testing.B, n int, key []byte) {
	if n >= 1_000_000 && testing.Short() {
		b.Skip("1M start-up benchmark skipped with -short")
	}
	dir := b.TempDir()
	path := filepath.Join(dir, "g.db")
	start := time.Now()
	writeBolt(b, path, n, key)
	fi, _ := os.Stat(path)
	b.Logf("wrote %d identities in %v; file %.0f MB, %.0f B per identity",
		n, time.Since(start).Round(time.Millisecond), float64(fi.Size())/1e6, float64(fi.Size())/float64(n))
	b.ResetTimer()
	cpu0 := cpuTime()
	for range b.N {
		s, err := OpenBolt(path, &BoltOptions{Key: key})
		if err != nil {
			b.Fatal(err)
		}
		g, err := OpenGallery(context.Background(), s, benchDim, &SyncOptions{Keep: KeepInt8 | KeepFloat32})
		if err != nil {
			b.Fatal(err)
		}
		if g.Len() != n {
			b.Fatalf("loaded %d identities, want %d", g.Len(), n)
		}
		g.Close()
		s.Close()
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(n), "ns/identity")
	b.ReportMetric(float64((cpuTime()-cpu0).Nanoseconds())/float64(b.N)/float64(n), "cpu-ns/identity")
}

func BenchmarkStartupBolt100k(b *testing.B)       { benchStartupBolt(b, 100_000, nil) }
func BenchmarkStartupBolt100kSealed(b *testing.B) { benchStartupBolt(b, 100_000, testKey(1)) }
func BenchmarkStartupBolt1M(b *testing.B)         { benchStartupBolt(b, 1_000_000, nil) }
func BenchmarkStartupBolt1MSealed(b *testing.B)   { benchStartupBolt(b, 1_000_000, testKey(1)) }

func benchStartupPG(b *testing.B, n int, key []byte) {
	if n >= 1_000_000 && testing.Short() {
		b.Skip("1M start-up benchmark skipped with -short")
	}
	dsn := pgDSN(b)
	ctx := context.Background()
	table := pgTable(b, dsn)
	s, err := OpenPG(ctx, dsn, &PGOptions{Table: table, Key: key})
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	start := time.Now()
	rows := make([][]any, 0, 20_000)
	flush := func() {
		if _, err := s.pool.CopyFrom(ctx, pgx.Identifier{table}, []string{"id", "record"}, pgx.CopyFromRows(rows)); err != nil {
			b.Fatal(err)
		}
		rows = rows[:0]
	}
	benchIdentities(b, n, func(i int, id string, t *Template) {
		rec, err := s.seal.encodeRecord(id, []*Template{t})
		if err != nil {
			b.Fatal(err)
		}
		rows = append(rows, []any{id, rec})
		if len(rows) == cap(rows) {
			flush()
		}
	})
	flush()
	if _, err := s.pool.Exec(ctx, "ANALYZE "+table); err != nil {
		b.Fatal(err)
	}
	var size int64
	s.pool.QueryRow(ctx, "SELECT pg_total_relation_size($1::regclass)", table).Scan(&size)
	b.Logf("wrote %d identities in %v; table %.0f MB, %.0f B per identity",
		n, time.Since(start).Round(time.Millisecond), float64(size)/1e6, float64(size)/float64(n))
	b.ResetTimer()
	cpu0 := cpuTime()
	for range b.N {
		s2, err := OpenPG(ctx, dsn, &PGOptions{Table: table, Key: key})
		if err != nil {
			b.Fatal(err)
		}
		g, err := OpenGallery(ctx, s2, benchDim, &SyncOptions{Keep: KeepInt8 | KeepFloat32})
		if err != nil {
			b.Fatal(err)
		}
		if g.Len() != n {
			b.Fatalf("loaded %d identities, want %d", g.Len(), n)
		}
		g.Close()
		s2.Close()
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(n), "ns/identity")
	b.ReportMetric(float64((cpuTime()-cpu0).Nanoseconds())/float64(b.N)/float64(n), "cpu-ns/identity")
}

func BenchmarkStartupPG100k(b *testing.B)       { benchStartupPG(b, 100_000, nil) }
func BenchmarkStartupPG100kSealed(b *testing.B) { benchStartupPG(b, 100_000, testKey(1)) }
func BenchmarkStartupPG1M(b *testing.B)         { benchStartupPG(b, 1_000_000, nil) }
func BenchmarkStartupPG1MSealed(b *testing.B)   { benchStartupPG(b, 1_000_000, testKey(1)) }

// BenchmarkSyncedGalleryMemory measures the heap that an index loaded by
// OpenGallery from a bbolt store holds per enrolled template, in each Keep
// mode: 100,000 identities of one template each, dimension 256, 16-byte
// ids. OpenGallery grows the index to the store's count before loading, so
// the rows have no spare capacity. Run it with -benchtime 1x.
func BenchmarkSyncedGalleryMemory(b *testing.B) {
	const n = 100_000
	path := filepath.Join(b.TempDir(), "g.db")
	writeBolt(b, path, n, nil)
	s, err := OpenBolt(path, nil)
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	for _, keep := range []Keep{KeepInt8, KeepBinary, KeepFloat32, KeepInt8 | KeepFloat32, KeepBinary | KeepFloat32, KeepAll} {
		b.Run(keepName(keep), func(b *testing.B) {
			var perTemplate float64
			for range b.N {
				before := heapInUse()
				g, err := OpenGallery(context.Background(), s, benchDim, &SyncOptions{Keep: keep})
				if err != nil {
					b.Fatal(err)
				}
				after := heapInUse()
				runtime.KeepAlive(g)
				perTemplate = float64(after-before) / n
			}
			b.ReportMetric(perTemplate, "B/template")
			b.ReportMetric(float64(keepRowBytes(keep)), "rowB/template")
		})
	}
}

// cpuTime returns the user and system time of the process so far: on a
// shared machine it says what a start-up costs better than the wall clock.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

func heapInUse() uint64 {
	var m runtime.MemStats
	runtime.GC()
	runtime.GC()
	runtime.ReadMemStats(&m)
	return m.HeapAlloc
}

// keepRowBytes returns the bytes of the rows alone of one template at
// benchDim, as Keep's doc gives them.
func keepRowBytes(k Keep) int {
	n := 0
	if k&KeepFloat32 != 0 {
		n += 4 * benchDim
	}
	if k&KeepInt8 != 0 {
		n += benchDim + 4
	}
	if k&KeepBinary != 0 {
		n += benchDim / 8
	}
	return n
}

func keepName(k Keep) string {
	s := ""
	for _, c := range []struct {
		k    Keep
		name string
	}{{KeepFloat32, "Float32"}, {KeepInt8, "Int8"}, {KeepBinary, "Binary"}} {
		if k&c.k != 0 {
			if s != "" {
				s += "+"
			}
			s += c.name
		}
	}
	return s
}

// BenchmarkPut measures one enrolment written through a SyncedGallery: the
// store's commit (synced to disk) and the index update.
func BenchmarkPut(b *testing.B) {
	ctx := context.Background()
	rng := rand.New(rand.NewPCG(43, 44))
	ts := make([]*Template, 64)
	for i := range ts {
		ts[i] = unitTemplate(b, rng, benchDim)
	}
	run := func(b *testing.B, s Store) {
		g, err := OpenGallery(ctx, s, benchDim, nil)
		if err != nil {
			b.Fatal(err)
		}
		defer g.Close()
		i := 0
		for b.Loop() {
			if err := g.Put(ctx, fmt.Sprintf("id-%d", i%1000), ts[i%len(ts)]); err != nil {
				b.Fatal(err)
			}
			i++
		}
	}
	b.Run("bolt", func(b *testing.B) {
		s, err := OpenBolt(filepath.Join(b.TempDir(), "g.db"), &BoltOptions{Key: testKey(1)})
		if err != nil {
			b.Fatal(err)
		}
		defer s.Close()
		run(b, s)
	})
	b.Run("pg", func(b *testing.B) {
		dsn := pgDSN(b)
		s := openPG(b, dsn, pgTable(b, dsn), testKey(1))
		defer s.Close()
		run(b, s)
	})
}
