package replay

import (
	"context"
	"errors"
	"fmt"
	"image"
	"image/draw"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/palmid/palmid/hal"
	"github.com/palmid/palmid/internal/dataset"
)

const name = "replay"

func init() {
	hal.Register(name, 0, func(arg string) (*hal.Device, error) {
		if arg == "" {
			return nil, fmt.Errorf("%s: no folder given: %w", name, hal.ErrNotPresent)
		}
		var s *Sensor
		var err error
		if _, e := os.Stat(filepath.Join(arg, SessionFile)); e == nil {
			s, err = Playback(arg, nil)
		} else {
			s, err = Open(arg, nil)
		}
		if err != nil {
			return nil, err
		}
		return &hal.Device{Name: s.String(), Camera: s}, nil
	})
}

// Options change how a folder or session is replayed.
type Options struct {
	// Loop starts again from the first frame after the last, with sequence
	// numbers and (for sessions) timestamps carrying on; otherwise Capture
	// returns io.EOF at the end.
	Loop bool
	// Wavelength of the frames of a folder of images: 0 (visible) by default.
	// Sessions carry their own.
	Wavelength hal.Wavelength
}

// entry is one recorded capture: a frame or an error.
type entry struct {
	f   hal.Frame
	err error
}

// Sensor replays frames. It implements hal.Sensor; its one mode is the size
// and format of the frames.
type Sensor struct {
	name    string
	loop    bool
	session bool
	entries []entry
	span    time.Duration // session: first to last frame plus one frame
	lastSeq uint64
	modes   []hal.Mode

	mu     sync.Mutex
	pos    int
	halted atomic.Bool
}

// Open replays the images of a folder in name order: PNG, JPEG, BMP, TIFF and
// binary PGM (8 or 16 bit). Grey images give Gray8 or Gray16 frames, colour
// ones RGB24; all must have the same size and format. Frames are numbered from
// 0 and stamped with the time they are captured. Files of other kinds are
// skipped.
func Open(dir string, o *Options) (*Sensor, error) {
	if o == nil {
		o = &Options{}
	}
	names, err := os.ReadDir(dir)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	s := &Sensor{name: name + ":" + dir, loop: o.Loop}
	for _, de := range names {
		ext := strings.ToLower(filepath.Ext(de.Name()))
		if de.IsDir() || !slices.Contains([]string{".png", ".jpg", ".jpeg", ".bmp", ".tif", ".tiff", ".pgm"}, ext) {
			continue
		}
		var e entry
		if err := load(&e.f, filepath.Join(dir, de.Name())); err != nil {
			return nil, err
		}
		e.f.Wavelength = o.Wavelength
		s.entries = append(s.entries, e)
	}
	return s, s.check()
}

// load decodes an image file into f.
func load(f *hal.Frame, file string) error {
	m, err := dataset.LoadImage(file)
	if err != nil {
		return fmt.Errorf("%s: %s: %w", name, file, err)
	}
	b := m.Bounds()
	switch m := m.(type) {
	case *image.Gray:
		f.Init(b.Dx(), b.Dy(), hal.Gray8)
		copyRows(f, m.Pix, m.Stride)
	case *image.Gray16:
		f.Init(b.Dx(), b.Dy(), hal.Gray16)
		copyRows(f, m.Pix, m.Stride)
	default:
		rgba := image.NewRGBA(image.Rect(0, 0, b.Dx(), b.Dy()))
		draw.Draw(rgba, rgba.Rect, m, b.Min, draw.Src)
		f.Init(b.Dx(), b.Dy(), hal.RGB24)
		for i, j := 0, 0; i < len(rgba.Pix); i, j = i+4, j+3 {
			copy(f.Pix[j:j+3], rgba.Pix[i:i+3])
		}
	}
	return nil
}

func copyRows(f *hal.Frame, pix []byte, stride int) {
	for y := range f.Rect.Dy() {
		copy(f.Pix[y*f.Stride:(y+1)*f.Stride], pix[y*stride:])
	}
}

// check sets the mode from the frames and rejects mixed sizes and formats.
func (s *Sensor) check() error {
	var m hal.Mode
	first := true
	for _, e := range s.entries {
		if e.err != nil {
			continue
		}
		fm := hal.Mode{Width: e.f.Rect.Dx(), Height: e.f.Rect.Dy(), Format: e.f.Format, Wavelength: e.f.Wavelength}
		if first {
			m, first = fm, false
		} else if fm != m {
			return fmt.Errorf("%s: frames of mode %v and %v: %w", s.name, m, fm, hal.ErrUnsupportedMode)
		}
	}
	if first {
		return fmt.Errorf("%s: no frames: %w", s.name, hal.ErrNotPresent)
	}
	s.modes = []hal.Mode{m}
	return nil
}

func (s *Sensor) String() string { return s.name }

// Halt implements hal.Resource.
func (s *Sensor) Halt() error { s.halted.Store(true); return nil }

// Modes implements hal.Sensor.
func (s *Sensor) Modes() []hal.Mode { return s.modes }

// Mode implements hal.Sensor.
func (s *Sensor) Mode() hal.Mode { return s.modes[0] }

// SetMode implements hal.Sensor.
func (s *Sensor) SetMode(m hal.Mode) error {
	if m != s.modes[0] {
		return fmt.Errorf("%s: %v: %w", s.name, m, hal.ErrUnsupportedMode)
	}
	return nil
}

// Capture implements hal.Sensor: it copies the next recorded frame into f, or
// returns the next recorded error, or io.EOF at the end of a replay that does
// not loop. It never waits.
func (s *Sensor) Capture(ctx context.Context, f *hal.Frame) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	if s.halted.Load() {
		return fmt.Errorf("%s: %w", s.name, hal.ErrClosed)
	}
	s.mu.Lock()
	i := s.pos
	if i >= len(s.entries) && !s.loop {
		s.mu.Unlock()
		return io.EOF
	}
	s.pos++
	s.mu.Unlock()
	lap, e := i/len(s.entries), &s.entries[i%len(s.entries)]
	if e.err != nil {
		return fmt.Errorf("%s: %w", s.name, e.err)
	}
	f.CopyFrom(&e.f)
	if s.session {
		f.Seq += uint64(lap) * (s.lastSeq + 1)
		f.Time = f.Time.Add(time.Duration(lap) * s.span)
	} else {
		f.Sensor, f.Seq, f.Time = s.name, uint64(i), time.Now()
	}
	return nil
}

// errorNames are the errors a session records, by name.
var errorNames = map[string]error{
	"timeout":      hal.ErrTimeout,
	"dropped":      hal.ErrDropped,
	"disconnected": hal.ErrDisconnected,
}

func errorName(err error) string {
	for n, e := range errorNames {
		if errors.Is(err, e) {
			return n
		}
	}
	return ""
}

var _ hal.Sensor = (*Sensor)(nil)
