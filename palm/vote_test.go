package palm

import "testing"

// TestVote: an order that several levels support wins over its reverse
// scored a little higher by one level; a lone reverse does not. The
// losing order's best hypothesis comes back too.
func TestVote(t *testing.T) {
	a, b := Point{0, 0}, Point{100, 0}
	h := func(v0, v2 Point, score float64) hypo {
		return hypo{valleys: [3]Point{v0, {50, -5}, v2}, score: score}
	}
	best := h(a, b, 10)
	near := Point{b.X + 5, b.Y + 3} // within voteTol of b
	far := Point{300, 300}
	for _, tc := range []struct {
		name     string
		hs       []hypo
		win, rev int
	}{
		{"three reverses", []hypo{best, h(near, a, 9.5), h(b, a, 9.6), h(b, a, 9.4)}, 2, 0},
		{"one reverse", []hypo{best, h(b, a, 9.0)}, 0, 1},
		{"supported best", []hypo{best, h(a, near, 9.8), h(b, a, 9.9)}, 0, 2},
		{"other valleys", []hypo{best, h(far, a, 9.9), h(far, a, 9.9)}, 0, -1},
	} {
		if win, rev := vote(tc.hs, 0); win != tc.win || rev != tc.rev {
			t.Errorf("%s: vote picked %d and %d for the other order, want %d and %d", tc.name, win, rev, tc.win, tc.rev)
		}
	}
}
