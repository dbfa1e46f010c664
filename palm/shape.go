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
	if r <= 0 {
		return
	}
	want := uint8(1) // a window with any pixel equal to want gives want
	if erode {
		want = 0
	}
	n := max(w, h)
	line := make([]uint8, n+2*r)
	pass := func(n, start, step int) {
		for i := range line[:n+2*r] {
			line[i] = 0
		}
		for i, o := 0, start; i < n; i, o = i+1, o+step {
			line[i+r] = m[o]
		}
		cnt := 0
		for i := 0; i < 2*r; i++ {
			if line[i] == want {
				cnt++
			}
		}
		for i, o := 0, start; i < n; i, o = i+1, o+step {
			if line[i+2*r] == want {
				cnt++
			}
			if cnt > 0 {
				m[o] = want
			} else {
				m[o] = 1 - want
			}
			if line[i] == want {
				cnt--
			}
		}
	}
	for y := 0; y < h; y++ {
		pass(w, y*w, 1)
	}
	for x := 0; x < w; x++ {
		pass(h, x, w)
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
	at := func(x, y int) int32 {
		if x < 0 || y < 0 || x >= w || y >= h {
			return 0
		}
		return d[y*w+x]
	}
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			i := y*w + x
			if d[i] == 0 {
				continue
			}
			v := d[i]
			v = min(v, at(x-1, y)+3, at(x, y-1)+3, at(x-1, y-1)+4, at(x+1, y-1)+4)
			d[i] = v
		}
	}
	for y := h - 1; y >= 0; y-- {
		for x := w - 1; x >= 0; x-- {
			i := y*w + x
			if d[i] == 0 {
				continue
			}
			v := d[i]
			v = min(v, at(x+1, y)+3, at(x, y+1)+3, at(x+1, y+1)+4, at(x-1, y+1)+4)
			d[i] = v
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
