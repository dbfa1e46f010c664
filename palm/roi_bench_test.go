package palm

import (
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

// BenchmarkFindROI times landmarks and ROI on a synth 1280 x 960 phone photo
// and a 640 x 480 NIR palm frame. Besides wall time it reports the CPU
// time per call (cpu-ms/op), which a busy shared machine disturbs less.
func BenchmarkFindROI(b *testing.B) {
	for _, m := range []synth.Modality{synth.Phone, synth.NIRPalm} {
		c := synth.NewIdentity(roiEvalSeed, 1).Render(m, 0, nil)
		b.Run(m.String(), func(b *testing.B) {
			t0 := cpuTime()
			for b.Loop() {
				if _, err := FindROI(c.Image, nil); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(cpuTime()-t0)/float64(b.N)/1e6, "cpu-ms/op")
		})
	}
}
