// Package ncc is palmid's baseline matcher: raw-pixel normalised
// cross-correlation of palm ROIs with a small shift search. Every feature
// extractor should beat it; it also shows how much of a data set's
// difficulty is mere alignment and illumination.
//
// # Use
//
// Prepare each ROI once with [NewTemplate], then score pairs with
// [Compare] (or [Match], which also returns the best shift):
//
//	a, err := ncc.NewTemplate(roiA, nil) // nil: DefaultOptions
//	...
//	score := ncc.Compare(a, b) // in [-1, 1], higher = more similar
//
// The caller chooses the threshold. Templates are immutable; Compare does
// not allocate and is safe for concurrent use.
//
// # Method
//
// A template is the ROI resampled to [Size] x [Size] (64 x 64) by area
// averaging, minus its Gaussian blur of standard deviation
// [Options].Flatten (8 px by default: this removes illumination gradients
// and broad shading and keeps creases, wrinkles and veins), scaled to zero
// mean and unit variance. Compare tries every integer shift of up to
// [Options].MaxShift (4 px, 6% of the side) along each axis and returns the
// largest Pearson correlation computed over the overlapping pixels alone,
// with each template's mean and variance taken over that overlap (from
// integral images), so a shift is not favoured or penalised by what falls
// off the edge. Shifts whose overlap is less than [Options].MinOverlap of
// the template are skipped. There is no rotation or scale search: ROIs are
// assumed to be aligned up to a few pixels.
//
// # Measured accuracy
//
// TestRealEER (go test -v -run RealEER) measures the real ROI sets in
// ../shared/data with all pairs (genuine: same set/person/hand) and, where
// the set has two sessions, with only the pairs across sessions:
//
//	set                  images  EER all pairs  EER cross-session
//	tongji-roi              120      0.70%          1.00%
//	polyu-ms-green-roi       84      0.00%          0.00%
//	polyu-ms-nir-roi         84      0.00%          0.00%
//	casia-ms-850-roi        234      5.98%          -
//
// Without flattening the EERs rise to 13%, 0%, 0.9% and 17%; without the
// shift search to 8.4%, 0.4%, 0% and 11.6%. These sets have only 6 to 39
// palms, so the figures are coarse (one genuine pair of Tongji's 1140 is
// 0.09%) and say little about larger populations. The options were not
// tuned on these sets.
package ncc
