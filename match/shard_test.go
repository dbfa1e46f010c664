package match

import (
	"context"
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"testing"
)

func TestShardOf(t *testing.T) {
	// Golden values, checked against an independent Python version of
	// FNV-1a and jump hash: ShardOf is part of the stored format.
	for _, c := range []struct {
		id   string
		n    int
		want int
	}{
		{"alice", 1, 0}, {"alice", 4, 3}, {"bob", 4, 2}, {"carol", 16, 7}, {"", 7, 1},
	} {
		if got := ShardOf(c.id, c.n); got != c.want {
			t.Errorf("ShardOf(%q, %d) = %d, want %d", c.id, c.n, got, c.want)
		}
	}
	// Balanced, and growing by one shard moves only identities to the new
	// shard, about 1/(n+1) of them.
	const ids, n = 100_000, 8
	counts := make([]int, n)
	moved := 0
	for i := range ids {
		id := fmt.Sprint("id-", i)
		a, b := ShardOf(id, n), ShardOf(id, n+1)
		counts[a]++
		if a != b {
			moved++
			if b != n {
				t.Fatalf("%s moved from shard %d to %d, not to the new shard", id, a, b)
			}
		}
	}
	for i, c := range counts {
		if math.Abs(float64(c)-ids/n) > 5*math.Sqrt(ids/n) {
			t.Errorf("shard %d holds %d of %d identities", i, c, ids)
		}
	}
	if want := ids / (n + 1); math.Abs(float64(moved-want)) > 5*math.Sqrt(float64(want)) {
		t.Errorf("growing to %d shards moved %d identities, want about %d", n+1, moved, want)
	}
}

// TestShardedMatchesOneGallery spreads a gallery over several in-process
// shards and checks that scatter-gather searches return what one gallery of
// all the identities returns.
func TestShardedMatchesOneGallery(t *testing.T) {
	const dim, ids = 64, 2000
	rng := rand.New(rand.NewPCG(31, 32))
	for _, nShards := range []int{1, 3, 5} {
		whole := NewGallery(dim, KeepAll)
		parts := make([]*Gallery, nShards)
		shards := make([]Shard, nShards)
		for i := range parts {
			parts[i] = NewGallery(dim, KeepAll)
			shards[i] = LocalShard(parts[i])
		}
		sg := NewShardedGallery(shards...)
		var enrolled []*Template
		byID := make(map[string][]*Template)
		for i := range ids {
			id := fmt.Sprint("id-", i)
			ts := []*Template{unitTemplate(t, rng, dim)}
			if i%4 == 0 {
				ts = append(ts, unitTemplate(t, rng, dim))
			}
			enrolled = append(enrolled, ts[0])
			byID[id] = ts
			whole.Add(id, ts...)
			parts[sg.Shard(id)].Add(id, ts...)
		}
		for _, p := range parts {
			if p.Len() == 0 {
				t.Fatalf("%d shards: an empty shard", nShards)
			}
		}
		ctx := context.Background()
		for q := range 12 {
			// Probes near an enrolled template, and unrelated ones.
			var probe *Template
			if q%2 == 0 {
				v := slices.Clone(enrolled[rng.IntN(ids)].vec)
				for j := range v {
					v[j] += float32(0.1 * rng.NormFloat64())
				}
				probe, _ = NewTemplate(v)
			} else {
				probe = unitTemplate(t, rng, dim)
			}
			m := NewMatcher(probe)
			for _, mode := range []Mode{Exact, Int8, Binary, Int8Rerank, BinaryRerank} {
				// An identity's score in this mode, to check candidates.
				score := func(id string) float64 {
					best := math.Inf(-1)
					for _, tp := range byID[id] {
						var s float64
						switch mode {
						case Int8:
							s = float64(float32(dotInt8(probe.q, tp.q)) * (tp.qstep * probe.qstep))
						case Binary:
							s = float64(dim-hamming(probe.code, tp.code)) / dim
						default:
							s = float64(dot(probe.vec, tp.vec))
						}
						best = max(best, s)
					}
					return best
				}
				for _, o := range []SearchOptions{
					{K: 1, Threshold: math.Inf(-1)}, {K: 10, Threshold: math.Inf(-1)},
					{K: 50, Threshold: 0.2}, {K: 10, Threshold: 0.99},
				} {
					o.Mode = mode
					if mode == Binary && o.Threshold > 0 {
						o.Threshold = 0.55
					}
					want := whole.Search(nil, m, &o)
					got, err := sg.Search(ctx, nil, m, &o)
					if err != nil {
						t.Fatal(err)
					}
					what := fmt.Sprintf("%d shards, probe %d, %v, K %d, threshold %v", nShards, q, mode, o.K, o.Threshold)
					if len(got) != len(want) {
						t.Fatalf("%s: %d candidates, want %d", what, len(got), len(want))
					}
					for i := range got {
						s := score(got[i].ID)
						if rerank := mode == Int8Rerank || mode == BinaryRerank; !rerank && s != got[i].Score || rerank && got[i].Score > s {
							// A rerank scores the identity's best
							// template among those prefiltered, which
							// may not be its best of all.
							t.Fatalf("%s: candidate %v, but its score is %v", what, got[i], s)
						}
						if i > 0 && (got[i].Score > got[i-1].Score ||
							got[i].Score == got[i-1].Score && got[i].ID < got[i-1].ID) {
							t.Fatalf("%s: candidates out of order: %v", what, got)
						}
						switch mode {
						case Int8Rerank, BinaryRerank:
							// Each shard reranks its own best: never worse.
							if got[i].Score < want[i].Score {
								t.Fatalf("%s: candidate %d scores %v, one gallery's %v", what, i, got[i].Score, want[i].Score)
							}
						default:
							if got[i].Score != want[i].Score {
								t.Fatalf("%s: candidate %d scores %v, one gallery's %v", what, i, got[i].Score, want[i].Score)
							}
						}
					}
					if mode == Exact || mode == Int8 {
						// No ties among float scores here: the very same list.
						if !slices.Equal(got, want) {
							t.Fatalf("%s: %v, one gallery %v", what, got, want)
						}
					}
				}
			}
		}
	}
}

type failingShard struct{}

func (failingShard) Search(ctx context.Context, dst []Candidate, m *Matcher, opts *SearchOptions) ([]Candidate, error) {
	return dst[:0], errors.New("node down")
}

func TestShardedPartial(t *testing.T) {
	rng := rand.New(rand.NewPCG(33, 34))
	g := NewGallery(8, KeepAll)
	tp := unitTemplate(t, rng, 8)
	g.Add("a", tp)
	sg := NewShardedGallery(LocalShard(g), failingShard{})
	got, err := sg.Search(context.Background(), nil, NewMatcher(tp), nil)
	if err == nil || len(got) != 1 || got[0].ID != "a" {
		t.Errorf("with one shard down: %v, %v", got, err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := NewShardedGallery(LocalShard(g)).Search(ctx, nil, NewMatcher(tp), nil); !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled search: %v", err)
	}
}
