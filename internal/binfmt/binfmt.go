// Package binfmt is the framing every palmid binary format shares: a
// two-byte magic, a version byte, a fixed-size body and a CRC-32
// (Castagnoli) trailer over everything before it, little-endian.
//
// Formats have a fixed length, so a decoder compares the input's length
// with its own constant and never takes a size from the data.
package binfmt

import (
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc32"
)

// Errors of Check. Callers wrap or translate them into their own package's
// sentinels.
var (
	ErrVersion = errors.New("unsupported version")
	ErrFormat  = errors.New("malformed data")
)

var table = crc32.MakeTable(crc32.Castagnoli)

// AppendHeader appends the magic and the version to b.
func AppendHeader(b []byte, magic string, version byte) []byte {
	return append(b, magic[0], magic[1], version)
}

// AppendChecksum appends the CRC-32C of b[start:] to b: call it last, with
// start the offset where the frame began.
func AppendChecksum(b []byte, start int) []byte {
	return binary.LittleEndian.AppendUint32(b, crc32.Checksum(b[start:], table))
}

// Check validates a frame of exactly length bytes (trailer included). A frame
// with the right magic but another version gives an error wrapping
// ErrVersion, whatever its length, so that old data is reported as old, not
// as corrupt; a wrong length, magic or checksum gives one wrapping ErrFormat.
// It panics if magic is not two bytes long.
func Check(data []byte, magic string, version byte, length int) error {
	if len(magic) != 2 {
		panic("binfmt: magic must be two bytes")
	}
	if len(data) >= 3 && data[0] == magic[0] && data[1] == magic[1] && data[2] != version {
		return fmt.Errorf("%w: version %d, want %d", ErrVersion, data[2], version)
	}
	if len(data) != length {
		return fmt.Errorf("%w: %d bytes, want %d", ErrFormat, len(data), length)
	}
	if data[0] != magic[0] || data[1] != magic[1] {
		return fmt.Errorf("%w: bad magic %q", ErrFormat, data[:2])
	}
	n := length - 4
	if got, want := binary.LittleEndian.Uint32(data[n:]), crc32.Checksum(data[:n], table); got != want {
		return fmt.Errorf("%w: checksum %08x, want %08x", ErrFormat, got, want)
	}
	return nil
}
