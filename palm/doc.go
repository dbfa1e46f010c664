// Package palm reads palmprints: it turns a palm region of interest (ROI)
// into a compact binary orientation code and compares codes.
//
// # Competitive code
//
// A [Code] is the competitive code of Kong and Zhang (2004): the ROI is
// filtered with six even Gabor filters tuned to dark lines at 0, 30, ...,
// 150 degrees, and each of 32 x 32 grid points keeps the orientation whose
// filter answers most strongly (winner takes all). Orientations are stored
// as three bit-planes plus a validity mask.
package palm
