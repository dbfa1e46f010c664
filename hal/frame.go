package hal

import (
	"fmt"
	"image"
	"image/color"
	"time"
)

// PixelFormat is the layout of a frame's pixels.
type PixelFormat int

// The pixel formats. Gray16 samples are big-endian, as in image.Gray16.
const (
	Gray8  PixelFormat = iota + 1 // 1 byte per pixel
	Gray16                        // 2 bytes per pixel, big-endian
	RGB24                         // 3 bytes per pixel: R, G, B
)

// BytesPerPixel returns the size of one pixel.
func (p PixelFormat) BytesPerPixel() int {
	switch p {
	case Gray8:
		return 1
	case Gray16:
		return 2
	case RGB24:
		return 3
	}
	return 0
}

func (p PixelFormat) String() string {
	switch p {
	case Gray8:
		return "gray8"
	case Gray16:
		return "gray16"
	case RGB24:
		return "rgb24"
	}
	return fmt.Sprintf("PixelFormat(%d)", int(p))
}

// Mode is one way a sensor can capture.
type Mode struct {
	Width, Height int
	Format        PixelFormat
	Wavelength    Wavelength // 0 for a visible-light camera
	FPS           float64    // nominal frame rate; 0 when frames come as fast as they are asked for
}

func (m Mode) String() string {
	return fmt.Sprintf("%dx%d %s %s %gfps", m.Width, m.Height, m.Format, m.Wavelength, m.FPS)
}

// Meta describes how a frame was captured.
type Meta struct {
	Sensor     string        // the sensor's String
	Seq        uint64        // frame number since the sensor opened; gaps mean lost frames
	Time       time.Time     // when the exposure started
	Wavelength Wavelength    // NIR wavelength, 0 for visible light
	Exposure   time.Duration // exposure time, 0 when unknown
	Gain       float64       // analogue gain, 1 = unity, 0 when unknown
	LED        float64       // drive level of the NIR LED at this wavelength: 0 off, 1 full
	Distance   Distance      // palm distance from the presence sensor, 0 when unknown
}

// Frame is a captured image in a buffer the caller owns, with its Meta.
// Pix holds the pixels in the stdlib layout: the pixel at (x, y) starts at
// Pix[(y-Rect.Min.Y)*Stride + (x-Rect.Min.X)*Format.BytesPerPixel()].
//
// Frame implements image.Image over Pix without copying; Image returns the
// matching stdlib type (*image.Gray, *image.Gray16) sharing Pix where one
// exists.
type Frame struct {
	Pix    []byte
	Stride int
	Rect   image.Rectangle
	Format PixelFormat
	Meta
}

// Init sets f up for a w x h image in format p at the origin, reusing Pix
// when its capacity is enough. Drivers call it at the start of Capture.
func (f *Frame) Init(w, h int, p PixelFormat) {
	f.Format = p
	f.Stride = w * p.BytesPerPixel()
	f.Rect = image.Rect(0, 0, w, h)
	n := f.Stride * h
	if cap(f.Pix) < n {
		f.Pix = make([]byte, n)
	}
	f.Pix = f.Pix[:n]
}

// CopyFrom makes f a copy of src, reusing f.Pix when its capacity is enough.
func (f *Frame) CopyFrom(src *Frame) {
	f.Init(src.Rect.Dx(), src.Rect.Dy(), src.Format)
	f.Rect = src.Rect
	f.Meta = src.Meta
	row := f.Stride
	for y := 0; y < src.Rect.Dy(); y++ {
		copy(f.Pix[y*row:(y+1)*row], src.Pix[y*src.Stride:])
	}
}

// Bounds implements image.Image.
func (f *Frame) Bounds() image.Rectangle { return f.Rect }

// ColorModel implements image.Image.
func (f *Frame) ColorModel() color.Model {
	switch f.Format {
	case Gray8:
		return color.GrayModel
	case Gray16:
		return color.Gray16Model
	}
	return color.RGBAModel
}

// At implements image.Image.
func (f *Frame) At(x, y int) color.Color {
	if !(image.Point{x, y}.In(f.Rect)) {
		return color.Gray{}
	}
	i := f.offset(x, y)
	switch f.Format {
	case Gray8:
		return color.Gray{f.Pix[i]}
	case Gray16:
		return color.Gray16{uint16(f.Pix[i])<<8 | uint16(f.Pix[i+1])}
	}
	return color.RGBA{f.Pix[i], f.Pix[i+1], f.Pix[i+2], 0xff}
}

func (f *Frame) offset(x, y int) int {
	return (y-f.Rect.Min.Y)*f.Stride + (x-f.Rect.Min.X)*f.Format.BytesPerPixel()
}

// Image returns the frame as an *image.Gray or *image.Gray16 sharing Pix, or
// f itself for RGB24.
func (f *Frame) Image() image.Image {
	switch f.Format {
	case Gray8:
		return &image.Gray{Pix: f.Pix, Stride: f.Stride, Rect: f.Rect}
	case Gray16:
		return &image.Gray16{Pix: f.Pix, Stride: f.Stride, Rect: f.Rect}
	}
	return f
}

// luma returns the 8-bit grey value of pixel i (an offset into Pix): the
// sample for Gray8, its high byte for Gray16, the green channel for RGB24.
func (f *Frame) luma(i int) int {
	if f.Format == RGB24 {
		return int(f.Pix[i+1])
	}
	return int(f.Pix[i])
}

var _ image.Image = (*Frame)(nil)
