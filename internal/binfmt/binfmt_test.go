package binfmt

import (
	"errors"
	"testing"
)

func TestCheck(t *testing.T) {
	frame := AppendChecksum(append(AppendHeader(nil, "XY", 3), 7, 8, 9), 0)
	if err := Check(frame, "XY", 3, len(frame)); err != nil {
		t.Fatalf("valid frame: %v", err)
	}
	edit := func(f func(b []byte) []byte) []byte { return f(append([]byte(nil), frame...)) }
	for _, c := range []struct {
		name string
		data []byte
		want error
	}{
		{"other version", edit(func(b []byte) []byte { b[2] = 4; return b }), ErrVersion},
		{"other version, short", []byte{'X', 'Y', 1}, ErrVersion},
		{"short", frame[:len(frame)-1], ErrFormat},
		{"empty", nil, ErrFormat},
		{"magic", edit(func(b []byte) []byte { b[0] = 'Z'; return b }), ErrFormat},
		{"body", edit(func(b []byte) []byte { b[4] ^= 1; return b }), ErrFormat},
		{"checksum", edit(func(b []byte) []byte { b[len(b)-1] ^= 1; return b }), ErrFormat},
	} {
		if err := Check(c.data, "XY", 3, len(frame)); !errors.Is(err, c.want) {
			t.Errorf("%s: %v, want %v", c.name, err, c.want)
		}
	}
}
