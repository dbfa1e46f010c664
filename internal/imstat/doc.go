// Package imstat measures palm images with a few statistics that a reviewer
// can read, so that synthetic images can be compared with real ones,
// modality by modality (visible ROIs with visible ROIs, NIR with NIR).
//
// # What is measured
//
// [Analyze] first resamples an image to [ROISize] x [ROISize] (128 x 128,
// the size of the real ROI sets) with [ROI], so that every scale below is in
// pixels at that size whatever the input size. It then measures:
//
//   - Intensity ([IntensityOf]): mean, standard deviation, the 5th, 25th,
//     50th, 75th and 95th percentiles, and a 32-bin histogram of [0, 1].
//     [HistDistance] compares two histograms by earth mover's distance, in
//     intensity units.
//   - Orientation coherence ([Coherence]): the mean over the image of
//     (l1-l2)/(l1+l2), l1 >= l2 the eigenvalues of the structure tensor
//     (gradients after a 1 px Gaussian, averaged over a 2.5 px Gaussian
//     window). 0 for flat images and isotropic noise, near 1 for parallel
//     stripes; palm ROIs give about 0.5 to 0.6.
//   - Line density ([LineDensity]): the fraction of pixels on dark lines,
//     found by a black top-hat thresholded at half the local peak depth
//     and at the local contrast, keeping only elongated groups (see
//     [LineMaskTo]). It is reported at two scales: [FineLines], features
//     up to 8 px wide (creases), and [CoarseLines], up to 20 px wide (NIR
//     veins, broad principal lines).
//   - Radial power spectrum ([SpectrumOf]): the mean-removed, Hann-windowed
//     image's 2-D power spectrum averaged over 32 rings up to 0.5 cycles
//     per pixel and normalised, its log-log slope (about 0 for white
//     noise, more negative for smoother images), and the fraction of power
//     at periods of 4 to 16 px. [SpectrumDistance] compares two spectra.
//
// [Summarize] aggregates per-image [Stats] over a set into a [Summary]
// (mean and standard deviation of every scalar, mean histogram and mean
// spectrum), and [Compare] says how far one Summary lies from a reference:
// histogram and spectrum distances and, for each scalar, the difference of
// means in reference standard deviations.
//
// # Reading the figures
//
// Real ROI sets differ among themselves as much as a good synthetic set
// should differ from them. TestRealSummaries logs the summaries of the real
// sets in ../shared/data (run go test -v -run Real). For instance, Tongji
// and PolyU visible ROIs have coherence 0.50 to 0.54, fine-line density
// 0.065 to 0.12 and spectral slope -3.6 to -2.4; the NIR sets have lower
// intensity spread (std 0.025 to 0.03 of the grey range).
//
// # Concurrency
//
// All functions are safe for concurrent use; they do not modify their
// inputs.
package imstat
