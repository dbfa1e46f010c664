package match

import (
	"encoding/binary"
	"errors"
	"fmt"
	"math"

	"github.com/palmid/palmid/internal/binfmt"
)

// Errors of UnmarshalTemplate and of the stores' records.
var (
	// ErrTemplateFormat is returned for bytes that are not a serialised
	// Template: wrong length, magic, dimension or checksum, or values that
	// NewTemplate cannot produce (not finite, not of unit length).
	ErrTemplateFormat = errors.New("match: malformed template")
	// ErrTemplateVersion is returned for a template of another format
	// version; re-extract it from the capture.
	ErrTemplateVersion = errors.New("match: unsupported template version")
)

// TemplateVersion is the format version that MarshalBinary writes. It
// changes whenever the bytes or the meaning of a template change; templates
// of another version are refused, not converted.
const TemplateVersion = 1

// MaxDim is the largest dimension a serialised template may have.
const MaxDim = 1 << 16

// Serialised layout, all multi-byte values little-endian:
//
//	offset   size   field
//	0        2      magic "MT"
//	2        1      TemplateVersion
//	3        4      dim, 1 … MaxDim
//	7        4·dim  the unit-length float32 vector (IEEE 754 bits)
//	7+4·dim  4      CRC-32 (Castagnoli) of the bytes before it
//
// Only the float32 vector is kept: the int8 and binary forms are derived
// search structures, rebuilt by UnmarshalTemplate exactly as NewTemplate
// builds them.
const (
	templateMagic     = "MT"
	templateHeaderLen = 7
)

// TemplateSize returns the length of a serialised template of dimension dim.
func TemplateSize(dim int) int { return templateHeaderLen + 4*dim + 4 }

// unitTolerance is how far from 1 a decoded vector's norm may be: float32
// rounding in NormalizeTo leaves it within a few 1e-7 of 1.
const unitTolerance = 1e-4

// MarshalBinary encodes t in the versioned form above: TemplateSize(t.Dim())
// bytes, 1,035 at dimension 256.
func (t *Template) MarshalBinary() ([]byte, error) {
	return t.AppendBinary(make([]byte, 0, TemplateSize(len(t.vec))))
}

// AppendBinary appends the encoding of MarshalBinary to b. It returns an
// error wrapping ErrTemplateFormat for a template UnmarshalTemplate would
// refuse: the zero Template, or one of dimension above MaxDim.
func (t *Template) AppendBinary(b []byte) ([]byte, error) {
	if len(t.vec) == 0 || len(t.vec) > MaxDim {
		return b, fmt.Errorf("%w: dimension %d", ErrTemplateFormat, len(t.vec))
	}
	start := len(b)
	b = binfmt.AppendHeader(b, templateMagic, TemplateVersion)
	b = binary.LittleEndian.AppendUint32(b, uint32(len(t.vec)))
	for _, x := range t.vec {
		b = binary.LittleEndian.AppendUint32(b, math.Float32bits(x))
	}
	return binfmt.AppendChecksum(b, start), nil
}

// UnmarshalTemplate decodes a template written by MarshalBinary. It checks
// everything before it allocates: the version (ErrTemplateVersion), that the
// dimension is in 1 … MaxDim and that the length of data is exactly
// TemplateSize of it (the dimension is compared with the length of data,
// never used to read past it), the magic, the checksum, and that the vector
// is finite and of unit length. Other failures wrap ErrTemplateFormat.
//
// The int8 and binary forms are derived from the vector as NewTemplate
// derives them, so a decoded template scores exactly as the original.
func UnmarshalTemplate(data []byte) (*Template, error) {
	want := -1 // a length no data has: a format error unless the version differs
	if len(data) >= templateHeaderLen {
		if d := binary.LittleEndian.Uint32(data[3:]); d >= 1 && d <= MaxDim {
			want = TemplateSize(int(d))
		}
	}
	if err := binfmt.Check(data, templateMagic, TemplateVersion, want); err != nil {
		if errors.Is(err, binfmt.ErrVersion) {
			return nil, fmt.Errorf("%w: %v", ErrTemplateVersion, err)
		}
		return nil, fmt.Errorf("%w: %v", ErrTemplateFormat, err)
	}
	dim := (len(data) - templateHeaderLen - 4) / 4
	vec := make([]float32, dim)
	var ss float64
	for i := range vec {
		x := math.Float32frombits(binary.LittleEndian.Uint32(data[templateHeaderLen+4*i:]))
		if math.IsNaN(float64(x)) || math.IsInf(float64(x), 0) {
			return nil, fmt.Errorf("%w: value %d is not finite", ErrTemplateFormat, i)
		}
		vec[i] = x
		ss += float64(x) * float64(x)
	}
	if math.Abs(math.Sqrt(ss)-1) > unitTolerance {
		return nil, fmt.Errorf("%w: norm %v, want 1", ErrTemplateFormat, math.Sqrt(ss))
	}
	q, scale := QuantizeTo(nil, vec)
	return &Template{vec: vec, q: q, qstep: scale / 127, code: BinarizeTo(nil, vec)}, nil
}
