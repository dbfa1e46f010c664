package match

import (
	"math"
	"slices"
)

// hit is one scored row or identity. Scores are in the units of the scan
// that produced them (see Mode); key is a row index or an identity slot.
type hit struct {
	score float32
	key   int32
}

// better orders hits: a higher score first, then the lower key, so that
// results do not depend on how a scan is split between goroutines.
func better(a, b hit) bool {
	return a.score > b.score || a.score == b.score && a.key < b.key
}

// topk keeps the best k hits with scores >= floor. With dedupe set, keys are
// identities and each keeps only its best hit. It is a heap whose root h[0]
// is the worst hit kept.
type topk struct {
	h      []hit
	k      int
	floor  float32
	dedupe bool
}

func (t *topk) reset(k int, floor float32, dedupe bool) {
	if cap(t.h) < k {
		t.h = make([]hit, 0, k)
	}
	t.h, t.k, t.floor, t.dedupe = t.h[:0], k, floor, dedupe
}

// bound is the lowest score that push may still take: scans skip any score
// below it without calling push.
func (t *topk) bound() float32 {
	if len(t.h) < t.k {
		return t.floor
	}
	return t.h[0].score
}

func (t *topk) push(score float32, key int32) {
	x := hit{score, key}
	if score < t.floor || len(t.h) == t.k && !better(x, t.h[0]) {
		return
	}
	if t.dedupe {
		for i := range t.h {
			if t.h[i].key == key {
				if better(x, t.h[i]) {
					t.h[i] = x
					t.down(i)
				}
				return
			}
		}
	}
	if len(t.h) < t.k {
		t.h = append(t.h, x)
		t.up(len(t.h) - 1)
		return
	}
	t.h[0] = x
	t.down(0)
}

func (t *topk) up(i int) {
	for i > 0 {
		p := (i - 1) / 2
		if !better(t.h[p], t.h[i]) {
			return
		}
		t.h[p], t.h[i] = t.h[i], t.h[p]
		i = p
	}
}

func (t *topk) down(i int) {
	n := len(t.h)
	for {
		c := 2*i + 1
		if c >= n {
			return
		}
		if c+1 < n && better(t.h[c], t.h[c+1]) {
			c++
		}
		if !better(t.h[i], t.h[c]) {
			return
		}
		t.h[i], t.h[c] = t.h[c], t.h[i]
		i = c
	}
}

// sorted returns the hits best first; t is no longer a heap afterwards.
func (t *topk) sorted() []hit {
	slices.SortFunc(t.h, func(a, b hit) int {
		if better(a, b) {
			return -1
		}
		if better(b, a) {
			return 1
		}
		return 0
	})
	return t.h
}

// floor32 returns the smallest float32 f with float64(f) >= x, so that a
// float32 score s passes a float64 threshold x exactly when s >= f.
func floor32(x float64) float32 {
	f := float32(x)
	if float64(f) < x {
		f = math.Nextafter32(f, float32(math.Inf(1)))
	}
	return f
}
