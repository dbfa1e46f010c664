package v4l2

import "testing"

// TestABI checks the request numbers against those of <linux/videodev2.h>
// on 64-bit Linux, and a few field offsets.
func TestABI(t *testing.T) {
	for _, c := range []struct {
		got, want uint32
	}{
		{VIDIOC_QUERYCAP, 0x80685600}, {VIDIOC_ENUM_FMT, 0xc0405602}, {VIDIOC_G_FMT, 0xc0d05604},
		{VIDIOC_S_FMT, 0xc0d05605}, {VIDIOC_REQBUFS, 0xc0145608}, {VIDIOC_QUERYBUF, 0xc0585609},
		{VIDIOC_QBUF, 0xc058560f}, {VIDIOC_DQBUF, 0xc0585611}, {VIDIOC_STREAMON, 0x40045612},
		{VIDIOC_STREAMOFF, 0x40045613}, {VIDIOC_G_CTRL, 0xc008561b}, {VIDIOC_S_CTRL, 0xc008561c},
		{VIDIOC_ENUM_FRAMESIZES, 0xc02c564a},
	} {
		if c.got != c.want {
			t.Errorf("%s = %#x, want %#x", IoctlName(c.got), c.got, c.want)
		}
	}
	var b [SizeBuffer]byte
	buf := Buffer{Sec: 0x0102, Usec: 0x0304, Sequence: 0x05, Offset: 0x06, Length: 0x07}
	buf.Encode(b[:])
	for off, v := range map[int]byte{24: 2, 25: 1, 32: 4, 33: 3, 56: 5, 64: 6, 72: 7} {
		if b[off] != v {
			t.Errorf("v4l2_buffer byte %d = %d, want %d", off, b[off], v)
		}
	}
	var f [SizeFormat]byte
	(&Format{Type: 1, Pix: PixFormat{Width: 9, PixelFormat: PixGrey, SizeImage: 11}}).Encode(f[:])
	if f[0] != 1 || f[8] != 9 || FourCC(le.Uint32(f[16:])) != PixGrey || f[28] != 11 {
		t.Errorf("v4l2_format layout % x", f[:32])
	}
	if PixGrey.String() != "GREY" || PixY16 != 0x20363159 {
		t.Errorf("fourcc GREY %v, Y16 %#x", PixGrey, uint32(PixY16))
	}
}
