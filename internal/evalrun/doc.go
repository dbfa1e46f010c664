// Package evalrun evaluates palmid's recognition on any folder of palm
// images described by a MANIFEST.tsv (see internal/dataset for the format):
// it is the engine of "palmid eval".
//
// # What it does
//
// Run reads every image the manifest lists (optionally only some sets),
// groups them by set and modality, turns each image into a palm region of
// interest (ROI) and features, compares all pairs of images within a group
// and reports, per group and method, the failure-to-acquire rate (FTA, with
// its reasons counted), the EER, the FNMR at FMR 1e-2, 1e-3 and 1e-4 with the
// number of comparisons behind them (eval.Report, which flags targets the
// impostor count cannot resolve), and the rank-1 identification rate.
//
// Genuine pairs are two images of the same identity, set/person/hand
// (dataset.Entry.Identity); every other pair of the group is an impostor
// pair. Each unordered pair is compared once, the earlier image in manifest
// order enrolled and the later one the probe. Groups whose sample names
// carry capture sessions ("s1_03", dataset.Entry.Session) are also reported
// cross-session: only pairs whose two images come from different sessions,
// genuine and impostor alike, as palm's and vein's accuracy tests do.
//
// Rank-1: every usable image is a probe against all other usable images of
// its group (cross-session: those of other sessions), each identity
// represented by its best-scoring image; a probe whose identity has another
// image there is a mated search, and a rank-1 hit when that identity scores
// highest. Report.Identification holds the counts, with FNIR and FPIR at the
// threshold of FMR 1e-3 (or the EER threshold when the impostors are too few
// to set it).
//
// # From image to ROI
//
// ROI modalities (visible-roi, nir-roi, and any modality whose name ends in
// "-roi") go straight to features. Whole images (visible-hand, nir-palm,
// nir-vein, spoof, and unknown modalities) go through palm.FindROI, which
// finds the hand and its finger valleys, checks the capture's quality and
// returns the canonical 128 x 128 ROI; its errors (palm.ErrNoHand,
// palm.ErrTooBlurry, ...) are the failure reasons. An NIR vein frame (nir-vein) is cut
// with the landmarks found on the NIR palm frame of the same capture (same
// set, person, hand and sample), since a device takes both in one pose; a
// vein frame without such a partner goes through palm.FindROI itself.
// Options.TruthROI instead places whole-image ROIs from ground-truth columns
// (v1_x … v3_y, centre_x, centre_y, as palmid synth writes them), where the
// manifest has them. Options.RequireOpen passes palm.Options.RequireOpen to
// the hand finder: hands with fingers touching above a valley fail.
//
// # Methods
//
//   - ncc: the raw-pixel baseline (internal/ncc).
//   - palmcode: palmprint competitive codes (palm.EnrolCodes for the enrolled
//     image, its unrotated code as the probe, palm.CompareBest).
//   - vein: vein templates (vein.NewTemplate, vein.Compare); NIR modalities
//     only (names starting "nir-").
//   - fused: palm code and vein scores of the same capture, combined by the
//     rule below.
//   - auto: the best the library has per modality: palmcode for visible and
//     unknown modalities; palmcode, vein and fused for NIR ROIs and for NIR
//     palm frames with a vein partner; vein for vein frames.
//
// # Fusion rule
//
// For fused, the rule is vein.Fusion: each matcher's score is z-normalised,
// s' = (s - mean) / std, and the fused score is their weighted sum with
// vein.DefaultFusion.PalmWeight for the palm code. vein.DefaultFusion's means
// and deviations were measured on synthetic ROIs with palm.Compare; palm
// codes here are scored with palm.CompareBest and real sets differ in
// range, so the means and deviations are taken instead over all the pairs
// compared in the group. They use no labels: with more than a handful of
// identities nearly all pairs are impostors, so this is close to the
// impostor normalisation vein.Fusion asks for, without peeking at the
// ground truth. A capture is fused when
// both its palm code and its vein template exist; otherwise it is a failure
// to acquire for fused. The palm code and the vein template come from:
//
//   - the same ROI, for NIR ROI images (nir-roi): print and veins show
//     together in the NIR band;
//   - the NIR palm frame and the NIR vein frame of the same capture
//     (nir-palm and nir-vein entries with equal set, person, hand and sample);
//   - two ROI groups that are two bands of the same captures: one NIR and
//     one not, of the same set or of sets whose names differ in one
//     dash-separated word (polyu-ms-green-roi, polyu-ms-nir-roi), listing
//     exactly the same person/hand/sample keys; the palm code is read from
//     the other band (the visible one, where the print shows best) and the
//     vein template from the NIR band. The pair is reported as one group
//     named "A+B" (or A for one set), modality "visible-roi+nir-roi".
//
// # Failures
//
// A file that is missing or cannot be decoded is a failure to acquire, with
// the reason "missing file" or "unreadable image" (or "image too large"),
// and is also counted apart as unreadable; nothing is fatal but a missing or
// malformed manifest. Reasons are the innermost error's message, so sentinel
// errors such as palm.ErrFlatROI are counted together.
//
// # Output
//
// Result renders as an aligned text table (Text) and, through its field
// tags, as JSON. Run writes images only when Options.DebugDir is set: the
// ROI of every acquired image (DIR/set/modality/path.png), palm.FindROI's
// drawing of the contour, keypoints and ROI square of every whole image it
// got that far with (…-contour.png), and failures.tsv naming every failure.
package evalrun
