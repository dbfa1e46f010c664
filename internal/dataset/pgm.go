package dataset

import (
	"bufio"
	"errors"
	"fmt"
	"image"
	"image/color"
	"io"
)

// ErrPGM is wrapped by every PGM decoding error.
var ErrPGM = errors.New("pgm: invalid format")

func init() {
	image.RegisterFormat("pgm", "P5", DecodePGM, DecodePGMConfig)
}

// pgmHeader is the parsed header of a binary PGM.
type pgmHeader struct {
	w, h, maxval int
}

// readPGMHeader reads "P5", width, height and maxval, each separated by
// whitespace and optional '#' comments, and the single whitespace byte that
// ends the header.
func readPGMHeader(r *bufio.Reader) (pgmHeader, error) {
	var magic [2]byte
	if _, err := io.ReadFull(r, magic[:]); err != nil {
		return pgmHeader{}, fmt.Errorf("%w: %v", ErrPGM, err)
	}
	if magic != [2]byte{'P', '5'} {
		return pgmHeader{}, fmt.Errorf("%w: not a binary PGM (P5)", ErrPGM)
	}
	var v [3]int
	for i := range v {
		n, err := pgmNumber(r)
		if err != nil {
			return pgmHeader{}, err
		}
		v[i] = n
	}
	// Exactly one whitespace byte separates maxval from the raster.
	c, err := r.ReadByte()
	if err != nil || !pgmSpace(c) {
		return pgmHeader{}, fmt.Errorf("%w: no whitespace after maxval", ErrPGM)
	}
	h := pgmHeader{w: v[0], h: v[1], maxval: v[2]}
	if h.w <= 0 || h.h <= 0 {
		return h, fmt.Errorf("%w: size %dx%d", ErrPGM, h.w, h.h)
	}
	if h.maxval <= 0 || h.maxval > 65535 {
		return h, fmt.Errorf("%w: maxval %d", ErrPGM, h.maxval)
	}
	return h, nil
}

func pgmSpace(c byte) bool {
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f'
}

// pgmNumber skips whitespace and comments, then reads a decimal number of at
// most 9 digits (so it cannot overflow) that must be followed by whitespace
// or a comment, which is left unread.
func pgmNumber(r *bufio.Reader) (int, error) {
	c, err := r.ReadByte()
	for err == nil && (pgmSpace(c) || c == '#') {
		if c == '#' {
			for err == nil && c != '\n' && c != '\r' {
				c, err = r.ReadByte()
			}
		}
		if err == nil {
			c, err = r.ReadByte()
		}
	}
	if err != nil {
		return 0, fmt.Errorf("%w: truncated header", ErrPGM)
	}
	n, digits := 0, 0
	for err == nil && c >= '0' && c <= '9' {
		if digits == 9 {
			return 0, fmt.Errorf("%w: number too long", ErrPGM)
		}
		n = n*10 + int(c-'0')
		digits++
		c, err = r.ReadByte()
	}
	if digits == 0 {
		return 0, fmt.Errorf("%w: expected a number, found %q", ErrPGM, c)
	}
	if err != nil {
		return 0, fmt.Errorf("%w: truncated header", ErrPGM)
	}
	if !pgmSpace(c) && c != '#' {
		return 0, fmt.Errorf("%w: unexpected %q after number", ErrPGM, c)
	}
	r.UnreadByte()
	return n, nil
}

// DecodePGMConfig returns the size and colour model of a binary PGM (P5)
// without reading its raster. 8-bit files (maxval < 256) are Gray, deeper
// ones Gray16.
func DecodePGMConfig(r io.Reader) (image.Config, error) {
	h, err := readPGMHeader(bufio.NewReader(r))
	if err != nil {
		return image.Config{}, err
	}
	m := color.GrayModel
	if h.maxval > 255 {
		m = color.Gray16Model
	}
	return image.Config{ColorModel: m, Width: h.w, Height: h.h}, nil
}

// DecodePGM decodes a binary PGM (P5) into an *image.Gray (maxval < 256) or
// *image.Gray16, rescaling samples from [0, maxval] to the full range of the
// result and clamping samples above maxval. Only the first image of a
// multi-image file is read. It rejects images over MaxSide or MaxPixels
// before allocating, and memory grows only as raster data actually arrives,
// so a lying header cannot make it allocate much more than the input.
func DecodePGM(r io.Reader) (image.Image, error) {
	br := bufio.NewReader(r)
	h, err := readPGMHeader(br)
	if err != nil {
		return nil, err
	}
	if err := checkSize(h.w, h.h); err != nil {
		return nil, err
	}
	bps := 1
	if h.maxval > 255 {
		bps = 2
	}
	need := int64(h.w) * int64(h.h) * int64(bps)
	raw, err := io.ReadAll(io.LimitReader(br, need))
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrPGM, err)
	}
	if int64(len(raw)) < need {
		return nil, fmt.Errorf("%w: raster truncated (%d of %d bytes)", ErrPGM, len(raw), need)
	}
	rect := image.Rect(0, 0, h.w, h.h)
	if bps == 1 {
		g := image.NewGray(rect)
		if h.maxval == 255 {
			copy(g.Pix, raw)
			return g, nil
		}
		for i, v := range raw {
			g.Pix[i] = uint8(scaleSample(int(v), h.maxval, 255))
		}
		return g, nil
	}
	g := image.NewGray16(rect)
	if h.maxval == 65535 {
		copy(g.Pix, raw)
		return g, nil
	}
	for i := 0; i < len(raw); i += 2 {
		v := scaleSample(int(raw[i])<<8|int(raw[i+1]), h.maxval, 65535)
		g.Pix[i], g.Pix[i+1] = uint8(v>>8), uint8(v)
	}
	return g, nil
}

// scaleSample maps v in [0, maxval] to [0, full], rounding, clamping v to
// maxval.
func scaleSample(v, maxval, full int) int {
	if v > maxval {
		v = maxval
	}
	return (v*full + maxval/2) / maxval
}
