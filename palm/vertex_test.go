package palm

import (
	"math"
	"testing"
)

func TestVertex(t *testing.T) {
	for _, c := range []struct {
		g0, g1, g2, want float64
	}{
		{1, 2, 1, 0},             // symmetric
		{0, 3, 2, 0.25},          // x(-1)=0, x(0)=3, x(1)=2: -(0-2)/(2(0-6+2))... peak at +0.25
		{2, 3, 0, -0.25},         // mirrored
		{1, 1, 1, 0},             // flat: no peak
		{0, 1, 2, 0},             // rising: no peak (den 0)
		{3, 1, 0, 0},             // a valley, not a peak
		{2.5, 2, 1.5 - 1e-9, -1}, // nearly flat: the vertex far off, bounded
	} {
		if got := vertex(c.g0, c.g1, c.g2); math.Abs(got-c.want) > 1e-9 {
			t.Errorf("vertex(%g, %g, %g) = %g, want %g", c.g0, c.g1, c.g2, got, c.want)
		}
	}
}
