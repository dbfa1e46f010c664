//go:build amd64 && !purego

package match

import (
	"math/rand/v2"
	"testing"
)

// TestDotInt8AVX2 calls the assembly kernel directly, on whole blocks and
// with longer second operands, as dotInt8 slices them.
func TestDotInt8AVX2(t *testing.T) {
	if !useAVX2 {
		t.Skip("no AVX2")
	}
	rng := rand.New(rand.NewPCG(17, 18))
	for _, n := range []int{0, 32, 64, 96, 256, 1024} {
		a, b := randInt8(rng, n), randInt8(rng, n+5)
		if got, want := dotInt8AVX2(a, b), dotInt8Ref(a, b[:n]); got != want {
			t.Errorf("n=%d: dotInt8AVX2 = %d, reference %d", n, got, want)
		}
	}
}
