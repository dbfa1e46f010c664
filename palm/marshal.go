package palm

import (
	"encoding/binary"
	"errors"
	"fmt"
	"math/bits"

	"github.com/palmid/palmid/internal/binfmt"
)

// Errors returned by UnmarshalBinary and MarshalBinary.
var (
	// ErrCodeFormat is returned for bytes that are not a Code: wrong
	// length, magic, geometry or checksum, or a grid that NewCode cannot
	// produce.
	ErrCodeFormat = errors.New("palm: malformed code")
	// ErrCodeVersion is returned for a code of another format version;
	// re-extract it from the ROI.
	ErrCodeVersion = errors.New("palm: unsupported code version")
)

// CodeVersion is the format and algorithm version that MarshalBinary
// writes. It changes whenever the bytes or the meaning of a code change
// (filters, grid, bit encoding); codes of another version are refused, not
// converted.
const CodeVersion = 1

// Serialised layout, all multi-byte values little-endian:
//
//	offset  size  field
//	0       2     magic "PC"
//	2       1     CodeVersion
//	3       1     CodeSize (32)
//	4       1     Orientations (6)
//	5       1     bit-planes (4: three orientation bits, then validity)
//	6       512   planes 0-3, each CodeSize rows of 32 bits (bit x is column x)
//	518     4     CRC-32 (Castagnoli) of bytes 0-517
const (
	headerLen = 6
	bodyLen   = planes * CodeSize * 4
	codeLen   = headerLen + bodyLen + 4
)

// codeMagic opens every serialised code.
const codeMagic = "PC"

// MarshalBinary encodes c in the versioned binary form described in the
// package documentation (522 bytes). It returns an error wrapping
// ErrCodeFormat for a code with fewer than MinValid valid samples, such as
// the zero Code, which UnmarshalBinary would refuse.
func (c *Code) MarshalBinary() ([]byte, error) {
	return c.AppendBinary(make([]byte, 0, codeLen))
}

// AppendBinary appends the encoding of MarshalBinary to b.
func (c *Code) AppendBinary(b []byte) ([]byte, error) {
	if c.valid < MinValid {
		return b, fmt.Errorf("%w: %d valid samples, fewer than %d", ErrCodeFormat, c.valid, MinValid)
	}
	start := len(b)
	b = binfmt.AppendHeader(b, codeMagic, CodeVersion)
	b = append(b, CodeSize, Orientations, planes)
	for p := range planes {
		for y := range CodeSize {
			b = binary.LittleEndian.AppendUint32(b, c.row(p, y))
		}
	}
	return binfmt.AppendChecksum(b, start), nil
}

// UnmarshalBinary decodes a code written by MarshalBinary into c. It checks
// everything before it changes c: the length (exactly 522 bytes; header
// fields are compared with this package's constants, never used as
// sizes), the magic, the version (ErrCodeVersion), the checksum, and that
// the grid is one NewCode could produce: orientation bits only on valid
// samples, each a valid 3-bit orientation, at least MinValid valid
// samples. Other failures wrap ErrCodeFormat. On error c is unchanged.
func (c *Code) UnmarshalBinary(data []byte) error {
	if err := binfmt.Check(data, codeMagic, CodeVersion, codeLen); err != nil {
		if errors.Is(err, binfmt.ErrVersion) {
			return fmt.Errorf("%w: %v", ErrCodeVersion, err)
		}
		return fmt.Errorf("%w: %v", ErrCodeFormat, err)
	}
	if data[3] != CodeSize || data[4] != Orientations || data[5] != planes {
		return fmt.Errorf("%w: geometry %d/%d/%d, want %d/%d/%d", ErrCodeFormat,
			data[3], data[4], data[5], CodeSize, Orientations, planes)
	}
	var rows [planes][CodeSize]uint32
	for p := range planes {
		for y := range CodeSize {
			rows[p][y] = binary.LittleEndian.Uint32(data[headerLen+(p*CodeSize+y)*4:])
		}
	}
	valid := 0
	for y := range CodeSize {
		m := rows[3][y]
		if (rows[0][y]|rows[1][y]|rows[2][y])&^m != 0 {
			return fmt.Errorf("%w: orientation bits on invalid samples in row %d", ErrCodeFormat, y)
		}
		// The two 3-bit values that are no orientation: 010 and 101.
		if bad := (rows[1][y] &^ rows[0][y] &^ rows[2][y]) | (rows[0][y] & rows[2][y] &^ rows[1][y]); bad != 0 {
			return fmt.Errorf("%w: invalid orientation at (%d, %d)", ErrCodeFormat, bits.TrailingZeros32(bad), y)
		}
		valid += bits.OnesCount32(m)
	}
	if valid < MinValid {
		return fmt.Errorf("%w: %d valid samples, fewer than %d", ErrCodeFormat, valid, MinValid)
	}
	c.setRows(&rows)
	return nil
}
