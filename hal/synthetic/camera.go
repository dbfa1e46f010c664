package synthetic

import (
	"context"
	"fmt"
	"slices"
	"sync"
	"time"

	"github.com/palmid/palmid/hal"
)

// Camera is a synthetic camera: the device's NIR cameras or a phone's.
//
// The NIR cameras offer three modes: the full frame in Gray8 and Gray16 and
// a 2x2-binned Gray8 frame. Each frame is the palm at the script's distance,
// lit by the LED at its current level plus ambient light, with motion blur
// while the palm moves and a little sensor noise. Frames of one scene
// position are rendered once and cached, so steady-state Capture only
// composes and copies, and allocates nothing when unpaced.
type Camera struct {
	rig     *rig
	name    string
	wl      hal.Wavelength
	main    bool // moves the unpaced scene on
	samples int  // phone: number of distinct photos
	phone   []lazy
	faults  []Fault
	halter

	mu    sync.Mutex
	modes []hal.Mode
	mode  hal.Mode
	seq   uint64
	noise uint32
}

func newCamera(r *rig, wl hal.Wavelength, main bool, faults []Fault) *Camera {
	c := &Camera{rig: r, wl: wl, main: main, faults: slices.Clone(faults), halter: newHalter(), noise: 1}
	c.name = fmt.Sprintf("%s/nir%d", name, wl)
	c.modes = []hal.Mode{
		{Width: r.w, Height: r.h, Format: hal.Gray8, Wavelength: wl, FPS: r.o.FPS},
		{Width: r.w, Height: r.h, Format: hal.Gray16, Wavelength: wl, FPS: r.o.FPS},
		{Width: r.w / 2, Height: r.h / 2, Format: hal.Gray8, Wavelength: wl, FPS: r.o.FPS},
	}
	c.mode = c.modes[0]
	return c
}

func (c *Camera) String() string { return c.name }

// Halt ends the camera: Capture returns hal.ErrClosed, also from a wait in
// progress.
func (c *Camera) Halt() error { c.halt(); return nil }

// Modes implements hal.Sensor.
func (c *Camera) Modes() []hal.Mode { return c.modes }

// Mode implements hal.Sensor.
func (c *Camera) Mode() hal.Mode {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.mode
}

// SetMode implements hal.Sensor.
func (c *Camera) SetMode(m hal.Mode) error {
	if !slices.Contains(c.modes, m) {
		return fmt.Errorf("%s: %v: %w", c.name, m, hal.ErrUnsupportedMode)
	}
	c.mu.Lock()
	c.mode = m
	c.mu.Unlock()
	return nil
}

func (c *Camera) err(e error) error { return fmt.Errorf("%s: %w", c.name, e) }

// Capture implements hal.Sensor. Paced cameras wait for the next frame time.
func (c *Camera) Capture(ctx context.Context, f *hal.Frame) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	if c.halted.Load() {
		return c.err(hal.ErrClosed)
	}
	r := c.rig
	c.mu.Lock()
	seq, mode := c.seq, c.mode
	c.seq++
	c.noise = c.noise*1664525 + 1013904223
	noise := c.noise
	c.mu.Unlock()

	var pos int
	var when time.Time
	if r.o.FPS > 0 {
		period := time.Duration(float64(time.Second) / r.o.FPS)
		next := time.Since(r.start)/period + 1
		when = r.start.Add(next * period)
		pos = int(next)
		t := time.NewTimer(time.Until(when))
		defer t.Stop()
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-c.closed:
			return c.err(hal.ErrClosed)
		case <-t.C:
		}
	} else {
		when = time.Now()
		r.mu.Lock()
		pos = r.pos
		if c.main {
			r.pos++
			r.polled = false
		}
		r.mu.Unlock()
	}

	r.mu.Lock()
	lost := r.lost
	r.mu.Unlock()
	if lost {
		return c.err(hal.ErrDisconnected)
	}
	for _, fl := range c.faults {
		if fl.Frame != seq {
			continue
		}
		switch fl.Kind {
		case Timeout:
			return c.err(hal.ErrTimeout)
		case Drop:
			return c.err(hal.ErrDropped)
		case Disconnect:
			r.mu.Lock()
			r.lost = true
			r.mu.Unlock()
			return c.err(hal.ErrDisconnected)
		}
	}

	f.Init(mode.Width, mode.Height, mode.Format)
	f.Meta = hal.Meta{Sensor: c.name, Seq: seq, Time: when, Wavelength: c.wl, Exposure: 4 * time.Millisecond, Gain: 1}
	if c.wl == hal.Visible {
		return c.capturePhone(ctx, f, seq)
	}
	if err := r.base.wait(ctx, c.closed); err != nil {
		return c.wrap(err)
	}
	d, _, _ := r.at(pos)
	f.Distance = d
	lit := r.image(pos, c.wl == hal.NIR940)
	r.mu.Lock()
	led := r.led[ledIndex(c.wl)]
	r.mu.Unlock()
	f.LED = led
	compose(f, lit, r.amb, r.w, led+0.5*r.o.Ambient, noise)
	return nil
}

// compose writes lit*gain + ambient + noise into f, binning 2x2 when f is
// half the size of the scene.
func compose(f *hal.Frame, lit, amb []byte, sw int, gain float64, seed uint32) {
	g := uint32(gain * 256)
	w, h := f.Rect.Dx(), f.Rect.Dy()
	bin := w < sw
	n := seed
	for y := range h {
		row := f.Pix[y*f.Stride:]
		for x := range w {
			var v uint32
			if bin {
				i := 2*y*sw + 2*x
				v = (uint32(lit[i])+uint32(lit[i+1])+uint32(lit[i+sw])+uint32(lit[i+sw+1]))*g/1024 +
					uint32(amb[i])
			} else {
				i := y*sw + x
				v = uint32(lit[i])*g/256 + uint32(amb[i])
			}
			n ^= n << 13
			n ^= n >> 17
			n ^= n << 5
			v += n & 3 // sensor noise
			if f.Format == hal.Gray16 {
				v16 := min(v*257, 0xffff)
				row[2*x], row[2*x+1] = byte(v16>>8), byte(v16)
			} else {
				row[x] = byte(min(v, 255))
			}
		}
	}
}

func (c *Camera) capturePhone(ctx context.Context, f *hal.Frame, seq uint64) error {
	k := int(seq % uint64(c.samples))
	if err := c.phone[k].wait(ctx, c.closed); err != nil {
		return c.wrap(err)
	}
	copy(f.Pix, c.phone[k].val)
	return nil
}

// wrap names the camera in errors other than the context's.
func (c *Camera) wrap(err error) error {
	if err == context.Canceled || err == context.DeadlineExceeded {
		return err
	}
	return c.err(err)
}

// LEDs are the device's 850 and 940 nm LEDs, both at full level when the
// device opens.
type LEDs struct {
	rig *rig
	halter
}

func (l *LEDs) String() string { return name + "/leds" }

// Halt implements hal.Resource.
func (l *LEDs) Halt() error {
	l.halt()
	return nil
}

// Wavelengths implements hal.Illuminator.
func (l *LEDs) Wavelengths() []hal.Wavelength { return []hal.Wavelength{hal.NIR850, hal.NIR940} }

// SetLevel implements hal.Illuminator.
func (l *LEDs) SetLevel(w hal.Wavelength, level float64) error {
	if l.halted.Load() {
		return fmt.Errorf("%s: %w", l, hal.ErrClosed)
	}
	i := ledIndex(w)
	if i < 0 || !(level >= 0 && level <= 1) {
		return fmt.Errorf("%s: %v at level %g: %w", l, w, level, hal.ErrUnsupportedMode)
	}
	l.rig.mu.Lock()
	l.rig.led[i] = level
	l.rig.mu.Unlock()
	return nil
}

// Level implements hal.Illuminator.
func (l *LEDs) Level(w hal.Wavelength) float64 {
	i := ledIndex(w)
	if i < 0 {
		return 0
	}
	l.rig.mu.Lock()
	defer l.rig.mu.Unlock()
	return l.rig.led[i]
}

// Presence reports the scripted palm's distance: when unpaced, the distance
// of the frame the main camera will capture next (see Options.FPS); when
// paced, the clock's.
type Presence struct {
	rig *rig
	halter
}

func (p *Presence) String() string { return name + "/presence" }

// Halt implements hal.Resource.
func (p *Presence) Halt() error {
	p.halt()
	return nil
}

// Distance implements hal.Presence.
func (p *Presence) Distance(ctx context.Context) (hal.Distance, error) {
	if err := ctx.Err(); err != nil {
		return 0, err
	}
	if p.halted.Load() {
		return 0, fmt.Errorf("%s: %w", p, hal.ErrClosed)
	}
	p.rig.mu.Lock()
	lost := p.rig.lost
	p.rig.mu.Unlock()
	if lost {
		return 0, fmt.Errorf("%s: %w", p, hal.ErrDisconnected)
	}
	d, _, _ := p.rig.at(p.rig.poll())
	return d, nil
}

var (
	_ hal.Sensor      = (*Camera)(nil)
	_ hal.Illuminator = (*LEDs)(nil)
	_ hal.Presence    = (*Presence)(nil)
)
