// Package haltest is the conformance suite every hal driver's tests run, in
// the manner of golang.org/x/net/nettest.
//
// # Checks
//
// TestSensor opens a fresh sensor for each check and verifies that:
//
//   - it has a name, its modes are non-empty and stable, its current mode is
//     one of them, and frames have the mode's size and format;
//   - Capture honours context cancellation within 100 ms, and returns at once
//     for a context already done;
//   - Halt ends streams, makes Capture return ErrClosed and is idempotent;
//   - concurrent Capture, Mode and Modes calls are safe (run with -race);
//   - frames land in the caller's buffer: a large enough Pix is reused, and a
//     steady-state Capture allocates nothing (skipped under -race);
//   - metadata is sane: the sensor's name, increasing sequence numbers,
//     timestamps that do not go back, a wavelength matching the mode, LED
//     level in [0, 1], no negative exposure, gain or distance.
//
// Drivers with scripted faults must open the sensor without them.
package haltest

import (
	"context"
	"errors"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/palmid/palmid/hal"
)

// firstFrame bounds the wait for a sensor's first frame: a synthetic render
// or a camera's start-up may take seconds, more under the race detector on
// a busy machine, and the checks that need a frame are about what follows.
const firstFrame = 60 * time.Second

// Opener opens a fresh sensor for one check.
type Opener func() (hal.Sensor, error)

// TestSensor runs the conformance checks against the sensors open returns.
func TestSensor(t *testing.T, open Opener) {
	for _, c := range []struct {
		name string
		fn   func(*testing.T, hal.Sensor)
	}{
		{"Modes", testModes},
		{"Cancel", testCancel},
		{"Halt", testHalt},
		{"Concurrent", testConcurrent},
		{"Buffer", testBuffer},
		{"Meta", testMeta},
	} {
		t.Run(c.name, func(t *testing.T) {
			s, err := open()
			if err != nil {
				t.Fatalf("open: %v", err)
			}
			defer s.Halt()
			c.fn(t, s)
		})
	}
}

// capture captures into f, retrying transient errors a few times.
func capture(t *testing.T, s hal.Sensor, f *hal.Frame) {
	t.Helper()
	var err error
	for range 5 {
		if err = s.Capture(context.Background(), f); !hal.Transient(err) {
			break
		}
	}
	if err != nil {
		t.Fatalf("Capture: %v", err)
	}
}

func testModes(t *testing.T, s hal.Sensor) {
	if s.String() == "" {
		t.Error("empty String")
	}
	modes := slices.Clone(s.Modes())
	if len(modes) == 0 {
		t.Fatal("no modes")
	}
	for _, m := range modes {
		if m.Width <= 0 || m.Height <= 0 || m.Format.BytesPerPixel() == 0 || m.FPS < 0 || m.Wavelength < 0 {
			t.Errorf("bad mode %v", m)
		}
	}
	if !slices.Contains(modes, s.Mode()) {
		t.Errorf("Mode %v not among Modes %v", s.Mode(), modes)
	}
	bad := hal.Mode{Width: 7, Height: 3, Format: hal.Gray8}
	if err := s.SetMode(bad); !errors.Is(err, hal.ErrUnsupportedMode) {
		t.Errorf("SetMode(%v) = %v, want ErrUnsupportedMode", bad, err)
	}
	for _, m := range modes {
		if err := s.SetMode(m); err != nil {
			t.Errorf("SetMode(%v): %v", m, err)
			continue
		}
		var f hal.Frame
		for range 2 {
			capture(t, s, &f)
			if f.Rect.Dx() != m.Width || f.Rect.Dy() != m.Height || f.Format != m.Format {
				t.Errorf("mode %v gave a %v %v frame", m, f.Rect, f.Format)
			}
			if f.Stride < m.Width*m.Format.BytesPerPixel() || len(f.Pix) < f.Stride*(m.Height-1)+m.Width*m.Format.BytesPerPixel() {
				t.Errorf("mode %v: stride %d, len(Pix) %d too small", m, f.Stride, len(f.Pix))
			}
		}
	}
	if got := s.Modes(); !slices.Equal(got, modes) {
		t.Errorf("Modes changed from %v to %v", modes, got)
	}
}

func testCancel(t *testing.T, s hal.Sensor) {
	var f hal.Frame
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if err := s.Capture(ctx, &f); !errors.Is(err, context.Canceled) {
		t.Errorf("Capture with a cancelled context = %v, want context.Canceled", err)
	}
	ctx, cancel = context.WithCancel(context.Background())
	var cancelAt atomic.Int64
	go func() {
		time.Sleep(30 * time.Millisecond)
		cancelAt.Store(time.Now().UnixNano())
		cancel()
	}()
	since := func() time.Duration {
		at := cancelAt.Load()
		if at == 0 {
			return 0
		}
		return time.Since(time.Unix(0, at))
	}
	for {
		err := s.Capture(ctx, &f)
		if err == nil || hal.Transient(err) {
			if since() > 100*time.Millisecond {
				t.Fatalf("Capture still succeeds %v after cancellation", since())
			}
			continue
		}
		if !errors.Is(err, context.Canceled) {
			t.Fatalf("Capture = %v, want context.Canceled", err)
		}
		break
	}
	if d := since(); d > 100*time.Millisecond {
		t.Errorf("Capture returned %v after cancellation, want within 100 ms", d)
	}
}

func testHalt(t *testing.T, s hal.Sensor) {
	st := hal.NewStream(context.Background(), s, 2)
	select {
	case f := <-st.C:
		st.Release(f)
	case <-time.After(firstFrame):
		t.Fatalf("no frame from stream in %v", firstFrame)
	}
	if err := s.Halt(); err != nil {
		t.Fatalf("Halt: %v", err)
	}
	deadline := time.After(time.Second)
	for open := true; open; {
		select {
		case _, open = <-st.C:
		case <-deadline:
			t.Fatal("stream still open 1 s after Halt")
		}
	}
	if err := st.Err(); !errors.Is(err, hal.ErrClosed) {
		t.Errorf("stream ended with %v, want ErrClosed", err)
	}
	if err := s.Halt(); err != nil {
		t.Errorf("second Halt: %v", err)
	}
	var f hal.Frame
	if err := s.Capture(context.Background(), &f); !errors.Is(err, hal.ErrClosed) {
		t.Errorf("Capture after Halt = %v, want ErrClosed", err)
	}
}

func testConcurrent(t *testing.T, s hal.Sensor) {
	var wg sync.WaitGroup
	for range 3 {
		wg.Go(func() {
			var f hal.Frame
			for range 4 {
				if err := s.Capture(context.Background(), &f); err != nil && !hal.Transient(err) {
					t.Errorf("Capture: %v", err)
					return
				}
				_ = s.Mode()
				_ = s.Modes()
				_ = s.String()
			}
		})
	}
	wg.Wait()
}

func testBuffer(t *testing.T, s hal.Sensor) {
	m := s.Mode()
	n := m.Width * m.Height * m.Format.BytesPerPixel()
	buf := make([]byte, n+64)
	f := hal.Frame{Pix: buf}
	capture(t, s, &f)
	if &f.Pix[0] != &buf[0] {
		t.Error("Capture replaced a large enough caller buffer")
	}
	if raceEnabled {
		t.Log("allocation check skipped under the race detector")
		return
	}
	for range 3 {
		capture(t, s, &f)
	}
	var err error
	allocs := testing.AllocsPerRun(10, func() {
		if e := s.Capture(context.Background(), &f); e != nil && !hal.Transient(e) {
			err = e
		}
	})
	if err != nil {
		t.Fatal(err)
	}
	if allocs != 0 {
		t.Errorf("steady-state Capture allocates %v times per frame, want 0", allocs)
	}
}

func testMeta(t *testing.T, s hal.Sensor) {
	m := s.Mode()
	var prev hal.Meta
	var f hal.Frame
	for i := range 4 {
		capture(t, s, &f)
		g := f.Meta
		if g.Sensor != s.String() {
			t.Errorf("Meta.Sensor %q, want %q", g.Sensor, s.String())
		}
		if g.Time.IsZero() {
			t.Error("zero Meta.Time")
		}
		if g.Wavelength != m.Wavelength {
			t.Errorf("Meta.Wavelength %v in mode %v", g.Wavelength, m)
		}
		if g.LED < 0 || g.LED > 1 || g.Exposure < 0 || g.Gain < 0 || g.Distance < 0 {
			t.Errorf("bad Meta %+v", g)
		}
		if i > 0 {
			if g.Seq <= prev.Seq {
				t.Errorf("Seq %d after %d", g.Seq, prev.Seq)
			}
			if g.Time.Before(prev.Time) {
				t.Errorf("Time %v before %v", g.Time, prev.Time)
			}
		}
		prev = g
	}
}
