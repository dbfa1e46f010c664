package match

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"
)

func testKey(b byte) []byte {
	k := make([]byte, KeySize)
	for i := range k {
		k[i] = b + byte(i)
	}
	return k
}

func openBolt(t *testing.T, path string, key []byte) *BoltStore {
	t.Helper()
	s, err := OpenBolt(path, &BoltOptions{Key: key})
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// storeContents returns everything s.Load gives.
func storeContents(t *testing.T, s Store) map[string][]*Template {
	t.Helper()
	m := make(map[string][]*Template)
	err := s.Load(context.Background(), func(id string, ts []*Template) error {
		if _, dup := m[id]; dup {
			return fmt.Errorf("%q loaded twice", id)
		}
		m[id] = ts
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return m
}

func sameTemplates(a, b []*Template) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if !sameTemplate(a[i], b[i]) {
			return false
		}
	}
	return true
}

// testStore runs the checks every Store must pass on an empty store.
func testStore(t *testing.T, s Store) {
	ctx := context.Background()
	rng := rand.New(rand.NewPCG(7, 8))
	want := make(map[string][]*Template)
	for i := range 20 {
		id := fmt.Sprintf("id-%02d", i)
		ts := []*Template{unitTemplate(t, rng, 16)}
		if i%3 == 0 {
			ts = append(ts, unitTemplate(t, rng, 16))
		}
		if err := s.Put(ctx, id, ts...); err != nil {
			t.Fatal(err)
		}
		want[id] = ts
	}
	// Replace, delete, delete an absent id.
	want["id-01"] = []*Template{unitTemplate(t, rng, 16), unitTemplate(t, rng, 16), unitTemplate(t, rng, 16)}
	if err := s.Put(ctx, "id-01", want["id-01"]...); err != nil {
		t.Fatal(err)
	}
	for _, id := range []string{"id-02", "id-03", "never"} {
		if err := s.Delete(ctx, id); err != nil {
			t.Fatal(err)
		}
		delete(want, id)
	}
	got := storeContents(t, s)
	if len(got) != len(want) {
		t.Errorf("Load gave %d identities, want %d", len(got), len(want))
	}
	for id, ts := range want {
		if !sameTemplates(got[id], ts) {
			t.Errorf("Load: %q differs", id)
		}
		g, err := s.Get(ctx, id)
		if err != nil || !sameTemplates(g, ts) {
			t.Errorf("Get(%q): %v", id, err)
		}
	}
	if _, err := s.Get(ctx, "id-02"); !errors.Is(err, ErrNotFound) {
		t.Errorf("Get of a deleted id: %v", err)
	}
	for _, id := range []string{"", strings.Repeat("x", MaxIDLen+1), "a\x00b", "\xff"} {
		if err := s.Put(ctx, id, want["id-00"]...); !errors.Is(err, ErrID) {
			t.Errorf("Put(%q): %v, want ErrID", id, err)
		}
	}
	stop := errors.New("stop")
	if err := s.Load(ctx, func(string, []*Template) error { return stop }); err != stop {
		t.Errorf("Load returned %v, not fn's error", err)
	}
}

func TestBoltStore(t *testing.T) {
	for _, key := range [][]byte{nil, testKey(1)} {
		path := filepath.Join(t.TempDir(), "g.db")
		s := openBolt(t, path, key)
		testStore(t, s)
		want := storeContents(t, s)
		if n, _ := s.count(context.Background()); n != len(want) {
			t.Errorf("count %d, want %d", n, len(want))
		}
		s.Close()
		s = openBolt(t, path, key)
		got := storeContents(t, s)
		for id, ts := range want {
			if !sameTemplates(got[id], ts) {
				t.Errorf("after reopening: %q differs", id)
			}
		}
		s.Close()
	}
}

func TestBoltSealing(t *testing.T) {
	ctx := context.Background()
	rng := rand.New(rand.NewPCG(9, 10))
	dir := t.TempDir()
	sealed, plain := filepath.Join(dir, "sealed.db"), filepath.Join(dir, "plain.db")
	for _, c := range []struct {
		path string
		key  []byte
	}{{sealed, testKey(1)}, {plain, nil}} {
		s := openBolt(t, c.path, c.key)
		if err := s.Put(ctx, "alice", unitTemplate(t, rng, 8)); err != nil {
			t.Fatal(err)
		}
		s.Close()
	}
	for _, c := range []struct {
		name string
		path string
		key  []byte
	}{
		{"wrong key", sealed, testKey(2)},
		{"no key", sealed, nil},
		{"key on a plain store", plain, testKey(1)},
	} {
		s, err := OpenBolt(c.path, &BoltOptions{Key: c.key})
		if !errors.Is(err, ErrSealed) {
			t.Errorf("%s: OpenBolt: %v, want ErrSealed", c.name, err)
		}
		if s != nil {
			s.Close()
		}
	}
	if _, err := OpenBolt(filepath.Join(dir, "x.db"), &BoltOptions{Key: []byte("short")}); err == nil {
		t.Error("OpenBolt with a 5-byte key: no error")
	}

	// The key checks pass, but a record is altered, or moved to another
	// identity: a clear error, never a panic or a wrong template.
	db, err := bolt.Open(sealed, 0o600, nil)
	if err != nil {
		t.Fatal(err)
	}
	db.Update(func(tx *bolt.Tx) error {
		b := tx.Bucket(boltRecords)
		rec := append([]byte(nil), b.Get([]byte("alice"))...)
		b.Put([]byte("mallory"), rec)
		rec[20] ^= 1
		return b.Put([]byte("alice"), rec)
	})
	db.Close()
	s := openBolt(t, sealed, testKey(1))
	for _, id := range []string{"alice", "mallory"} {
		if _, err := s.Get(ctx, id); !errors.Is(err, ErrSealed) || !strings.Contains(err.Error(), id) {
			t.Errorf("Get(%q) of an altered record: %v", id, err)
		}
	}
	if err := s.Load(ctx, func(string, []*Template) error { return nil }); !errors.Is(err, ErrSealed) {
		t.Errorf("Load over an altered record: %v", err)
	}
	s.Close()
}

func TestRecordCorruption(t *testing.T) {
	rng := rand.New(rand.NewPCG(11, 12))
	ts := []*Template{unitTemplate(t, rng, 8), unitTemplate(t, rng, 8)}
	for _, key := range [][]byte{nil, testKey(3)} {
		seal, _ := newSealer(key)
		rec, err := seal.encodeRecord("bob", ts)
		if err != nil {
			t.Fatal(err)
		}
		got, err := seal.decodeRecord("bob", rec)
		if err != nil || !sameTemplates(got, ts) {
			t.Fatalf("round trip: %v", err)
		}
		// Every truncation and every single-bit flip is refused.
		for n := range len(rec) {
			if _, err := seal.decodeRecord("bob", rec[:n]); !errors.Is(err, ErrRecord) && !errors.Is(err, ErrSealed) {
				t.Fatalf("key %v, %d of %d bytes: %v", key != nil, n, len(rec), err)
			}
		}
		for i := range len(rec) * 8 {
			bad := append([]byte(nil), rec...)
			bad[i/8] ^= 1 << (i % 8)
			if _, err := seal.decodeRecord("bob", bad); !errors.Is(err, ErrRecord) && !errors.Is(err, ErrSealed) {
				t.Fatalf("key %v, bit %d flipped: %v", key != nil, i, err)
			}
		}
	}
}

func FuzzDecodeRecord(f *testing.F) {
	rng := rand.New(rand.NewPCG(13, 14))
	seal, _ := newSealer(nil)
	rec, _ := seal.encodeRecord("x", []*Template{unitTemplate(f, rng, 4), unitTemplate(f, rng, 4)})
	f.Add(rec)
	f.Fuzz(func(t *testing.T, data []byte) {
		ts, err := seal.decodeRecord("x", data)
		if err != nil {
			if !errors.Is(err, ErrRecord) && !errors.Is(err, ErrSealed) {
				t.Fatalf("error %v wraps neither sentinel", err)
			}
			return
		}
		if len(ts) == 0 {
			t.Fatal("a record without templates decoded")
		}
	})
}

// The crash test: a child process enrols identities one by one and prints
// the id of each one Put acknowledged; the parent kills it with SIGKILL in
// the middle of the writes, reopens the file and checks that every
// acknowledged identity is there, with its exact templates.
const crashEnv = "PALMID_MATCH_BOLT_CRASH_CHILD"

// crashTemplates returns the templates the child writes under identity i, so
// the parent can check them.
func crashTemplates(t testing.TB, i int) []*Template {
	rng := rand.New(rand.NewPCG(uint64(i), 99))
	return []*Template{unitTemplate(t, rng, 256), unitTemplate(t, rng, 256)}
}

func TestBoltCrashChild(t *testing.T) {
	path := os.Getenv(crashEnv)
	if path == "" {
		t.Skip("run by TestBoltCrash as a child process")
	}
	s, err := OpenBolt(path, &BoltOptions{Key: testKey(5), Timeout: 10 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	for i := 0; ; i++ {
		if err := s.Put(ctx, "id-"+strconv.Itoa(i), crashTemplates(t, i)...); err != nil {
			t.Fatal(err)
		}
		fmt.Printf("ack %d\n", i)
		if i%5 == 4 { // deletions too: an acknowledged deletion stays done
			if err := s.Delete(ctx, "id-"+strconv.Itoa(i-4)); err != nil {
				t.Fatal(err)
			}
			fmt.Printf("del %d\n", i-4)
		}
	}
}

func TestBoltCrash(t *testing.T) {
	if testing.Short() {
		t.Skip("crash test: runs child processes")
	}
	path := filepath.Join(t.TempDir(), "crash.db")
	acked, deleted := make(map[int]bool), make(map[int]bool)
	for round, kills := range []int{20, 57, 133} {
		cmd := exec.Command(os.Args[0], "-test.run=^TestBoltCrashChild$", "-test.v")
		cmd.Env = append(os.Environ(), crashEnv+"="+path)
		out, err := cmd.StdoutPipe()
		if err != nil {
			t.Fatal(err)
		}
		cmd.Stderr = os.Stderr
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		sc := bufio.NewScanner(out)
		n := 0
		next := 0 // the identity of the write in flight when the child died
		for sc.Scan() {
			var i int
			if _, err := fmt.Sscanf(sc.Text(), "ack %d", &i); err == nil {
				acked[i] = true
				delete(deleted, i)
				if next = i + 1; i%5 == 4 {
					next = i - 4
				}
				if n++; n == kills {
					cmd.Process.Signal(syscall.SIGKILL)
				}
			} else if _, err := fmt.Sscanf(sc.Text(), "del %d", &i); err == nil {
				deleted[i] = true
				delete(acked, i)
				next = i + 5
			}
		}
		err = cmd.Wait()
		if ws, ok := cmd.ProcessState.Sys().(syscall.WaitStatus); !ok || !ws.Signaled() || ws.Signal() != syscall.SIGKILL {
			t.Fatalf("round %d: child ended with %v, not killed", round, err)
		}
		// Every round rewrites the same ids from 0 (they replace), so
		// acked and deleted track the latest acknowledged state.
		s := openBolt(t, path, testKey(5))
		got := storeContents(t, s)
		// The write in flight may or may not have landed: either is right.
		delete(acked, next)
		delete(deleted, next)
		for i := range acked {
			id := "id-" + strconv.Itoa(i)
			if !sameTemplates(got[id], crashTemplates(t, i)) {
				t.Errorf("round %d: acknowledged %s lost or damaged", round, id)
			}
		}
		for i := range deleted {
			if _, ok := got["id-"+strconv.Itoa(i)]; ok {
				t.Errorf("round %d: deleted id-%d is back", round, i)
			}
		}
		if n, _ := s.count(context.Background()); n != len(got) {
			t.Errorf("round %d: count %d, store holds %d", round, n, len(got))
		}
		t.Logf("round %d: killed after %d acknowledgements; the store holds %d identities", round, n, len(got))
		s.Close()
	}
}

// TestLoadErrors checks that Load stops at the first error, of fn or of a
// corrupt record, across many decoding batches, and returns it.
func TestLoadErrors(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "g.db")
	s := openBolt(t, path, nil)
	rng := rand.New(rand.NewPCG(19, 20))
	tp := unitTemplate(t, rng, 4)
	err := s.db.Update(func(tx *bolt.Tx) error {
		for i := range 3000 {
			rec, _ := s.seal.encodeRecord(fmt.Sprintf("id-%04d", i), []*Template{tp})
			if i == 2222 {
				rec[len(rec)-1] ^= 1
			}
			if err := tx.Bucket(boltRecords).Put(fmt.Appendf(nil, "id-%04d", i), rec); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	stop := errors.New("stop")
	n := 0
	if err := s.Load(ctx, func(string, []*Template) error {
		if n++; n == 700 {
			return stop
		}
		return nil
	}); err != stop || n != 700 {
		t.Errorf("Load returned %v after %d calls, want fn's error after 700", err, n)
	}
	if err := s.Load(ctx, func(string, []*Template) error { return nil }); !errors.Is(err, ErrRecord) || !strings.Contains(err.Error(), "id-2222") {
		t.Errorf("Load over a corrupt record: %v", err)
	}
	cctx, cancel := context.WithCancel(ctx)
	cancel()
	if err := s.Load(cctx, func(string, []*Template) error { return nil }); !errors.Is(err, context.Canceled) {
		t.Errorf("Load with a cancelled context: %v", err)
	}
	s.Close()
}
