// Package palmid is a pure-Go library for contactless palm biometrics: the
// algorithms behind a palm-and-vein identity system. A person enrols from a
// phone photo of their palm; the enrolment is confirmed when a device that
// sees the same palm in near-infrared (NIR), surface and veins, matches it;
// later they hover the palm over a device and are identified among millions.
//
// This package holds no code; it documents the architecture. Each stage is
// its own package, and an image travels through them in this order:
//
//	hal ──► palm ──► vein ──► signature ──► match
//	capture  hand, ROI,  vessels,  embeddings,    1:1 and 1:N,
//	         palmprint   vein      fused palm     galleries,
//	         codes       codes     signature      thresholds
//
// # Capture: hal
//
// Package hal (sensor interfaces, drivers and mocks) is how a host program
// gets frames: a device's NIR camera with its LEDs and presence sensor, a
// phone camera, a folder of images or a synthetic device. Frames land in
// caller-owned buffers.
//
// # Hand, ROI and palmprint: palm
//
// Package palm finds the hand in a visible or NIR image, locates the finger
// valleys, cuts a rotation- and scale-normalised square region of interest
// (ROI) from the palm centre, judges its quality (focus, exposure, openness)
// and extracts palmprint codes. A small convolutional network per modality,
// trained on synth (palm/models), refines the valleys the image cues find.
//
// # Veins: vein
//
// Package vein enhances the NIR vein image of the same pose, extracts the
// vessel network inside the palm ROI and matches vein features; its vessel
// energy is also a liveness cue.
//
// # Signature: signature
//
// Package signature runs the embedding models (ONNX, on palmid's own small
// executor) and fuses palm and vein into the "palm signature", with a
// versioned, integrity-checked and optionally sealed template format.
//
// # Matching: match
//
// Package match compares signatures 1:1 and searches galleries 1:N, with
// thresholds expressed as false-match rates, and scores phone photos against
// device captures for enrolment checks.
//
// # Building and measuring: synth and eval
//
// Package synth renders synthetic palm identities as phone photos, NIR palm
// and NIR vein images with ground truth (keypoints, masks, scale), under
// documented nuisances at three difficulty levels. Package eval turns
// genuine and impostor scores into biometric performance figures (FMR, FNMR,
// EER, FNMR at fixed FMR, FTE/FTA, rank-1, FPIR/FNIR) and DET curves.
// Command palmid (cmd/palmid) runs the end-to-end demo, writes synthetic data
// sets and evaluates.
//
// # What exists today
//
// synth (with presentation attacks), eval, the palmid command (demo, eval,
// roi, vein, calibrate, synth, realism, capture), palm's hand finder
// (FindROI) and competitive codes, vein's enhancement, templates, fusion
// and PAD score, match's score kernels, galleries, stores (bbolt,
// PostgreSQL), sharding and FMR calibration tables, and hal with its
// synthetic, replay and V4L2 drivers are in place. The learned embeddings
// of package signature are not written yet; the demo uses palm codes and
// vein templates on ROIs that palm.FindROI cuts.
// Shared kernels live under internal/: fimg (float images), roi (the ROI
// construction), ncc (a raw-pixel baseline matcher), imstat (image
// statistics for realism checks), realism (synth against real palms),
// dataset (manifests of real and synthetic images) and nn (the small ONNX
// executor: onnx-go reads the file, palmid's own kernels on vek run it;
// palm's valley networks use it, signature's embeddings will).
package palmid
