package match

import (
	"encoding/binary"
	"hash/maphash"
	"math"
	"math/bits"
	"slices"
	"unsafe"
)

// nameTable maps the names of a gallery's identities to their slots
// 0, 1, …, n−1 and back, in about 10 bytes per identity besides the names'
// bytes: the names lie one after another in one byte arena (each a uvarint
// length, then its bytes), each slot holds where its name starts, and an
// open-addressing table with linear probing holds slot+1 (0 for empty) at
// the hash of the name. No Go string, slice or map entry is kept per
// identity.
//
// Bytes once written to the arena are never written again: a removed name
// stays where it was until the arena is compacted into a new array, so the
// strings that name returns (which share the arena's bytes) stay valid and
// unchanged for as long as they are held.
type nameTable struct {
	arena []byte
	at    []uint32 // slot → start of its name in arena
	table []int32  // slot+1, or 0 for an empty cell
	dead  int      // bytes of the arena held by removed names
	seed  maphash.Seed
}

// maxArena is the largest arena whose offsets fit the uint32 of at.
const maxArena = math.MaxUint32

func (t *nameTable) init() {
	t.seed = maphash.MakeSeed()
	t.table = make([]int32, 8)
}

// home returns the cell where the name's probe sequence starts.
func (t *nameTable) home(id string) int {
	hi, _ := bits.Mul64(maphash.String(t.seed, id), uint64(len(t.table)))
	return int(hi)
}

// name returns the name of slot s.
func (t *nameTable) name(s int32) string {
	off := int(t.at[s])
	n, k := binary.Uvarint(t.arena[off:])
	if n == 0 {
		return ""
	}
	return unsafe.String(&t.arena[off+k], int(n))
}

// find returns the slot of id and its cell in the table, or −1, −1.
func (t *nameTable) find(id string) (slot int32, cell int) {
	i := t.home(id)
	for {
		c := t.table[i]
		if c == 0 {
			return -1, -1
		}
		if t.name(c-1) == id {
			return c - 1, i
		}
		if i++; i == len(t.table) {
			i = 0
		}
	}
}

// grow makes room for n more names in the table (load at most 3/4) and
// the slot offsets, so that adding them does not rehash.
func (t *nameTable) grow(n int) {
	t.at = slices.Grow(t.at, n)
	if need := (len(t.at)+n)*4/3 + 1; need > len(t.table) {
		t.rehash(need)
	}
}

// add gives id, which is not in the table, the slot s = len(at).
func (t *nameTable) add(id string, s int32) {
	if (len(t.at)+1)*4 > len(t.table)*3 {
		t.rehash(max(16, 2*(len(t.at)+1)))
	}
	off := len(t.arena)
	if off+binary.MaxVarintLen64+len(id) > maxArena {
		if t.compact(); len(t.arena)+binary.MaxVarintLen64+len(id) > maxArena {
			panic("match: identity names exceed 4 GiB")
		}
		off = len(t.arena)
	}
	if need := off + binary.MaxVarintLen64 + len(id); need > cap(t.arena) {
		// Grow by an eighth, not append's quarter: names are copied a few
		// more times, and the arena wastes less.
		a := make([]byte, off, need+off/8)
		copy(a, t.arena)
		t.arena = a
	}
	t.arena = binary.AppendUvarint(t.arena, uint64(len(id)))
	t.arena = append(t.arena, id...)
	t.at = append(t.at, uint32(off))
	i := t.home(id)
	for t.table[i] != 0 {
		if i++; i == len(t.table) {
			i = 0
		}
	}
	t.table[i] = s + 1
}

// remove deletes slot s, found at cell, and moves the last slot into s.
func (t *nameTable) remove(cell int, s int32) {
	t.dead += t.size(s)
	t.deleteCell(cell)
	last := int32(len(t.at) - 1)
	if s != last {
		_, c := t.find(t.name(last))
		t.table[c] = s + 1
		t.at[s] = t.at[last]
	}
	t.at = t.at[:last]
	if t.dead > 1<<16 && t.dead > len(t.arena)/2 {
		t.compact()
	}
}

// size returns the bytes of the arena that slot s's name takes.
func (t *nameTable) size(s int32) int {
	n, k := binary.Uvarint(t.arena[t.at[s]:])
	return k + int(n)
}

// deleteCell empties cell i, shifting later cells of the same probe run
// back so that every name stays reachable from its home (no tombstones).
func (t *nameTable) deleteCell(i int) {
	n := len(t.table)
	j := i
	for {
		if j++; j == n {
			j = 0
		}
		c := t.table[j]
		if c == 0 {
			break
		}
		h := t.home(t.name(c - 1))
		// Move c back to i unless its home lies cyclically in (i, j].
		if i <= j && (h <= i || h > j) || i > j && h <= i && h > j {
			t.table[i] = c
			i = j
		}
	}
	t.table[i] = 0
}

// rehash rebuilds the table with size cells.
func (t *nameTable) rehash(size int) {
	t.table = make([]int32, size)
	for s := range t.at {
		i := t.home(t.name(int32(s)))
		for t.table[i] != 0 {
			if i++; i == size {
				i = 0
			}
		}
		t.table[i] = int32(s) + 1
	}
}

// compact copies the live names into a new arena. The old one stays as it
// was for the strings that still share it.
func (t *nameTable) compact() {
	arena := make([]byte, 0, len(t.arena)-t.dead+len(t.arena)/8)
	for s, off := range t.at {
		n := t.size(int32(s))
		t.at[s] = uint32(len(arena))
		arena = append(arena, t.arena[off:int(off)+n]...)
	}
	t.arena, t.dead = arena, 0
}
