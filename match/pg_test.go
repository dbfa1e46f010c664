package match

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
)

// pgDSN returns the DSN of the test server, from PALMID_PG_DSN, or skips
// the test when it is unset or the server does not answer. .ci/run starts
// a throwaway server and sets it; to run these tests by hand, see the
// package documentation ("Testing against PostgreSQL").
func pgDSN(t testing.TB) string {
	t.Helper()
	dsn := os.Getenv("PALMID_PG_DSN")
	if dsn == "" {
		t.Skip("PALMID_PG_DSN is not set: no PostgreSQL to test against (.ci/run starts one)")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Second)
	defer cancel()
	conn, err := pgx.Connect(ctx, dsn)
	if err != nil {
		t.Skipf("PostgreSQL at PALMID_PG_DSN is not reachable: %v", err)
	}
	conn.Close(ctx)
	return dsn
}

// pgTable returns a fresh table name and drops the table and its
// companions when the test ends.
func pgTable(t testing.TB, dsn string) string {
	name := fmt.Sprintf("palmid_test_%d_%d", os.Getpid(), rand.Uint32())
	t.Cleanup(func() {
		ctx := context.Background()
		conn, err := pgx.Connect(ctx, dsn)
		if err != nil {
			return
		}
		defer conn.Close(ctx)
		for _, q := range []string{
			"DROP TABLE IF EXISTS " + name, "DROP TABLE IF EXISTS " + name + "_meta",
			"DROP FUNCTION IF EXISTS " + name + "_notify",
		} {
			conn.Exec(ctx, q)
		}
	})
	return name
}

func openPG(t testing.TB, dsn, table string, key []byte) *PGStore {
	t.Helper()
	s, err := OpenPG(context.Background(), dsn, &PGOptions{Table: table, Key: key})
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func TestPGStore(t *testing.T) {
	dsn := pgDSN(t)
	for _, key := range [][]byte{nil, testKey(1)} {
		table := pgTable(t, dsn)
		s := openPG(t, dsn, table, key)
		testStore(t, s)
		want := storeContents(t, s)
		s.Close()
		s = openPG(t, dsn, table, key) // the schema exists now
		got := storeContents(t, s)
		if len(got) != len(want) {
			t.Errorf("reopened: %d identities, want %d", len(got), len(want))
		}
		for id, ts := range want {
			if !sameTemplates(got[id], ts) {
				t.Errorf("reopened: %q differs", id)
			}
		}
		s.Close()
	}
	if _, err := OpenPG(context.Background(), dsn, &PGOptions{Table: "Bad-Name"}); err == nil {
		t.Error("OpenPG with an invalid table name: no error")
	}
}

func TestPGSealing(t *testing.T) {
	dsn := pgDSN(t)
	ctx := context.Background()
	table := pgTable(t, dsn)
	s := openPG(t, dsn, table, testKey(1))
	rng := rand.New(rand.NewPCG(21, 22))
	if err := s.Put(ctx, "alice", unitTemplate(t, rng, 8)); err != nil {
		t.Fatal(err)
	}
	for _, key := range [][]byte{testKey(2), nil} {
		if _, err := OpenPG(ctx, dsn, &PGOptions{Table: table, Key: key}); !errors.Is(err, ErrSealed) {
			t.Errorf("OpenPG with key %x: %v, want ErrSealed", key, err)
		}
	}
	// A record altered in the table, or copied under another id.
	if _, err := s.pool.Exec(ctx, `INSERT INTO `+table+` SELECT 'mallory', record FROM `+table+` WHERE id = 'alice'`); err != nil {
		t.Fatal(err)
	}
	if _, err := s.pool.Exec(ctx, `UPDATE `+table+` SET record = overlay(record placing '\x00'::bytea from 30 for 1) WHERE id = 'alice'`); err != nil {
		t.Fatal(err)
	}
	for _, id := range []string{"alice", "mallory"} {
		if _, err := s.Get(ctx, id); !errors.Is(err, ErrSealed) {
			t.Errorf("Get(%q): %v, want ErrSealed", id, err)
		}
	}
	s.Close()
}

// waitFor polls cond every 5 ms for up to a second and returns how long it
// took to hold, or fails the test.
func waitFor(t *testing.T, what string, cond func() bool) time.Duration {
	t.Helper()
	start := time.Now()
	for time.Since(start) < time.Second {
		if cond() {
			return time.Since(start)
		}
		time.Sleep(5 * time.Millisecond)
	}
	t.Errorf("%s: not within a second", what)
	return time.Since(start)
}

// TestPGTwoNodes runs two nodes, each with its own connections and index,
// on one table: what one enrols or deletes is searchable or gone on the
// other within a second. Then it cuts both nodes' listening connections,
// writes while they reconnect, and checks that they catch up.
func TestPGTwoNodes(t *testing.T) {
	dsn := pgDSN(t)
	ctx := context.Background()
	table := pgTable(t, dsn)
	key := testKey(9)
	rng := rand.New(rand.NewPCG(23, 24))

	seed := openPG(t, dsn, table, key) // a gallery already there at start
	defer seed.Close()
	pre := unitTemplate(t, rng, 64)
	if err := seed.Put(ctx, "before", pre); err != nil {
		t.Fatal(err)
	}

	var errMu sync.Mutex
	var followErrs []error
	node := func() *SyncedGallery {
		s := openPG(t, dsn, table, key)
		t.Cleanup(func() { s.Close() })
		g, err := OpenGallery(ctx, s, 64, &SyncOptions{OnError: func(err error) {
			errMu.Lock()
			followErrs = append(followErrs, err)
			errMu.Unlock()
		}})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { g.Close() })
		return g
	}
	a, b := node(), node()
	for _, g := range []*SyncedGallery{a, b} {
		if topID(g, pre) != "before" {
			t.Error("a node did not load the identity stored before it started")
		}
	}

	var worst time.Duration
	for i := range 10 {
		from, to := a, b
		if i%2 == 1 {
			from, to = b, a
		}
		id, tp := fmt.Sprint("id", i), unitTemplate(t, rng, 64)
		if err := from.Put(ctx, id, tp); err != nil {
			t.Fatal(err)
		}
		if topID(from, tp) != id {
			t.Fatalf("%s not searchable on its own node once Put returned", id)
		}
		worst = max(worst, waitFor(t, id+" enrolled on the other node", func() bool { return topID(to, tp) == id }))
		if i%3 == 2 {
			if err := to.Delete(ctx, id); err != nil {
				t.Fatal(err)
			}
			worst = max(worst, waitFor(t, id+" deleted on the other node", func() bool { return topID(from, tp) == "" }))
		}
	}
	t.Logf("slowest propagation between nodes: %v", worst)

	// Cut every listening connection of this table; write at once, while
	// the nodes reconnect, so they may miss the notifications and must
	// reload to catch up.
	var n int
	err := seed.pool.QueryRow(ctx, `SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE application_name = $1`,
		"palmid follow "+table).Scan(&n)
	if err != nil || n != 2 {
		t.Fatalf("terminated %d listening connections (%v), want 2", n, err)
	}
	late := unitTemplate(t, rng, 64)
	if err := seed.Put(ctx, "late", late); err != nil {
		t.Fatal(err)
	}
	if err := seed.Delete(ctx, "before"); err != nil {
		t.Fatal(err)
	}
	for name, g := range map[string]*SyncedGallery{"a": a, "b": b} {
		waitFor(t, "node "+name+" catching up after a lost connection", func() bool {
			return topID(g, late) == "late" && topID(g, pre) == ""
		})
	}
	errMu.Lock()
	if len(followErrs) == 0 {
		t.Error("the lost connections were not reported to OnError")
	}
	for _, err := range followErrs {
		if !strings.Contains(err.Error(), "following") {
			t.Errorf("unexpected follow error: %v", err)
		}
	}
	errMu.Unlock()
	if a.Len() != b.Len() {
		t.Errorf("nodes hold %d and %d identities", a.Len(), b.Len())
	}
}

// TestPGShards maps shards onto PostgreSQL as one table per shard: writes
// go to the table of ShardOf(id), each shard's node follows its own table,
// and a ShardedGallery over the nodes finds every identity.
func TestPGShards(t *testing.T) {
	dsn := pgDSN(t)
	ctx := context.Background()
	const n = 3
	rng := rand.New(rand.NewPCG(25, 26))
	nodes := make([]*SyncedGallery, n)
	shards := make([]Shard, n)
	writers := make([]*PGStore, n) // another process's handles on the same tables
	for i := range n {
		table := pgTable(t, dsn)
		s := openPG(t, dsn, table, nil)
		t.Cleanup(func() { s.Close() })
		g, err := OpenGallery(ctx, s, 32, nil)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { g.Close() })
		nodes[i], shards[i] = g, LocalShard(g)
		writers[i] = openPG(t, dsn, table, nil)
		t.Cleanup(func() { writers[i].Close() })
	}
	sg := NewShardedGallery(shards...)
	ts := make(map[string]*Template)
	for i := range 30 {
		id := fmt.Sprint("person-", i)
		ts[id] = unitTemplate(t, rng, 32)
		if err := writers[sg.Shard(id)].Put(ctx, id, ts[id]); err != nil {
			t.Fatal(err)
		}
	}
	for id, tp := range ts {
		waitFor(t, id+" searchable through the shards", func() bool {
			c, err := sg.Search(ctx, nil, NewMatcher(tp), &SearchOptions{K: 1, Threshold: 0.99})
			return err == nil && len(c) == 1 && c[0].ID == id
		})
	}
	total := 0
	for i, g := range nodes {
		if g.Len() == 0 {
			t.Errorf("shard %d is empty", i)
		}
		total += g.Len()
	}
	if total != len(ts) {
		t.Errorf("the shards hold %d identities, want %d", total, len(ts))
	}
}
