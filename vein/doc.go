// Package vein reads palm veins: it enhances a near-infrared (NIR) palm-vein
// region of interest (ROI), extracts its vessels, turns them into a small
// binary template, compares templates, and gives a liveness cue.
//
// The input is a ROI: a grey image of the palm centre in the canonical
// orientation (see internal/roi), normally 128 x 128, taken under NIR light
// that shows the veins dark under the skin (synth.NIRVein). Any size is
// accepted; it is resampled to Size x Size (64 x 64) first.
//
// # Use
//
// Enrol a ROI once, keep its template (and the ROI itself, see
// Serialisation), and compare each probe's template with it:
//
//	enrolled, err := vein.NewTemplate(roi)
//	...
//	probe, err := vein.NewTemplate(probeROI)
//	...
//	if vein.Compare(enrolled, probe) >= threshold {
//		// same palm
//	}
//
// Extract returns the intermediate maps (enhanced image, vessel probability,
// binary vein map, validity mask) for tools that draw what the algorithm saw;
// Vessels.Template turns them into a template. "palmid vein ROI.png --debug
// out.png" prints a ROI's template statistics and liveness and draws the
// maps side by side; with --frame (and --palm PALM.png) it takes whole
// device frames.
//
// # Whole device frames
//
// A device captures a NIR palm-surface frame and a NIR vein frame in one
// pose. FromDevice finds the hand and its landmarks on the palm frame
// (palm.FindROI), cuts the same ROI square from the vein frame
// (palm.Hand.Cut) and extracts the vessels and template. A caller that also
// wants the palmprint code for fusion runs the three steps itself (see
// ExampleFromDevice): FindROI, Cut, NewTemplate, and palm.NewCode(hand.ROI).
// FromDevice's templates are as good as FindROI's landmarks: on four synth
// captures (seed 3) they scored 0.75 to 0.83 against the templates of the
// ground-truth ROIs (TestFromDevice).
//
// # Enhancement
//
// The ROI is resampled by area averaging to 64 x 64. A working pixel is
// valid when at least three quarters of the source pixels under it are
// neither black nor white (background, clipped highlights) and its eight
// neighbours are valid too; fewer than half valid gives ErrFlatROI. Then:
//
//   - Background: the image is divided by its large-scale illumination, a
//     Gaussian blur (σ = 6 px) of the valid pixels normalised by the blurred
//     mask, minus one: relative contrast, negative on veins.
//   - Occluders: pixels where the image blurred at σ = 3 px departs from
//     a broader illumination estimate (σ = 16 px) by more than 12% of
//     relative contrast, grown by 3 px, are left out of the mask, and the
//     illumination is measured again without them, provided a third of the
//     map stays valid. A patch held over the palm, darker or brighter than
//     skin, is far wider than a vein; left in, its edges read as vessels
//     and take the vein fraction from the veins. (Liveness reads the
//     first illumination and mask.)
//   - Contrast: CLAHE (contrast-limited adaptive histogram equalisation)
//     on 4 x 4 tiles of 16 x 16 pixels, 64 bins over the mean ± 3 standard
//     deviations, clip limit 2.5 times the mean bin count, tile mappings
//     interpolated bilinearly; it maps to [0, 1].
//   - Noise: a 5 x 5 bilateral filter (σ 1 px in space, 0.12 in grey
//     level, from look-up tables) averages noise while keeping steps larger
//     than a vessel's edge.
//
// # Vessel extraction
//
// Veins are found with multi-scale Hessian vesselness (Frangi et al.,
// MICCAI 1998) for dark tubular structures: at σ = 1.5, 2.25 and 3 px of
// the working map (3 to 6 px of a 128 x 128 ROI) the enhanced image is
// blurred and its Hessian taken by finite differences; with eigenvalues
// |λ1| <= |λ2|, a pixel with λ2 > 0 (brighter on both sides across the line)
// scores σ² λ2 exp(-(λ1/λ2)² / 2β²), β = 0.5, and the best scale wins.
// Vessels.Prob is this vesselness divided by its 99th percentile over valid
// pixels and clipped to [0, 1]; Vessels.Vein marks the top VeinFraction (30%)
// of valid pixels with positive vesselness. The fixed fraction keeps the
// template density, and so the impostor scores, independent of contrast.
//
// # Graph features
//
// Vessels.Skeleton thins the binary vein map to one-pixel centre lines
// (Zhang-Suen); Vessels.BranchPoints returns the skeleton pixels where three
// or more branches meet (crossing number 3 or more) and Vessels.EndPoints
// those with one neighbour, in working-map pixels, for matchers that want
// the vessel graph. On synthetic 128 x 128 ROIs the vein map of 1229 pixels
// thins to about 360 skeleton pixels with about 15 branch and 25 end points. The
// template does not use them.
//
// # Templates and matching
//
// A Template is a GridSize x GridSize (32 x 32) grid, one cell per 4 x 4
// pixels of a 128 x 128 ROI: a cell is valid when its four working pixels
// are, and vein when its mean probability is among the top 30% of valid
// cells. Rows are words, so a comparison is logic operations and popcounts.
//
// Match shifts one template against the other by up to MaxShift = 6 cells
// (24 pixels of a 128 x 128 ROI) along each axis and keeps the best Dice
// coefficient 2|A∩B| / (|A|+|B|) of the vein cells valid in both: like
// Miura's matching, it counts vein agreement and ignores the background
// both maps share. It also compares one grid rotated by ±6° and scaled by
// ±7% about its centre (nearest cell; always the same template of the
// pair, so the score is symmetric): a ROI placed from finger valleys turns
// by up to about 12° and scales by up to about 15% between captures as the
// fingers spread and the hand tilts, and on synth seed 7 this was what kept
// most genuine pairs low. The search is coarse to fine: every other shift
// of each of the five grids (49 shifts each), then the eight neighbours of
// the best shift of the two best grids. Shifts with fewer than MinValid
// (256) common valid cells are skipped, and the Dice of a shift with fewer
// than 640 common cells is pulled towards VeinFraction, the Dice of
// unrelated maps, by the square root of the overlap's share (as Daugman
// normalises iris Hamming distances): the best of many small overlaps
// would otherwise let impostors through. Compare returns the score alone;
// it does not allocate.
//
// # Scores and thresholds
//
// Scores are in [0, 1], higher meaning more alike: 1 for identical maps
// with at least 640 valid cells (fewer pull even a self-comparison below 1),
// about 0.45 ± 0.03 for different palms (the best of 261 alignments),
// mostly above 0.6 for the same palm. The caller chooses the threshold; FMR
// 1e-3 was reached at 0.592 on casia-ms-850-roi (26676 impostor pairs) and
// at 0.565 on synthetic NIRVein ROIs (3118750 impostor pairs). Calibrate on
// captures of the target device.
//
// # Liveness and presentation attacks
//
// Liveness returns the vesselness energy of a ROI (also Vessels.Energy): the
// mean over valid pixels of the vesselness at σ = 2 px of the flat-fielded
// image, before CLAHE, so in units of relative contrast. Live palms under
// NIR show veins at several percent of contrast; a print loses contrast and
// sharpness, and a silicone cast shows none.
//
// PADScore is the score to hand to presentation attack detection (PAD): the
// energy scaled by min(1, level/0.25), level being the ROI's mean grey level
// (Vessels.Level). The scaling is there for screens: they reflect almost
// none of the device's NIR light, and in so dark a ROI the flat-fielding
// turns sensor noise into vesselness. Higher is more live; the caller picks
// the threshold for its bona fide presentation classification error rate
// (BPCER). TestLivenessAttacks (go test -run LivenessAttacks -v ./vein
// -vein.pad=200) measured it on ground-truth NIRVein ROIs of synth seed 4,
// 200 live palms against 200 of each of synth's attacks (RenderAttack):
//
//	class      min     p1      median  p99     max
//	live       0.0023  0.0027  0.0047  0.0080  0.0103
//	print      0.0007  0.0007  0.0012  0.0022  0.0025
//	screen     0.0004  0.0004  0.0009  0.0017  0.0020
//	silicone   0.0006  0.0006  0.0012  0.0018  0.0018
//
// At the threshold 0.0027 (BPCER 1% on those live palms) the attack
// presentation classification error rate (APCER) was 0% for each attack,
// though the best print (0.0025) came close; with the energy alone
// (Liveness) screens reached 47%. These attacks are
// synth's models, made without veins: the separation shows the cue works as
// designed, not how it fares against real artefacts, and a print of an
// enhanced vein image, or a thin latex glove over a live hand, would pass.
// The synthetic threshold does not transfer to other cameras: on real live
// ROIs "palmid vein" scored medians of 0.0034 (casia-ms-850-roi, 11% of 234
// below 0.0027), 0.0026 (polyu-ms-nir-roi, 67% of 84 below) and 0.0020
// (rpi-noir-palm, 88% of 40 below). Calibrate on live captures of the
// target device, and use it with other cues.
//
// # Measured accuracy
//
// TestRealAccuracy (go test -run RealAccuracy -v ./vein) measures the real
// NIR ROI sets in ../shared/data beside palm.NewCode/palm.Compare and the NCC
// baseline (internal/ncc) on the same ROIs. EER, with FNMR at FMR 1e-3 in
// brackets:
//
//	set (protocol)                    vein            palm code      NCC
//	casia-ms-850-roi (all pairs)      3.08% (14.0%)   2.39% (6.2%)   5.98% (12.3%)
//	polyu-ms-nir-roi (cross-session)  0.00% (0%*)     0.00% (0%*)    0.00% (0%*)
//
// (Template version 1, shifts of up to 4 cells and no rotation, scale or
// occluder handling: CASIA vein 4.79% (14.0%).)
// CASIA has 585 genuine and 26676 impostor pairs (39 palms x 6), PolyU 252
// and 1512 (7 palms, too few impostors to resolve FMR 1e-3: *). These NIR ROIs
// show the print as much as the veins, which the palm code reads better.
//
// TestSynthAccuracy measures synthetic NIRVein ROIs (synth seed 1, realistic
// difficulty, ground-truth ROIs, all pairs) beside palm.Compare on the NIRPalm
// ROI of the same capture, and their fusion by Fuse:
//
//	matcher            EER     FNMR@FMR 1e-3   FNMR@FMR 1e-4   (threshold)
//	vein               1.68%    4.0%            7.8%           0.596
//	palm.Compare       3.44%    8.2%           11.2%           0.610
//	fused palm+vein    1.16%    2.2%            3.6%           3.688
//
// 500 palms x 5 captures: 5000 genuine and 3118750 impostor comparisons
// (go test -run SynthAccuracy -v -timeout 2h ./vein -vein.synth-ids=500
// -vein.synth-samples=5; by default the test runs 30 x 3). Template version
// 1 measured vein 4.04% (11.3%, 17.3%) and fused 3.00% (6.5%, 9.2%) there.
// All three remain far from the anchors of published NIR palm-vein systems
// (EER around 0.1%) and commercial sensors (FAR 1e-7 class): realistic
// synth captures are hard (tilt up to 20°, blur up to 2 px, occluders), and
// these are hand-made features on 32 x 32 cells.
//
// # What lowers genuine scores
//
// TestGenuineNuisances (go test -run GenuineNuisances -v ./vein
// -vein.nuisances=100; synth seed 7, a tuning population, 600 genuine
// pairs) sets genuine scores against what differs between two captures.
// With template version 1 the score fell with the turn of the ROI frame
// relative to the palm (mean 0.70 under 2°, 0.52 from 8 to 12°, where 43%
// of pairs scored below 0.5), its scale change (0.70 under 2%, 0.57 from 10
// to 15%), its offset (0.73 under 4 px of 128, 0.48 beyond 24 px, outside
// the old 16 px search) and occluders over more than 6% of the palm (0.61,
// 13% below 0.5), whose edges read as vessels; blur up to 2 px hardly
// mattered (0.66 to 0.68). The rotated and scaled grids, the wider shift
// search and the occluder mask answer those: now 0.73 under 2° and 0.65 from
// 8 to 12°, 0.62 beyond 24 px, 0.68 with occluders over 6%, and 1 of 600
// pair below 0.5 (about 30 before). The lowest pairs left combine an occluder
// with a turn, a scale change or an offset near the search's edge.
//
// # Fusion with the palmprint
//
// Fuse (and Fusion.Score) z-normalises the palmprint score (palm.Compare
// of the NIR palm-surface ROIs) and the vein score with the mean and
// standard deviation of impostor scores and returns their weighted sum,
// 0.50 for each: the score is in impostor standard deviations. The
// statistics come from a training population no figure above uses (synth
// seed 2, 200 x 4 captures, 318400 impostor pairs; TestFusionCalibration,
// go test -run FusionCalibration -v ./vein -vein.calibrate): palm
// impostors 0.5473 ± 0.0131, vein impostors 0.4535 ± 0.0279. Palm weights
// from 0.20 to 0.50 gave FNMR at FMR 1e-4 within 0.4 points of each other
// there (3.42% at 0.30, 3.75% at 0.50; vein alone 5.5%, palm alone 11.5%).
// The weight is the top of that range because on real NIR ROIs the palm
// code is the stronger matcher: on casia-ms-850-roi ("palmid eval --method
// fused", palm code and vein template of the same ROI) version 1 with
// weight 0.55 fused to EER 2.06% (FNMR 6.3% at FMR 1e-3), version 2 to
// 2.56% (7.2%) with weight 0.30 and 2.22% (5.1%) with 0.50. On the
// synthetic test population the fused score reached FMR 1e-3 at 2.92 and
// 1e-4 at 3.69. Calibrate the statistics on the target device.
//
// # Speed
//
// One core of a shared 2-core machine under a load average of about 5
// (test binaries of template versions 1 and 2 run in turn, go test -c;
// -test.bench 'NewTemplate|Compare$|ReferenceDot256' -test.cpu 1, six
// runs each, benchstat medians), which ran BenchmarkReferenceDot256, the
// plain Go 256-d dot product, at 1.62 to 1.72 µs against 172 ns on the
// project's reference machine (about 9.7 times slower); scaled by that
// ratio:
//
//	operation                                version 1   version 2   reference (scaled)   target
//	Extract + Template, 128 x 128 ROI        5.1 ms      8.8 ms      0.91 ms              5 ms
//	FromDevice, 640 x 480 palm + vein frames 23.2 ms     22.3 ms     2.3 ms               10 ms
//	Compare                                  24 µs       72 µs       7.4 µs               20 µs
//
// Extract grows by the occluder detection's σ = 16 px illumination blur,
// Compare by the five grids (261 shift scores instead of 81). FromDevice
// (four runs each, no significant difference) is mostly palm.FindROI.
// An earlier run (load about 10, reference ratio 13.8) had measured version
// 1 at 7.5 ms, 23.5 ms (FindROI 17.2 ms) and 33 µs.
//
// The figures above are from before the image kernels were vectorised.
// With them (internal/fimg's separable blur, vein's CLAHE and bilateral
// filter as amd64 AVX2 assembly, each output bit for bit what the plain Go
// loops give, which TestSeparableExact and TestEnhanceExact check), test
// binaries of commit 8bf5794 (before) and of the kernels (after) run in
// turn three times, two runs each, on one core of the same machine under a
// load average of 8 to 9 (2026-11-25 15:15 to 15:18 UTC; -test.cpu 1,
// benchstat medians), BenchmarkReferenceDot256 at 2.19 µs (12.7 times the
// reference machine's 172 ns):
//
//	operation                                before      after       after, reference (scaled)
//	Extract, 128 x 128 ROI                   11.2 ms     2.9 ms      0.23 ms
//	Extract + Template, 128 x 128 ROI        12.0 ms     3.1 ms      0.25 ms
//	FromDevice, 640 x 480 palm + vein frames 29.2 ms     20.1 ms     1.6 ms
//	Compare                                  304 µs      98 µs       7.7 µs
//
// Compare's code did not change: its before and after differ by where the
// linker put it (builds of the two trees reproduce the gap; the earlier run
// above had 72 µs). Extract and NewTemplate also allocate half as much
// (250 KiB, 29 allocations): CLAHE, the bilateral filter and flatField
// write in place.
//
// In the same minutes bench/cv_vein.py (a companion of
// ../shared/bench/cv_bench.py) timed OpenCV 4.6 (python3-opencv, one
// thread, outputs into arrays made once) on the same sizes, three runs
// interleaved with the Go ones, each the median of 7 repetitions; the table
// gives the median run, and palmid time over OpenCV time
// (bench/vein_vs_cv.sh repeats the comparison):
//
//	stage (palmid benchmark)                     before     after      OpenCV     after/OpenCV (before)
//	CLAHE 4 x 4 tiles, 64 x 64 (StageCLAHE)      151 µs     48 µs      83 µs      0.58 (1.8)
//	bilateral 5 x 5, 64 x 64 (StageBilateral)    1.56 ms    139 µs     355 µs     0.39 (4.4)
//	  the same against OpenCV's 8-bit filter                           150 µs     0.92
//	two Gaussian blurs σ 6, 64 x 64 (FlatField)  1.66 ms    180 µs     322 µs     0.56 (5.2)
//	Gaussian blur σ 2, 640 x 480 f32 (Blur...)   18.4 ms    1.5 ms     2.2 ms     0.67 (8.3)
//
// OpenCV's CLAHE works on 8-bit images only; palmid's works in float on
// the 64 x 64 working map, as its bilateral filter does (OpenCV's float
// bilateral filter is the like-for-like one). The blur sums each output in
// tap order eight or 32 at a time without using the kernel's symmetry;
// the bilateral filter looks each pair's range weight up once, for both
// pixels. Without AVX2 (GODEBUG=cpu.avx2=off, or -tags purego) the same
// sums run in plain Go: StageBilateral about 0.6 to 0.7 ms on this machine.
// An earlier run under a load of about 5, before the kernels, had
// measured 152 µs, 1.2 ms, 1.6 ms and 10.6 ms against OpenCV's 76-88 µs,
// 388-402 µs, 2 x 168 µs and 3.3-5.4 ms.
//
// # Testing
//
// TestGolden compares the enhanced image and vessel map of three synth
// captures with testdata/synth<seed>-<identity>-<sample>-{enhanced,vessels}.png
// (go test -run Golden ./vein -update rewrites them: look at them before
// committing). FuzzImageToTemplate (go test -fuzz FuzzImageToTemplate
// ./vein) feeds encoded images through Extract, Template, Skeleton and
// PADScore and checks that nothing panics and templates round-trip.
//
// # Serialisation
//
// Template.MarshalBinary writes 264 bytes: the magic "VT", TemplateVersion
// (2 since occluder masking and the rotated and scaled search),
// GridSize, the vein and mask planes row by row and a CRC-32C.
// Template.UnmarshalBinary checks the length, magic, version, grid size and
// checksum, and that the grid is one NewTemplate could produce, before it
// changes anything; it never trusts a size it reads. Templates of another
// version, such as version 1's, are refused with ErrTemplateVersion: keep
// the enrolled ROIs to re-extract when the version changes. The rotated and
// scaled grids Match uses are derived on load, never stored.
//
// # Concurrency
//
// Templates are immutable once made. Extract, NewTemplate, FromDevice,
// Liveness, PADScore, Fuse, Compare and Match are safe for concurrent use; UnmarshalBinary writes its
// receiver and must not run while that Template is in use elsewhere.
package vein
