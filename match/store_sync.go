package match

import (
	"context"
	"errors"
	"fmt"
	"hash/maphash"
	"sync"
	"sync/atomic"
	"time"
)

// SyncOptions are the settings of OpenGallery.
type SyncOptions struct {
	// Keep selects the representations the in-memory index keeps, as in
	// NewGallery; 0 means KeepAll.
	Keep Keep
	// OnError, if not nil, receives the errors met while following a
	// Follower store: records that do not decode, lost connections,
	// failed reloads. It is called from the following goroutine, one
	// call at a time. The index keeps its last good state meanwhile.
	OnError func(error)
	// Partition, if not nil, partitions the index (Gallery.Partition)
	// after each full load of a store that is not empty, so that searches
	// may set SearchOptions.Probes. Partition partitions it again later.
	Partition *PartitionOptions
}

// SyncedGallery is an in-memory Gallery built from a Store at start and
// kept in step with it. Writes go through the store first: Put and Delete
// return once the store has committed, and only then change the index, so
// a search never finds an identity the store would not give back after a
// crash. When the store is a Follower (PostgreSQL), writes by other nodes
// reach the index too, through the store's notifications.
//
// All methods are safe for concurrent use. Writes to one identity are
// applied to the index in the order the store committed them.
type SyncedGallery struct {
	store   Store
	dim     int
	keep    Keep
	onError func(error)
	part    *PartitionOptions

	g     atomic.Pointer[Gallery]
	seed  maphash.Seed
	locks [64]sync.Mutex // by hash of the identity: store write + index update

	cancel context.CancelFunc
	done   chan struct{}
}

// The pause before following a Follower again after an error: it doubles
// after each failed attempt, up to maxPause.
const (
	minPause = 50 * time.Millisecond
	maxPause = 5 * time.Second
)

// OpenGallery loads every identity of s into a new in-memory index of
// templates of dimension dim and returns it. If s is a Follower it also
// starts following s, and returns once the first load is done; the
// follower reloads the whole index after a lost connection, building the
// new index beside the old one and then swapping them, so a reload needs
// memory for two indexes for a while. Close stops following.
//
// It returns the store's error, or one wrapping ErrDim if a stored template
// is not of dimension dim. A nil opts means the zero SyncOptions. It
// panics if dim < 1.
func OpenGallery(ctx context.Context, s Store, dim int, opts *SyncOptions) (*SyncedGallery, error) {
	if dim < 1 {
		panic("match: OpenGallery dimension below 1")
	}
	var o SyncOptions
	if opts != nil {
		o = *opts
	}
	if o.Keep == 0 {
		o.Keep = KeepAll
	}
	sg := &SyncedGallery{store: s, dim: dim, keep: o.Keep, onError: o.OnError, part: o.Partition, seed: maphash.MakeSeed()}
	f, ok := s.(Follower)
	if !ok {
		g, err := sg.load(ctx)
		if err != nil {
			return nil, err
		}
		sg.g.Store(g)
		return sg, nil
	}

	fctx, cancel := context.WithCancel(context.Background())
	sg.cancel, sg.done = cancel, make(chan struct{})
	first := make(chan error, 1)
	loaded := false // only the following goroutine reads and writes it
	ready := func(ctx context.Context) error {
		g, err := sg.load(ctx)
		if err != nil {
			if !loaded {
				return err // OpenGallery fails with it
			}
			return fmt.Errorf("match: reloading the gallery: %w", err)
		}
		sg.g.Store(g)
		if !loaded {
			loaded = true
			first <- nil
		}
		return nil
	}
	go func() {
		defer close(sg.done)
		pause := minPause
		for {
			err := f.Follow(fctx, func(ctx context.Context) error {
				err := ready(ctx)
				if err == nil {
					pause = minPause
				}
				return err
			}, sg.changed)
			if fctx.Err() != nil {
				return
			}
			if !loaded {
				select { // a failure to connect at first fails OpenGallery
				case first <- err:
				default:
				}
				return
			}
			sg.report(err)
			select {
			case <-time.After(pause):
			case <-fctx.Done():
				return
			}
			pause = min(2*pause, maxPause)
		}
	}()
	var err error
	select {
	case err = <-first:
	case <-ctx.Done():
		err = ctx.Err()
	}
	if err != nil {
		cancel()
		<-sg.done
		return nil, err
	}
	return sg, nil
}

// load builds a new index from the store.
func (sg *SyncedGallery) load(ctx context.Context) (*Gallery, error) {
	g := NewGallery(sg.dim, sg.keep)
	if c, ok := sg.store.(interface {
		count(ctx context.Context) (int, error)
	}); ok {
		if n, err := c.count(ctx); err == nil && n > 0 {
			g.Grow(n)
		}
	}
	err := sg.store.Load(ctx, func(id string, ts []*Template) error {
		return g.Replace(id, ts...)
	})
	if err != nil {
		return nil, err
	}
	if sg.part != nil && g.Templates() > 0 {
		g.Partition(sg.part)
	}
	return g, nil
}

// Partition partitions the index, as Gallery.Partition, after the changes
// made since the last full load or Partition. It does nothing to an empty
// index.
func (sg *SyncedGallery) Partition(opts *PartitionOptions) {
	if g := sg.g.Load(); g.Templates() > 0 {
		g.Partition(opts)
	}
}

// changed brings the index's copy of id in step with the store.
func (sg *SyncedGallery) changed(id string) error {
	mu := sg.lock(id)
	mu.Lock()
	defer mu.Unlock()
	ts, err := sg.store.Get(context.Background(), id)
	switch {
	case errors.Is(err, ErrNotFound):
		sg.g.Load().Remove(id)
		return nil
	case errors.Is(err, ErrRecord) || errors.Is(err, ErrSealed):
		sg.report(err) // not transient: a reload would meet it again
		return nil
	case err != nil:
		// Transient, as a lost connection: report it, start over, reload.
		return fmt.Errorf("match: following %q: %w", id, err)
	}
	if err := sg.g.Load().Replace(id, ts...); err != nil {
		sg.report(fmt.Errorf("match: following %q: %w", id, err))
	}
	return nil
}

func (sg *SyncedGallery) report(err error) {
	if sg.onError != nil {
		sg.onError(err)
	}
}

func (sg *SyncedGallery) lock(id string) *sync.Mutex {
	return &sg.locks[maphash.String(sg.seed, id)%uint64(len(sg.locks))]
}

// Put stores templates under id, in place of any it had, and once the store
// has committed them, enrols them in the index. It returns ErrDim, storing
// nothing, if a template's dimension is not the gallery's, and ErrID for an
// id the store cannot keep. It panics if templates is empty or holds nil.
func (sg *SyncedGallery) Put(ctx context.Context, id string, templates ...*Template) error {
	checkTemplates(templates)
	for _, t := range templates {
		if t.Dim() != sg.dim {
			return fmt.Errorf("%w: template of dimension %d, gallery of %d", ErrDim, t.Dim(), sg.dim)
		}
	}
	mu := sg.lock(id)
	mu.Lock()
	defer mu.Unlock()
	if err := sg.store.Put(ctx, id, templates...); err != nil {
		return err
	}
	return sg.g.Load().Replace(id, templates...)
}

// Delete removes id from the store and, once the store has committed,
// from the index. Deleting an absent id is not an error.
func (sg *SyncedGallery) Delete(ctx context.Context, id string) error {
	mu := sg.lock(id)
	mu.Lock()
	defer mu.Unlock()
	if err := sg.store.Delete(ctx, id); err != nil {
		return err
	}
	sg.g.Load().Remove(id)
	return nil
}

// Search searches the index, as Gallery.Search.
func (sg *SyncedGallery) Search(dst []Candidate, m *Matcher, opts *SearchOptions) []Candidate {
	return sg.g.Load().Search(dst, m, opts)
}

// Dim returns the dimension of the gallery's templates.
func (sg *SyncedGallery) Dim() int { return sg.dim }

// Len returns the number of identities in the index.
func (sg *SyncedGallery) Len() int { return sg.g.Load().Len() }

// Templates returns the number of templates in the index.
func (sg *SyncedGallery) Templates() int { return sg.g.Load().Templates() }

// Close stops following the store. It does not close the store, which
// stays the caller's. Searches still work on the last state of the index.
func (sg *SyncedGallery) Close() error {
	if sg.cancel != nil {
		sg.cancel()
		<-sg.done
	}
	return nil
}
