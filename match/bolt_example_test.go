package match_test

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"

	"github.com/palmid/palmid/match"
)

// Keep a gallery in an embedded, sealed store: enrol through the store,
// then start again from the file, as a restarted process would.
func ExampleOpenGallery() {
	dir, err := os.MkdirTemp("", "palmid-example")
	if err != nil {
		panic(err)
	}
	defer os.RemoveAll(dir)
	path := filepath.Join(dir, "gallery.db")
	key := make([]byte, match.KeySize) // from a secrets store in a real application
	ctx := context.Background()

	tmpl := func(v ...float32) *match.Template {
		t, err := match.NewTemplate(v)
		if err != nil {
			panic(err)
		}
		return t
	}
	alice, bob := tmpl(1, 0.2, -0.1, 0.3), tmpl(-0.2, 1, 0.4, -0.5)

	s, err := match.OpenBolt(path, &match.BoltOptions{Key: key})
	if err != nil {
		panic(err)
	}
	g, err := match.OpenGallery(ctx, s, 4, nil)
	if err != nil {
		panic(err)
	}
	// Put returns once the store has committed; then the index has it.
	if err := g.Put(ctx, "alice", alice); err != nil {
		panic(err)
	}
	if err := g.Put(ctx, "bob", bob); err != nil {
		panic(err)
	}
	g.Close()
	s.Close()

	// A new process: the index is rebuilt from the file.
	s, err = match.OpenBolt(path, &match.BoltOptions{Key: key})
	if err != nil {
		panic(err)
	}
	g, err = match.OpenGallery(ctx, s, 4, nil)
	if err != nil {
		panic(err)
	}
	probe := tmpl(0.95, 0.25, -0.05, 0.25)
	for _, c := range g.Search(nil, match.NewMatcher(probe), &match.SearchOptions{K: 2, Threshold: -1}) {
		fmt.Printf("%-5s %6.3f\n", c.ID, c.Score)
	}
	g.Close()
	s.Close()

	// Another key is refused when the store opens.
	wrong := make([]byte, match.KeySize)
	wrong[0] = 1
	_, err = match.OpenBolt(path, &match.BoltOptions{Key: wrong})
	fmt.Println(errors.Is(err, match.ErrSealed))
	// Output:
	// alice  0.997
	// bob   -0.070
	// true
}
