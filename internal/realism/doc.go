// Package realism checks synthetic palms against real ones: it renders a synth
// population, cuts the ground-truth-aligned ROIs, and compares them with the
// real ROI sets in ../shared/data, modality by modality, on statistics a
// reviewer can read and on how hard they are for a baseline matcher.
//
// # Modality pairs
//
// Each synth modality is compared with the real sets that show the same
// thing (see [Pairs]):
//
//	pair      synth ROI                 real ROI sets
//	visible   Phone, converted to grey  tongji-roi, polyu-ms-green-roi
//	nir-palm  NIRPalm                   polyu-ms-nir-roi
//	nir-vein  NIRVein                   casia-ms-850-roi, rpi-noir-palm
//
// Synth ROIs are cut by [synth.Capture.TruthROI] at 128 x 128; real ROIs are
// resampled to 128 x 128 by [imstat.ROI]. Captures whose ground-truth ROI
// falls partly outside the frame are counted and left out.
//
// # What is measured
//
// For every set, [imstat.Analyze] gives intensity (mean, spread, percentiles,
// histogram), orientation coherence, fine and coarse line density and the
// radial power spectrum; [imstat.Summarize] aggregates them and
// [imstat.Compare] measures the synth summary against each real one, so a
// z-score is in standard deviations of the real set.
//
// Difficulty is measured with the NCC baseline ([ncc], default options:
// flattening and a ±4 px shift search at 64 x 64): every pair of ROIs of a
// set is scored, genuine when both show the same palm, impostor otherwise,
// and the equal error rate computed with [eval.EqualErrorRate]. Real sets
// with two sessions are also scored on the pairs across sessions alone.
// Synth captures have no sessions: every capture draws its own pose,
// lighting and blur, so all its pairs are "cross-session". Synth is judged at
// least as hard as a real set when its EER is at least the larger of that
// set's all-pairs and cross-session EERs.
//
// # Use
//
//	r, err := realism.Run(realism.Options{Seed: 1})
//	...
//	os.WriteFile("REPORT.md", []byte(r.Markdown()), 0o644)
//	r.WriteFigure("docs/realism")
//
// The real images must not be copied into the repository (see
// ../shared/data/README.md). [Report.WriteFigure] therefore keeps the image
// grids that show real ROIs in files of their own, named rois-*.png, apart
// from the synth-only grid and the charts.
//
// # Cost
//
// Rendering dominates: about 0.3 s per identity (textures) and 0.3 s per
// phone capture on one core of the development machine; NCC scoring of the
// 80,000 pairs of each 100 x 4 synth set adds about 20 s, the real sets
// about 15 s in all. 100 identities x 4 samples take some 4 minutes of CPU
// time, 2 to 4 minutes on two cores. Identities render in parallel on
// [Options.Workers] goroutines; the result does not depend on their number.
package realism
