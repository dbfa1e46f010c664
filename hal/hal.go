package hal

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// Errors every driver reports, wrapped with the driver's name
// ("synthetic: hal: capture timed out"). Test them with errors.Is.
var (
	// ErrTimeout: no frame arrived in time. Transient: the next Capture may
	// succeed.
	ErrTimeout = errors.New("hal: capture timed out")
	// ErrDropped: a frame was lost between the sensor and the host (a USB
	// transfer that failed, a full ring buffer). Transient.
	ErrDropped = errors.New("hal: frame dropped")
	// ErrClosed: the resource was halted.
	ErrClosed = errors.New("hal: resource halted")
	// ErrDisconnected: the hardware went away; the resource must be reopened.
	ErrDisconnected = errors.New("hal: device disconnected")
	// ErrUnsupportedMode: the mode or setting is not offered by the device.
	ErrUnsupportedMode = errors.New("hal: unsupported mode")
	// ErrNotPresent: a driver's hardware is not on this machine. Open tells
	// it apart from a driver that is present but failed.
	ErrNotPresent = errors.New("hal: device not present")
	// ErrNoPalm: no palm is in front of the device, or no frame of a hover
	// had one in range.
	ErrNoPalm = errors.New("hal: no palm")
)

// Transient reports whether err is one a Capture loop should count and carry
// on after: ErrTimeout or ErrDropped.
func Transient(err error) bool {
	return errors.Is(err, ErrTimeout) || errors.Is(err, ErrDropped)
}

// Resource is what every sensor, illuminator and presence sensor is.
type Resource interface {
	// String returns the resource's name, such as "synthetic/nir850".
	String() string
	// Halt stops the resource: pending and later calls return ErrClosed and
	// streams end. Halt is idempotent.
	Halt() error
}

// Sensor is a camera. Its methods are safe for concurrent use.
type Sensor interface {
	Resource
	// Modes lists the modes the sensor offers; the slice must not be
	// modified. It does not change while the sensor is open.
	Modes() []Mode
	// Mode returns the current mode.
	Mode() Mode
	// SetMode selects one of Modes, or returns ErrUnsupportedMode.
	SetMode(m Mode) error
	// Capture waits for the next frame and writes it into f, growing f.Pix
	// only when it is too small, so that a frame reused from call to call
	// costs no allocation. It returns early with ctx.Err() when ctx is done.
	Capture(ctx context.Context, f *Frame) error
}

// Illuminator drives a device's NIR LEDs, one channel per wavelength.
type Illuminator interface {
	Resource
	// Wavelengths lists the LED channels.
	Wavelengths() []Wavelength
	// SetLevel sets a channel's drive level in [0, 1]; 0 is off. Unknown
	// wavelengths and levels out of range give ErrUnsupportedMode.
	SetLevel(w Wavelength, level float64) error
	// Level returns a channel's drive level, 0 for unknown channels.
	Level(w Wavelength) float64
}

// Presence senses a palm above the device (a time-of-flight or proximity
// sensor).
type Presence interface {
	Resource
	// Distance returns the distance of the palm, or 0 when there is none.
	Distance(ctx context.Context) (Distance, error)
}

// The hover window: a device captures while a palm hovers between HoverNear
// and HoverFar above it.
const (
	HoverNear Distance = 50
	HoverFar  Distance = 150
)

// InHover reports whether d is inside the hover window.
func InHover(d Distance) bool { return d >= HoverNear && d <= HoverFar }

// WaitHover polls p every poll (10 ms when zero) until a palm is inside the
// hover window, and returns its distance. With leave set it waits instead
// for the palm to be gone (outside the window or absent) and returns 0.
func WaitHover(ctx context.Context, p Presence, leave bool, poll time.Duration) (Distance, error) {
	if poll <= 0 {
		poll = 10 * time.Millisecond
	}
	t := time.NewTicker(poll)
	defer t.Stop()
	for {
		d, err := p.Distance(ctx)
		if err != nil && !Transient(err) {
			return 0, err
		}
		if err == nil && InHover(d) != leave {
			if leave {
				return 0, nil
			}
			return d, nil
		}
		select {
		case <-ctx.Done():
			return 0, ctx.Err()
		case <-t.C:
		}
	}
}

// Device groups the parts of one palm device. Fields other than Camera may be
// nil.
type Device struct {
	Name     string
	Camera   Sensor      // the NIR (or phone) camera
	Second   Sensor      // a second wavelength, if the device has one
	LEDs     Illuminator // NIR illumination
	Presence Presence    // palm distance
}

func (d *Device) String() string { return d.Name }

// Halt halts every part of the device and returns the first error.
func (d *Device) Halt() error {
	var errs []error
	for _, r := range []Resource{d.Camera, d.Second, d.LEDs, d.Presence} {
		if r != nil {
			errs = append(errs, r.Halt())
		}
	}
	return errors.Join(errs...)
}

// Wavelength is a light wavelength in nanometres; 0 means visible (broadband)
// light. It implements flag.Value.
type Wavelength int

// Common NIR wavelengths of palm-vein devices.
const (
	Visible Wavelength = 0
	NIR850  Wavelength = 850
	NIR940  Wavelength = 940
)

func (w Wavelength) String() string {
	if w == 0 {
		return "visible"
	}
	return strconv.Itoa(int(w)) + "nm"
}

// Set parses "850nm", "850" or "visible".
func (w *Wavelength) Set(s string) error {
	if s == "visible" {
		*w = 0
		return nil
	}
	n, err := strconv.Atoi(strings.TrimSuffix(s, "nm"))
	if err != nil || n < 0 {
		return fmt.Errorf("hal: bad wavelength %q", s)
	}
	*w = Wavelength(n)
	return nil
}

// Distance is a palm's distance above the sensor in millimetres; 0 means
// unknown or no palm. It implements flag.Value.
type Distance float64

func (d Distance) String() string { return strconv.FormatFloat(float64(d), 'f', -1, 64) + "mm" }

// Set parses "85mm", "8.5cm" or "85" (millimetres).
func (d *Distance) Set(s string) error {
	scale := 1.0
	switch {
	case strings.HasSuffix(s, "mm"):
		s = s[:len(s)-2]
	case strings.HasSuffix(s, "cm"):
		s, scale = s[:len(s)-2], 10
	}
	v, err := strconv.ParseFloat(s, 64)
	if err != nil || v < 0 {
		return fmt.Errorf("hal: bad distance %q", s)
	}
	*d = Distance(v * scale)
	return nil
}
