package palm

import "math"

// This file holds the binary-image kernels of hand finding: connected
// components, hole filling, morphology, the distance transform and contour
// tracing. Masks are w*h bytes, 1 on the foreground.

// components labels the 4-connected foreground components of m into lab
// (0 for background, 1.. for components) and returns each component's area
// (index 0 unused).
func components(m []uint8, w, h int, lab []int32) []int {
	for i := range lab {
		lab[i] = 0
	}
	areas := []int{0}
	stack := make([]int32, 0, 1024)
	for i, v := range m {
		if v == 0 || lab[i] != 0 {
			continue
		}
		id := int32(len(areas))
		area := 0
		lab[i] = id
		stack = append(stack[:0], int32(i))
		for len(stack) > 0 {
			p := int(stack[len(stack)-1])
			stack = stack[:len(stack)-1]
			area++
			x, y := p%w, p/w
			if x > 0 && m[p-1] != 0 && lab[p-1] == 0 {
				lab[p-1] = id
				stack = append(stack, int32(p-1))
			}
			if x < w-1 && m[p+1] != 0 && lab[p+1] == 0 {
				lab[p+1] = id
				stack = append(stack, int32(p+1))
			}
			if y > 0 && m[p-w] != 0 && lab[p-w] == 0 {
				lab[p-w] = id
				stack = append(stack, int32(p-w))
			}
			if y < h-1 && m[p+w] != 0 && lab[p+w] == 0 {
				lab[p+w] = id
				stack = append(stack, int32(p+w))
			}
		}
		areas = append(areas, area)
	}
	return areas
}

// fillHoles sets to 1 every background pixel of m that cannot reach the
// image border through background.
func fillHoles(m []uint8, w, h int) {
	seen := make([]uint8, len(m))
	stack := make([]int32, 0, 1024)
	push := func(p int) {
		if m[p] == 0 && seen[p] == 0 {
			seen[p] = 1
			stack = append(stack, int32(p))
		}
	}
	for x := 0; x < w; x++ {
		push(x)
		push((h-1)*w + x)
	}
	for y := 0; y < h; y++ {
		push(y * w)
		push(y*w + w - 1)
	}
	for len(stack) > 0 {
		p := int(stack[len(stack)-1])
		stack = stack[:len(stack)-1]
		x, y := p%w, p/w
		if x > 0 {
			push(p - 1)
		}
		if x < w-1 {
			push(p + 1)
		}
		if y > 0 {
			push(p - w)
		}
		if y < h-1 {
			push(p + w)
		}
	}
	for i := range m {
		if m[i] == 0 && seen[i] == 0 {
			m[i] = 1
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
// (dilation) of each pixel's row neighbours, then of its column neighbours.
func morph3(m []uint8, w, h int, erode bool) {
	tmp := make([]uint8, len(m))
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
		if erode { // outside is background: the row's ends erode
			out[0], out[w-1] = 0, 0
			for x := 1; x < w-1; x++ {
				out[x] = row[x-1] & row[x] & row[x+1]
			}
		} else {
			out[0], out[w-1] = row[0]|row[1], row[w-2]|row[w-1]
			for x := 1; x < w-1; x++ {
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
		switch {
		case erode:
			up, dn := tmp[(y-1)*w:y*w], tmp[(y+1)*w:(y+2)*w]
			for x := range out {
				out[x] = up[x] & cur[x] & dn[x]
			}
		default:
			copy(out, cur)
			if y > 0 {
				up := tmp[(y-1)*w : y*w]
				for x := range out {
					out[x] |= up[x]
				}
			}
			if y < h-1 {
				dn := tmp[(y+1)*w : (y+2)*w]
				for x := range out {
					out[x] |= dn[x]
				}
			}
		}
	}
}

// distTransform writes into dt the chamfer (3-4) distance, in pixels, from each
// foreground pixel of m to the nearest background pixel, the outside of the
// image counting as background, and returns the largest distance and its
// position.
func distTransform(m []uint8, w, h int, dt []float32) (best float32, bx, by int) {
	const inf = 1 << 29
	d := make([]int32, len(m))
	for i, v := range m {
		if v != 0 {
			d[i] = inf
		}
	}
	// border pixels: outside counts as background
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			if x == 0 || y == 0 || x == w-1 || y == h-1 {
				if d[y*w+x] != 0 {
					d[y*w+x] = 3
				}
			}
		}
	}
	for y := 1; y < h-1; y++ {
		for x := 1; x < w-1; x++ {
			i := y*w + x
			if d[i] == 0 {
				continue
			}
			d[i] = min(d[i], d[i-1]+3, d[i-w]+3, d[i-w-1]+4, d[i-w+1]+4)
		}
	}
	for y := h - 2; y >= 1; y-- {
		for x := w - 2; x >= 1; x-- {
			i := y*w + x
			if d[i] == 0 {
				continue
			}
			d[i] = min(d[i], d[i+1]+3, d[i+w]+3, d[i+w+1]+4, d[i+w-1]+4)
		}
	}
	var bi int32 = -1
	for i, v := range d {
		dt[i] = float32(v) / 3
		if v > bi {
			bi, bx, by = v, i%w, i/w
		}
	}
	return float32(bi) / 3, bx, by
}

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

func hypot(x, y float64) float64 { return math.Sqrt(x*x + y*y) }
