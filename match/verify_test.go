package match

import (
	"errors"
	"testing"

	"github.com/palmid/palmid/palm"
	"github.com/palmid/palmid/synth"
)

// enrolmentPair renders identity i of seed's phone photo (sample 0) and
// device NIR palm image (sample 1) and returns their codes, cut at the
// ground-truth ROIs.
func enrolmentPair(t *testing.T, seed uint64, i int) (phone []*palm.Code, device *palm.Code) {
	t.Helper()
	id := synth.NewIdentity(seed, i)
	opts := &synth.Options{Difficulty: synth.Realistic}
	roi, err := id.Render(synth.Phone, 0, opts).TruthROI(128)
	if err != nil {
		return nil, nil
	}
	if phone, err = palm.EnrolCodes(roi); err != nil {
		return nil, nil
	}
	pa, _ := id.RenderDevice(1, opts)
	if roi, err = pa.TruthROI(128); err != nil {
		return nil, nil
	}
	if device, err = palm.NewCode(roi); err != nil {
		return nil, nil
	}
	return phone, device
}

// TestVerifyEnrolment checks the enrolment check on synthetic identities of
// a seed the calibration did not use: every impostor pair (phone of one,
// device of another) is rejected at the default FMR, and the genuine accept
// rate is logged (the calibration tables give it over thousands of pairs).
func TestVerifyEnrolment(t *testing.T) {
	n := 24
	if testing.Short() {
		n = 4
	}
	if raceEnabled {
		n = 2
	}
	phones := make([][]*palm.Code, n)
	devices := make([]*palm.Code, n)
	for i := range n {
		phones[i], devices[i] = enrolmentPair(t, 11, i)
	}
	var gen, genOK, imp, impOK int
	for i := range n {
		for j := range n {
			if phones[j] == nil || devices[i] == nil {
				continue
			}
			d, err := VerifyEnrolment(phones[j], devices[i], nil)
			if err != nil {
				t.Fatal(err)
			}
			if d.Match != (d.Score >= d.Threshold) || d.TargetFMR <= 0 || d.FMR <= 0 || d.FMR > 1 {
				t.Fatalf("inconsistent decision %+v", d)
			}
			if d.Match && d.FMR > d.TargetFMR {
				t.Errorf("accepted at FMR %g above the target %g", d.FMR, d.TargetFMR)
			}
			if i == j {
				gen++
				if d.Match {
					genOK++
				}
			} else {
				imp++
				if d.Match {
					impOK++
					t.Errorf("impostor pair (device %d, phone %d) accepted: %+v", i, j, d)
				}
			}
		}
	}
	d, _ := VerifyEnrolment(phones[0], devices[0], nil)
	t.Logf("threshold %.4f at FMR %g: %d of %d genuine pairs accepted, %d of %d impostor pairs",
		d.Threshold, d.TargetFMR, genOK, gen, impOK, imp)
	if gen == 0 {
		t.Fatal("no genuine pair acquired")
	}
}

func TestVerifyEnrolmentErrors(t *testing.T) {
	if _, err := VerifyEnrolment(nil, new(palm.Code), nil); !errors.Is(err, ErrNoTemplate) {
		t.Errorf("no phone codes: %v", err)
	}
	if _, err := VerifyEnrolment([]*palm.Code{new(palm.Code)}, nil, nil); !errors.Is(err, ErrNoTemplate) {
		t.Errorf("no device code: %v", err)
	}
	if _, err := VerifyEnrolment([]*palm.Code{new(palm.Code)}, new(palm.Code), &VerifyOptions{FMR: 1e-12}); !errors.Is(err, ErrFMRUnresolved) {
		t.Errorf("FMR 1e-12: %v", err)
	}
	d, err := VerifyEnrolment([]*palm.Code{new(palm.Code)}, new(palm.Code), &VerifyOptions{FMR: 0.01})
	if err != nil || d.Match || d.Score != 0 || d.FMR != 1 || d.TargetFMR != 0.01 {
		t.Errorf("zero codes at FMR 0.01: %+v, %v", d, err)
	}
}
