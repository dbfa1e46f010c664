// Package dataset reads and writes palm image manifests (MANIFEST.tsv) and
// loads the images they list.
//
// # Manifest format
//
// A manifest is a UTF-8 text file of tab-separated values with one header
// row. The header must name the six core columns
//
//	path  set  modality  person  hand  sample
//
// (in any order; [Writer] writes them in this order) and may name further
// columns, which are kept by name in [Entry.Extra] and written back in the
// order they were read. The synthetic data generator uses extra columns for
// ground truth; the real data set uses them for provenance (source_repo,
// source_commit, source_path, licence). Fields cannot be quoted, so values
// may not contain tabs or line breaks. Blank lines are ignored and a
// trailing carriage return is removed from every line. The core fields must
// not be empty: an unknown hand is written "?".
//
// Path is relative to the folder that holds the manifest and uses forward
// slashes.
//
// # Identity
//
// [Entry.Identity] is set/person/hand: a palm is a hand of a person within a
// data set, as the real data's README asks. Consequences worth knowing:
//
//   - Person ids are only unique within a set, so the set is part of the
//     identity.
//   - polyu-ms-green-roi and polyu-ms-nir-roi are the same palms captured in
//     two bands, and casia-ms-940 and casia-ms-850-roi share CASIA subject
//     ids. Identity keeps them apart (different sets), which is right for
//     single-modality evaluation; a cross-modal evaluation must pair them
//     itself by person and hand.
//   - ntu-pi-demo and rpi-noir-palm list both hands under one person id;
//     the hand column separates them.
//   - tongji-roi palms 2j-1 and 2j are probably the two hands of one
//     subject, but the data does not say so; each palm is its own identity
//     (hand "?").
//
// [Entry.Session] reads the capture session from sample names of the form
// "s1_03" (tongji-roi, polyu-ms-*), for cross-session protocols.
//
// # Images
//
// [LoadImage] decodes PNG, JPEG, BMP, TIFF and binary PGM (P5, 8 or 16 bit),
// telling them apart by content, not by file name. Every decoder's header is
// read first and images larger than [MaxPixels] are rejected before any
// pixel memory is allocated. The PGM decoder registers itself with the image
// package, so image.Decode also reads PGM once this package is imported.
// [LoadGray] converts to a float grey image (fimg) in [0, 1].
//
// # Errors
//
// Malformed manifests give a *[ParseError] carrying the 1-based line number,
// wrapping [ErrFormat]. Oversized images give [ErrTooLarge].
package dataset
