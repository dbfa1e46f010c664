package match

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"hash/fnv"
	"slices"
	"sync"
)

// ShardOf returns the shard of identity id in a gallery of n shards, in
// [0, n): Lamping and Veach's jump consistent hash of the 64-bit FNV-1a hash
// of id. It is part of palmid's stored format: every node, every version,
// puts an identity in the same shard. Going from n to n+1 shards moves
// about 1/(n+1) of the identities, all of them to the new shard. It panics
// if n < 1.
func ShardOf(id string, n int) int {
	if n < 1 {
		panic("match: ShardOf with fewer than one shard")
	}
	h := fnv.New64a()
	h.Write([]byte(id))
	key := h.Sum64()
	// Jump consistent hash, "A Fast, Minimal Memory, Consistent Hash
	// Algorithm" (2014), figure 1.
	var b, j int64 = -1, 0
	for j < int64(n) {
		b = j
		key = key*2862933555777941757 + 1
		j = int64(float64(b+1) * (float64(int64(1)<<31) / float64((key>>33)+1)))
	}
	return int(b)
}

// Searcher is what can be searched like a Gallery: *Gallery and
// *SyncedGallery.
type Searcher interface {
	Search(dst []Candidate, m *Matcher, opts *SearchOptions) []Candidate
}

// Shard is one part of a sharded gallery: an in-process one (LocalShard),
// or a client of another node's, which sends the probe
// (Template.MarshalBinary) and the options and returns that node's
// candidates.
type Shard interface {
	// Search returns the shard's best identities, best first, as
	// Gallery.Search: at most opts.K, each scoring at least
	// opts.Threshold.
	Search(ctx context.Context, dst []Candidate, m *Matcher, opts *SearchOptions) ([]Candidate, error)
}

// LocalShard returns g, a gallery in this process, as a Shard.
func LocalShard(g Searcher) Shard { return localShard{g} }

type localShard struct{ g Searcher }

func (l localShard) Search(ctx context.Context, dst []Candidate, m *Matcher, opts *SearchOptions) ([]Candidate, error) {
	if err := ctx.Err(); err != nil {
		return dst[:0], err
	}
	return l.g.Search(dst, m, opts), nil
}

// ShardedGallery is a gallery split by identity over shards, each holding
// the identities i with ShardOf(i, n) its index, typically one per node:
// its Search asks every shard at once (scatter) and merges their lists
// (gather). Writes go to the shard's own store; ShardedGallery only reads.
// It is safe for concurrent use.
//
// As every identity lives in one shard, the merged best K of the shards'
// best K are the best K of the whole gallery: Exact, Int8 and Binary
// searches return what one gallery of all the identities would, except
// that equal scores from different shards come in the order of their ids.
// Int8Rerank and BinaryRerank rescore each shard's best Rerank templates,
// so they rescore more templates in all than one gallery would and find
// at least as good candidates.
type ShardedGallery struct {
	shards []Shard
}

// NewShardedGallery returns a gallery of the shards, shard i holding the
// identities with ShardOf(id, len(shards)) == i. It panics if there are
// none, or one is nil.
func NewShardedGallery(shards ...Shard) *ShardedGallery {
	if len(shards) == 0 {
		panic("match: NewShardedGallery of no shards")
	}
	if slices.Contains(shards, nil) {
		panic("match: NewShardedGallery of a nil shard")
	}
	return &ShardedGallery{shards: slices.Clone(shards)}
}

// Shard returns the index of the shard that holds id, where writes of id
// go: ShardOf(id, number of shards).
func (s *ShardedGallery) Shard(id string) int { return ShardOf(id, len(s.shards)) }

// Search returns the best identities of all shards for the matcher's probe,
// appended to dst[:0], as Gallery.Search does for one gallery: at most K,
// best first, equal scores in the order of their ids. Shards are searched
// concurrently. If some fail, it returns the merged candidates of the
// others with an error naming the shards that failed: the caller decides
// whether a partial answer will do. A nil opts means DefaultSearchOptions.
func (s *ShardedGallery) Search(ctx context.Context, dst []Candidate, m *Matcher, opts *SearchOptions) ([]Candidate, error) {
	o := &DefaultSearchOptions
	if opts != nil {
		o = opts
	}
	k := max(o.K, 1)
	lists := make([][]Candidate, len(s.shards))
	errs := make([]error, len(s.shards))
	var wg sync.WaitGroup
	for i, sh := range s.shards {
		wg.Go(func() {
			lists[i], errs[i] = sh.Search(ctx, make([]Candidate, 0, k), m, o)
			if errs[i] != nil {
				errs[i] = fmt.Errorf("match: shard %d: %w", i, errs[i])
			}
		})
	}
	wg.Wait()
	dst = mergeCandidates(dst[:0], k, lists)
	return dst, errors.Join(errs...)
}

// mergeCandidates appends the best k candidates of lists to dst, best
// first, equal scores in the order of their ids.
func mergeCandidates(dst []Candidate, k int, lists [][]Candidate) []Candidate {
	start := len(dst)
	for _, l := range lists {
		dst = append(dst, l...)
	}
	all := dst[start:]
	slices.SortFunc(all, func(a, b Candidate) int {
		if c := cmp.Compare(b.Score, a.Score); c != 0 {
			return c
		}
		return cmp.Compare(a.ID, b.ID)
	})
	return dst[:start+min(k, len(all))]
}
