package v4l2

import (
	"encoding/binary"
	"fmt"
)

// The kernel ABI, for 64-bit Linux (amd64, arm64): ioctl request numbers and
// the byte layouts of the structs they carry, encoded and decoded with
// encoding/binary (little-endian) rather than unsafe casts, so that the
// driver and its recorded exchanges can be tested on any platform.

// ioc builds an ioctl request number as <asm-generic/ioctl.h> does.
func ioc(dir, typ, nr, size uint32) uint32 {
	return dir<<30 | size<<16 | typ<<8 | nr
}

const (
	iocWrite = 1
	iocRead  = 2
)

// Sizes of the structs on 64-bit Linux.
const (
	SizeCapability     = 104 // struct v4l2_capability
	SizeFmtDesc        = 64  // struct v4l2_fmtdesc
	SizeFormat         = 208 // struct v4l2_format (type, 4 bytes padding, 200-byte union)
	SizeRequestBuffers = 20  // struct v4l2_requestbuffers
	SizeBuffer         = 88  // struct v4l2_buffer (with a 16-byte struct timeval)
	SizeControl        = 8   // struct v4l2_control
	SizeFrmSizeEnum    = 44  // struct v4l2_frmsizeenum
)

// Ioctl request numbers (VIDIOC_*) on 64-bit Linux.
var (
	VIDIOC_QUERYCAP        = ioc(iocRead, 'V', 0, SizeCapability)
	VIDIOC_ENUM_FMT        = ioc(iocRead|iocWrite, 'V', 2, SizeFmtDesc)
	VIDIOC_G_FMT           = ioc(iocRead|iocWrite, 'V', 4, SizeFormat)
	VIDIOC_S_FMT           = ioc(iocRead|iocWrite, 'V', 5, SizeFormat)
	VIDIOC_REQBUFS         = ioc(iocRead|iocWrite, 'V', 8, SizeRequestBuffers)
	VIDIOC_QUERYBUF        = ioc(iocRead|iocWrite, 'V', 9, SizeBuffer)
	VIDIOC_QBUF            = ioc(iocRead|iocWrite, 'V', 15, SizeBuffer)
	VIDIOC_DQBUF           = ioc(iocRead|iocWrite, 'V', 17, SizeBuffer)
	VIDIOC_STREAMON        = ioc(iocWrite, 'V', 18, 4)
	VIDIOC_STREAMOFF       = ioc(iocWrite, 'V', 19, 4)
	VIDIOC_G_CTRL          = ioc(iocRead|iocWrite, 'V', 27, SizeControl)
	VIDIOC_S_CTRL          = ioc(iocRead|iocWrite, 'V', 28, SizeControl)
	VIDIOC_ENUM_FRAMESIZES = ioc(iocRead|iocWrite, 'V', 74, SizeFrmSizeEnum)
)

var ioctlNames = map[uint32]string{
	VIDIOC_QUERYCAP:        "VIDIOC_QUERYCAP",
	VIDIOC_ENUM_FMT:        "VIDIOC_ENUM_FMT",
	VIDIOC_G_FMT:           "VIDIOC_G_FMT",
	VIDIOC_S_FMT:           "VIDIOC_S_FMT",
	VIDIOC_REQBUFS:         "VIDIOC_REQBUFS",
	VIDIOC_QUERYBUF:        "VIDIOC_QUERYBUF",
	VIDIOC_QBUF:            "VIDIOC_QBUF",
	VIDIOC_DQBUF:           "VIDIOC_DQBUF",
	VIDIOC_STREAMON:        "VIDIOC_STREAMON",
	VIDIOC_STREAMOFF:       "VIDIOC_STREAMOFF",
	VIDIOC_G_CTRL:          "VIDIOC_G_CTRL",
	VIDIOC_S_CTRL:          "VIDIOC_S_CTRL",
	VIDIOC_ENUM_FRAMESIZES: "VIDIOC_ENUM_FRAMESIZES",
}

// IoctlName returns the name of a request number ("VIDIOC_DQBUF"), or its
// hexadecimal value when it is not one the driver uses.
func IoctlName(req uint32) string {
	if n, ok := ioctlNames[req]; ok {
		return n
	}
	return fmt.Sprintf("%#08x", req)
}

// IoctlByName is the inverse of IoctlName.
func IoctlByName(name string) (uint32, bool) {
	for r, n := range ioctlNames {
		if n == name {
			return r, true
		}
	}
	var r uint32
	if _, err := fmt.Sscanf(name, "0x%x", &r); err == nil {
		return r, true
	}
	return 0, false
}

// Constants from <linux/videodev2.h>.
const (
	CapVideoCapture = 0x00000001
	CapStreaming    = 0x04000000
	CapDeviceCaps   = 0x80000000

	BufTypeVideoCapture = 1
	MemoryMmap          = 1
	FieldNone           = 1
	FieldAny            = 0

	BufFlagMapped             = 0x0001
	BufFlagQueued             = 0x0002
	BufFlagDone               = 0x0004
	BufFlagError              = 0x0040
	BufFlagTimestampMask      = 0xe000
	BufFlagTimestampMonotonic = 0x2000

	FrmSizeTypeDiscrete = 1

	CIDGain             = 0x00980913 // V4L2_CID_GAIN
	CIDExposureAuto     = 0x009a0901 // V4L2_CID_EXPOSURE_AUTO
	CIDExposureAbsolute = 0x009a0902 // V4L2_CID_EXPOSURE_ABSOLUTE, in 100 µs units
	ExposureManual      = 1          // V4L2_EXPOSURE_MANUAL
)

// FourCC is a V4L2 pixel format code.
type FourCC uint32

// Fourcc builds a FourCC from its four characters.
func Fourcc(s string) FourCC {
	return FourCC(uint32(s[0]) | uint32(s[1])<<8 | uint32(s[2])<<16 | uint32(s[3])<<24)
}

// String returns the four characters, such as "GREY".
func (f FourCC) String() string {
	return string([]byte{byte(f), byte(f >> 8), byte(f >> 16), byte(f >> 24)})
}

// The pixel formats the driver captures.
var (
	PixGrey  = Fourcc("GREY") // 8-bit grey
	PixY16   = Fourcc("Y16 ") // 16-bit grey, little-endian
	PixYUYV  = Fourcc("YUYV") // 4:2:2 YUV; the driver keeps Y
	PixMJPEG = Fourcc("MJPG") // motion JPEG; the driver decodes it to grey
	PixJPEG  = Fourcc("JPEG")
)

var le = binary.LittleEndian

func cstring(b []byte) string {
	for i, c := range b {
		if c == 0 {
			return string(b[:i])
		}
	}
	return string(b)
}

func putCString(b []byte, s string) {
	clear(b)
	copy(b[:len(b)-1], s)
}

// Capability is struct v4l2_capability.
type Capability struct {
	Driver, Card, BusInfo string
	Version               uint32
	Capabilities          uint32
	DeviceCaps            uint32
}

// Encode writes c into b (SizeCapability bytes).
func (c *Capability) Encode(b []byte) {
	b = b[:SizeCapability]
	clear(b)
	putCString(b[0:16], c.Driver)
	putCString(b[16:48], c.Card)
	putCString(b[48:80], c.BusInfo)
	le.PutUint32(b[80:], c.Version)
	le.PutUint32(b[84:], c.Capabilities)
	le.PutUint32(b[88:], c.DeviceCaps)
}

// Decode reads c from b.
func (c *Capability) Decode(b []byte) {
	b = b[:SizeCapability]
	c.Driver = cstring(b[0:16])
	c.Card = cstring(b[16:48])
	c.BusInfo = cstring(b[48:80])
	c.Version = le.Uint32(b[80:])
	c.Capabilities = le.Uint32(b[84:])
	c.DeviceCaps = le.Uint32(b[88:])
}

// Caps returns the capabilities of the opened node: DeviceCaps when the
// driver reports them, Capabilities otherwise.
func (c *Capability) Caps() uint32 {
	if c.Capabilities&CapDeviceCaps != 0 {
		return c.DeviceCaps
	}
	return c.Capabilities
}

// FmtDesc is struct v4l2_fmtdesc.
type FmtDesc struct {
	Index, Type, Flags uint32
	Description        string
	PixelFormat        FourCC
	MbusCode           uint32
}

// Encode writes d into b (SizeFmtDesc bytes).
func (d *FmtDesc) Encode(b []byte) {
	b = b[:SizeFmtDesc]
	clear(b)
	le.PutUint32(b[0:], d.Index)
	le.PutUint32(b[4:], d.Type)
	le.PutUint32(b[8:], d.Flags)
	putCString(b[12:44], d.Description)
	le.PutUint32(b[44:], uint32(d.PixelFormat))
	le.PutUint32(b[48:], d.MbusCode)
}

// Decode reads d from b.
func (d *FmtDesc) Decode(b []byte) {
	b = b[:SizeFmtDesc]
	d.Index = le.Uint32(b[0:])
	d.Type = le.Uint32(b[4:])
	d.Flags = le.Uint32(b[8:])
	d.Description = cstring(b[12:44])
	d.PixelFormat = FourCC(le.Uint32(b[44:]))
	d.MbusCode = le.Uint32(b[48:])
}

// PixFormat is struct v4l2_pix_format, inside a v4l2_format of type
// BufTypeVideoCapture.
type PixFormat struct {
	Width, Height uint32
	PixelFormat   FourCC
	Field         uint32
	BytesPerLine  uint32
	SizeImage     uint32
	Colorspace    uint32
	Priv          uint32
	Flags         uint32
	YCbCrEnc      uint32
	Quantization  uint32
	XferFunc      uint32
}

// Format is struct v4l2_format for a video capture buffer type.
type Format struct {
	Type uint32
	Pix  PixFormat
}

// Encode writes f into b (SizeFormat bytes): type at 0, the union at 8.
func (f *Format) Encode(b []byte) {
	b = b[:SizeFormat]
	clear(b)
	le.PutUint32(b[0:], f.Type)
	p := b[8:]
	for i, v := range [...]uint32{f.Pix.Width, f.Pix.Height, uint32(f.Pix.PixelFormat), f.Pix.Field,
		f.Pix.BytesPerLine, f.Pix.SizeImage, f.Pix.Colorspace, f.Pix.Priv, f.Pix.Flags,
		f.Pix.YCbCrEnc, f.Pix.Quantization, f.Pix.XferFunc} {
		le.PutUint32(p[4*i:], v)
	}
}

// Decode reads f from b.
func (f *Format) Decode(b []byte) {
	b = b[:SizeFormat]
	f.Type = le.Uint32(b[0:])
	p := b[8:]
	u := func(i int) uint32 { return le.Uint32(p[4*i:]) }
	f.Pix = PixFormat{u(0), u(1), FourCC(u(2)), u(3), u(4), u(5), u(6), u(7), u(8), u(9), u(10), u(11)}
}

// RequestBuffers is struct v4l2_requestbuffers.
type RequestBuffers struct {
	Count, Type, Memory, Capabilities uint32
	Flags                             uint8
}

// Encode writes r into b (SizeRequestBuffers bytes).
func (r *RequestBuffers) Encode(b []byte) {
	b = b[:SizeRequestBuffers]
	clear(b)
	le.PutUint32(b[0:], r.Count)
	le.PutUint32(b[4:], r.Type)
	le.PutUint32(b[8:], r.Memory)
	le.PutUint32(b[12:], r.Capabilities)
	b[16] = r.Flags
}

// Decode reads r from b.
func (r *RequestBuffers) Decode(b []byte) {
	b = b[:SizeRequestBuffers]
	r.Count = le.Uint32(b[0:])
	r.Type = le.Uint32(b[4:])
	r.Memory = le.Uint32(b[8:])
	r.Capabilities = le.Uint32(b[12:])
	r.Flags = b[16]
}

// Buffer is struct v4l2_buffer for memory-mapped single-plane buffers.
// The timestamp is a struct timeval of two 64-bit fields at offset 24;
// the 16-byte timecode is kept raw.
type Buffer struct {
	Index, Type, BytesUsed, Flags, Field uint32
	Sec, Usec                            int64 // timestamp
	Timecode                             [16]byte
	Sequence                             uint32
	Memory                               uint32
	Offset                               uint32 // m.offset, the mmap cookie
	Length                               uint32
	RequestFD                            int32
}

// Encode writes buf into b (SizeBuffer bytes).
func (buf *Buffer) Encode(b []byte) {
	b = b[:SizeBuffer]
	clear(b)
	le.PutUint32(b[0:], buf.Index)
	le.PutUint32(b[4:], buf.Type)
	le.PutUint32(b[8:], buf.BytesUsed)
	le.PutUint32(b[12:], buf.Flags)
	le.PutUint32(b[16:], buf.Field)
	le.PutUint64(b[24:], uint64(buf.Sec))
	le.PutUint64(b[32:], uint64(buf.Usec))
	copy(b[40:56], buf.Timecode[:])
	le.PutUint32(b[56:], buf.Sequence)
	le.PutUint32(b[60:], buf.Memory)
	le.PutUint32(b[64:], buf.Offset)
	le.PutUint32(b[72:], buf.Length)
	le.PutUint32(b[80:], uint32(buf.RequestFD))
}

// Decode reads buf from b.
func (buf *Buffer) Decode(b []byte) {
	b = b[:SizeBuffer]
	buf.Index = le.Uint32(b[0:])
	buf.Type = le.Uint32(b[4:])
	buf.BytesUsed = le.Uint32(b[8:])
	buf.Flags = le.Uint32(b[12:])
	buf.Field = le.Uint32(b[16:])
	buf.Sec = int64(le.Uint64(b[24:]))
	buf.Usec = int64(le.Uint64(b[32:]))
	copy(buf.Timecode[:], b[40:56])
	buf.Sequence = le.Uint32(b[56:])
	buf.Memory = le.Uint32(b[60:])
	buf.Offset = le.Uint32(b[64:])
	buf.Length = le.Uint32(b[72:])
	buf.RequestFD = int32(le.Uint32(b[80:]))
}

// Control is struct v4l2_control.
type Control struct {
	ID    uint32
	Value int32
}

// Encode writes c into b (SizeControl bytes).
func (c *Control) Encode(b []byte) {
	le.PutUint32(b[0:], c.ID)
	le.PutUint32(b[4:], uint32(c.Value))
}

// Decode reads c from b.
func (c *Control) Decode(b []byte) {
	c.ID = le.Uint32(b[0:])
	c.Value = int32(le.Uint32(b[4:]))
}

// FrmSizeEnum is struct v4l2_frmsizeenum. For FrmSizeTypeDiscrete the size
// is Width x Height; for stepwise and continuous sizes they are the maxima.
type FrmSizeEnum struct {
	Index       uint32
	PixelFormat FourCC
	Type        uint32
	// Discrete: Width, Height. Stepwise: the six stepwise fields.
	Sizes [6]uint32
}

// Encode writes e into b (SizeFrmSizeEnum bytes).
func (e *FrmSizeEnum) Encode(b []byte) {
	b = b[:SizeFrmSizeEnum]
	clear(b)
	le.PutUint32(b[0:], e.Index)
	le.PutUint32(b[4:], uint32(e.PixelFormat))
	le.PutUint32(b[8:], e.Type)
	for i, v := range e.Sizes {
		le.PutUint32(b[12+4*i:], v)
	}
}

// Decode reads e from b.
func (e *FrmSizeEnum) Decode(b []byte) {
	b = b[:SizeFrmSizeEnum]
	e.Index = le.Uint32(b[0:])
	e.PixelFormat = FourCC(le.Uint32(b[4:]))
	e.Type = le.Uint32(b[8:])
	for i := range e.Sizes {
		e.Sizes[i] = le.Uint32(b[12+4*i:])
	}
}
