package vein

// Fusion combines the palmprint score (palm.Compare on the NIR palm-surface
// ROI) and the vein score (Compare on the NIR vein ROI) of one comparison of
// two device captures into one score, the classic "palm + vein" signature
// before learned embeddings: each score is z-normalised with the mean and
// standard deviation of impostor scores, and the fused score is their
// weighted sum,
//
//	PalmWeight*(palm-PalmMean)/PalmSD + (1-PalmWeight)*(vein-VeinMean)/VeinSD.
//
// The fused score is in units of impostor standard deviations: about 0 for
// different palms, higher meaning more alike. Normalising by the impostor
// distribution puts both matchers on one scale whatever their ranges, and
// the weighted sum keeps the rule monotone in each score, so a threshold
// still maps to one false-match rate. A Fusion is a value; it is safe for
// concurrent use.
type Fusion struct {
	PalmMean, PalmSD float64 // impostor palm.Compare scores
	VeinMean, VeinSD float64 // impostor vein Compare scores
	// PalmWeight is the weight of the palmprint score in [0, 1]; the vein
	// score has 1 - PalmWeight.
	PalmWeight float64
}

// DefaultFusion is the rule Fuse applies. Its impostor statistics were
// measured and its weight chosen (the weight in steps of 0.05 with the
// lowest FNMR at FMR 1e-4) by TestFusionCalibration on a synthetic training
// population that no accuracy figure uses: synth seed 2, realistic
// difficulty, 200 identities x 4 device captures, ground-truth 128 x 128
// ROIs, 318400 impostor and 1200 genuine pairs, with template version 2.
// Weights from 0.20 to 0.50 were within 0.4 points of FNMR of each other
// there (palm alone 11.5%, vein alone 5.5%, 0.30 gave 3.42% and 0.50
// 3.75%). The weight is the top of that flat range, not its minimum: on
// real NIR ROIs the palm code is the stronger matcher (casia-ms-850-roi,
// see the package documentation), and 0.30 lost fused accuracy there that
// 0.50 keeps. Calibrate on captures of the target device for another
// device.
var DefaultFusion = Fusion{
	PalmMean: 0.5473, PalmSD: 0.0131,
	VeinMean: 0.4535, VeinSD: 0.0279,
	PalmWeight: 0.50,
}

// Score returns the fused score of a palmprint score and a vein score. It
// panics if either standard deviation is not positive or PalmWeight is
// outside [0, 1].
func (f *Fusion) Score(palmScore, veinScore float64) float64 {
	if !(f.PalmSD > 0 && f.VeinSD > 0) || !(f.PalmWeight >= 0 && f.PalmWeight <= 1) {
		panic("vein: Fusion with a non-positive standard deviation or a weight outside [0, 1]")
	}
	return f.PalmWeight*(palmScore-f.PalmMean)/f.PalmSD + (1-f.PalmWeight)*(veinScore-f.VeinMean)/f.VeinSD
}

// Fuse returns DefaultFusion's fused score of a palmprint score
// (palm.Compare of the NIR palm-surface ROIs) and a vein score (Compare of
// the NIR vein ROIs of the same two captures). See Fusion.
func Fuse(palmScore, veinScore float64) float64 {
	return DefaultFusion.Score(palmScore, veinScore)
}
