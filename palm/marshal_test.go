package palm

import (
	"bytes"
	"errors"
	"math/rand/v2"
	"os"
	"path/filepath"
	"testing"

	"github.com/palmid/palmid/internal/binfmt"
)

func TestMarshalRoundTrip(t *testing.T) {
	r := rand.New(rand.NewPCG(7, 8))
	for _, c := range []*Code{mustCode(t, noiseROI(1)), randomCode(r, 1), randomCode(r, 0.4)} {
		data, err := c.MarshalBinary()
		if err != nil {
			t.Fatal(err)
		}
		if len(data) != codeLen {
			t.Fatalf("%d bytes, want %d", len(data), codeLen)
		}
		var d Code
		if err := d.UnmarshalBinary(data); err != nil {
			t.Fatal(err)
		}
		if d != *c {
			t.Error("round trip changed the code")
		}
		if s := Compare(c, &d); s != 1 {
			t.Errorf("round trip scores %g", s)
		}
		// AppendBinary appends.
		pre := []byte("xyz")
		app, err := c.AppendBinary(pre)
		if err != nil || !bytes.Equal(app[:3], pre) || !bytes.Equal(app[3:], data) {
			t.Errorf("AppendBinary: %v", err)
		}
	}
	if _, err := new(Code).MarshalBinary(); !errors.Is(err, ErrCodeFormat) {
		t.Errorf("zero Code: %v", err)
	}
}

// resum rewrites the checksum of a serialised code after an edit.
func resum(b []byte) []byte {
	return binfmt.AppendChecksum(b[:len(b)-4], 0)
}

func TestUnmarshalErrors(t *testing.T) {
	good, err := mustCode(t, noiseROI(2)).MarshalBinary()
	if err != nil {
		t.Fatal(err)
	}
	edit := func(f func(b []byte) []byte) []byte { return f(bytes.Clone(good)) }
	// Offset of bit x of row y of plane p.
	bit := func(b []byte, p, y, x int) *byte { return &b[headerLen+(p*CodeSize+y)*4+x/8] }
	for _, tc := range []struct {
		name string
		data []byte
		want error
	}{
		{"empty", nil, ErrCodeFormat},
		{"short", good[:codeLen-1], ErrCodeFormat},
		{"long", append(bytes.Clone(good), 0), ErrCodeFormat},
		{"magic", edit(func(b []byte) []byte { b[0] = 'Q'; return resum(b) }), ErrCodeFormat},
		{"version", edit(func(b []byte) []byte { b[2] = CodeVersion + 1; return resum(b) }), ErrCodeVersion},
		{"version, other length", []byte{'P', 'C', 9, 1, 2, 3}, ErrCodeVersion},
		{"grid size", edit(func(b []byte) []byte { b[3] = 64; return resum(b) }), ErrCodeFormat},
		{"orientations", edit(func(b []byte) []byte { b[4] = 8; return resum(b) }), ErrCodeFormat},
		{"planes", edit(func(b []byte) []byte { b[5] = 3; return resum(b) }), ErrCodeFormat},
		{"checksum", edit(func(b []byte) []byte { b[100] ^= 1; return b }), ErrCodeFormat},
		{"checksum field", edit(func(b []byte) []byte { b[codeLen-1] ^= 0x80; return b }), ErrCodeFormat},
		{"orientation 010", edit(func(b []byte) []byte {
			*bit(b, 0, 5, 3) &^= 1 << 3
			*bit(b, 1, 5, 3) |= 1 << 3
			*bit(b, 2, 5, 3) &^= 1 << 3
			*bit(b, 3, 5, 3) |= 1 << 3
			return resum(b)
		}), ErrCodeFormat},
		{"orientation 101", edit(func(b []byte) []byte {
			*bit(b, 0, 9, 17) |= 1 << 1
			*bit(b, 1, 9, 17) &^= 1 << 1
			*bit(b, 2, 9, 17) |= 1 << 1
			*bit(b, 3, 9, 17) |= 1 << 1
			return resum(b)
		}), ErrCodeFormat},
		{"bits on invalid sample", edit(func(b []byte) []byte {
			*bit(b, 0, 2, 8) |= 1
			*bit(b, 3, 2, 8) &^= 1
			return resum(b)
		}), ErrCodeFormat},
		{"too few valid", edit(func(b []byte) []byte {
			clear(b[headerLen : headerLen+bodyLen])
			return resum(b)
		}), ErrCodeFormat},
	} {
		c := mustCode(t, noiseROI(3))
		before := *c
		err := c.UnmarshalBinary(tc.data)
		if !errors.Is(err, tc.want) {
			t.Errorf("%s: error %v, want %v", tc.name, err, tc.want)
		}
		if *c != before {
			t.Errorf("%s: failed UnmarshalBinary changed the code", tc.name)
		}
	}
}

// FuzzUnmarshalCode checks that UnmarshalBinary never panics and that what
// it accepts is a usable code that serialises back to the same bytes. The
// seeds are the golden code from testdata and edits of it.
func FuzzUnmarshalCode(f *testing.F) {
	seeds, _ := filepath.Glob(filepath.Join("testdata", "*.bin"))
	for _, name := range seeds {
		data, err := os.ReadFile(name)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
		f.Add(data[:len(data)/2])
		f.Add(resum(append(bytes.Clone(data[:headerLen]), make([]byte, bodyLen+4)...)))
	}
	f.Add([]byte{})
	f.Add([]byte("PC"))
	f.Fuzz(func(t *testing.T, data []byte) {
		var c Code
		if err := c.UnmarshalBinary(data); err != nil {
			if !errors.Is(err, ErrCodeFormat) && !errors.Is(err, ErrCodeVersion) {
				t.Fatalf("error %v wraps neither ErrCodeFormat nor ErrCodeVersion", err)
			}
			return
		}
		if c.Valid() < MinValid || c.Valid() > CodeSize*CodeSize {
			t.Fatalf("accepted code with %d valid samples", c.Valid())
		}
		n := 0
		for y := range CodeSize {
			for x := range CodeSize {
				if o, ok := c.At(x, y); ok {
					n++
					if o < 0 || o >= Orientations {
						t.Fatalf("orientation %d", o)
					}
				}
			}
		}
		if n != c.Valid() {
			t.Fatalf("At finds %d valid samples, Valid says %d", n, c.Valid())
		}
		if s := Compare(&c, &c); s != 1 {
			t.Fatalf("self score %g", s)
		}
		out, err := c.MarshalBinary()
		if err != nil || !bytes.Equal(out, data) {
			t.Fatalf("re-marshal: %v, equal %v", err, bytes.Equal(out, data))
		}
	})
}
