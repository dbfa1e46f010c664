package v4l2_test

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"os"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/palmid/palmid/hal"
	"github.com/palmid/palmid/hal/haltest"
	"github.com/palmid/palmid/hal/v4l2"
	"github.com/palmid/palmid/hal/v4l2/v4l2test"
)

var update = flag.Bool("update", false, "rewrite testdata/nircam.log")

const golden = "testdata/nircam.log"

func scriptBytes(t *testing.T, s *v4l2test.Script) []byte {
	t.Helper()
	var buf bytes.Buffer
	if _, err := s.WriteTo(&buf); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// TestGolden keeps testdata/nircam.log in step with the camera described in
// nircam_test.go; run with -update to rewrite it.
func TestGolden(t *testing.T) {
	want := scriptBytes(t, nircam(nil))
	if *update {
		if err := os.WriteFile(golden, want, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	got, err := os.ReadFile(golden)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, want) {
		t.Fatalf("%s is stale: run go test -run TestGolden -update", golden)
	}
}

var (
	goldenOnce sync.Once
	goldenLog  []byte
)

func playback(t *testing.T, log []byte) *v4l2test.Playback {
	t.Helper()
	if log == nil {
		goldenOnce.Do(func() { goldenLog, _ = os.ReadFile(golden) })
		log = goldenLog
	}
	p, err := v4l2test.NewPlayback(bytes.NewReader(log))
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func TestConformance(t *testing.T) {
	var plays []*v4l2test.Playback
	haltest.TestSensor(t, func() (hal.Sensor, error) {
		p := playback(t, nil)
		plays = append(plays, p)
		return v4l2.New(p, camPath, nil)
	})
	for i, p := range plays {
		if err := p.Done(); err != nil {
			t.Errorf("sensor %d: %v", i, err)
		}
	}
}

func open(t *testing.T) (*v4l2.Dev, *v4l2test.Playback) {
	t.Helper()
	p := playback(t, nil)
	d, err := v4l2.New(p, camPath, nil)
	if err != nil {
		t.Fatal(err)
	}
	return d, p
}

func TestModesAndFrames(t *testing.T) {
	d, p := open(t)
	if c := d.Capability(); c.Card != "PalmCam NIR 850" || c.Driver != "uvcvideo" {
		t.Errorf("Capability %+v", c)
	}
	want := []hal.Mode{
		{Width: 640, Height: 480, Format: hal.Gray8, Wavelength: hal.NIR850},
		{Width: 640, Height: 480, Format: hal.Gray16, Wavelength: hal.NIR850},
		{Width: 320, Height: 240, Format: hal.Gray8, Wavelength: hal.NIR850},
		{Width: 1280, Height: 720, Format: hal.Gray8, Wavelength: hal.NIR850},
	}
	if got := d.Modes(); len(got) != len(want) {
		t.Fatalf("Modes %v, want %v", got, want)
	}
	for i, m := range d.Modes() {
		if m != want[i] {
			t.Errorf("mode %d: %v, want %v", i, m, want[i])
		}
	}
	if d.Mode() != want[0] || d.PixelFormat() != v4l2.PixGrey {
		t.Errorf("current mode %v %v", d.Mode(), d.PixelFormat())
	}
	var f hal.Frame
	ctx := context.Background()
	for k := range 5 {
		if err := d.Capture(ctx, &f); err != nil {
			t.Fatal(err)
		}
		check(t, &f, camFormats[0], k%4, 0)
		if f.Seq != uint64(k) || f.Exposure != 10*time.Millisecond {
			t.Errorf("frame %d: Meta %+v", k, f.Meta)
		}
	}
	for _, c := range []struct {
		mode int
		cam  camFormat
		pix  v4l2.FourCC
		tol  int
	}{{1, camFormats[1], v4l2.PixY16, 0}, {2, camFormats[3], v4l2.PixYUYV, 0}, {3, camFormats[4], v4l2.PixMJPEG, 40}} {
		if err := d.SetMode(want[c.mode]); err != nil {
			t.Fatal(err)
		}
		if d.PixelFormat() != c.pix {
			t.Errorf("mode %v: format %v, want %v", want[c.mode], d.PixelFormat(), c.pix)
		}
		for k := range 2 {
			if err := d.Capture(ctx, &f); err != nil {
				t.Fatal(err)
			}
			check(t, &f, c.cam, k, c.tol)
		}
	}
	if err := d.Halt(); err != nil {
		t.Fatal(err)
	}
	if err := p.Done(); err != nil {
		t.Fatal(err)
	}
}

// check compares f with the camera's frame k, within tol grey levels.
func check(t *testing.T, f *hal.Frame, c camFormat, k, tol int) {
	t.Helper()
	if f.Rect.Dx() != c.w || f.Rect.Dy() != c.h {
		t.Fatalf("frame %v, want %dx%d", f.Rect, c.w, c.h)
	}
	bad := 0
	for y := 0; y < c.h; y += 7 {
		for x := 0; x < c.w; x += 5 {
			want := int(camGrey(x, y, k, c.w, c.h))
			var got int
			if f.Format == hal.Gray16 {
				i := y*f.Stride + 2*x
				got = int(f.Pix[i])
				if lo := int(f.Pix[i+1]); lo != (x%4)<<6 {
					bad++
				}
			} else {
				got = int(f.Pix[y*f.Stride+x])
			}
			if got-want > tol || want-got > tol {
				bad++
			}
		}
	}
	if bad > 0 {
		t.Errorf("%v frame %d: %d pixels differ", c.pix, k, bad)
	}
}

func TestControls(t *testing.T) {
	ctl := func(s *v4l2test.Script, req uint32, c v4l2.Control, errno syscall.Errno) {
		b := make([]byte, v4l2.SizeControl)
		c.Encode(b)
		s.Ioctl(camFD, req, b, b, errno)
	}
	log := scriptBytes(t, nircam(func(s *v4l2test.Script) {
		s.Comment("SetExposure(5ms), SetGain(32), Control(gain)")
		ctl(s, v4l2.VIDIOC_S_CTRL, v4l2.Control{ID: v4l2.CIDExposureAuto, Value: v4l2.ExposureManual}, 0)
		ctl(s, v4l2.VIDIOC_S_CTRL, v4l2.Control{ID: v4l2.CIDExposureAbsolute, Value: 50}, 0)
		ctl(s, v4l2.VIDIOC_S_CTRL, v4l2.Control{ID: v4l2.CIDGain, Value: 32}, 0)
		s.Ioctl(camFD, v4l2.VIDIOC_G_CTRL, enc(v4l2.SizeControl, &v4l2.Control{ID: v4l2.CIDGain}),
			enc(v4l2.SizeControl, &v4l2.Control{ID: v4l2.CIDGain, Value: 32}), 0)
		s.Comment("a control the camera lacks")
		ctl(s, v4l2.VIDIOC_S_CTRL, v4l2.Control{ID: 0x009a0910, Value: 1}, syscall.EINVAL)
		camFrames(s, camFormats[0])
	}))
	p := playback(t, log)
	opts := v4l2.DefaultOpts
	opts.GainUnity = 16
	d, err := v4l2.New(p, camPath, &opts)
	if err != nil {
		t.Fatal(err)
	}
	if err := d.SetExposure(5 * time.Millisecond); err != nil {
		t.Fatal(err)
	}
	if err := d.SetGain(32); err != nil {
		t.Fatal(err)
	}
	if v, err := d.Control(v4l2.CIDGain); err != nil || v != 32 {
		t.Errorf("Control(gain) = %d, %v", v, err)
	}
	if err := d.SetControl(0x009a0910, 1); !errors.Is(err, hal.ErrUnsupportedMode) {
		t.Errorf("SetControl(missing) = %v, want ErrUnsupportedMode", err)
	}
	var f hal.Frame
	if err := d.Capture(context.Background(), &f); err != nil {
		t.Fatal(err)
	}
	if f.Exposure != 5*time.Millisecond || f.Gain != 2 {
		t.Errorf("Meta %+v, want exposure 5ms, gain 2", f.Meta)
	}
	d.Halt()
	if err := p.Done(); err != nil {
		t.Fatal(err)
	}
}

func TestNotPresent(t *testing.T) {
	s := new(v4l2test.Script).Open("/dev/video9", -1, syscall.ENOENT)
	p := playback(t, scriptBytes(t, s))
	if _, err := v4l2.New(p, "/dev/video9", nil); !errors.Is(err, hal.ErrNotPresent) {
		t.Errorf("New = %v, want ErrNotPresent", err)
	}
	if err := p.Done(); err != nil {
		t.Fatal(err)
	}
}

func TestUnsupported(t *testing.T) {
	// A camera that offers only H.264.
	s := new(v4l2test.Script).Open(camPath, camFD, 0)
	cap := v4l2.Capability{Driver: "uvcvideo", Card: "H264 cam", Capabilities: v4l2.CapVideoCapture | v4l2.CapStreaming}
	s.Ioctl(camFD, v4l2.VIDIOC_QUERYCAP, make([]byte, v4l2.SizeCapability), enc(v4l2.SizeCapability, &cap), 0)
	cur := v4l2.Format{Type: v4l2.BufTypeVideoCapture}
	in := enc(v4l2.SizeFormat, &cur)
	cur.Pix = v4l2.PixFormat{Width: 1920, Height: 1080, PixelFormat: v4l2.Fourcc("H264")}
	s.Ioctl(camFD, v4l2.VIDIOC_G_FMT, in, enc(v4l2.SizeFormat, &cur), 0)
	d := v4l2.FmtDesc{Type: v4l2.BufTypeVideoCapture}
	in = enc(v4l2.SizeFmtDesc, &d)
	d.PixelFormat = v4l2.Fourcc("H264")
	s.Ioctl(camFD, v4l2.VIDIOC_ENUM_FMT, in, enc(v4l2.SizeFmtDesc, &d), 0)
	d = v4l2.FmtDesc{Index: 1, Type: v4l2.BufTypeVideoCapture}
	s.Ioctl(camFD, v4l2.VIDIOC_ENUM_FMT, enc(v4l2.SizeFmtDesc, &d), nil, syscall.EINVAL)
	s.Close(camFD)
	p := playback(t, scriptBytes(t, s))
	_, err := v4l2.New(p, camPath, nil)
	if !errors.Is(err, hal.ErrUnsupportedMode) || !strings.Contains(err.Error(), "H264") {
		t.Errorf("New = %v, want ErrUnsupportedMode naming H264", err)
	}
	if err := p.Done(); err != nil {
		t.Fatal(err)
	}
}

func TestPlaybackStrict(t *testing.T) {
	// A call that differs fails.
	p := playback(t, nil)
	if _, err := v4l2.New(p, "/dev/video1", nil); err == nil {
		t.Fatal("New on the wrong path succeeded")
	}
	if err := p.Done(); err == nil || !strings.Contains(err.Error(), "differs") {
		t.Errorf("Done = %v, want a differing call", err)
	}
	// Calls left over fail Done.
	p = playback(t, nil)
	if _, err := v4l2.New(p, camPath, nil); err != nil {
		t.Fatal(err)
	}
	if err := p.Done(); err == nil || !strings.Contains(err.Error(), "not consumed") {
		t.Errorf("Done before Halt = %v, want unconsumed calls", err)
	}
}

// TestRecord records a session played back from the golden log and plays
// the recording back.
func TestRecord(t *testing.T) {
	var log bytes.Buffer
	rec := v4l2test.NewRecord(playback(t, nil), &log)
	d, err := v4l2.New(rec, camPath, nil)
	if err != nil {
		t.Fatal(err)
	}
	var f hal.Frame
	for range 6 {
		if err := d.Capture(context.Background(), &f); err != nil {
			t.Fatal(err)
		}
	}
	d.Halt()
	if err := rec.Err(); err != nil {
		t.Fatal(err)
	}
	if err := rec.Sys.(*v4l2test.Playback).Done(); err != nil {
		t.Fatal(err)
	}
	p := playback(t, log.Bytes())
	d, err = v4l2.New(p, camPath, nil)
	if err != nil {
		t.Fatal(err)
	}
	for k := range 6 {
		if err := d.Capture(context.Background(), &f); err != nil {
			t.Fatal(err)
		}
		check(t, &f, camFormats[0], k%4, 0)
	}
	d.Halt()
	if err := p.Done(); err != nil {
		t.Fatal(err)
	}
}

func TestRegistered(t *testing.T) {
	_, err := hal.Open("v4l2:/dev/no-such-video")
	if !errors.Is(err, hal.ErrNotPresent) {
		t.Errorf("hal.Open(v4l2:/dev/no-such-video) = %v, want ErrNotPresent", err)
	}
}
