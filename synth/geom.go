package synth

import "math"

// Point is a position in image pixels.
type Point struct{ X, Y float64 }

// mat3 is a row-major 3x3 matrix.
type mat3 [9]float64

func (m *mat3) mul(b *mat3) mat3 {
	var r mat3
	for i := range 3 {
		for j := range 3 {
			r[i*3+j] = m[i*3]*b[j] + m[i*3+1]*b[3+j] + m[i*3+2]*b[6+j]
		}
	}
	return r
}

func (m *mat3) apply(x, y float64) (float64, float64) {
	w := m[6]*x + m[7]*y + m[8]
	return (m[0]*x + m[1]*y + m[2]) / w, (m[3]*x + m[4]*y + m[5]) / w
}

func (m *mat3) inverse() mat3 {
	a, b, c, d, e, f, g, h, i := m[0], m[1], m[2], m[3], m[4], m[5], m[6], m[7], m[8]
	A, B, C := e*i-f*h, -(d*i - f*g), d*h-e*g
	det := a*A + b*B + c*C
	inv := 1 / det
	return mat3{
		A * inv, -(b*i - c*h) * inv, (b*f - c*e) * inv,
		B * inv, (a*i - c*g) * inv, -(a*f - c*d) * inv,
		C * inv, -(a*h - b*g) * inv, (a*e - b*d) * inv,
	}
}

// xform maps between image pixels and the canonical hand frame for one
// capture: image = H(plane), plane = mirror(m), canonical = m + flex(m).
type xform struct {
	H, Hinv mat3
	mirror  bool
	flex    [4]float64
	phase   [2]float64
	W, L    float64
}

// newXform builds the camera model: the hand plane (mm) is scaled to pixels,
// rotated in-plane, tilted about an in-plane axis and seen through a pinhole
// whose focal length is about the frame width, then translated.
func newXform(n *nuisance, id *Identity, w, h int) *xform {
	f := 1.2 * float64(max(w, h))
	s, c := math.Sin(n.rotation), math.Cos(n.rotation)
	// A: plane mm -> scaled, rotated pixels (3x3 with z row 0).
	A := mat3{n.scale * c, -n.scale * s, 0, n.scale * s, n.scale * c, 0, 0, 0, 0}
	// Tilt: rotation by n.tilt about the in-plane axis (cos a, sin a, 0).
	ax, ay := math.Cos(n.tiltAxis), math.Sin(n.tiltAxis)
	ct, st := math.Cos(n.tilt), math.Sin(n.tilt)
	R := mat3{
		ct + ax*ax*(1-ct), ax * ay * (1 - ct), ay * st,
		ax * ay * (1 - ct), ct + ay*ay*(1-ct), -ax * st,
		-ay * st, ax * st, ct,
	}
	RA := R.mul(&A)
	// Columns: x, y from RA, translation (0, 0, f).
	P := mat3{RA[0], RA[1], 0, RA[3], RA[4], 0, RA[6], RA[7], f}
	K := mat3{f, 0, n.tx, 0, f, n.ty, 0, 0, 1}
	H := K.mul(&P)
	return &xform{
		H: H, Hinv: H.inverse(), mirror: id.Hand == Left,
		flex: n.flex, phase: n.flexPhase,
		W: id.Geometry.PalmWidth, L: id.Geometry.PalmLength,
	}
}

func (t *xform) flexAt(m vec) vec {
	u, v := m.X/t.W, m.Y/t.L
	return vec{
		t.flex[0]*math.Sin(math.Pi*v+t.phase[0]) + t.flex[2]*u*v*2,
		t.flex[1]*math.Sin(math.Pi*u+t.phase[1]) + t.flex[3]*u*u*2,
	}
}

// toCanon maps an image position to the canonical frame.
func (t *xform) toCanon(x, y float64) vec {
	px, py := t.Hinv.apply(x, y)
	if t.mirror {
		px = -px
	}
	m := vec{px, py}
	return m.add(t.flexAt(m))
}

// toImage maps a canonical position to image pixels.
func (t *xform) toImage(c vec) Point {
	m := c
	for range 4 {
		m = c.sub(t.flexAt(m))
	}
	if t.mirror {
		m.X = -m.X
	}
	x, y := t.H.apply(m.X, m.Y)
	return Point{x, y}
}
