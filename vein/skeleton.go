package vein

import "image"

// Skeleton returns the centre lines of the binary vein map, one pixel wide
// and 8-connected, Size x Size row by row like Vein: the map thinned by the
// Zhang-Suen algorithm (Zhang and Suen, CACM 1984), which peels boundary
// pixels in two alternating sub-iterations until none can go without
// breaking a line or shortening its end. Every skeleton pixel is a vein
// pixel, and lines stay connected (a piece of 2 x 2 pixels or smaller may
// vanish, as with any Zhang-Suen thinning). Coordinates are those of the working maps: multiply by 2 for a
// 128 x 128 ROI. Skeleton allocates a new slice on each call and is safe for
// concurrent use.
func (v *Vessels) Skeleton() []bool {
	return thin(v.Vein, Size, Size)
}

// BranchPoints returns the skeleton pixels where three or more vessel
// branches meet (see Skeleton), in row order: pixels whose 8 neighbours,
// walked around, change from background to skeleton at least three times
// (crossing number 3 or more). Adjacent detections of one junction are
// kept as they are, so a junction may give two neighbouring points.
func (v *Vessels) BranchPoints() []image.Point {
	pts, _ := graphPoints(v.Skeleton(), Size, Size)
	return pts
}

// EndPoints returns the skeleton pixels with exactly one skeleton
// neighbour: where vessels end or leave the valid area, in row order.
func (v *Vessels) EndPoints() []image.Point {
	_, ends := graphPoints(v.Skeleton(), Size, Size)
	return ends
}

// neighbours of pixel (x, y) in order P2..P9 of Zhang and Suen: north, then
// clockwise.
var ring = [8][2]int{{0, -1}, {1, -1}, {1, 0}, {1, 1}, {0, 1}, {-1, 1}, {-1, 0}, {-1, -1}}

// around returns the 8 neighbours of (x, y) in ring order (outside the map
// counts as background), their count and the number of 0 to 1 transitions
// around the ring.
func around(m []bool, w, h, x, y int) (p [8]bool, n, trans int) {
	for k, d := range ring {
		xx, yy := x+d[0], y+d[1]
		if xx >= 0 && yy >= 0 && xx < w && yy < h && m[yy*w+xx] {
			p[k] = true
			n++
		}
	}
	for k := range 8 {
		if !p[k] && p[(k+1)%8] {
			trans++
		}
	}
	return p, n, trans
}

// thin thins a binary w x h map by Zhang-Suen.
func thin(src []bool, w, h int) []bool {
	m := make([]bool, len(src))
	copy(m, src)
	var del []int
	for changed := true; changed; {
		changed = false
		for step := range 2 {
			del = del[:0]
			for y := range h {
				for x := range w {
					if !m[y*w+x] {
						continue
					}
					p, n, trans := around(m, w, h, x, y)
					if n < 2 || n > 6 || trans != 1 {
						continue
					}
					// P2, P4, P6, P8 are p[0], p[2], p[4], p[6].
					if step == 0 && (p[0] && p[2] && p[4] || p[2] && p[4] && p[6]) {
						continue
					}
					if step == 1 && (p[0] && p[2] && p[6] || p[0] && p[4] && p[6]) {
						continue
					}
					del = append(del, y*w+x)
				}
			}
			for _, i := range del {
				m[i] = false
			}
			if len(del) > 0 {
				changed = true
			}
		}
	}
	return m
}

// graphPoints returns the branch points and end points of a skeleton.
func graphPoints(sk []bool, w, h int) (branch, ends []image.Point) {
	for y := range h {
		for x := range w {
			if !sk[y*w+x] {
				continue
			}
			_, n, trans := around(sk, w, h, x, y)
			switch {
			case n == 1:
				ends = append(ends, image.Pt(x, y))
			case trans >= 3:
				branch = append(branch, image.Pt(x, y))
			}
		}
	}
	return branch, ends
}
