package match

import (
	"errors"
	"fmt"
	"strconv"
	"sync"

	"github.com/palmid/palmid/palm"
)

// DefaultVerifyFMR is the false-match rate VerifyEnrolment decides at when
// its options name none.
const DefaultVerifyFMR = 1e-6

// VerifyOptions are the settings of VerifyEnrolment. A nil *VerifyOptions
// means the zero value.
type VerifyOptions struct {
	// FMR is the false-match rate to decide at. Zero means
	// DefaultVerifyFMR, or the lowest rate the calibration table resolves
	// if that is higher; a rate the table does not resolve is an error.
	FMR float64
}

// Decision is the outcome of a 1:1 verification.
type Decision struct {
	// Match reports whether Score reached Threshold.
	Match bool
	// Score is the similarity of the two sides.
	Score float64
	// Threshold is the calibrated threshold for TargetFMR.
	Threshold float64
	// TargetFMR is the false-match rate decided at.
	TargetFMR float64
	// FMR is the false-match rate that accepting Score stands for on the
	// calibration population (Calibration.FMRForScore): 1 for scores below
	// every calibrated threshold, and for scores above the last the lowest
	// rate the table resolves.
	FMR float64
}

// ErrNoTemplate is returned by VerifyEnrolment when a side has no template.
var ErrNoTemplate = errors.New("match: no template to verify")

var phoneNIRTable = sync.OnceValues(func() (*Calibration, error) {
	c, err := LoadCalibration(CalPalmPhoneNIR)
	if err != nil {
		return nil, err
	}
	if err := c.Check("palm.Code", strconv.Itoa(palm.CodeVersion)); err != nil {
		return nil, err
	}
	return c, nil
})

// VerifyEnrolment is the enrolment check: it decides whether a phone photo
// and a device capture show the same palm. phone holds the palm codes of
// the phone photo's ROI, as palm.EnrolCodes makes them; device is the palm
// code of the device's NIR palm-surface ROI (palm.NewCode). The score is
// palm.CompareBest(device, phone), and the threshold comes from the
// calibration table CalPalmPhoneNIR at the false-match rate of opts.
//
// The phone sees no veins, so the device's vein template plays no part
// here; it takes part in device-to-device verification (table
// CalPalmVeinNIR). When signatures (learned embeddings) arrive, they join
// the check with tables of their own.
//
// It returns ErrNoTemplate when phone is empty or device is nil, the
// errors of LoadCalibration and Calibration.Check when the embedded table
// is missing or belongs to another palm.CodeVersion, and ErrFMRUnresolved
// when the table does not resolve the rate asked for. It is safe for
// concurrent use.
func VerifyEnrolment(phone []*palm.Code, device *palm.Code, opts *VerifyOptions) (Decision, error) {
	if len(phone) == 0 || device == nil {
		return Decision{}, ErrNoTemplate
	}
	cal, err := phoneNIRTable()
	if err != nil {
		return Decision{}, err
	}
	var o VerifyOptions
	if opts != nil {
		o = *opts
	}
	thr, fmr, err := decisionThreshold(cal, o.FMR)
	if err != nil {
		return Decision{}, err
	}
	s := palm.CompareBest(device, phone)
	return Decision{Match: s >= thr, Score: s, Threshold: thr, TargetFMR: fmr, FMR: cal.FMRForScore(s)}, nil
}

// decisionThreshold returns the threshold of cal at fmr, where zero means
// DefaultVerifyFMR or, if the table does not resolve it, the table's lowest
// rate.
func decisionThreshold(cal *Calibration, fmr float64) (thr, target float64, err error) {
	if fmr == 0 {
		fmr = max(DefaultVerifyFMR, cal.MinFMR())
	}
	if !(fmr > 0 && fmr < 1) {
		return 0, 0, fmt.Errorf("match: verification FMR %g not in (0, 1)", fmr)
	}
	thr, err = cal.ThresholdForFMR(fmr)
	return thr, fmr, err
}
