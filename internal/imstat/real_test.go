package imstat

import (
	"errors"
	"os"
	"testing"

	"github.com/palmid/palmid/internal/dataset"
)

// TestRealSummaries logs the Summary of each real ROI set, modality by
// modality, for comparison with synthetic images. It checks only that the
// figures are in plausible ranges.
func TestRealSummaries(t *testing.T) {
	if testing.Short() {
		t.Skip("analyses every real ROI; skipped in -short mode")
	}
	m, err := dataset.ReadRealManifest()
	if errors.Is(err, dataset.ErrNoRealData) {
		t.Skipf("real data absent, skipping: %v", err)
	}
	if err != nil {
		t.Fatal(err)
	}
	for _, set := range []string{"tongji-roi", "polyu-ms-green-roi", "polyu-ms-nir-roi", "casia-ms-850-roi", "rpi-noir-palm"} {
		var stats []Stats
		for _, e := range m.Set(set) {
			if _, err := os.Stat(m.File(e)); err != nil {
				continue
			}
			img, err := m.Load(e)
			if err != nil {
				t.Fatal(err)
			}
			stats = append(stats, Analyze(img))
		}
		if len(stats) == 0 {
			t.Logf("%s: no images", set)
			continue
		}
		s := Summarize(stats)
		t.Logf("%s (%s):\n%v", set, m.Set(set)[0].Modality, s)
		if s.Coherence.Mean < 0.1 || s.Coherence.Mean > 0.9 || s.LineDensity.Mean <= 0 || s.LineDensity.Mean > 0.5 || s.Slope.Mean > -0.5 {
			t.Errorf("%s: implausible summary", set)
		}
	}
}
