package palm

import (
	"encoding/binary"
	"math"
	"sync"
)

// This file holds the binary-image kernels of hand finding: connected
// components, hole filling, morphology, the distance transform and contour
// tracing. Masks are w*h bytes, 1 on the foreground.

// Scratch buffers of the kernels below, reused across calls (FindROI runs
// many of them on masks of the same few sizes).
var (
	bytePool  = sync.Pool{New: func() any { return new([]uint8) }}
	int32Pool = sync.Pool{New: func() any { return new([]int32) }}
	runPool   = sync.Pool{New: func() any { return new([]span) }}
	pointPool = sync.Pool{New: func() any { return new([]ipoint) }}
	f32Pool   = sync.Pool{New: func() any { return new([]float32) }}
)

// scratchFloat32 returns a pooled buffer of n float32 with unspecified
// content.
func scratchFloat32(n int) *[]float32 {
	p := f32Pool.Get().(*[]float32)
	if cap(*p) < n {
		*p = make([]float32, n)
	}
	*p = (*p)[:n]
	return p
}

// third returns s / 3: the float64 product rounded to float32 equals the
// float32 quotient for every float32 s (checked over all 2^32 of them) and
// costs less than a division.
func third(s float32) float32 { return float32(float64(s) * (1.0 / 3)) }

// scratchBytes returns a pooled buffer of n bytes with unspecified content.
func scratchBytes(n int) *[]uint8 {
	p := bytePool.Get().(*[]uint8)
	if cap(*p) < n {
		*p = make([]uint8, n)
	}
	*p = (*p)[:n]
	return p
}

// scratchInt32 returns a pooled buffer of n int32 with unspecified content.
func scratchInt32(n int) *[]int32 {
	p := int32Pool.Get().(*[]int32)
	if cap(*p) < n {
		*p = make([]int32, n)
	}
	*p = (*p)[:n]
	return p
}

// span is a horizontal span [x0, x1) of equal mask pixels in one row, a node
// of the union-find of the span-based kernels (components, fillHoles).
type span struct {
	x0, x1 int32
	parent int32 // index of the parent span; a root is its own parent
	flag   int32 // per root: the label (components) or touches the border (fillHoles)
}

// runsOf appends the runs of pixels equal to (fg) or not equal to (!fg)
// zero in each row of m to runs and returns them with rowStart: the runs of
// row y are runs[rowStart[y]:rowStart[y+1]]. Each span of a row is joined
// (union-find, the root being the span that comes first in raster order)
// with the runs of the row above that it shares a column with (4-connected
// neighbours).
func runsOf(m []uint8, w, h int, fg bool, runs []span, rowStart []int32) []span {
	for y := 0; y < h; y++ {
		rowStart[y] = int32(len(runs))
		row := m[y*w : (y+1)*w]
		x := 0
		for x < w {
			if fg {
				x = skipZeros(row, x)
			} else {
				x = skipNonZeros(row, x)
			}
			if x == w {
				break
			}
			s := x
			if fg {
				x = skipNonZeros(row, x)
			} else {
				x = skipZeros(row, x)
			}
			runs = append(runs, span{x0: int32(s), x1: int32(x), parent: int32(len(runs))})
		}
		if y == 0 {
			continue
		}
		// join with the overlapping runs of the row above
		p, pe := int(rowStart[y-1]), int(rowStart[y])
		for i := pe; i < len(runs); i++ {
			r := runs[i]
			for p < pe && runs[p].x1 <= r.x0 {
				p++
			}
			for q := p; q < pe && runs[q].x0 < r.x1; q++ {
				spanJoin(runs, int32(i), int32(q))
			}
		}
	}
	rowStart[h] = int32(len(runs))
	return runs
}

// skipZeros returns the index of the first non-zero byte of row at or
// after x, or len(row); eight bytes at a time where it can.
func skipZeros(row []uint8, x int) int {
	le := binary.LittleEndian
	for x+8 <= len(row) && le.Uint64(row[x:]) == 0 {
		x += 8
	}
	for x < len(row) && row[x] == 0 {
		x++
	}
	return x
}

// skipNonZeros returns the index of the first zero byte of row at or after
// x, or len(row); eight bytes at a time where it can.
func skipNonZeros(row []uint8, x int) int {
	le := binary.LittleEndian
	for x+8 <= len(row) && !hasZeroByte(le.Uint64(row[x:])) {
		x += 8
	}
	for x < len(row) && row[x] != 0 {
		x++
	}
	return x
}

// hasZeroByte reports whether any of the eight bytes of v is zero.
func hasZeroByte(v uint64) bool {
	return (v-0x0101010101010101)&^v&0x8080808080808080 != 0
}

// spanRoot returns the root of span i, halving the path on the way.
func spanRoot(runs []span, i int32) int32 {
	for runs[i].parent != i {
		p := runs[i].parent
		runs[i].parent = runs[p].parent
		i = p
	}
	return i
}

// spanJoin joins the sets of runs a and b; the root is the smaller index.
func spanJoin(runs []span, a, b int32) {
	a, b = spanRoot(runs, a), spanRoot(runs, b)
	if a == b {
		return
	}
	if a > b {
		a, b = b, a
	}
	runs[b].parent = a
}

// runBufs are the pooled buffers of pooledRuns.
type runBufs struct {
	runs  *[]span
	start *[]int32
}

// pooledRuns is runsOf into pooled buffers, which done gives back.
func pooledRuns(m []uint8, w, h int, fg bool) (runs []span, rowStart []int32, b runBufs) {
	b = runBufs{runPool.Get().(*[]span), scratchInt32(h + 1)}
	rowStart = *b.start
	runs = runsOf(m, w, h, fg, (*b.runs)[:0], rowStart)
	*b.runs = runs
	return runs, rowStart, b
}

func (b runBufs) done() {
	runPool.Put(b.runs)
	int32Pool.Put(b.start)
}

// components labels the 4-connected foreground components of m into lab
// (0 for background, 1.. for components, numbered in the raster order of
// their first pixel) and returns each component's area (index 0 unused).
func components(m []uint8, w, h int, lab []int32) []int {
	runs, rowStart, bufs := pooledRuns(m, w, h, true)
	defer bufs.done()
	areas := []int{0}
	// a component's root is its first span in raster order, so labels are
	// given in the order of the components' first pixels
	for i := range runs {
		r := spanRoot(runs, int32(i))
		if r == int32(i) {
			runs[i].flag = int32(len(areas))
			areas = append(areas, 0)
		}
		l := runs[r].flag
		runs[i].flag = l
		areas[l] += int(runs[i].x1 - runs[i].x0)
	}
	for y := 0; y < h; y++ {
		out := lab[y*w : (y+1)*w]
		x := 0
		for _, r := range runs[rowStart[y]:rowStart[y+1]] {
			clear(out[x:r.x0])
			for j := r.x0; j < r.x1; j++ {
				out[j] = r.flag
			}
			x = int(r.x1)
		}
		clear(out[x:])
	}
	return areas
}

// fillHoles sets to 1 every background pixel of m that cannot reach the
// image border through background (4-connected).
func fillHoles(m []uint8, w, h int) {
	if w == 0 || h == 0 {
		return
	}
	runs, rowStart, bufs := pooledRuns(m, w, h, false)
	defer bufs.done()
	for y := 0; y < h; y++ {
		for i := rowStart[y]; i < rowStart[y+1]; i++ {
			if y == 0 || y == h-1 || runs[i].x0 == 0 || runs[i].x1 == int32(w) {
				runs[spanRoot(runs, i)].flag = 1
			}
		}
	}
	for y := 0; y < h; y++ {
		row := m[y*w : (y+1)*w]
		for i := rowStart[y]; i < rowStart[y+1]; i++ {
			r := runs[i]
			if runs[spanRoot(runs, i)].flag == 0 {
				for x := r.x0; x < r.x1; x++ {
					row[x] = 1
				}
			}
		}
	}
}

// morph applies a (2r+1) x (2r+1) square erosion (erode true) or dilation
// to m in place; outside the image counts as background.
func morph(m []uint8, w, h, r int, erode bool) {
	if r <= 0 || w == 0 || h == 0 {
		return
	}
	if r == 1 {
		morph3(m, w, h, erode)
		return
	}
	want := uint8(1) // a window with any pixel equal to want gives want
	if erode {
		want = 0
	}
	// rows
	line := make([]uint8, w+2*r)
	for y := 0; y < h; y++ {
		row := m[y*w : (y+1)*w]
		copy(line[r:], row)
		cnt := 0
		for i := 0; i < 2*r; i++ {
			if line[i] == want {
				cnt++
			}
		}
		for x := range row {
			if line[x+2*r] == want {
				cnt++
			}
			if cnt > 0 {
				row[x] = want
			} else {
				row[x] = 1 - want
			}
			if line[x] == want {
				cnt--
			}
		}
	}
	// columns, a row at a time: cnt[x] counts want in rows y-r..y+r
	src := append([]uint8(nil), m...)
	cnt := make([]int32, w)
	at := func(y int) []uint8 {
		if y < 0 || y >= h {
			return nil
		}
		return src[y*w : (y+1)*w]
	}
	add := func(row []uint8, d int32) {
		if row == nil {
			if want == 0 { // outside is background
				for x := range cnt {
					cnt[x] += d
				}
			}
			return
		}
		for x, v := range row {
			if v == want {
				cnt[x] += d
			}
		}
	}
	for y := -r; y < r; y++ {
		add(at(y), 1)
	}
	for y := 0; y < h; y++ {
		add(at(y+r), 1)
		out := m[y*w : (y+1)*w]
		for x, c := range cnt {
			if c > 0 {
				out[x] = want
			} else {
				out[x] = 1 - want
			}
		}
		add(at(y-r), -1)
	}
}

// morph3 is morph with r = 1 on a 0/1 mask: the and (erosion) or the or
// (dilation) of each pixel's row neighbours, then of its column neighbours,
// eight pixels at a time.
func morph3(m []uint8, w, h int, erode bool) {
	tp := scratchBytes(len(m))
	defer bytePool.Put(tp)
	tmp := *tp
	le := binary.LittleEndian
	for y := 0; y < h; y++ {
		row, out := m[y*w:(y+1)*w], tmp[y*w:(y+1)*w]
		if w == 1 {
			if erode {
				out[0] = 0
			} else {
				out[0] = row[0]
			}
			continue
		}
		x := 1
		if erode { // outside is background: the row's ends erode
			out[0], out[w-1] = 0, 0
			for ; x+9 <= w; x += 8 {
				le.PutUint64(out[x:], le.Uint64(row[x-1:])&le.Uint64(row[x:])&le.Uint64(row[x+1:]))
			}
			for ; x < w-1; x++ {
				out[x] = row[x-1] & row[x] & row[x+1]
			}
		} else {
			out[0], out[w-1] = row[0]|row[1], row[w-2]|row[w-1]
			for ; x+9 <= w; x += 8 {
				le.PutUint64(out[x:], le.Uint64(row[x-1:])|le.Uint64(row[x:])|le.Uint64(row[x+1:]))
			}
			for ; x < w-1; x++ {
				out[x] = row[x-1] | row[x] | row[x+1]
			}
		}
	}
	for y := 0; y < h; y++ {
		out := m[y*w : (y+1)*w]
		cur := tmp[y*w : (y+1)*w]
		if y == 0 || y == h-1 {
			if erode {
				clear(out)
				continue
			}
		}
		var up, dn []uint8
		if y > 0 {
			up = tmp[(y-1)*w : y*w]
		}
		if y < h-1 {
			dn = tmp[(y+1)*w : (y+2)*w]
		}
		switch {
		case erode:
			and3(out, up, cur, dn)
		case up != nil && dn != nil:
			or3(out, up, cur, dn)
		case up != nil:
			or3(out, up, cur, cur)
		case dn != nil:
			or3(out, cur, cur, dn)
		default:
			copy(out, cur)
		}
	}
}

// and3 sets out to a & b & c, bytewise; all have out's length.
func and3(out, a, b, c []uint8) {
	le := binary.LittleEndian
	a, b, c = a[:len(out)], b[:len(out)], c[:len(out)]
	x := 0
	for ; x+8 <= len(out); x += 8 {
		le.PutUint64(out[x:], le.Uint64(a[x:])&le.Uint64(b[x:])&le.Uint64(c[x:]))
	}
	for ; x < len(out); x++ {
		out[x] = a[x] & b[x] & c[x]
	}
}

// or3 sets out to a | b | c, bytewise; all have out's length.
func or3(out, a, b, c []uint8) {
	le := binary.LittleEndian
	a, b, c = a[:len(out)], b[:len(out)], c[:len(out)]
	x := 0
	for ; x+8 <= len(out); x += 8 {
		le.PutUint64(out[x:], le.Uint64(a[x:])|le.Uint64(b[x:])|le.Uint64(c[x:]))
	}
	for ; x < len(out); x++ {
		out[x] = a[x] | b[x] | c[x]
	}
}

// distTransform writes into dt the chamfer (3-4) distance, in pixels, from each
// foreground pixel of m to the nearest background pixel, the outside of the
// image counting as background, and returns the largest distance and its
// position (the first in raster order).
func distTransform(m []uint8, w, h int, dt []float32) (best float32, bx, by int) {
	if w <= 0 || h <= 0 {
		bi := int32(-1)
		return float32(bi) / 3, 0, 0
	}
	dp := scratchInt32(len(m))
	defer int32Pool.Put(dp)
	d := *dp
	// forward pass; the border pixels (outside counts as background) are
	// 3, every other one the least of its causal neighbours' plus the step
	for y := 0; y < h; y++ {
		row, cur := m[y*w:(y+1)*w], d[y*w:(y+1)*w]
		if y == 0 || y == h-1 {
			for x, v := range row {
				cur[x] = 0
				if v != 0 {
					cur[x] = 3
				}
			}
			continue
		}
		prev := d[(y-1)*w : y*w]
		cur[0] = 0
		if row[0] != 0 {
			cur[0] = 3
		}
		if w == 1 {
			continue
		}
		left := cur[0]
		for x := 1; x < w-1; x++ {
			v := int32(0)
			if row[x] != 0 {
				v = min(prev[x]+3, prev[x-1]+4, prev[x+1]+4, left+3) // left last: the chain from pixel to pixel is short
			}
			cur[x], left = v, v
		}
		cur[w-1] = 0
		if row[w-1] != 0 {
			cur[w-1] = 3
		}
	}
	// backward pass
	for y := h - 2; y >= 1; y-- {
		cur, next := d[y*w:(y+1)*w], d[(y+1)*w:(y+2)*w]
		right := cur[w-1]
		for x := w - 2; x >= 1; x-- {
			v := cur[x]
			if v != 0 {
				v = min(v, next[x]+3, next[x+1]+4, next[x-1]+4, right+3)
				cur[x] = v
			}
			right = v
		}
	}
	var bi int32 = -1
	for y := 0; y < h; y++ {
		cur, out := d[y*w:(y+1)*w], dt[y*w:(y+1)*w]
		for x, v := range cur {
			if uint32(v) < uint32(len(thirds)) {
				out[x] = thirds[v]
			} else {
				out[x] = float32(v) / 3
			}
			if v > bi {
				bi, bx, by = v, x, y
			}
		}
	}
	return float32(bi) / 3, bx, by
}

// thirds[v] is float32(v) / 3, a chamfer distance in pixels, for the
// distances of masks up to about 1000 pixels across.
var thirds = func() (t [1536]float32) {
	for v := range t {
		t[v] = float32(v) / 3
	}
	return t
}()

// Freeman directions, counterclockwise on screen (y down): E, NE, N, NW, W,
// SW, S, SE.
var dirX = [8]int{1, 1, 0, -1, -1, -1, 0, 1}
var dirY = [8]int{0, -1, -1, -1, 0, 1, 1, 1}

// trace returns the outer boundary of the component of m that contains the
// first foreground pixel in raster order, as 8-connected pixel positions
// (Moore neighbour tracing with Jacob's stopping criterion). It returns nil
// for an empty mask. The boundary is capped at limit points.
func trace(m []uint8, w, h, limit int) []ipoint {
	start := -1
	for i, v := range m {
		if v != 0 {
			start = i
			break
		}
	}
	if start < 0 {
		return nil
	}
	fg := func(x, y int) bool { return x >= 0 && y >= 0 && x < w && y < h && m[y*w+x] != 0 }
	sx, sy := start%w, start/w
	out := []ipoint{{sx, sy}}
	x, y := sx, sy
	dir := 7
	var first ipoint
	firstSet := false
	for len(out) < limit {
		var nd int
		if dir%2 == 0 {
			nd = (dir + 7) % 8
		} else {
			nd = (dir + 6) % 8
		}
		found := false
		for i := 0; i < 8; i++ {
			d := (nd + i) % 8
			if fg(x+dirX[d], y+dirY[d]) {
				x, y, dir = x+dirX[d], y+dirY[d], d
				found = true
				break
			}
		}
		if !found {
			return out // isolated pixel
		}
		p := ipoint{x, y}
		if !firstSet {
			first, firstSet = p, true
		} else if p == first && out[len(out)-1] == (ipoint{sx, sy}) {
			out = out[:len(out)-1]
			return out
		}
		out = append(out, p)
	}
	return out
}

type ipoint struct{ x, y int }

// wrap returns i mod n for 0 <= i < 2n, without a division.
func wrap(i, n int) int {
	if i >= n {
		i -= n
	}
	return i
}

func hypot(x, y float64) float64 { return math.Sqrt(x*x + y*y) }

// sobelRow writes to out[1:w-1] the colour gradient of row y of the
// w-wide images lum, cb and cr (0 < y < h-1): 255 times the Sobel gradient
// magnitude of lum plus those of cb and cr. out has length w.
func sobelRow(out, lum, cb, cr []float32, w, y int) {
	la, lb, lc := lum[(y-1)*w:y*w], lum[y*w:(y+1)*w], lum[(y+1)*w:(y+2)*w]
	ba, bb, bc := cb[(y-1)*w:y*w], cb[y*w:(y+1)*w], cb[(y+1)*w:(y+2)*w]
	ra, rb, rc := cr[(y-1)*w:y*w], cr[y*w:(y+1)*w], cr[(y+1)*w:(y+2)*w]
	out = out[:w]
	for x := 1; x < w-1; x++ {
		// the same gradient of each channel, written out (a function is
		// not inlined)
		gx := la[x+1] + 2*lb[x+1] + lc[x+1] - la[x-1] - 2*lb[x-1] - lc[x-1]
		gy := lc[x-1] + 2*lc[x] + lc[x+1] - la[x-1] - 2*la[x] - la[x+1]
		s := 255 * float32(math.Sqrt(float64(gx*gx+gy*gy)))
		gx = ba[x+1] + 2*bb[x+1] + bc[x+1] - ba[x-1] - 2*bb[x-1] - bc[x-1]
		gy = bc[x-1] + 2*bc[x] + bc[x+1] - ba[x-1] - 2*ba[x] - ba[x+1]
		s += float32(math.Sqrt(float64(gx*gx + gy*gy)))
		gx = ra[x+1] + 2*rb[x+1] + rc[x+1] - ra[x-1] - 2*rb[x-1] - rc[x-1]
		gy = rc[x-1] + 2*rc[x] + rc[x+1] - ra[x-1] - 2*ra[x] - ra[x+1]
		out[x] = s + float32(math.Sqrt(float64(gx*gx+gy*gy)))
	}
}
