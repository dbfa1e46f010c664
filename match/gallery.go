package match

import (
	"fmt"
	"math"
	"slices"
	"sync"
)

// Keep selects the row representations a Gallery keeps, and so the search
// modes it can serve. Per template at dimension d they cost 4d bytes
// (float32), d+4 bytes (int8 and its scale) and d/8 bytes (binary).
type Keep uint8

const (
	KeepFloat32 Keep = 1 << iota // for Exact and for reranking
	KeepInt8                     // for Int8 and Int8Rerank
	KeepBinary                   // for Binary, BinaryRerank and BinaryInt8Rerank
	KeepAll     = KeepFloat32 | KeepInt8 | KeepBinary
)

// Mode selects how Search scores the gallery's templates.
type Mode uint8

const (
	// Exact scans the float32 rows; scores are cosines, as Matcher.Score.
	Exact Mode = iota
	// Int8 scans the int8 rows; scores estimate cosines, within about
	// 0.003 at dimension 256.
	Int8
	// Binary scans the binary codes; scores are 1 − Hamming/dim, the
	// fraction of sign bits on which probe and template agree.
	Binary
	// Int8Rerank scans the int8 rows, then rescores the best
	// SearchOptions.Rerank templates exactly; scores are cosines.
	Int8Rerank
	// BinaryRerank scans the binary codes, then rescores the best
	// SearchOptions.Rerank templates exactly; scores are cosines.
	BinaryRerank
	// BinaryInt8Rerank scans the binary codes, then rescores the best
	// SearchOptions.Rerank templates from their int8 rows; scores are
	// those of Int8. It is the two-stage search of galleries that keep no
	// float32 rows (KeepInt8|KeepBinary: 292 bytes of rows a template at
	// dimension 256).
	BinaryInt8Rerank
)

var modeNames = [...]string{"Exact", "Int8", "Binary", "Int8Rerank", "BinaryRerank", "BinaryInt8Rerank"}

// String returns the mode's name, as in the constant's.
func (m Mode) String() string {
	if int(m) < len(modeNames) {
		return modeNames[m]
	}
	return fmt.Sprintf("Mode(%d)", m)
}

func (m Mode) keep() Keep {
	switch m {
	case Exact:
		return KeepFloat32
	case Int8:
		return KeepInt8
	case Binary:
		return KeepBinary
	case Int8Rerank:
		return KeepInt8 | KeepFloat32
	case BinaryRerank:
		return KeepBinary | KeepFloat32
	case BinaryInt8Rerank:
		return KeepBinary | KeepInt8
	}
	panic(fmt.Sprintf("match: unknown search mode %v", m))
}

// scan returns the mode of the first, whole-gallery pass.
func (m Mode) scan() Mode {
	switch m {
	case Int8Rerank:
		return Int8
	case BinaryRerank, BinaryInt8Rerank:
		return Binary
	}
	return m
}

// SearchOptions are the settings of Gallery.Search.
type SearchOptions struct {
	// K is the number of identities returned at most; values below 1 mean
	// 1. A search keeps K candidates per goroutine and checks each new one
	// against them, so K is meant to be small (up to a few hundred).
	K int
	// Threshold is the lowest score returned. The zero value drops
	// candidates with negative scores; math.Inf(-1) keeps every candidate.
	// It must not be NaN.
	Threshold float64
	// Mode selects the scan; the zero value is Exact.
	Mode Mode
	// Rerank is the number of templates that Int8Rerank, BinaryRerank and
	// BinaryInt8Rerank rescore. Zero or less means 10·K; values below K are raised
	// to K.
	Rerank int
	// Probes is the number of lists a partitioned gallery (Partition)
	// scans: those whose centroids are nearest the probe. Zero or less
	// scans every row, as galleries without lists always do. Fewer probes
	// are faster and miss more: see "Which path to use" in the package
	// documentation.
	Probes int
}

// DefaultSearchOptions are the options of a Search given nil: the best
// identity by exact cosine, if its score is not negative.
var DefaultSearchOptions = SearchOptions{K: 1, Mode: Exact}

// Candidate is one identity returned by a search, with the score of its
// best-matching template. It converts to eval.Candidate.
type Candidate struct {
	ID    string
	Score float64
}

// Gallery is an in-memory 1:N search index: identities, each with one or
// more templates, stored as flat arrays of contiguous rows. All methods are
// safe for concurrent use. Searches share a read lock; Add, Replace and
// Remove take the write lock, so they wait for searches in progress and
// searches started after them wait for them. Make one with NewGallery; the
// zero value is not usable.
//
// Besides its rows, a template costs 8 bytes (its identity and the next row
// of that identity) and an identity about 10 bytes plus its name (the row
// that starts its list, where its name lies in one shared byte arena, and
// its share of an open-addressing table of names): no Go string, slice or
// map entry is kept per identity or per row.
type Gallery struct {
	mu    sync.RWMutex
	dim   int
	words int
	keep  Keep

	// The n = len(owner) rows, in each kept representation:
	vecs  []float32 // n·dim, KeepFloat32
	q     []int8    // n·dim, KeepInt8
	qstep []float32 // n, KeepInt8
	codes []uint64  // n·words, KeepBinary
	owner []int32   // n: row → identity slot
	next  []int32   // n: the next row of the same identity, −1 after its last

	names nameTable // identity slot ↔ name
	first []int32   // per identity slot: its first row (the head of its next chain)
	tmp   []int32   // scratch rows for deleteRows, under the write lock

	part   *partition // the coarse lists of Partition, or nil
	partMu sync.Mutex // held by Partition
	dirty  []int32    // while Partition learns: rows whose contents changed
}

// NewGallery returns an empty gallery of templates of dimension dim that
// keeps the representations in keep; 0 means KeepAll. It panics if dim < 1.
func NewGallery(dim int, keep Keep) *Gallery {
	if dim < 1 {
		panic("match: NewGallery dimension below 1")
	}
	if keep == 0 {
		keep = KeepAll
	}
	g := &Gallery{dim: dim, words: CodeWords(dim), keep: keep}
	g.names.init()
	return g
}

// Dim returns the dimension of the gallery's templates.
func (g *Gallery) Dim() int { return g.dim }

// Len returns the number of identities.
func (g *Gallery) Len() int {
	g.mu.RLock()
	defer g.mu.RUnlock()
	return len(g.first)
}

// Templates returns the number of templates of all identities.
func (g *Gallery) Templates() int {
	g.mu.RLock()
	defer g.mu.RUnlock()
	return len(g.owner)
}

// Grow makes room for n more templates, and as many identities, so that
// adding them does not reallocate the rows or the identity tables (only
// the arena of names still grows as names arrive). It panics if n < 0.
func (g *Gallery) Grow(n int) {
	if n < 0 {
		panic("match: Grow by a negative count")
	}
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.keep&KeepFloat32 != 0 {
		g.vecs = slices.Grow(g.vecs, n*g.dim)
	}
	if g.keep&KeepInt8 != 0 {
		g.q = slices.Grow(g.q, n*g.dim)
		g.qstep = slices.Grow(g.qstep, n)
	}
	if g.keep&KeepBinary != 0 {
		g.codes = slices.Grow(g.codes, n*g.words)
	}
	g.owner = slices.Grow(g.owner, n)
	g.next = slices.Grow(g.next, n)
	g.first = slices.Grow(g.first, n)
	g.names.grow(n)
	if g.part != nil {
		g.part.listOf = slices.Grow(g.part.listOf, n)
	}
}

// Add enrols templates under id, after any the identity already has. It
// returns ErrDim, adding nothing, if a template's dimension is not the
// gallery's. It panics if templates is empty or holds nil.
func (g *Gallery) Add(id string, templates ...*Template) error {
	if err := g.check(templates); err != nil {
		return err
	}
	g.mu.Lock()
	defer g.mu.Unlock()
	s, _ := g.names.find(id)
	if s < 0 {
		s = g.newIdentity(id)
	}
	g.appendRows(s, templates)
	return nil
}

// Replace enrols templates under id in place of any it had. It returns
// ErrDim, changing nothing, if a template's dimension is not the gallery's.
// It panics if templates is empty or holds nil.
func (g *Gallery) Replace(id string, templates ...*Template) error {
	if err := g.check(templates); err != nil {
		return err
	}
	g.mu.Lock()
	defer g.mu.Unlock()
	s, _ := g.names.find(id)
	if s >= 0 {
		g.deleteRows(s)
	} else {
		s = g.newIdentity(id)
	}
	g.appendRows(s, templates)
	return nil
}

// Remove deletes id and its templates, and reports whether it was enrolled.
// The last rows move into the freed ones, and the last identity into the
// freed slot, so removal costs time in proportion to the identity's
// templates (and those of the identities whose rows move), not to the
// gallery.
func (g *Gallery) Remove(id string) bool {
	g.mu.Lock()
	defer g.mu.Unlock()
	s, pos := g.names.find(id)
	if s < 0 {
		return false
	}
	g.deleteRows(s)
	g.names.remove(pos, s)
	last := int32(len(g.first) - 1)
	if s != last {
		g.first[s] = g.first[last]
		for r := g.first[s]; r >= 0; r = g.next[r] {
			g.owner[r] = s
		}
	}
	g.first = g.first[:last]
	return true
}

func (g *Gallery) check(templates []*Template) error {
	if len(templates) == 0 {
		panic("match: no templates")
	}
	for _, t := range templates {
		if t == nil {
			panic("match: nil template")
		}
		if t.Dim() != g.dim {
			return fmt.Errorf("%w: template of dimension %d, gallery of %d", ErrDim, t.Dim(), g.dim)
		}
	}
	return nil
}

func (g *Gallery) newIdentity(id string) int32 {
	if len(g.first) >= math.MaxInt32-1 {
		panic("match: too many identities")
	}
	s := int32(len(g.first))
	g.first = append(g.first, -1)
	g.names.add(id, s)
	return s
}

func (g *Gallery) appendRows(s int32, templates []*Template) {
	if len(g.owner)+len(templates) > math.MaxInt32 {
		panic("match: too many templates")
	}
	for _, t := range templates {
		if g.keep&KeepFloat32 != 0 {
			g.vecs = append(g.vecs, t.vec...)
		}
		if g.keep&KeepInt8 != 0 {
			g.q = append(g.q, t.q...)
			g.qstep = append(g.qstep, t.qstep)
		}
		if g.keep&KeepBinary != 0 {
			g.codes = append(g.codes, t.code...)
		}
		r := int32(len(g.owner))
		if g.dirty != nil {
			g.dirty = append(g.dirty, r)
		}
		g.owner = append(g.owner, s)
		g.next = append(g.next, g.first[s])
		g.first[s] = r
		if g.part != nil {
			g.part.addRow(g, r)
		}
	}
}

// deleteRows deletes the rows of identity s, moving the gallery's last row
// into each hole. Taking the identity's rows from the highest down means
// the last row never belongs to s unless it is the one being deleted.
func (g *Gallery) deleteRows(s int32) {
	rows := g.tmp[:0]
	for r := g.first[s]; r >= 0; r = g.next[r] {
		rows = append(rows, r)
	}
	slices.Sort(rows)
	g.first[s] = -1
	for i := len(rows) - 1; i >= 0; i-- {
		g.moveLastRow(int(rows[i]))
	}
	g.tmp = rows[:0]
}

// moveLastRow overwrites row r with the last row and drops the last row.
// The caller has unlinked row r from its identity's chain (or is dropping
// the whole chain).
func (g *Gallery) moveLastRow(r int) {
	last := len(g.owner) - 1
	d, w := g.dim, g.words
	if g.part != nil {
		g.part.moveRow(int32(r), int32(last))
	}
	if r != last {
		if g.dirty != nil {
			g.dirty = append(g.dirty, int32(r))
		}
		if g.keep&KeepFloat32 != 0 {
			copy(g.vecs[r*d:(r+1)*d], g.vecs[last*d:])
		}
		if g.keep&KeepInt8 != 0 {
			copy(g.q[r*d:(r+1)*d], g.q[last*d:])
			g.qstep[r] = g.qstep[last]
		}
		if g.keep&KeepBinary != 0 {
			copy(g.codes[r*w:(r+1)*w], g.codes[last*w:])
		}
		o := g.owner[last]
		g.owner[r] = o
		g.next[r] = g.next[last]
		// Point whatever led to the last row at r.
		if g.first[o] == int32(last) {
			g.first[o] = int32(r)
		} else {
			p := g.first[o]
			for g.next[p] != int32(last) {
				p = g.next[p]
			}
			g.next[p] = int32(r)
		}
	}
	if g.keep&KeepFloat32 != 0 {
		g.vecs = g.vecs[:last*d]
	}
	if g.keep&KeepInt8 != 0 {
		g.q = g.q[:last*d]
		g.qstep = g.qstep[:last]
	}
	if g.keep&KeepBinary != 0 {
		g.codes = g.codes[:last*w]
	}
	g.owner = g.owner[:last]
	g.next = g.next[:last]
}

// id returns the name of identity slot s. The string shares the arena's
// bytes, which are never written again, so it stays valid and unchanged
// after the identity is removed.
func (g *Gallery) id(s int32) string { return g.names.name(s) }
