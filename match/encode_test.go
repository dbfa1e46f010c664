package match

import (
	"bytes"
	"encoding/binary"
	"errors"
	"hash/crc32"
	"math"
	"math/rand/v2"
	"slices"
	"testing"
)

// unitTemplate returns a template of a random Gaussian vector of dimension
// dim; the store and shard tests share it.
func unitTemplate(t testing.TB, rng *rand.Rand, dim int) *Template {
	t.Helper()
	v := make([]float32, dim)
	for i := range v {
		v[i] = float32(rng.NormFloat64())
	}
	tp, err := NewTemplate(v)
	if err != nil {
		t.Fatal(err)
	}
	return tp
}

func sameTemplate(a, b *Template) bool {
	return slices.Equal(a.vec, b.vec) && slices.Equal(a.q, b.q) &&
		a.qstep == b.qstep && slices.Equal(a.code, b.code)
}

func TestTemplateRoundTrip(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for _, dim := range []int{1, 3, 64, 256, 300} {
		tp := unitTemplate(t, rng, dim)
		b, err := tp.MarshalBinary()
		if err != nil {
			t.Fatal(err)
		}
		if len(b) != TemplateSize(dim) {
			t.Errorf("dim %d: %d bytes, want %d", dim, len(b), TemplateSize(dim))
		}
		got, err := UnmarshalTemplate(b)
		if err != nil {
			t.Fatalf("dim %d: %v", dim, err)
		}
		if !sameTemplate(got, tp) {
			t.Errorf("dim %d: decoded template differs", dim)
		}
		// AppendBinary appends after what is there.
		b2, _ := tp.AppendBinary([]byte("xy"))
		if !bytes.Equal(b2[2:], b) {
			t.Errorf("dim %d: AppendBinary differs from MarshalBinary", dim)
		}
	}
	if _, err := new(Template).MarshalBinary(); !errors.Is(err, ErrTemplateFormat) {
		t.Errorf("MarshalBinary of the zero Template: %v", err)
	}
}

func TestUnmarshalTemplateRejects(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	good, _ := unitTemplate(t, rng, 8).MarshalBinary()
	reseal := func(b []byte) []byte { // fix the checksum after an edit
		b = b[:len(b)-4]
		return appendCRC(b)
	}
	edit := func(f func(b []byte) []byte) []byte { return f(slices.Clone(good)) }
	cases := []struct {
		name string
		data []byte
		want error
	}{
		{"empty", nil, ErrTemplateFormat},
		{"short", good[:5], ErrTemplateFormat},
		{"truncated", good[:len(good)-1], ErrTemplateFormat},
		{"long", append(slices.Clone(good), 0), ErrTemplateFormat},
		{"magic", edit(func(b []byte) []byte { b[0] = 'X'; return reseal(b) }), ErrTemplateFormat},
		{"version", edit(func(b []byte) []byte { b[2] = 9; return b }), ErrTemplateVersion},
		{"old version, short", []byte{'M', 'T', 0}, ErrTemplateVersion},
		{"checksum", edit(func(b []byte) []byte { b[10] ^= 1; return b }), ErrTemplateFormat},
		{"dim zero", edit(func(b []byte) []byte { binary.LittleEndian.PutUint32(b[3:], 0); return reseal(b) }), ErrTemplateFormat},
		{"dim huge", edit(func(b []byte) []byte { binary.LittleEndian.PutUint32(b[3:], math.MaxUint32); return reseal(b) }), ErrTemplateFormat},
		{"dim lies", edit(func(b []byte) []byte { binary.LittleEndian.PutUint32(b[3:], 7); return reseal(b) }), ErrTemplateFormat},
		{"NaN", edit(func(b []byte) []byte {
			binary.LittleEndian.PutUint32(b[7:], math.Float32bits(float32(math.NaN())))
			return reseal(b)
		}), ErrTemplateFormat},
		{"not unit", edit(func(b []byte) []byte {
			binary.LittleEndian.PutUint32(b[7:], math.Float32bits(3))
			return reseal(b)
		}), ErrTemplateFormat},
	}
	for _, c := range cases {
		if _, err := UnmarshalTemplate(c.data); !errors.Is(err, c.want) {
			t.Errorf("%s: error %v, want %v", c.name, err, c.want)
		}
	}
}

func appendCRC(b []byte) []byte {
	return binary.LittleEndian.AppendUint32(b, crc32.Checksum(b, crc32.MakeTable(crc32.Castagnoli)))
}

func FuzzUnmarshalTemplate(f *testing.F) {
	rng := rand.New(rand.NewPCG(5, 6))
	for _, dim := range []int{1, 4, 256} {
		b, _ := unitTemplate(f, rng, dim).MarshalBinary()
		f.Add(b)
	}
	f.Add([]byte("MT\x01\xff\xff\xff\xff"))
	f.Fuzz(func(t *testing.T, data []byte) {
		tp, err := UnmarshalTemplate(data)
		if err != nil {
			if !errors.Is(err, ErrTemplateFormat) && !errors.Is(err, ErrTemplateVersion) {
				t.Fatalf("error %v wraps neither sentinel", err)
			}
			return
		}
		b, err := tp.MarshalBinary()
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(b, data) {
			t.Fatal("re-encoding differs from the input")
		}
		if s := NewMatcher(tp).Score(tp); math.Abs(s-1) > 1e-3 {
			t.Fatalf("self score %v", s)
		}
	})
}
