package replay_test

import (
	"context"
	"errors"
	"fmt"
	"image"
	"image/png"
	"io"
	"os"
	"path/filepath"
	"testing"

	"github.com/palmid/palmid/hal"
	"github.com/palmid/palmid/hal/haltest"
	"github.com/palmid/palmid/hal/replay"
	"github.com/palmid/palmid/hal/synthetic"
)

// folder writes n grey PNGs, 64x48 (640x480 when big), into a temporary
// folder.
func folder(t testing.TB, n int, big ...bool) string {
	w, h := 64, 48
	if len(big) > 0 {
		w, h = 640, 480
	}
	dir := t.TempDir()
	for i := range n {
		m := image.NewGray(image.Rect(0, 0, w, h))
		for j := range m.Pix {
			m.Pix[j] = byte(i*7 + j)
		}
		f, err := os.Create(filepath.Join(dir, fmt.Sprintf("img%02d.png", i)))
		if err != nil {
			t.Fatal(err)
		}
		if err := png.Encode(f, m); err != nil {
			t.Fatal(err)
		}
		f.Close()
	}
	os.WriteFile(filepath.Join(dir, "README.txt"), []byte("skipped"), 0o644)
	return dir
}

func TestConformanceFolder(t *testing.T) {
	dir := folder(t, 3)
	haltest.TestSensor(t, func() (hal.Sensor, error) {
		return replay.Open(dir, &replay.Options{Loop: true, Wavelength: hal.NIR850})
	})
}

// session records n frames of a synthetic device, with the given faults.
func session(t testing.TB, n int, faults ...synthetic.Fault) string {
	o := synthetic.DefaultOptions
	o.Width, o.Height, o.Faults = 160, 120, faults
	d, err := synthetic.New(&o)
	if err != nil {
		t.Fatal(err)
	}
	dir := filepath.Join(t.TempDir(), "session")
	rec, err := replay.Record(d.Camera, dir)
	if err != nil {
		t.Fatal(err)
	}
	var f hal.Frame
	for range n {
		if err := rec.Capture(context.Background(), &f); err != nil && !hal.Transient(err) {
			t.Fatal(err)
		}
	}
	if err := rec.Halt(); err != nil {
		t.Fatal(err)
	}
	return dir
}

func TestConformancePlayback(t *testing.T) {
	dir := session(t, 4)
	haltest.TestSensor(t, func() (hal.Sensor, error) {
		return replay.Playback(dir, &replay.Options{Loop: true})
	})
}

// TestRecordPlayback checks that a recorded session, faults included,
// replays exactly.
func TestRecordPlayback(t *testing.T) {
	o := synthetic.DefaultOptions
	o.Width, o.Height = 160, 120
	o.Faults = []synthetic.Fault{{Frame: 2, Kind: synthetic.Timeout}, {Frame: 5, Kind: synthetic.Drop}}
	d, err := synthetic.New(&o)
	if err != nil {
		t.Fatal(err)
	}
	d.Camera.SetMode(hal.Mode{Width: 160, Height: 120, Format: hal.Gray16, Wavelength: hal.NIR850})
	dir := filepath.Join(t.TempDir(), "s")
	rec, err := replay.Record(d.Camera, dir)
	if err != nil {
		t.Fatal(err)
	}
	type result struct {
		f   hal.Frame
		err error
	}
	var want []result
	for range 20 {
		var r result
		r.err = rec.Capture(context.Background(), &r.f)
		want = append(want, r)
	}
	if err := rec.Halt(); err != nil {
		t.Fatal(err)
	}

	p, err := replay.Playback(dir, nil)
	if err != nil {
		t.Fatal(err)
	}
	if p.String() != d.Camera.String() || p.Mode().Format != hal.Gray16 {
		t.Errorf("playback %s %v", p, p.Mode())
	}
	for i, w := range want {
		var f hal.Frame
		err := p.Capture(context.Background(), &f)
		if (err == nil) != (w.err == nil) || (err != nil && !errors.Is(err, errors.Unwrap(w.err))) {
			t.Fatalf("capture %d: %v, recorded %v", i, err, w.err)
		}
		if err != nil {
			continue
		}
		if !f.Time.Equal(w.f.Time) {
			t.Errorf("capture %d: time %v, recorded %v", i, f.Time, w.f.Time)
		}
		f.Time = w.f.Time
		if f.Meta != w.f.Meta || string(f.Pix) != string(w.f.Pix) || f.Rect != w.f.Rect {
			t.Errorf("capture %d: %+v differs from recorded %+v", i, f.Meta, w.f.Meta)
		}
	}
	var f hal.Frame
	if err := p.Capture(context.Background(), &f); err != io.EOF {
		t.Errorf("after the session: %v, want io.EOF", err)
	}
}

func TestPGM16(t *testing.T) {
	dir := t.TempDir()
	data := []byte("P5\n2 1\n65535\n\x12\x34\xff\xff")
	os.WriteFile(filepath.Join(dir, "a.pgm"), data, 0o644)
	s, err := replay.Open(dir, nil)
	if err != nil {
		t.Fatal(err)
	}
	var f hal.Frame
	if err := s.Capture(context.Background(), &f); err != nil {
		t.Fatal(err)
	}
	if f.Format != hal.Gray16 || string(f.Pix) != "\x12\x34\xff\xff" {
		t.Errorf("got %v %q", f.Format, f.Pix)
	}
}

func TestRegistry(t *testing.T) {
	d, err := hal.Open("replay:" + folder(t, 2))
	if err != nil {
		t.Fatal(err)
	}
	defer d.Halt()
	if d.Camera.Mode().Width != 64 {
		t.Errorf("mode %v", d.Camera.Mode())
	}
	if _, err := hal.Open("replay:" + t.TempDir()); !errors.Is(err, hal.ErrNotPresent) {
		t.Errorf("empty folder: %v", err)
	}
}

func BenchmarkReplayCapture640x480(b *testing.B) {
	s, err := replay.Open(folder(b, 4, true), &replay.Options{Loop: true})
	if err != nil {
		b.Fatal(err)
	}
	var f hal.Frame
	ctx := context.Background()
	if err := s.Capture(ctx, &f); err != nil { // size the buffer
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if err := s.Capture(ctx, &f); err != nil {
			b.Fatal(err)
		}
	}
}
