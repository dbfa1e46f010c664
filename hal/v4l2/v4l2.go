package v4l2

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"image"
	"image/jpeg"
	"io"
	"sync"
	"sync/atomic"
	"time"

	"syscall"

	"github.com/palmid/palmid/hal"
)

// Opts configures a Dev.
type Opts struct {
	// Buffers is the number of memory-mapped buffers to stream with.
	Buffers int
	// Wavelength is the camera's illumination (UVC does not say): it labels
	// the modes and frames.
	Wavelength hal.Wavelength
	// Timeout is how long Capture waits for a frame before ErrTimeout.
	Timeout time.Duration
	// GainUnity is the V4L2_CID_GAIN value that means unity gain, which is
	// device specific; Meta.Gain is value/GainUnity, or 0 (unknown) when
	// GainUnity is 0.
	GainUnity int32
}

// DefaultOpts are the options New uses when given nil: four buffers, an
// 850 nm NIR camera, a 2 s frame timeout and unknown gain scale.
var DefaultOpts = Opts{Buffers: 4, Wavelength: hal.NIR850, Timeout: 2 * time.Second}

// pollSlice bounds each wait in Capture, so that cancellation and Halt are
// seen within it.
const pollSlice = 20 * time.Millisecond

// Dev is a V4L2 video capture device streaming through memory-mapped
// buffers. It implements hal.Sensor.
type Dev struct {
	sys  Sys
	path string
	name string
	opts Opts
	caps Capability

	modes []hal.Mode
	pix   []FourCC // the V4L2 format behind each mode

	halting atomic.Bool

	mu        sync.Mutex
	fd        int
	closed    bool
	mode      int // index into modes
	streaming bool
	bufs      [][]byte
	pixFmt    PixFormat // as negotiated by VIDIOC_S_FMT
	arg       [SizeBuffer]byte
	ctl       [SizeControl]byte
	seq       uint64
	kseq      uint32
	started   bool
	exposure  time.Duration
	gain      int32
	hasGain   bool
}

// New opens the V4L2 device at path through sys (Host() for the real
// kernel), negotiates its modes and starts streaming in the current one.
//
// It returns an error wrapping hal.ErrNotPresent when there is no such
// device, and hal.ErrUnsupportedMode when it is not a streaming capture
// device or offers none of the pixel formats the driver reads: GREY, Y16,
// YUYV (kept as grey) and MJPEG (decoded to grey).
func New(sys Sys, path string, opts *Opts) (*Dev, error) {
	d := &Dev{sys: sys, path: path, name: "v4l2" + path, opts: DefaultOpts, fd: -1}
	if opts != nil {
		d.opts = *opts
	}
	if d.opts.Buffers < 2 {
		d.opts.Buffers = 2
	}
	if d.opts.Timeout <= 0 {
		d.opts.Timeout = DefaultOpts.Timeout
	}
	fd, err := sys.Open(path)
	if err != nil {
		if errors.Is(err, syscall.ENOENT) || errors.Is(err, syscall.ENODEV) || errors.Is(err, syscall.ENXIO) || errors.Is(err, errUnsupported) {
			return nil, fmt.Errorf("%s: %w (%v)", d.name, hal.ErrNotPresent, err)
		}
		return nil, fmt.Errorf("%s: open: %w", d.name, err)
	}
	d.fd = fd
	if err := d.init(); err != nil {
		d.stop()
		sys.Close(fd)
		return nil, err
	}
	return d, nil
}

func (d *Dev) errorf(format string, args ...any) error {
	return fmt.Errorf(d.name+": "+format, args...)
}

// ioctlErr maps a failed ioctl to the hal errors.
func (d *Dev) ioctlErr(req uint32, err error) error {
	switch {
	case errors.Is(err, syscall.ENODEV), errors.Is(err, syscall.ENXIO):
		return d.errorf("%s: %w (%v)", IoctlName(req), hal.ErrDisconnected, err)
	case errors.Is(err, syscall.EINVAL), errors.Is(err, syscall.ENOTTY):
		return d.errorf("%s: %w (%v)", IoctlName(req), hal.ErrUnsupportedMode, err)
	}
	return d.errorf("%s: %w", IoctlName(req), err)
}

func halFormat(p FourCC) hal.PixelFormat {
	switch p {
	case PixGrey, PixYUYV, PixMJPEG, PixJPEG:
		return hal.Gray8
	case PixY16:
		return hal.Gray16
	}
	return 0
}

// preference ranks V4L2 formats giving the same hal mode: lower is better.
func preference(p FourCC) int {
	switch p {
	case PixGrey, PixY16:
		return 0
	case PixYUYV:
		return 1
	}
	return 2
}

func (d *Dev) init() error {
	var b [SizeFormat]byte
	if err := d.sys.Ioctl(d.fd, VIDIOC_QUERYCAP, b[:SizeCapability]); err != nil {
		if errors.Is(err, syscall.ENOTTY) || errors.Is(err, syscall.EINVAL) {
			return d.errorf("not a V4L2 device: %w", hal.ErrUnsupportedMode)
		}
		return d.ioctlErr(VIDIOC_QUERYCAP, err)
	}
	d.caps.Decode(b[:])
	if c := d.caps.Caps(); c&CapVideoCapture == 0 || c&CapStreaming == 0 {
		return d.errorf("%q is not a streaming video capture device (caps %#x): %w", d.caps.Card, c, hal.ErrUnsupportedMode)
	}
	var cur Format
	cur.Type = BufTypeVideoCapture
	cur.Encode(b[:])
	if err := d.sys.Ioctl(d.fd, VIDIOC_G_FMT, b[:]); err != nil {
		return d.ioctlErr(VIDIOC_G_FMT, err)
	}
	cur.Decode(b[:])

	var offered []string
	for i := uint32(0); ; i++ {
		fd := FmtDesc{Index: i, Type: BufTypeVideoCapture}
		fd.Encode(b[:])
		if err := d.sys.Ioctl(d.fd, VIDIOC_ENUM_FMT, b[:SizeFmtDesc]); err != nil {
			if errors.Is(err, syscall.EINVAL) {
				break
			}
			return d.ioctlErr(VIDIOC_ENUM_FMT, err)
		}
		fd.Decode(b[:])
		offered = append(offered, fd.PixelFormat.String())
		hf := halFormat(fd.PixelFormat)
		if hf == 0 {
			continue
		}
		sizes, err := d.frameSizes(fd.PixelFormat, cur.Pix)
		if err != nil {
			return err
		}
		for _, s := range sizes {
			m := hal.Mode{Width: s.X, Height: s.Y, Format: hf, Wavelength: d.opts.Wavelength}
			if j := indexMode(d.modes, m); j >= 0 {
				if preference(fd.PixelFormat) < preference(d.pix[j]) {
					d.pix[j] = fd.PixelFormat
				}
				continue
			}
			d.modes = append(d.modes, m)
			d.pix = append(d.pix, fd.PixelFormat)
		}
	}
	if len(d.modes) == 0 {
		return d.errorf("no supported pixel format among %v (want GREY, Y16, YUYV or MJPG): %w", offered, hal.ErrUnsupportedMode)
	}
	for i, m := range d.modes {
		if m.Width == int(cur.Pix.Width) && m.Height == int(cur.Pix.Height) && d.pix[i] == cur.Pix.PixelFormat {
			d.mode = i
			break
		}
	}
	if v, err := d.control(CIDExposureAbsolute); err == nil {
		d.exposure = time.Duration(v) * 100 * time.Microsecond
	}
	if v, err := d.control(CIDGain); err == nil {
		d.gain, d.hasGain = v, true
	}
	return d.start()
}

func indexMode(modes []hal.Mode, m hal.Mode) int {
	for i, x := range modes {
		if x == m {
			return i
		}
	}
	return -1
}

// frameSizes lists the discrete frame sizes of a format, the largest of a
// stepwise range, or the current size when the device does not say.
func (d *Dev) frameSizes(p FourCC, cur PixFormat) ([]image.Point, error) {
	var sizes []image.Point
	var b [SizeFrmSizeEnum]byte
	for i := uint32(0); ; i++ {
		e := FrmSizeEnum{Index: i, PixelFormat: p}
		e.Encode(b[:])
		if err := d.sys.Ioctl(d.fd, VIDIOC_ENUM_FRAMESIZES, b[:]); err != nil {
			if errors.Is(err, syscall.EINVAL) || errors.Is(err, syscall.ENOTTY) {
				break
			}
			return nil, d.ioctlErr(VIDIOC_ENUM_FRAMESIZES, err)
		}
		e.Decode(b[:])
		if e.Type == FrmSizeTypeDiscrete {
			sizes = append(sizes, image.Pt(int(e.Sizes[0]), int(e.Sizes[1])))
			continue
		}
		sizes = append(sizes, image.Pt(int(e.Sizes[1]), int(e.Sizes[4])))
		break
	}
	if len(sizes) == 0 && cur.Width > 0 && cur.Height > 0 {
		sizes = append(sizes, image.Pt(int(cur.Width), int(cur.Height)))
	}
	return sizes, nil
}

// start negotiates the current mode, maps the buffers, queues them and
// starts streaming. d.mu is held or d is not yet shared.
func (d *Dev) start() error {
	m, p := d.modes[d.mode], d.pix[d.mode]
	var b [SizeFormat]byte
	f := Format{Type: BufTypeVideoCapture, Pix: PixFormat{Width: uint32(m.Width), Height: uint32(m.Height), PixelFormat: p, Field: FieldNone}}
	f.Encode(b[:])
	if err := d.sys.Ioctl(d.fd, VIDIOC_S_FMT, b[:]); err != nil {
		return d.ioctlErr(VIDIOC_S_FMT, err)
	}
	f.Decode(b[:])
	if f.Pix.Width != uint32(m.Width) || f.Pix.Height != uint32(m.Height) || f.Pix.PixelFormat != p {
		return d.errorf("asked for %dx%d %v, device set %dx%d %v: %w", m.Width, m.Height, p, f.Pix.Width, f.Pix.Height, f.Pix.PixelFormat, hal.ErrUnsupportedMode)
	}
	if min := uint32(m.Width * bytesPerSample(p)); f.Pix.BytesPerLine < min {
		f.Pix.BytesPerLine = min
	}
	d.pixFmt = f.Pix

	rb := RequestBuffers{Count: uint32(d.opts.Buffers), Type: BufTypeVideoCapture, Memory: MemoryMmap}
	rb.Encode(b[:])
	if err := d.sys.Ioctl(d.fd, VIDIOC_REQBUFS, b[:SizeRequestBuffers]); err != nil {
		return d.ioctlErr(VIDIOC_REQBUFS, err)
	}
	rb.Decode(b[:])
	if rb.Count < 2 {
		return d.errorf("device granted %d buffers: %w", rb.Count, hal.ErrUnsupportedMode)
	}
	d.streaming = true // from here on, stop releases what was set up
	for i := uint32(0); i < rb.Count; i++ {
		buf := Buffer{Index: i, Type: BufTypeVideoCapture, Memory: MemoryMmap}
		buf.Encode(b[:])
		if err := d.sys.Ioctl(d.fd, VIDIOC_QUERYBUF, b[:SizeBuffer]); err != nil {
			return d.ioctlErr(VIDIOC_QUERYBUF, err)
		}
		buf.Decode(b[:])
		mem, err := d.sys.Mmap(d.fd, int64(buf.Offset), int(buf.Length))
		if err != nil {
			return d.errorf("mmap buffer %d: %w", i, err)
		}
		d.bufs = append(d.bufs, mem)
	}
	for i := range d.bufs {
		if err := d.queue(uint32(i)); err != nil {
			return err
		}
	}
	le.PutUint32(b[:], BufTypeVideoCapture)
	if err := d.sys.Ioctl(d.fd, VIDIOC_STREAMON, b[:4]); err != nil {
		return d.ioctlErr(VIDIOC_STREAMON, err)
	}
	d.started = false
	return nil
}

// stop stops streaming and releases the buffers, returning the first error.
func (d *Dev) stop() error {
	if !d.streaming {
		return nil
	}
	d.streaming = false
	var first error
	var b [SizeRequestBuffers]byte
	le.PutUint32(b[:], BufTypeVideoCapture)
	if err := d.sys.Ioctl(d.fd, VIDIOC_STREAMOFF, b[:4]); err != nil {
		first = d.ioctlErr(VIDIOC_STREAMOFF, err)
	}
	for _, mem := range d.bufs {
		if err := d.sys.Munmap(mem); err != nil && first == nil {
			first = d.errorf("munmap: %w", err)
		}
	}
	d.bufs = d.bufs[:0]
	rb := RequestBuffers{Type: BufTypeVideoCapture, Memory: MemoryMmap}
	rb.Encode(b[:])
	if err := d.sys.Ioctl(d.fd, VIDIOC_REQBUFS, b[:]); err != nil && first == nil {
		first = d.ioctlErr(VIDIOC_REQBUFS, err)
	}
	return first
}

func (d *Dev) queue(i uint32) error {
	buf := Buffer{Index: i, Type: BufTypeVideoCapture, Memory: MemoryMmap}
	buf.Encode(d.arg[:])
	if err := d.sys.Ioctl(d.fd, VIDIOC_QBUF, d.arg[:]); err != nil {
		return d.ioctlErr(VIDIOC_QBUF, err)
	}
	return nil
}

func bytesPerSample(p FourCC) int {
	switch p {
	case PixY16, PixYUYV:
		return 2
	case PixGrey:
		return 1
	}
	return 0
}

// String returns the sensor's name, "v4l2" followed by the device path.
func (d *Dev) String() string { return d.name }

// Capability returns what VIDIOC_QUERYCAP said.
func (d *Dev) Capability() Capability { return d.caps }

// Modes implements hal.Sensor: one mode per frame size and grey depth.
func (d *Dev) Modes() []hal.Mode { return d.modes }

// Mode implements hal.Sensor.
func (d *Dev) Mode() hal.Mode {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.modes[d.mode]
}

// PixelFormat returns the V4L2 format the current mode captures in.
func (d *Dev) PixelFormat() FourCC {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.pix[d.mode]
}

// SetMode implements hal.Sensor: it stops streaming, negotiates m and
// streams again.
func (d *Dev) SetMode(m hal.Mode) error {
	i := indexMode(d.modes, m)
	if i < 0 {
		return d.errorf("mode %v: %w", m, hal.ErrUnsupportedMode)
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.closed {
		return d.errorf("%w", hal.ErrClosed)
	}
	if i == d.mode && d.streaming {
		return nil
	}
	if err := d.stop(); err != nil {
		return err
	}
	d.mode = i
	return d.start()
}

// Capture implements hal.Sensor: it waits for the next buffer, converts it
// into f and queues the buffer again. Frames the kernel marks as corrupt
// give hal.ErrDropped; an unplugged camera gives hal.ErrDisconnected.
// Capture allocates nothing in steady state, except in MJPEG modes.
func (d *Dev) Capture(ctx context.Context, f *hal.Frame) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.closed || d.halting.Load() {
		return d.errorf("%w", hal.ErrClosed)
	}
	if !d.streaming {
		return d.errorf("not streaming after a failed SetMode: %w", hal.ErrUnsupportedMode)
	}
	deadline := time.Now().Add(d.opts.Timeout)
	for {
		if err := ctx.Err(); err != nil {
			return err
		}
		if d.halting.Load() {
			return d.errorf("%w", hal.ErrClosed)
		}
		wait := time.Until(deadline)
		if wait <= 0 {
			return d.errorf("no frame in %v: %w", d.opts.Timeout, hal.ErrTimeout)
		}
		ready, failed, err := d.sys.Poll(d.fd, min(wait, pollSlice))
		if err != nil {
			return d.errorf("poll: %w", err)
		}
		if failed {
			return d.errorf("poll: %w", hal.ErrDisconnected)
		}
		if !ready {
			continue
		}
		buf := Buffer{Type: BufTypeVideoCapture, Memory: MemoryMmap}
		buf.Encode(d.arg[:])
		if err := d.sys.Ioctl(d.fd, VIDIOC_DQBUF, d.arg[:]); err != nil {
			if errors.Is(err, syscall.EAGAIN) {
				continue
			}
			if errors.Is(err, syscall.EIO) {
				return d.errorf("VIDIOC_DQBUF: %w (%v)", hal.ErrDropped, err)
			}
			return d.ioctlErr(VIDIOC_DQBUF, err)
		}
		buf.Decode(d.arg[:])
		return d.frame(&buf, f)
	}
}

func (d *Dev) frame(buf *Buffer, f *hal.Frame) error {
	if int(buf.Index) >= len(d.bufs) {
		return d.errorf("VIDIOC_DQBUF returned buffer %d of %d", buf.Index, len(d.bufs))
	}
	mem := d.bufs[buf.Index]
	n := min(int(buf.BytesUsed), len(mem))
	m, p := d.modes[d.mode], d.pix[d.mode]
	f.Init(m.Width, m.Height, m.Format)
	err := d.convert(f, p, mem[:n], buf.Flags&BufFlagError != 0)
	if qerr := d.queue(buf.Index); qerr != nil && err == nil {
		err = qerr
	}
	if err != nil {
		return err
	}
	if d.started {
		if k := buf.Sequence - d.kseq; k >= 1 && k < 1<<16 {
			d.seq += uint64(k)
		} else {
			d.seq++
		}
	}
	d.started, d.kseq = true, buf.Sequence
	f.Meta = hal.Meta{
		Sensor:     d.name,
		Seq:        d.seq,
		Time:       frameTime(buf),
		Wavelength: m.Wavelength,
		Exposure:   d.exposure,
	}
	if d.hasGain && d.opts.GainUnity > 0 {
		f.Gain = float64(d.gain) / float64(d.opts.GainUnity)
	}
	return nil
}

// frameTime converts a buffer's kernel timestamp to wall time. The kernel
// stamps capture buffers with CLOCK_MONOTONIC; other clocks are taken as
// "now".
func frameTime(buf *Buffer) time.Time {
	now := time.Now()
	if buf.Flags&BufFlagTimestampMask != BufFlagTimestampMonotonic || (buf.Sec == 0 && buf.Usec == 0) {
		return now
	}
	ts := time.Duration(buf.Sec)*time.Second + time.Duration(buf.Usec)*time.Microsecond
	mono, ok := monotonicNow()
	if !ok {
		return now
	}
	return now.Add(ts - mono)
}

// convert writes the buffer's pixels in format p into f.
func (d *Dev) convert(f *hal.Frame, p FourCC, data []byte, corrupt bool) error {
	w, h := f.Rect.Dx(), f.Rect.Dy()
	if corrupt {
		return d.errorf("corrupt buffer: %w", hal.ErrDropped)
	}
	if p == PixMJPEG || p == PixJPEG {
		return d.decodeJPEG(f, data)
	}
	bpl := int(d.pixFmt.BytesPerLine)
	bps := bytesPerSample(p)
	if len(data) < bpl*(h-1)+w*bps {
		return d.errorf("short frame (%d bytes of %d): %w", len(data), bpl*h, hal.ErrDropped)
	}
	for y := range h {
		src := data[y*bpl : y*bpl+w*bps]
		dst := f.Pix[y*f.Stride : y*f.Stride+w*f.Format.BytesPerPixel()]
		switch p {
		case PixGrey:
			copy(dst, src)
		case PixY16:
			for x := 0; x+1 < len(src); x += 2 {
				dst[x], dst[x+1] = src[x+1], src[x]
			}
		case PixYUYV:
			for x := range dst {
				dst[x] = src[2*x]
			}
		}
	}
	return nil
}

func (d *Dev) decodeJPEG(f *hal.Frame, data []byte) error {
	img, err := jpeg.Decode(bytes.NewReader(data))
	if err != nil {
		if errors.Is(err, io.ErrUnexpectedEOF) {
			err = io.ErrUnexpectedEOF
		}
		return d.errorf("MJPEG frame: %w (%v)", hal.ErrDropped, err)
	}
	var pix []byte
	var stride int
	switch g := img.(type) {
	case *image.Gray:
		pix, stride = g.Pix, g.Stride
	case *image.YCbCr:
		pix, stride = g.Y, g.YStride
	default:
		return d.errorf("MJPEG frame of type %T: %w", img, hal.ErrUnsupportedMode)
	}
	w, h := f.Rect.Dx(), f.Rect.Dy()
	if b := img.Bounds(); b.Dx() != w || b.Dy() != h {
		return d.errorf("MJPEG frame is %v, want %dx%d: %w", b.Size(), w, h, hal.ErrDropped)
	}
	for y := range h {
		copy(f.Pix[y*f.Stride:y*f.Stride+w], pix[y*stride:y*stride+w])
	}
	return nil
}

// control reads a control's value (VIDIOC_G_CTRL). d.mu is held or d is
// not yet shared.
func (d *Dev) control(id uint32) (int32, error) {
	c := Control{ID: id}
	c.Encode(d.ctl[:])
	if err := d.sys.Ioctl(d.fd, VIDIOC_G_CTRL, d.ctl[:]); err != nil {
		return 0, d.ioctlErr(VIDIOC_G_CTRL, err)
	}
	c.Decode(d.ctl[:])
	return c.Value, nil
}

func (d *Dev) setControl(id uint32, v int32) error {
	c := Control{ID: id, Value: v}
	c.Encode(d.ctl[:])
	if err := d.sys.Ioctl(d.fd, VIDIOC_S_CTRL, d.ctl[:]); err != nil {
		return d.ioctlErr(VIDIOC_S_CTRL, err)
	}
	return nil
}

// Control reads a V4L2 control (VIDIOC_G_CTRL), such as CIDGain. A control
// the device lacks gives hal.ErrUnsupportedMode.
func (d *Dev) Control(id uint32) (int32, error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.closed {
		return 0, d.errorf("%w", hal.ErrClosed)
	}
	return d.control(id)
}

// SetControl sets a V4L2 control (VIDIOC_S_CTRL).
func (d *Dev) SetControl(id uint32, v int32) error {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.closed {
		return d.errorf("%w", hal.ErrClosed)
	}
	if err := d.setControl(id, v); err != nil {
		return err
	}
	switch id {
	case CIDExposureAbsolute:
		d.exposure = time.Duration(v) * 100 * time.Microsecond
	case CIDGain:
		d.gain, d.hasGain = v, true
	}
	return nil
}

// SetExposure switches auto exposure off (V4L2_CID_EXPOSURE_AUTO, where the
// device has it) and sets V4L2_CID_EXPOSURE_ABSOLUTE, rounded to the
// control's 100 µs unit.
func (d *Dev) SetExposure(e time.Duration) error {
	if e <= 0 {
		return d.errorf("exposure %v: %w", e, hal.ErrUnsupportedMode)
	}
	d.mu.Lock()
	if !d.closed {
		if err := d.setControl(CIDExposureAuto, ExposureManual); err != nil && !errors.Is(err, hal.ErrUnsupportedMode) {
			d.mu.Unlock()
			return err
		}
	}
	d.mu.Unlock()
	return d.SetControl(CIDExposureAbsolute, int32(max(1, (e+50*time.Microsecond)/(100*time.Microsecond))))
}

// Exposure returns the exposure last read or set, 0 when unknown.
func (d *Dev) Exposure() time.Duration {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.exposure
}

// SetGain sets V4L2_CID_GAIN, in the device's units.
func (d *Dev) SetGain(v int32) error { return d.SetControl(CIDGain, v) }

// Gain returns V4L2_CID_GAIN as last read or set, and whether it is known.
func (d *Dev) Gain() (int32, bool) {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.gain, d.hasGain
}

// Halt implements hal.Resource: it stops streaming, unmaps the buffers and
// closes the device. A Capture waiting for a frame returns ErrClosed within
// 20 ms.
func (d *Dev) Halt() error {
	d.halting.Store(true)
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.closed {
		return nil
	}
	d.closed = true
	err := d.stop()
	if cerr := d.sys.Close(d.fd); cerr != nil && err == nil {
		err = d.errorf("close: %w", cerr)
	}
	return err
}

var _ hal.Sensor = &Dev{}
