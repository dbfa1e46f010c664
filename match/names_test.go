package match

import (
	"fmt"
	"math/rand/v2"
	"testing"
)

// TestNameTable enrols and removes enough identities to rehash the table
// and compact the arena several times, checking every lookup against a map,
// and that IDs returned by searches keep their value after their identity
// is removed and the arena compacted.
func TestNameTable(t *testing.T) {
	rng := rand.New(rand.NewPCG(71, 72))
	g := NewGallery(32, KeepBinary)
	tp := mustTemplate(t, randVec(rng, 32))
	live := map[string]bool{}
	var order []string
	got := g.Search(nil, NewMatcher(tp), &SearchOptions{K: 1, Mode: Binary})
	if len(got) != 0 {
		t.Fatalf("empty gallery found %v", got)
	}
	if err := g.Add("", tp); err != nil { // the empty ID is an ID
		t.Fatal(err)
	}
	live[""] = true
	order = append(order, "")
	held := map[string]string{} // an ID returned by Search → its value then
	for round := range 6 {
		for i := range 20_000 {
			id := fmt.Sprintf("identity-%d-%d-%s", round, i, string(rune('a'+rng.IntN(26))))
			if err := g.Add(id, tp); err != nil {
				t.Fatal(err)
			}
			live[id] = true
			order = append(order, id)
		}
		res := g.Search(nil, NewMatcher(tp), &SearchOptions{K: 3, Mode: Binary})
		for _, c := range res {
			held[c.ID] = string([]byte(c.ID))
		}
		for range 15_000 {
			j := rng.IntN(len(order))
			id := order[j]
			order[j] = order[len(order)-1]
			order = order[:len(order)-1]
			if !g.Remove(id) {
				t.Fatalf("Remove(%q) = false", id)
			}
			delete(live, id)
			if g.Remove(id) {
				t.Fatalf("second Remove(%q) = true", id)
			}
		}
		if g.Len() != len(live) {
			t.Fatalf("Len %d, want %d", g.Len(), len(live))
		}
		for s := range g.first {
			id := g.id(int32(s))
			if !live[id] {
				t.Fatalf("slot %d holds %q, removed or never added", s, id)
			}
			if f, _ := g.names.find(id); f != int32(s) {
				t.Fatalf("find(%q) = %d, want %d", id, f, s)
			}
		}
		for id := range live {
			if f, _ := g.names.find(id); f < 0 {
				t.Fatalf("%q not found", id)
			}
		}
	}
	for id, want := range held {
		if id != want {
			t.Fatalf("a held ID changed from %q to %q", want, id)
		}
	}
	t.Logf("%d identities, arena %d bytes (%d dead), table of %d", g.Len(), len(g.names.arena), g.names.dead, len(g.names.table))
}
