package match

import (
	"context"
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"encoding/binary"
	"errors"
	"fmt"
	"runtime"
	"sync"
	"sync/atomic"
	"unicode/utf8"

	"github.com/palmid/palmid/internal/binfmt"
)

// Store keeps enrolled identities and their templates outside the process.
// Its methods are safe for concurrent use. A write returns only once the
// store has committed it; a store that loses acknowledged writes is broken.
//
// Stores keep only the float32 vectors (Template.MarshalBinary); the int8
// and binary forms are derived search structures, rebuilt on load.
type Store interface {
	// Put stores templates under id, in place of any it had, atomically:
	// a reader sees the old templates or the new ones, never a mix. It
	// panics if templates is empty or holds nil.
	Put(ctx context.Context, id string, templates ...*Template) error
	// Get returns the templates of id, or an error wrapping ErrNotFound.
	Get(ctx context.Context, id string) ([]*Template, error)
	// Delete removes id and its templates. Deleting an absent id is not
	// an error.
	Delete(ctx context.Context, id string) error
	// Load calls fn for every identity, one at a time, in no particular
	// order, and stops at the first error, which it returns.
	Load(ctx context.Context, fn func(id string, templates []*Template) error) error
	// Close releases the store.
	Close() error
}

// Follower is a Store shared with other writers (other processes, other
// nodes) whose changes can be followed. SyncedGallery uses it to keep its
// index in step with writes it did not make.
type Follower interface {
	Store
	// Follow listens for changes. Once listening, it calls ready (which
	// loads the whole store: changes made before may have been missed),
	// then changed with the id of every identity that any writer puts or
	// deletes after ready began, one call at a time. It returns when the
	// connection is lost, when ready or changed return an error, or when
	// ctx ends; the caller calls it again to resume, after a pause.
	Follow(ctx context.Context, ready func(ctx context.Context) error, changed func(id string) error) error
}

// Errors of the stores.
var (
	// ErrNotFound is returned by Get for an identity the store does not
	// hold.
	ErrNotFound = errors.New("match: identity not found")
	// ErrID is returned for an identity name that stores cannot keep:
	// empty, longer than MaxIDLen bytes, not UTF-8 or holding a NUL byte.
	ErrID = errors.New("match: invalid identity name")
	// ErrRecord is returned for a stored record that is corrupt: a wrong
	// length, magic or checksum, or templates that do not decode.
	ErrRecord = errors.New("match: corrupt stored record")
	// ErrSealed is returned for a record that cannot be unsealed: the key
	// is wrong, the record was altered or moved to another identity, the
	// record is sealed and no key is configured, or it is not sealed and a
	// key is.
	ErrSealed = errors.New("match: cannot unseal stored record")
)

// MaxIDLen is the longest identity name, in bytes, a store keeps.
const MaxIDLen = 1024

// checkID returns an error wrapping ErrID if stores cannot keep id.
func checkID(id string) error {
	switch {
	case id == "":
		return fmt.Errorf("%w: empty", ErrID)
	case len(id) > MaxIDLen:
		return fmt.Errorf("%w: %d bytes, at most %d", ErrID, len(id), MaxIDLen)
	case !utf8.ValidString(id):
		return fmt.Errorf("%w: %q is not UTF-8", ErrID, id)
	}
	for i := 0; i < len(id); i++ {
		if id[i] == 0 {
			return fmt.Errorf("%w: %q holds a NUL byte", ErrID, id)
		}
	}
	return nil
}

func checkTemplates(templates []*Template) {
	if len(templates) == 0 {
		panic("match: no templates")
	}
	for _, t := range templates {
		if t == nil {
			panic("match: nil template")
		}
	}
}

// A record is what a store keeps per identity: its templates in one
// checksummed frame, sealed when the store has a key. Layout, little-endian:
//
//	offset  size  field
//	0       1     'P' (plain) or 'S' (sealed)
//
// then, plain:
//
//	1       2     magic "MI"
//	3       1     recordVersion
//	4       4     n, the number of templates, 1 … maxRecordTemplates
//	8       …     n times: 4-byte length L, then L bytes of MarshalBinary
//	end−4   4     CRC-32 (Castagnoli) of bytes 1 … end−5
//
// or sealed: a 12-byte random nonce, then the AES-256-GCM encryption of the
// plain frame (from the magic on) with the identity name as associated data,
// so a record copied under another identity does not unseal.
const (
	recordMagic        = "MI"
	recordVersion      = 1
	recordPlain        = 'P'
	recordSealed       = 'S'
	maxRecordTemplates = 1 << 16
)

// sealer seals and opens records; a nil *sealer stores them plain.
type sealer struct {
	aead cipher.AEAD
}

// KeySize is the length of the key that seals stored records: AES-256.
const KeySize = 32

// newSealer returns a sealer for key, or nil for a nil key.
func newSealer(key []byte) (*sealer, error) {
	if key == nil {
		return nil, nil
	}
	if len(key) != KeySize {
		return nil, fmt.Errorf("match: sealing key of %d bytes, want %d", len(key), KeySize)
	}
	block, err := aes.NewCipher(key)
	if err != nil {
		return nil, err
	}
	aead, err := cipher.NewGCM(block)
	if err != nil {
		return nil, err
	}
	return &sealer{aead: aead}, nil
}

// encodeRecord returns the record of templates under id.
func (s *sealer) encodeRecord(id string, templates []*Template) ([]byte, error) {
	checkTemplates(templates)
	if len(templates) > maxRecordTemplates {
		return nil, fmt.Errorf("match: %d templates for one identity, at most %d", len(templates), maxRecordTemplates)
	}
	n := 1 + 3 + 4 + 4
	for _, t := range templates {
		n += 4 + TemplateSize(t.Dim())
	}
	b := make([]byte, 1, n)
	b[0] = recordPlain
	b = binfmt.AppendHeader(b, recordMagic, recordVersion)
	b = binary.LittleEndian.AppendUint32(b, uint32(len(templates)))
	for _, t := range templates {
		b = binary.LittleEndian.AppendUint32(b, uint32(TemplateSize(t.Dim())))
		var err error
		if b, err = t.AppendBinary(b); err != nil {
			return nil, err
		}
	}
	b = binfmt.AppendChecksum(b, 1)
	if s == nil {
		return b, nil
	}
	out := make([]byte, 1+s.aead.NonceSize(), 1+s.aead.NonceSize()+len(b)-1+s.aead.Overhead())
	out[0] = recordSealed
	if _, err := rand.Read(out[1:]); err != nil {
		return nil, err
	}
	return s.aead.Seal(out, out[1:], b[1:], []byte(id)), nil
}

// decodeRecord returns the templates of a record of id. Errors wrap
// ErrSealed or ErrRecord and name the identity.
func (s *sealer) decodeRecord(id string, rec []byte) ([]*Template, error) {
	if len(rec) == 0 {
		return nil, fmt.Errorf("%w: %q: empty", ErrRecord, id)
	}
	var frame []byte
	switch rec[0] {
	case recordPlain:
		if s != nil {
			return nil, fmt.Errorf("%w: %q: record is not sealed, but a key is configured", ErrSealed, id)
		}
		frame = rec[1:]
	case recordSealed:
		if s == nil {
			return nil, fmt.Errorf("%w: %q: record is sealed and no key is configured", ErrSealed, id)
		}
		ns := s.aead.NonceSize()
		if len(rec) < 1+ns+s.aead.Overhead() {
			return nil, fmt.Errorf("%w: %q: sealed record of %d bytes", ErrRecord, id, len(rec))
		}
		var err error
		frame, err = s.aead.Open(nil, rec[1:1+ns], rec[1+ns:], []byte(id))
		if err != nil {
			return nil, fmt.Errorf("%w: %q: wrong key, or the record was altered or belongs to another identity", ErrSealed, id)
		}
	default:
		return nil, fmt.Errorf("%w: %q: unknown record kind %#x", ErrRecord, id, rec[0])
	}
	ts, err := decodeFrame(frame)
	if err != nil {
		return nil, fmt.Errorf("%w: %q: %v", ErrRecord, id, err)
	}
	return ts, nil
}

// decodeFrame decodes the plain frame of a record, from its magic on. Every
// length read from the frame is checked against the bytes left.
func decodeFrame(b []byte) ([]*Template, error) {
	const head = 3 + 4
	if len(b) < head+4 {
		return nil, fmt.Errorf("%d bytes", len(b))
	}
	if err := binfmt.Check(b, recordMagic, recordVersion, len(b)); err != nil {
		return nil, err
	}
	n := binary.LittleEndian.Uint32(b[3:])
	body := b[head : len(b)-4]
	if n == 0 || n > maxRecordTemplates || int(n) > len(body)/(4+TemplateSize(1)) {
		return nil, fmt.Errorf("%d templates in %d bytes", n, len(body))
	}
	ts := make([]*Template, 0, n)
	for range n {
		if len(body) < 4 {
			return nil, fmt.Errorf("truncated after %d templates", len(ts))
		}
		l := binary.LittleEndian.Uint32(body)
		body = body[4:]
		if uint64(l) > uint64(len(body)) {
			return nil, fmt.Errorf("template of %d bytes, %d left", l, len(body))
		}
		t, err := UnmarshalTemplate(body[:l])
		if err != nil {
			return nil, err
		}
		ts = append(ts, t)
		body = body[l:]
	}
	if len(body) != 0 {
		return nil, fmt.Errorf("%d bytes after the templates", len(body))
	}
	return ts, nil
}

// keyCheckPlain is what a store's key check seals: a store records once,
// when it is created, whether it is sealed and with which key, so that
// opening it with a wrong key or none fails at once with a clear error.
const keyCheckPlain = "palmid/match store key check"

// keyCheck returns the key check of a new store: "P" unsealed, or 'S' and
// the sealed keyCheckPlain.
func (s *sealer) keyCheck() ([]byte, error) {
	if s == nil {
		return []byte{recordPlain}, nil
	}
	out := make([]byte, 1+s.aead.NonceSize())
	out[0] = recordSealed
	if _, err := rand.Read(out[1:]); err != nil {
		return nil, err
	}
	return s.aead.Seal(out, out[1:], []byte(keyCheckPlain), nil), nil
}

// verifyKeyCheck returns an error wrapping ErrSealed unless the key check
// of a store, written by keyCheck, fits this sealer.
func (s *sealer) verifyKeyCheck(b []byte) error {
	switch {
	case len(b) == 1 && b[0] == recordPlain:
		if s != nil {
			return fmt.Errorf("%w: the store is not sealed, but a key is configured", ErrSealed)
		}
		return nil
	case len(b) > 0 && b[0] == recordSealed:
		if s == nil {
			return fmt.Errorf("%w: the store is sealed and no key is configured", ErrSealed)
		}
		ns := s.aead.NonceSize()
		if len(b) >= 1+ns {
			if p, err := s.aead.Open(nil, b[1:1+ns], b[1+ns:], nil); err == nil && string(p) == keyCheckPlain {
				return nil
			}
		}
		return fmt.Errorf("%w: the store was sealed with another key", ErrSealed)
	}
	return fmt.Errorf("%w: unreadable key check", ErrRecord)
}

// loadBatch is a run of records on their way through decodeAll.
type loadBatch struct {
	ids  []string
	recs [][]byte
	ts   [][]*Template
	err  error
}

const loadBatchLen = 256

// decodeAll decodes the records that read emits on all cores and calls fn
// with each identity's templates, one call at a time, from another
// goroutine. emit returns false once decodeAll will take no more records,
// after an error; read should then return. emit's record must stay valid
// until decodeAll returns; it may be read's own memory (a bbolt page).
// decodeAll returns the first error of read, of decoding or of fn.
func (s *sealer) decodeAll(read func(emit func(id string, rec []byte) bool) error, fn func(id string, ts []*Template) error) error {
	workers := runtime.GOMAXPROCS(0)
	jobs := make(chan *loadBatch, workers)
	done := make(chan *loadBatch, workers)
	var stop atomic.Bool
	var firstErr error
	var errOnce sync.Once
	fail := func(err error) {
		errOnce.Do(func() { firstErr = err })
		stop.Store(true)
	}

	var decoders sync.WaitGroup
	for range workers {
		decoders.Go(func() {
			for b := range jobs {
				if !stop.Load() {
					b.ts = make([][]*Template, len(b.ids))
					for i, id := range b.ids {
						if b.ts[i], b.err = s.decodeRecord(id, b.recs[i]); b.err != nil {
							break
						}
					}
				}
				done <- b
			}
		})
	}
	consumed := make(chan struct{})
	go func() {
		defer close(consumed)
		for b := range done {
			if stop.Load() {
				continue
			}
			if b.err != nil {
				fail(b.err)
				continue
			}
			for i, id := range b.ids {
				if err := fn(id, b.ts[i]); err != nil {
					fail(err)
					break
				}
			}
		}
	}()

	b := &loadBatch{}
	err := read(func(id string, rec []byte) bool {
		if stop.Load() {
			return false
		}
		b.ids = append(b.ids, id)
		b.recs = append(b.recs, rec)
		if len(b.ids) == loadBatchLen {
			jobs <- b
			b = &loadBatch{}
		}
		return true
	})
	if err != nil {
		fail(err)
	} else if len(b.ids) > 0 {
		jobs <- b
	}
	close(jobs)
	decoders.Wait()
	close(done)
	<-consumed
	return firstErr
}
