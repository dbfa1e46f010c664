package palm

import (
	"errors"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"math"
	"os"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/palmid/palmid/synth"
)

// roiEvalSeed is the synth population the keypoint figures of the package
// doc are measured on. The hand finder was developed on seed 7; seed 1 (the
// palm codes' evaluation seed) and this one played no part in it.
const roiEvalSeed = 11

// synthROIStats measures FindROI on n synth captures of modality m.
type synthROIStats struct {
	captures, failed, noTruth int
	errs                      []float64 // valley errors, fraction of palm width
	errOpen, errClosed        []float64
	along                     [3][]float64 // signed error along the palm axis (+: towards the fingers), open valleys
	sideWrong                 int
	focus, exposure, inside   []float64
	byErr                     map[string]int
}

func (s *synthROIStats) String() string {
	sort.Float64s(s.errs)
	q := func(p float64) float64 {
		if len(s.errs) == 0 {
			return math.NaN()
		}
		return s.errs[int(p*float64(len(s.errs)-1))]
	}
	qs := func(v []float64) string {
		sort.Float64s(v)
		if len(v) == 0 {
			return "-"
		}
		return fmt.Sprintf("%.2f/%.2f/%.2f", v[len(v)/100], v[len(v)/10], v[len(v)/2])
	}
	// the tail of the valley errors, where open and closed valleys differ
	tail := func(v []float64) string {
		sort.Float64s(v)
		if len(v) == 0 {
			return "-"
		}
		over := len(v) - sort.SearchFloat64s(v, tailLimit)
		at := func(p float64) float64 { return 100 * v[int(p*float64(len(v)-1))] }
		return fmt.Sprintf("%d, median %.2f%% p90 %.2f%% p99 %.2f%%, over %.0f%%: %d (%.1f%%)", len(v), at(0.5), at(0.9), at(0.99), 100*tailLimit, over, 100*float64(over)/float64(len(v)))
	}
	return fmt.Sprintf("quality p1/p10/p50: focus %s exposure %s inside %s; valleys open in the truth %s; closed %s; open valleys' error along the palm axis p1/p10/p50 %s %s %s; ", qs(s.focus), qs(s.exposure), qs(s.inside), tail(s.errOpen), tail(s.errClosed), qs(s.along[0]), qs(s.along[1]), qs(s.along[2])) + fmt.Sprintf("captures %d (truth ROI outside frame: %d), FTA %.2f%% (%d), valley error median %.2f%% p90 %.2f%% p99 %.2f%% of palm width, wrong side %d, errors %v",
		s.captures, s.noTruth, 100*float64(s.failed)/float64(s.captures), s.failed, 100*q(0.5), 100*q(0.9), 100*q(0.99), s.sideWrong, s.byErr)
}

// tailLimit is the valley error, as a fraction of the palm width, that the
// keypoint goal sets for the 99th percentile.
const tailLimit = 0.06

func measureSynth(t testing.TB, seed uint64, m synth.Modality, ids, samples int, d synth.Difficulty, dump string) *synthROIStats {
	st := &synthROIStats{byErr: map[string]int{}}
	var mu sync.Mutex
	var wg sync.WaitGroup
	sem := make(chan struct{}, 2)
	for i := 0; i < ids; i++ {
		for smp := 0; smp < samples; smp++ {
			wg.Add(1)
			sem <- struct{}{}
			go func(i, smp int) {
				defer wg.Done()
				defer func() { <-sem }()
				id := synth.NewIdentity(seed, i)
				c := id.Render(m, smp, &synth.Options{Difficulty: d})
				tr := &c.Truth
				var sinkImg image.Image
				opts := &Options{}
				if dump != "" {
					opts.Sink = func(name string, img image.Image) {
						if name == "keypoints" || (name == "contour" && sinkImg == nil) {
							sinkImg = img
						}
					}
				}
				hd, err := FindROI(c.Image, opts)
				_, terr := tr.ROIFrame()
				pw := tr.PalmWidth * tr.PxPerMM
				mu.Lock()
				defer mu.Unlock()
				st.captures++
				if terr != nil {
					st.noTruth++
				}
				var worst float64
				if hd != nil {
					st.focus = append(st.focus, hd.Quality.Focus)
					st.exposure = append(st.exposure, hd.Quality.Exposure)
					st.inside = append(st.inside, hd.Quality.Inside)
				}
				if err != nil {
					st.failed++
					st.byErr[errName(err)]++
				} else {
					for k := range 3 {
						e := math.Hypot(hd.Landmarks.Valleys[k].X-tr.Valleys[k].X, hd.Landmarks.Valleys[k].Y-tr.Valleys[k].Y) / pw
						st.errs = append(st.errs, e)
						if tr.ValleysOpen[k] {
							st.errOpen = append(st.errOpen, e)
							ax := [2]float64{math.Cos(tr.Orientation), math.Sin(tr.Orientation)}
							st.along[k] = append(st.along[k], ((hd.Landmarks.Valleys[k].X-tr.Valleys[k].X)*ax[0]+(hd.Landmarks.Valleys[k].Y-tr.Valleys[k].Y)*ax[1])/pw)
						} else {
							st.errClosed = append(st.errClosed, e)
						}
						worst = math.Max(worst, e)
					}
					want := Right
					if id.Hand == synth.Left {
						want = Left
					}
					if hd.Landmarks.Side != want {
						st.sideWrong++
					}
				}
				if dump != "" && (err != nil || worst > tailLimit) && sinkImg != nil {
					if rgba, ok := sinkImg.(*image.RGBA); ok {
						sc := float64(rgba.Rect.Dx()) / float64(c.Image.Bounds().Dx())
						for _, v := range tr.Valleys {
							for d := -3; d <= 3; d++ {
								rgba.Set(int((v.X+0.5)*sc)+d, int((v.Y+0.5)*sc), color.RGBA{255, 0, 255, 255})
								rgba.Set(int((v.X+0.5)*sc), int((v.Y+0.5)*sc)+d, color.RGBA{255, 0, 255, 255})
							}
						}
					}
					name := fmt.Sprintf("%s/%v-%d-%d-%d-%s-%.0f.png", dump, m, seed, i, smp, errName(err), 100*worst)
					if f, e := os.Create(name); e == nil {
						png.Encode(f, sinkImg)
						f.Close()
					}
				}
			}(i, smp)
		}
	}
	wg.Wait()
	return st
}

func errName(err error) string {
	for _, e := range []error{ErrNoHand, ErrFingersClosed, ErrTooBlurry, ErrTooDark, ErrTooBright, ErrPartialPalm, ErrTooNear, ErrTooFar, ErrImageTooSmall} {
		if errors.Is(err, e) {
			return strings.ReplaceAll(e.Error()[6:], " ", "_")
		}
	}
	if err == nil {
		return "ok"
	}
	return "other"
}

// TestSynthKeypoints measures valley accuracy and FTA on synth phone photos
// and NIR palm frames. It is long: set PALMID_ROI_EVAL to the number of
// identities (each with 2 samples; 160 gives 320 captures per modality),
// and PALMID_ROI_SEED to change the population (default roiEvalSeed);
// PALMID_ROI_DUMP names a folder for debug images of failures.
func TestSynthKeypoints(t *testing.T) {
	n, _ := strconv.Atoi(os.Getenv("PALMID_ROI_EVAL"))
	if n <= 0 {
		t.Skip("set PALMID_ROI_EVAL=<identities> to measure keypoint accuracy on synth")
	}
	seed := uint64(roiEvalSeed)
	if s, err := strconv.Atoi(os.Getenv("PALMID_ROI_SEED")); err == nil {
		seed = uint64(s)
	}
	dump := os.Getenv("PALMID_ROI_DUMP")
	if dump != "" {
		os.MkdirAll(dump, 0o755)
	}
	mods := []synth.Modality{synth.Phone, synth.NIRPalm}
	if v, err := strconv.Atoi(os.Getenv("PALMID_ROI_MOD")); err == nil {
		mods = []synth.Modality{synth.Modality(v)}
	}
	for _, m := range mods {
		st := measureSynth(t, seed, m, n, 2, synth.Realistic, dump)
		t.Logf("seed %d %v realistic: %v", seed, m, st)
	}
}
