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

// identity is one enrolled identity and the gallery rows of its templates.
type identity struct {
	id   string
	rows []int32
}

// Gallery is an in-memory 1:N search index: identities, each with one or
// more templates, stored as flat arrays of contiguous rows. All methods are
// safe for concurrent use. Searches share a read lock; Add, Replace and
// Remove take the write lock, so they wait for searches in progress and
// searches started after them wait for them. Make one with NewGallery; the
// zero value is not usable.
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

	ids  []identity
	slot map[string]int32
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
	return &Gallery{dim: dim, words: CodeWords(dim), keep: keep, slot: make(map[string]int32)}
}

// Dim returns the dimension of the gallery's templates.
func (g *Gallery) Dim() int { return g.dim }

// Len returns the number of identities.
func (g *Gallery) Len() int {
	g.mu.RLock()
	defer g.mu.RUnlock()
	return len(g.ids)
}

// Templates returns the number of templates of all identities.
func (g *Gallery) Templates() int {
	g.mu.RLock()
	defer g.mu.RUnlock()
	return len(g.owner)
}

// Grow makes room for n more templates, so that adding them does not
// reallocate the rows. It panics if n < 0.
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
	s, ok := g.slot[id]
	if !ok {
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
	s, ok := g.slot[id]
	if ok {
		g.deleteRows(s)
	} else {
		s = g.newIdentity(id)
	}
	g.appendRows(s, templates)
	return nil
}

// Remove deletes id and its templates, and reports whether it was enrolled.
// The last rows move into the freed ones, so removal costs time in
// proportion to the identity's templates, not to the gallery.
func (g *Gallery) Remove(id string) bool {
	g.mu.Lock()
	defer g.mu.Unlock()
	s, ok := g.slot[id]
	if !ok {
		return false
	}
	g.deleteRows(s)
	last := int32(len(g.ids) - 1)
	if s != last {
		moved := g.ids[last]
		g.ids[s] = moved
		g.slot[moved.id] = s
		for _, r := range moved.rows {
			g.owner[r] = s
		}
	}
	g.ids[last] = identity{}
	g.ids = g.ids[:last]
	delete(g.slot, id)
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
	if len(g.ids) >= math.MaxInt32 {
		panic("match: too many identities")
	}
	s := int32(len(g.ids))
	g.ids = append(g.ids, identity{id: id})
	g.slot[id] = s
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
		g.ids[s].rows = append(g.ids[s].rows, int32(len(g.owner)))
		g.owner = append(g.owner, s)
	}
}

// deleteRows deletes the rows of identity s, moving the gallery's last row
// into each hole. Taking the identity's rows from the highest down means
// the last row never belongs to s unless it is the one being deleted.
func (g *Gallery) deleteRows(s int32) {
	rows := g.ids[s].rows
	slices.Sort(rows)
	for i := len(rows) - 1; i >= 0; i-- {
		g.moveLastRow(int(rows[i]))
	}
	g.ids[s].rows = rows[:0]
}

// moveLastRow overwrites row r with the last row and drops the last row.
func (g *Gallery) moveLastRow(r int) {
	last := len(g.owner) - 1
	d, w := g.dim, g.words
	if r != last {
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
		rows := g.ids[o].rows
		rows[slices.Index(rows, int32(last))] = int32(r)
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
}
