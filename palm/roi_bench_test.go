package palm

import (
	"image"
	"syscall"
	"testing"
	"time"

	"github.com/palmid/palmid/synth"
)

// cpuTime is the process's user plus system CPU time.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if syscall.Getrusage(syscall.RUSAGE_SELF, &ru) != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// BenchmarkFindROI times landmarks and ROI on synth 1280 x 960 phone photos
// and 640 x 480 NIR palm frames, cycling through eight captures of each
// (some hands are found by the first segmentation, others need several).
// Besides wall time it reports the CPU time per call (cpu-ms/op), which a
// busy shared machine disturbs less. The "-classic" runs leave out the
// learned steps (Options.ClassicValleys).
func BenchmarkFindROI(b *testing.B) {
	for _, m := range []synth.Modality{synth.Phone, synth.NIRPalm} {
		var imgs []image.Image
		for i := range 8 {
			imgs = append(imgs, synth.NewIdentity(roiEvalSeed, i).Render(m, 0, nil).Image)
		}
		for _, classic := range []bool{false, true} {
			name := m.String()
			if classic {
				name += "-classic"
			}
			b.Run(name, func(b *testing.B) {
				opts := &Options{ClassicValleys: classic}
				t0 := cpuTime()
				i := 0
				for b.Loop() {
					FindROI(imgs[i%len(imgs)], opts)
					i++
				}
				b.ReportMetric(float64(cpuTime()-t0)/float64(b.N)/1e6, "cpu-ms/op")
			})
		}
	}
}

// BenchmarkHandPrior times the hand network on a phone photo's working
// image: its input, the network and the probability map.
func BenchmarkHandPrior(b *testing.B) {
	img := synth.NewIdentity(roiEvalSeed, 0).Render(synth.Phone, 0, nil).Image
	wk := newWork(img, workSide)
	defer wk.release()
	t0 := cpuTime()
	for b.Loop() {
		wk.handPrior()
		for _, p := range wk.bufs[3:] { // the map's buffer back to the pool
			f32Pool.Put(p)
		}
		wk.bufs = wk.bufs[:3] // lum, cb, cr
	}
	b.ReportMetric(float64(cpuTime()-t0)/float64(b.N)/1e6, "cpu-ms/op")
}

// BenchmarkValleyNets times the valley network on a phone photo and a NIR
// frame: one pass, the patches about the three valleys cut from the input
// image and the network's runs.
func BenchmarkValleyNets(b *testing.B) {
	for _, m := range []synth.Modality{synth.Phone, synth.NIRPalm} {
		img := synth.NewIdentity(roiEvalSeed, 0).Render(m, 0, nil).Image
		hd, err := FindROI(img, &Options{noValleyNet: true})
		if err != nil {
			b.Fatal(err)
		}
		wk := newWork(img, workSide)
		lm := hd.Landmarks
		b.Run(m.String(), func(b *testing.B) {
			t0 := cpuTime()
			for b.Loop() {
				v := lm.Valleys
				wk.netValleys(img, &v, lm.Centre, 0, lm.Open)
			}
			b.ReportMetric(float64(cpuTime()-t0)/float64(b.N)/1e6, "cpu-ms/op")
		})
		wk.release()
	}
}

// BenchmarkKeypointNet times the keypoint network on a synth photo (its
// input is the hand network's, made once per photo and not timed here).
func BenchmarkKeypointNet(b *testing.B) {
	img := synth.NewIdentity(roiEvalSeed, 0).Render(synth.Phone, 0, nil).Image
	wk := newWork(img, workSide)
	defer wk.release()
	wk.handInput()
	t0 := cpuTime()
	for b.Loop() {
		if _, ok := wk.keypoints(); !ok {
			b.Fatal("the keypoint network did not run")
		}
	}
	b.ReportMetric(float64(cpuTime()-t0)/float64(b.N)/1e6, "cpu-ms/op")
}
