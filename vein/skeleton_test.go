package vein

import (
	"image"
	"testing"
)

// drawMap returns a Size x Size map with the given rectangles set.
func drawMap(rs ...image.Rectangle) []bool {
	m := make([]bool, Size*Size)
	for _, r := range rs {
		for y := r.Min.Y; y < r.Max.Y; y++ {
			for x := r.Min.X; x < r.Max.X; x++ {
				m[y*Size+x] = true
			}
		}
	}
	return m
}

func TestSkeletonBar(t *testing.T) {
	v := &Vessels{Vein: drawMap(image.Rect(10, 20, 50, 25))}
	sk := v.Skeleton()
	for y := range Size {
		n := 0
		for x := range Size {
			if sk[y*Size+x] {
				if !v.Vein[y*Size+x] {
					t.Fatalf("skeleton pixel (%d, %d) outside the vein map", x, y)
				}
				n++
			}
		}
		if n > 0 && (y < 21 || y > 23) {
			t.Errorf("row %d holds %d skeleton pixels; a horizontal bar thins to its middle rows", y, n)
		}
	}
	for x := 13; x < 47; x++ {
		n := 0
		for y := range Size {
			if sk[y*Size+x] {
				n++
			}
		}
		if n != 1 {
			t.Errorf("column %d crosses the skeleton %d times, want 1", x, n)
		}
	}
	if b := v.BranchPoints(); len(b) != 0 {
		t.Errorf("a bar has branch points %v", b)
	}
	if e := v.EndPoints(); len(e) != 2 {
		t.Errorf("a bar has end points %v, want 2", e)
	}
}

func TestSkeletonJunction(t *testing.T) {
	// A T: a horizontal bar with a vertical one hanging from its middle.
	v := &Vessels{Vein: drawMap(image.Rect(8, 10, 56, 15), image.Rect(30, 10, 35, 54))}
	b := v.BranchPoints()
	if len(b) == 0 || len(b) > 3 {
		t.Fatalf("branch points %v, want one junction", b)
	}
	for _, p := range b {
		if p.X < 28 || p.X > 37 || p.Y < 9 || p.Y > 17 {
			t.Errorf("branch point %v far from the junction near (32, 12)", p)
		}
	}
	if e := v.EndPoints(); len(e) != 3 {
		t.Errorf("end points %v, want 3", e)
	}
	if c := components(v.Skeleton()); c != 1 {
		t.Errorf("skeleton in %d pieces, want 1", c)
	}
}

// TestSkeletonConnectivity checks on real extracted vessels that thinning
// keeps every piece of the vein map in one piece and stays inside it.
func TestSkeletonConnectivity(t *testing.T) {
	veins, _ := testROIs()
	for i, roi := range veins[:3] {
		v, err := Extract(roi)
		if err != nil {
			t.Fatal(err)
		}
		sk := v.Skeleton()
		ns, nv := 0, 0
		for j := range sk {
			if sk[j] {
				ns++
				if !v.Vein[j] {
					t.Fatalf("ROI %d: skeleton pixel outside the vein map", i)
				}
			}
			if v.Vein[j] {
				nv++
			}
		}
		if cs, cv := components(sk), components(v.Vein); cs != cv {
			t.Errorf("ROI %d: skeleton in %d pieces, vein map in %d", i, cs, cv)
		}
		if ns == 0 || ns > nv/2 {
			t.Errorf("ROI %d: %d skeleton pixels of %d vein pixels", i, ns, nv)
		}
		t.Logf("ROI %d: %d vein px, %d skeleton px, %d branch points, %d end points", i, nv, ns, len(v.BranchPoints()), len(v.EndPoints()))
	}
}

// components counts the 8-connected pieces of a Size x Size map.
func components(m []bool) int {
	seen := make([]bool, len(m))
	n := 0
	var stack []int
	for i, on := range m {
		if !on || seen[i] {
			continue
		}
		n++
		seen[i] = true
		stack = append(stack[:0], i)
		for len(stack) > 0 {
			j := stack[len(stack)-1]
			stack = stack[:len(stack)-1]
			x, y := j%Size, j/Size
			for _, d := range ring {
				xx, yy := x+d[0], y+d[1]
				if xx < 0 || yy < 0 || xx >= Size || yy >= Size {
					continue
				}
				k := yy*Size + xx
				if m[k] && !seen[k] {
					seen[k] = true
					stack = append(stack, k)
				}
			}
		}
	}
	return n
}
