package nn

import (
	"encoding/json"
	"errors"
	"math"
	"os"
	"path/filepath"
	"testing"

	"github.com/google/go-cmp/cmp"
)

type golden struct {
	Input       []float32 `json:"input"`
	Output      []float32 `json:"output"`
	OutputShape []int     `json:"output_shape"`
}

func readGolden(t testing.TB, name string) ([]byte, golden) {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("testdata", name+".onnx"))
	if err != nil {
		t.Fatal(err)
	}
	js, err := os.ReadFile(filepath.Join("testdata", name+".json"))
	if err != nil {
		t.Fatal(err)
	}
	var g golden
	if err := json.Unmarshal(js, &g); err != nil {
		t.Fatal(err)
	}
	return data, g
}

// TestAgainstPyTorch runs the models testdata/gen.py exported and compares
// the outputs with PyTorch's.
func TestAgainstPyTorch(t *testing.T) {
	for _, name := range []string{"mixed", "global"} {
		t.Run(name, func(t *testing.T) {
			data, g := readGolden(t, name)
			m, err := Load(data)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(g.OutputShape, m.OutputShape()); diff != "" {
				t.Errorf("output shape (-pytorch +nn):\n%s", diff)
			}
			out, err := m.Run(g.Input, nil)
			if err != nil {
				t.Fatal(err)
			}
			if len(out) != len(g.Output) {
				t.Fatalf("%d outputs, PyTorch gave %d", len(out), len(g.Output))
			}
			for i := range out {
				if d := math.Abs(float64(out[i] - g.Output[i])); d > 1e-4*(1+math.Abs(float64(g.Output[i]))) {
					t.Errorf("output %d: %g, PyTorch %g", i, out[i], g.Output[i])
				}
			}
			// A second run into the same buffer gives the same values.
			again, _ := m.Run(g.Input, out[:0])
			if diff := cmp.Diff(out, again); diff != "" {
				t.Errorf("second run differs:\n%s", diff)
			}
		})
	}
}

func TestRunChecksInput(t *testing.T) {
	data, g := readGolden(t, "global")
	m, err := Load(data)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := m.Run(g.Input[1:], nil); err == nil {
		t.Error("Run took an input of the wrong size")
	}
}

// TestLoadRefuses feeds Load damaged files: each must give ErrModel, not a
// panic or a model.
func TestLoadRefuses(t *testing.T) {
	data, _ := readGolden(t, "mixed")
	cases := map[string][]byte{
		"empty":     nil,
		"text":      []byte("not an onnx model"),
		"truncated": data[:len(data)/2],
	}
	flipped := append([]byte(nil), data...)
	for i := 40; i < len(flipped); i += 97 {
		flipped[i] ^= 0x5a
	}
	cases["flipped"] = flipped
	for name, b := range cases {
		m, err := Load(b)
		if err == nil {
			// A damaged file may still parse as some other valid model;
			// it must then at least run.
			if _, err := m.Run(make([]float32, prod(m.InputShape())), nil); err != nil {
				t.Errorf("%s: loaded but does not run: %v", name, err)
			}
			continue
		}
		if !errors.Is(err, ErrModel) {
			t.Errorf("%s: error %v is not ErrModel", name, err)
		}
	}
}

func FuzzLoad(f *testing.F) {
	data, _ := readGolden(f, "global")
	f.Add(data)
	f.Add([]byte{})
	f.Fuzz(func(t *testing.T, b []byte) {
		m, err := Load(b)
		if err != nil {
			if !errors.Is(err, ErrModel) {
				t.Fatalf("error %v is not ErrModel", err)
			}
			return
		}
		if _, err := m.Run(make([]float32, prod(m.InputShape())), nil); err != nil {
			t.Fatal(err)
		}
	})
}

// TestRunConcurrent runs one model from several goroutines (go test -race):
// every run must give the single-threaded result.
func TestRunConcurrent(t *testing.T) {
	data, g := readGolden(t, "mixed")
	m, err := Load(data)
	if err != nil {
		t.Fatal(err)
	}
	want, _ := m.Run(g.Input, nil)
	errs := make(chan string, 8)
	for range 4 {
		go func() {
			for range 50 {
				got, _ := m.Run(g.Input, nil)
				if diff := cmp.Diff(want, got); diff != "" {
					errs <- diff
					return
				}
			}
			errs <- ""
		}()
	}
	for range 4 {
		if d := <-errs; d != "" {
			t.Errorf("a concurrent run differs:\n%s", d)
		}
	}
}

// BenchmarkRunValley times palm's NIR valley network (a 32 x 32 patch,
// four convolutions and two dense layers), the model this executor runs
// most; compare with PyTorch on one thread (testdata/bench_torch.py).
func BenchmarkRunValley(b *testing.B) {
	data, err := os.ReadFile(filepath.Join("..", "..", "palm", "models", "valley-nir.onnx"))
	if err != nil {
		b.Skip(err)
	}
	m, err := Load(data)
	if err != nil {
		b.Fatal(err)
	}
	in := make([]float32, prod(m.InputShape()))
	for i := range in {
		in[i] = float32(i%13)/6 - 1
	}
	var out []float32
	for b.Loop() {
		out, _ = m.Run(in, out)
	}
}
