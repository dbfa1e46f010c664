package vein

import (
	"encoding/binary"
	"errors"
	"fmt"

	"github.com/palmid/palmid/internal/binfmt"
)

// Errors returned by MarshalBinary and UnmarshalBinary.
var (
	// ErrTemplateFormat is returned for bytes that are not a Template:
	// wrong length, magic, geometry or checksum, or a grid NewTemplate
	// cannot produce.
	ErrTemplateFormat = errors.New("vein: malformed template")
	// ErrTemplateVersion is returned for a template of another format
	// version; re-extract it from the ROI.
	ErrTemplateVersion = errors.New("vein: unsupported template version")
)

// TemplateVersion is the format and algorithm version that MarshalBinary
// writes. It changes whenever the bytes or the meaning of a template change;
// templates of another version are refused, not converted.
const TemplateVersion = 2

// Serialised layout, all multi-byte values little-endian:
//
//	offset  size  field
//	0       2     magic "VT"
//	2       1     TemplateVersion
//	3       1     GridSize (32)
//	4       128   vein plane, GridSize rows of 32 bits (bit x is column x)
//	132     128   mask plane, the same way
//	260     4     CRC-32 (Castagnoli) of bytes 0-259
const (
	headerLen   = 4
	bodyLen     = 2 * GridSize * 4
	templateLen = headerLen + bodyLen + 4
)

// templateMagic opens every serialised template.
const templateMagic = "VT"

// MarshalBinary encodes t in the versioned form above (264 bytes). It
// returns an error wrapping ErrTemplateFormat for a template that
// UnmarshalBinary would refuse, such as the zero Template.
func (t *Template) MarshalBinary() ([]byte, error) {
	return t.AppendBinary(make([]byte, 0, templateLen))
}

// AppendBinary appends the encoding of MarshalBinary to b.
func (t *Template) AppendBinary(b []byte) ([]byte, error) {
	if t.nValid < MinValid || t.nVein == 0 {
		return b, fmt.Errorf("%w: %d valid and %d vein cells", ErrTemplateFormat, t.nValid, t.nVein)
	}
	start := len(b)
	b = binfmt.AppendHeader(b, templateMagic, TemplateVersion)
	b = append(b, GridSize)
	for _, plane := range [...]*[GridSize]uint64{&t.vein, &t.mask} {
		for _, row := range plane {
			b = binary.LittleEndian.AppendUint32(b, uint32(row))
		}
	}
	return binfmt.AppendChecksum(b, start), nil
}

// UnmarshalBinary decodes a template written by MarshalBinary into t. It
// checks everything before it changes t: the length (exactly 264 bytes;
// the header's grid size is compared with GridSize, never used as a size),
// the magic, the version (ErrTemplateVersion), the checksum, and that the
// grid is one NewTemplate could produce: vein cells only where valid, at
// least MinValid valid cells and at least one vein cell. Other failures
// wrap ErrTemplateFormat. On error t is unchanged.
func (t *Template) UnmarshalBinary(data []byte) error {
	if err := binfmt.Check(data, templateMagic, TemplateVersion, templateLen); err != nil {
		if errors.Is(err, binfmt.ErrVersion) {
			return fmt.Errorf("%w: %v", ErrTemplateVersion, err)
		}
		return fmt.Errorf("%w: %v", ErrTemplateFormat, err)
	}
	if data[3] != GridSize {
		return fmt.Errorf("%w: grid size %d, want %d", ErrTemplateFormat, data[3], GridSize)
	}
	var u Template
	for y := range GridSize {
		u.vein[y] = uint64(binary.LittleEndian.Uint32(data[headerLen+4*y:]))
		u.mask[y] = uint64(binary.LittleEndian.Uint32(data[headerLen+4*GridSize+4*y:]))
		if u.vein[y]&^u.mask[y] != 0 {
			return fmt.Errorf("%w: vein cell outside the mask in row %d", ErrTemplateFormat, y)
		}
	}
	u.count()
	if u.nValid < MinValid || u.nVein == 0 {
		return fmt.Errorf("%w: %d valid and %d vein cells", ErrTemplateFormat, u.nValid, u.nVein)
	}
	*t = u
	return nil
}
