package synth

import (
	"math"
	"testing"

	"github.com/palmid/palmid/internal/fimg"
)

// TestBoxBlurIsGaussianLike blurs an impulse and checks that mass is kept
// and the spread matches the requested sigma, along both axes.
func TestBoxBlurIsGaussianLike(t *testing.T) {
	for _, sigma := range []float64{0.8, 1.5, 2.0, 3.0} {
		img := fimg.New(64, 48)
		img.Pix[24*64+32] = 1
		boxBlur(img, sigma)
		var sum, vx, vy float64
		for y := 0; y < img.H; y++ {
			for x := 0; x < img.W; x++ {
				v := float64(img.Pix[y*img.W+x])
				sum += v
				vx += v * float64((x-32)*(x-32))
				vy += v * float64((y-24)*(y-24))
			}
		}
		if math.Abs(sum-1) > 1e-4 {
			t.Errorf("sigma %v: mass %v, want 1", sigma, sum)
		}
		for _, v := range []float64{vx, vy} {
			if got := math.Sqrt(v); math.Abs(got-sigma)/sigma > 0.25 {
				t.Errorf("sigma %v: measured spread %.2f", sigma, got)
			}
		}
	}
}

func TestMotionBlurKeepsMass(t *testing.T) {
	img := fimg.New(40, 40)
	img.Pix[20*40+20] = 1
	motionBlur(img, 2, 0.7)
	var sum float64
	for _, v := range img.Pix {
		sum += float64(v)
	}
	if math.Abs(sum-1) > 1e-4 {
		t.Fatalf("mass %v, want 1", sum)
	}
}
