package v4l2_test

import (
	"bytes"
	"image"
	"image/jpeg"
	"syscall"

	"github.com/palmid/palmid/hal/v4l2"
	"github.com/palmid/palmid/hal/v4l2/v4l2test"
)

// The fictional camera of testdata/nircam.log: a UVC NIR palm camera at
// /dev/video0 offering 640x480 GREY and Y16, YUYV at 640x480 and 320x240,
// and MJPEG at 1280x720.

const (
	camPath = "/dev/video0"
	camFD   = 3
	nbufs   = 4
)

type camFormat struct {
	pix  v4l2.FourCC
	desc string
	w, h int
}

var camFormats = []camFormat{
	{v4l2.PixGrey, "Greyscale 8-bit (Y800)", 640, 480},
	{v4l2.PixY16, "Greyscale 16-bit (Y16 )", 640, 480},
	{v4l2.PixYUYV, "YUYV 4:2:2", 640, 480},
	{v4l2.PixYUYV, "YUYV 4:2:2", 320, 240},
	{v4l2.PixMJPEG, "Motion-JPEG", 1280, 720},
}

func enc(n int, e interface{ Encode([]byte) }) []byte {
	b := make([]byte, n)
	e.Encode(b)
	return b
}

func camPixFormat(f camFormat) v4l2.PixFormat {
	p := v4l2.PixFormat{Width: uint32(f.w), Height: uint32(f.h), PixelFormat: f.pix, Field: v4l2.FieldNone, Colorspace: 8}
	switch f.pix {
	case v4l2.PixGrey:
		p.BytesPerLine = uint32(f.w)
	case v4l2.PixY16, v4l2.PixYUYV:
		p.BytesPerLine = uint32(2 * f.w)
	}
	p.SizeImage = p.BytesPerLine * p.Height
	if f.pix == v4l2.PixMJPEG {
		p.SizeImage = uint32(f.w * f.h)
	}
	return p
}

// camGrey is the grey level of pixel (x, y) of frame k: a lit palm-like
// disc on a dark gradient.
func camGrey(x, y, k, w, h int) uint8 {
	dx, dy := x-w/2-k*4, y-h/2
	v := 30 + (x+y)/16
	if dx*dx+dy*dy < (h/3)*(h/3) {
		v = 160 + (x/8+y/8)%32
	}
	return uint8(v)
}

// camFrame returns frame k's bytes as the camera sends them in format f.
func camFrame(f camFormat, k int) []byte {
	switch f.pix {
	case v4l2.PixGrey:
		b := make([]byte, f.w*f.h)
		for y := range f.h {
			for x := range f.w {
				b[y*f.w+x] = camGrey(x, y, k, f.w, f.h)
			}
		}
		return b
	case v4l2.PixY16:
		b := make([]byte, 2*f.w*f.h)
		for y := range f.h {
			for x := range f.w {
				v := uint16(camGrey(x, y, k, f.w, f.h))<<8 | uint16(x%4)<<6
				b[2*(y*f.w+x)], b[2*(y*f.w+x)+1] = byte(v), byte(v>>8)
			}
		}
		return b
	case v4l2.PixYUYV:
		b := make([]byte, 2*f.w*f.h)
		for y := range f.h {
			for x := range f.w {
				b[2*(y*f.w+x)] = camGrey(x, y, k, f.w, f.h)
				b[2*(y*f.w+x)+1] = 128
			}
		}
		return b
	case v4l2.PixMJPEG:
		g := image.NewGray(image.Rect(0, 0, f.w, f.h))
		for y := range f.h {
			for x := range f.w {
				g.Pix[y*g.Stride+x] = camGrey(x, y, k, f.w, f.h)
			}
		}
		var buf bytes.Buffer
		if err := jpeg.Encode(&buf, g, &jpeg.Options{Quality: 90}); err != nil {
			panic(err)
		}
		return buf.Bytes()
	}
	panic("format")
}

func bufOffset(i int) uint32 { return uint32(i) << 24 }

func camOpen(s *v4l2test.Script) {
	s.Comment("PalmCam NIR 850: a fictional UVC palm camera")
	s.Open(camPath, camFD, 0)
	cap := v4l2.Capability{Driver: "uvcvideo", Card: "PalmCam NIR 850", BusInfo: "usb-0000:00:14.0-1", Version: 0x00060800,
		Capabilities: v4l2.CapVideoCapture | v4l2.CapStreaming | v4l2.CapDeviceCaps | 0x00800000,
		DeviceCaps:   v4l2.CapVideoCapture | v4l2.CapStreaming}
	s.Ioctl(camFD, v4l2.VIDIOC_QUERYCAP, make([]byte, v4l2.SizeCapability), enc(v4l2.SizeCapability, &cap), 0)
	cur := v4l2.Format{Type: v4l2.BufTypeVideoCapture}
	in := enc(v4l2.SizeFormat, &cur)
	cur.Pix = camPixFormat(camFormats[0])
	s.Ioctl(camFD, v4l2.VIDIOC_G_FMT, in, enc(v4l2.SizeFormat, &cur), 0)
	s.Comment("formats and frame sizes")
	idx := 0
	for i, f := range camFormats {
		if i == 0 || camFormats[i-1].pix != f.pix {
			d := v4l2.FmtDesc{Index: uint32(idx), Type: v4l2.BufTypeVideoCapture}
			in := enc(v4l2.SizeFmtDesc, &d)
			d.Description, d.PixelFormat = f.desc, f.pix
			if f.pix == v4l2.PixMJPEG {
				d.Flags = 1 // V4L2_FMT_FLAG_COMPRESSED
			}
			s.Ioctl(camFD, v4l2.VIDIOC_ENUM_FMT, in, enc(v4l2.SizeFmtDesc, &d), 0)
			idx++
		}
		n := 0
		for j := i - 1; j >= 0 && camFormats[j].pix == f.pix; j-- {
			n++
		}
		e := v4l2.FrmSizeEnum{Index: uint32(n), PixelFormat: f.pix}
		in := enc(v4l2.SizeFrmSizeEnum, &e)
		e.Type, e.Sizes[0], e.Sizes[1] = v4l2.FrmSizeTypeDiscrete, uint32(f.w), uint32(f.h)
		s.Ioctl(camFD, v4l2.VIDIOC_ENUM_FRAMESIZES, in, enc(v4l2.SizeFrmSizeEnum, &e), 0)
		if i+1 == len(camFormats) || camFormats[i+1].pix != f.pix {
			e := v4l2.FrmSizeEnum{Index: uint32(n + 1), PixelFormat: f.pix}
			s.Ioctl(camFD, v4l2.VIDIOC_ENUM_FRAMESIZES, enc(v4l2.SizeFrmSizeEnum, &e), nil, syscall.EINVAL)
		}
	}
	d := v4l2.FmtDesc{Index: uint32(idx), Type: v4l2.BufTypeVideoCapture}
	s.Ioctl(camFD, v4l2.VIDIOC_ENUM_FMT, enc(v4l2.SizeFmtDesc, &d), nil, syscall.EINVAL)
	s.Comment("exposure 10 ms, gain 16")
	for _, c := range []v4l2.Control{{ID: v4l2.CIDExposureAbsolute, Value: 100}, {ID: v4l2.CIDGain, Value: 16}} {
		s.Ioctl(camFD, v4l2.VIDIOC_G_CTRL, enc(v4l2.SizeControl, &v4l2.Control{ID: c.ID}), enc(v4l2.SizeControl, &c), 0)
	}
}

func camStart(s *v4l2test.Script, f camFormat) {
	s.Comment("start streaming " + f.pix.String())
	pf := v4l2.Format{Type: v4l2.BufTypeVideoCapture, Pix: v4l2.PixFormat{Width: uint32(f.w), Height: uint32(f.h), PixelFormat: f.pix, Field: v4l2.FieldNone}}
	in := enc(v4l2.SizeFormat, &pf)
	pf.Pix = camPixFormat(f)
	s.Ioctl(camFD, v4l2.VIDIOC_S_FMT, in, enc(v4l2.SizeFormat, &pf), 0)
	rb := v4l2.RequestBuffers{Count: nbufs, Type: v4l2.BufTypeVideoCapture, Memory: v4l2.MemoryMmap}
	in = enc(v4l2.SizeRequestBuffers, &rb)
	rb.Capabilities = 1
	s.Ioctl(camFD, v4l2.VIDIOC_REQBUFS, in, enc(v4l2.SizeRequestBuffers, &rb), 0)
	size := camPixFormat(f).SizeImage
	for i := range nbufs {
		b := v4l2.Buffer{Index: uint32(i), Type: v4l2.BufTypeVideoCapture, Memory: v4l2.MemoryMmap}
		in := enc(v4l2.SizeBuffer, &b)
		b.Flags, b.Field, b.Offset, b.Length = v4l2.BufFlagTimestampMonotonic, v4l2.FieldNone, bufOffset(i), size
		s.Ioctl(camFD, v4l2.VIDIOC_QUERYBUF, in, enc(v4l2.SizeBuffer, &b), 0)
		s.Mmap(camFD, int64(bufOffset(i)), int(size))
	}
	for i := range nbufs {
		camQueue(s, f, i)
	}
	on := []byte{v4l2.BufTypeVideoCapture, 0, 0, 0}
	s.Ioctl(camFD, v4l2.VIDIOC_STREAMON, on, on, 0)
}

func camQueue(s *v4l2test.Script, f camFormat, i int) {
	b := v4l2.Buffer{Index: uint32(i), Type: v4l2.BufTypeVideoCapture, Memory: v4l2.MemoryMmap}
	in := enc(v4l2.SizeBuffer, &b)
	b.Flags = v4l2.BufFlagMapped | v4l2.BufFlagQueued | v4l2.BufFlagTimestampMonotonic
	b.Field, b.Offset, b.Length = v4l2.FieldNone, bufOffset(i), camPixFormat(f).SizeImage
	s.Ioctl(camFD, v4l2.VIDIOC_QBUF, in, enc(v4l2.SizeBuffer, &b), 0)
}

// camFrames streams frames 0 to 3 from the four buffers, any number of
// times, stopping after any frame.
func camFrames(s *v4l2test.Script, f camFormat) {
	s.Comment("frames: 0, 1, 2, 3, any number of times, stopping after any").Loop()
	for k := range nbufs {
		s.Poll(camFD, true, false)
		data := camFrame(f, k)
		b := v4l2.Buffer{Type: v4l2.BufTypeVideoCapture, Memory: v4l2.MemoryMmap}
		in := enc(v4l2.SizeBuffer, &b)
		b.Index, b.BytesUsed = uint32(k), uint32(len(data))
		b.Flags = v4l2.BufFlagMapped | v4l2.BufFlagDone | v4l2.BufFlagTimestampMonotonic
		b.Field, b.Sequence, b.Offset, b.Length = v4l2.FieldNone, uint32(k), bufOffset(k), camPixFormat(f).SizeImage
		b.Sec, b.Usec = 1000, int64(k)*33333
		s.Ioctl(camFD, v4l2.VIDIOC_DQBUF, in, enc(v4l2.SizeBuffer, &b), 0)
		s.Fill(int64(bufOffset(k)), data)
		camQueue(s, f, k)
		if k+1 < nbufs {
			s.Opt()
		}
	}
	for range nbufs - 1 {
		s.End()
	}
	s.End()
}

func camStop(s *v4l2test.Script) {
	s.Comment("stop streaming")
	off := []byte{v4l2.BufTypeVideoCapture, 0, 0, 0}
	s.Ioctl(camFD, v4l2.VIDIOC_STREAMOFF, off, off, 0)
	for i := range nbufs {
		s.Munmap(int64(bufOffset(i)))
	}
	rb := v4l2.RequestBuffers{Type: v4l2.BufTypeVideoCapture, Memory: v4l2.MemoryMmap}
	in := enc(v4l2.SizeRequestBuffers, &rb)
	rb.Capabilities = 1
	s.Ioctl(camFD, v4l2.VIDIOC_REQBUFS, in, enc(v4l2.SizeRequestBuffers, &rb), 0)
}

// nircam builds testdata/nircam.log: open, stream GREY, optionally switch
// through the Y16, YUYV 320x240 and MJPEG modes, stop and close. extra adds
// calls while streaming GREY, before the mode switches.
func nircam(extra func(s *v4l2test.Script)) *v4l2test.Script {
	s := new(v4l2test.Script)
	camOpen(s)
	camStart(s, camFormats[0])
	camFrames(s, camFormats[0])
	if extra != nil {
		extra(s)
	}
	s.Comment("the mode switches of haltest's Modes check").Opt()
	for _, i := range []int{1, 3, 4} {
		camStop(s)
		camStart(s, camFormats[i])
		camFrames(s, camFormats[i])
	}
	s.End()
	camStop(s)
	s.Close(camFD)
	return s
}
