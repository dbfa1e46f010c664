package match

import (
	"context"
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"path/filepath"
	"sync"
	"testing"
)

// topID returns the best identity for probe in g, or "" if there is none.
func topID(g interface {
	Search([]Candidate, *Matcher, *SearchOptions) []Candidate
}, probe *Template) string {
	c := g.Search(nil, NewMatcher(probe), &SearchOptions{K: 1, Threshold: 0.99})
	if len(c) == 0 {
		return ""
	}
	return c[0].ID
}

func TestSyncedGalleryBolt(t *testing.T) {
	ctx := context.Background()
	rng := rand.New(rand.NewPCG(15, 16))
	path := filepath.Join(t.TempDir(), "g.db")
	s := openBolt(t, path, testKey(7))
	g, err := OpenGallery(ctx, s, 32, nil)
	if err != nil {
		t.Fatal(err)
	}
	ts := make(map[string]*Template)
	for i := range 50 {
		id := fmt.Sprint("p", i)
		ts[id] = unitTemplate(t, rng, 32)
		if err := g.Put(ctx, id, ts[id], unitTemplate(t, rng, 32)); err != nil {
			t.Fatal(err)
		}
	}
	if err := g.Delete(ctx, "p3"); err != nil {
		t.Fatal(err)
	}
	if err := g.Put(ctx, "p4", unitTemplate(t, rng, 8)); !errors.Is(err, ErrDim) {
		t.Errorf("Put of a wrong dimension: %v", err)
	}
	if err := g.Put(ctx, "", ts["p5"]); !errors.Is(err, ErrID) {
		t.Errorf("Put of an empty id: %v", err)
	}
	if _, err := s.Get(ctx, ""); !errors.Is(err, ErrNotFound) {
		t.Errorf("a refused Put reached the store: %v", err)
	}
	check := func(g *SyncedGallery, when string) {
		if g.Len() != 49 || g.Templates() != 98 {
			t.Errorf("%s: %d identities, %d templates", when, g.Len(), g.Templates())
		}
		for id, tp := range ts {
			want := id
			if id == "p3" {
				want = ""
			}
			if got := topID(g, tp); got != want {
				t.Errorf("%s: search for %s found %q", when, id, got)
			}
		}
	}
	check(g, "after writes")
	g.Close()
	s.Close()

	s = openBolt(t, path, testKey(7))
	defer s.Close()
	g, err = OpenGallery(ctx, s, 32, &SyncOptions{Keep: KeepInt8 | KeepFloat32})
	if err != nil {
		t.Fatal(err)
	}
	check(g, "reopened")
	g.Close()
	g, err = OpenGallery(ctx, s, 32, &SyncOptions{Keep: KeepInt8 | KeepFloat32, Partition: &PartitionOptions{Lists: 4}})
	if err != nil {
		t.Fatal(err)
	}
	if n := len(g.g.Load().Lists()); n != 4 {
		t.Errorf("reopened with Partition: %d lists, want 4", n)
	}
	check(g, "reopened and partitioned")
	g.Partition(&PartitionOptions{Lists: 3})
	if n := len(g.g.Load().Lists()); n != 3 {
		t.Errorf("after Partition: %d lists, want 3", n)
	}
	g.Close()
	if _, err := OpenGallery(ctx, s, 16, nil); !errors.Is(err, ErrDim) {
		t.Errorf("OpenGallery of another dimension: %v", err)
	}
}

// TestSyncedGalleryConcurrent writes, deletes and searches from many
// goroutines (run it with -race), then checks that index and store agree.
func TestSyncedGalleryConcurrent(t *testing.T) {
	ctx := context.Background()
	s := openBolt(t, filepath.Join(t.TempDir(), "g.db"), nil)
	defer s.Close()
	g, err := OpenGallery(ctx, s, 16, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer g.Close()
	var wg sync.WaitGroup
	for w := range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			rng := rand.New(rand.NewPCG(uint64(w), 17))
			for i := range 40 {
				id := fmt.Sprint("id", rng.IntN(10))
				if i%4 == 3 {
					if err := g.Delete(ctx, id); err != nil {
						t.Error(err)
					}
					continue
				}
				tp := unitTemplate(t, rng, 16)
				if err := g.Put(ctx, id, tp); err != nil {
					t.Error(err)
				}
				g.Search(nil, NewMatcher(tp), &SearchOptions{K: 3, Threshold: math.Inf(-1)})
			}
		}()
	}
	wg.Wait()
	want := storeContents(t, s)
	if g.Len() != len(want) {
		t.Errorf("index holds %d identities, store %d", g.Len(), len(want))
	}
	for id, ts := range want {
		if got := topID(g, ts[0]); got != id {
			t.Errorf("search for %s's stored template found %q", id, got)
		}
	}
}
