package match

import (
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"time"

	bolt "go.etcd.io/bbolt"
)

// BoltOptions are the settings of OpenBolt.
type BoltOptions struct {
	// Key, if not nil, seals every record with AES-256-GCM: it must be
	// KeySize bytes. A store is sealed or not from its creation on; opening
	// it with a wrong key, or without the key it was made with, fails
	// with an error wrapping ErrSealed.
	Key []byte
	// Timeout is how long OpenBolt waits for another process to let go of
	// the file; zero means one second.
	Timeout time.Duration
}

// BoltStore is the embedded Store: one file, written through
// go.etcd.io/bbolt. Every Put and Delete is its own transaction, synced
// to disk before it returns, so a crash (a killed process, or power lost
// on hardware that honours fsync) loses no acknowledged write, and a write
// in progress is either whole or absent. Each identity is one checksummed
// record (see Store), sealed when a key is configured. Only one process may
// open the file at a time.
type BoltStore struct {
	db   *bolt.DB
	seal *sealer
}

var (
	boltRecords = []byte("palmid/match templates")
	boltMeta    = []byte("palmid/match meta")
	boltKeyMeta = []byte("key check")
	boltCount   = []byte("count")
)

// OpenBolt opens the store in the file at path, creating it if it does not
// exist. A nil opts means the zero BoltOptions: no sealing.
func OpenBolt(path string, opts *BoltOptions) (*BoltStore, error) {
	var o BoltOptions
	if opts != nil {
		o = *opts
	}
	seal, err := newSealer(o.Key)
	if err != nil {
		return nil, err
	}
	if o.Timeout <= 0 {
		o.Timeout = time.Second
	}
	db, err := bolt.Open(path, 0o600, &bolt.Options{Timeout: o.Timeout, FreelistType: bolt.FreelistMapType})
	if err != nil {
		return nil, fmt.Errorf("match: opening %s: %w", path, err)
	}
	err = db.Update(func(tx *bolt.Tx) error {
		if _, err := tx.CreateBucketIfNotExists(boltRecords); err != nil {
			return err
		}
		meta, err := tx.CreateBucketIfNotExists(boltMeta)
		if err != nil {
			return err
		}
		if kc := meta.Get(boltKeyMeta); kc != nil {
			return seal.verifyKeyCheck(kc)
		}
		kc, err := seal.keyCheck()
		if err != nil {
			return err
		}
		return meta.Put(boltKeyMeta, kc)
	})
	if err != nil {
		db.Close()
		return nil, fmt.Errorf("match: opening %s: %w", path, err)
	}
	return &BoltStore{db: db, seal: seal}, nil
}

// Put stores templates under id in place of any it had, in one synced
// transaction.
func (s *BoltStore) Put(ctx context.Context, id string, templates ...*Template) error {
	checkTemplates(templates)
	if err := checkID(id); err != nil {
		return err
	}
	rec, err := s.seal.encodeRecord(id, templates)
	if err != nil {
		return err
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	return s.db.Update(func(tx *bolt.Tx) error {
		b := tx.Bucket(boltRecords)
		if b.Get([]byte(id)) == nil {
			if err := addCount(tx, 1); err != nil {
				return err
			}
		}
		return b.Put([]byte(id), rec)
	})
}

// Get returns the templates of id.
func (s *BoltStore) Get(ctx context.Context, id string) ([]*Template, error) {
	var ts []*Template
	err := s.db.View(func(tx *bolt.Tx) error {
		rec := tx.Bucket(boltRecords).Get([]byte(id))
		if rec == nil {
			return fmt.Errorf("%w: %q", ErrNotFound, id)
		}
		var err error
		ts, err = s.seal.decodeRecord(id, rec)
		return err
	})
	return ts, err
}

// Delete removes id, in one synced transaction.
func (s *BoltStore) Delete(ctx context.Context, id string) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	return s.db.Update(func(tx *bolt.Tx) error {
		b := tx.Bucket(boltRecords)
		if b.Get([]byte(id)) == nil {
			return nil
		}
		if err := addCount(tx, -1); err != nil {
			return err
		}
		return b.Delete([]byte(id))
	})
}

// Load calls fn for every identity from one read transaction, a
// consistent snapshot. Records are decoded on all cores.
func (s *BoltStore) Load(ctx context.Context, fn func(id string, templates []*Template) error) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	return s.db.View(func(tx *bolt.Tx) error {
		return s.seal.decodeAll(func(emit func(string, []byte) bool) error {
			c := tx.Bucket(boltRecords).Cursor()
			n := 0
			for k, v := c.First(); k != nil; k, v = c.Next() {
				if n++; n%1024 == 0 {
					if err := ctx.Err(); err != nil {
						return err
					}
				}
				if !emit(string(k), v) {
					break
				}
			}
			return nil
		}, fn)
	})
}

// count returns the number of identities, kept in the meta bucket so that
// OpenGallery can size its index before loading.
func (s *BoltStore) count(ctx context.Context) (int, error) {
	var n uint64
	err := s.db.View(func(tx *bolt.Tx) error {
		if v := tx.Bucket(boltMeta).Get(boltCount); len(v) == 8 {
			n = binary.LittleEndian.Uint64(v)
		}
		return nil
	})
	return int(n), err
}

func addCount(tx *bolt.Tx, d int64) error {
	meta := tx.Bucket(boltMeta)
	var n uint64
	if v := meta.Get(boltCount); len(v) == 8 {
		n = binary.LittleEndian.Uint64(v)
	}
	n = uint64(int64(n) + d)
	return meta.Put(boltCount, binary.LittleEndian.AppendUint64(nil, n))
}

// Close closes the file.
func (s *BoltStore) Close() error {
	if err := s.db.Close(); err != nil && !errors.Is(err, bolt.ErrDatabaseNotOpen) {
		return err
	}
	return nil
}

var _ Store = (*BoltStore)(nil)
