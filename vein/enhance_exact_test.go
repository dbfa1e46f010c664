package vein

import (
	"math"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/palmid/palmid/internal/fimg"
)

// TestEnhanceExact checks that flatField, claheTo and bilateralTo give the same bits as
// the plain loops of enhance_ref_test.go, on the stages of the test ROIs
// and on random maps with random holes in the mask (whole tiles invalid
// included).
func TestEnhanceExact(t *testing.T) {
	type input struct {
		m     *fimg.Image
		valid []bool
	}
	same := func(what string, k int, got, want *fimg.Image) {
		t.Helper()
		for i := range want.Pix {
			if math.Float32bits(got.Pix[i]) != math.Float32bits(want.Pix[i]) {
				t.Fatalf("%s, input %d: pixel %d = %v, want %v", what, k, i, got.Pix[i], want.Pix[i])
			}
		}
	}
	var ins []input
	veins, _ := testROIs()
	for k, roi := range veins {
		img, valid, err := resample(roi)
		if err != nil {
			t.Fatal(err)
		}
		flat := flatField(img, valid, illumSigma)
		same("flatField", k, flat, flatFieldRef(img, valid, illumSigma))
		same("flatField (occluder sigma)", k, flatField(img, valid, occIllum), flatFieldRef(img, valid, occIllum))
		ins = append(ins, input{flat, valid})
	}
	r := rand.New(rand.NewPCG(7, 8))
	for k := range 20 {
		m := fimg.New(Size, Size)
		valid := make([]bool, Size*Size)
		for i := range m.Pix {
			m.Pix[i] = float32(r.NormFloat64() * 0.05)
			valid[i] = r.IntN(10) > k%4
		}
		if k%5 == 0 { // an empty tile
			for y := range Size / claheTiles {
				for x := range Size / claheTiles {
					valid[y*Size+x] = false
				}
			}
		}
		ins = append(ins, input{m, valid})
	}
	for k, in := range ins {
		want, ok := claheRef(in.m, in.valid)
		got := fimg.New(Size, Size)
		ok2 := claheTo(got, in.m, in.valid)
		if ok != ok2 {
			t.Fatalf("clahe, input %d: ok %v, want %v", k, ok2, ok)
		}
		if !ok {
			continue
		}
		same("clahe", k, got, want)
		inPlace := in.m.Clone()
		claheTo(inPlace, inPlace, in.valid)
		same("clahe in place", k, inPlace, want)
		same("bilateral", k, bilateralTo(nil, want), bilateralRef(want))
		same("bilateral in place", k, bilateralTo(inPlace, inPlace), bilateralRef(want))
	}
	// Bilateral on values outside [0, 1] and with steps of every size.
	for k := range 5 {
		m := fimg.New(Size, Size)
		for i := range m.Pix {
			m.Pix[i] = float32(r.Float64()*1.4 - 0.2)
		}
		same("bilateral (wide range)", k, bilateralTo(nil, m), bilateralRef(m))
	}
}

// TestSortFloat32s checks sortFloat32s against slices.Sort on values of
// both signs, zeros, repeats, subnormals and infinities.
func TestSortFloat32s(t *testing.T) {
	r := rand.New(rand.NewPCG(9, 10))
	for _, n := range []int{0, 1, 2, 7, 100, 4096} {
		a := make([]float32, n)
		for i := range a {
			switch r.IntN(8) {
			case 0:
				a[i] = 0
			case 1:
				a[i] = float32(r.IntN(5))
			case 2:
				a[i] = -float32(r.ExpFloat64())
			case 3:
				a[i] = math.Float32frombits(uint32(r.IntN(100))) // subnormal
			case 4:
				a[i] = float32(math.Inf(2*r.IntN(2) - 1))
			default:
				a[i] = float32(r.ExpFloat64() * 1e-3)
			}
		}
		want := slices.Clone(a)
		slices.Sort(want)
		sortFloat32s(a)
		for i := range a {
			if a[i] != want[i] {
				t.Fatalf("n %d: element %d = %v, want %v", n, i, a[i], want[i])
			}
		}
	}
}
