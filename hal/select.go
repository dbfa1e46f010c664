package hal

import (
	"math"
)

// SubtractAmbient writes on minus off into dst, clamped at zero: the palm as
// lit by the device's LEDs alone, with ambient light (sunlight, shop lights)
// removed. on and off are frames taken with the LED on and off, close enough
// in time for the palm not to have moved. dst may be on or off; its Meta is
// on's. SubtractAmbient panics when on and off differ in size or format.
func SubtractAmbient(dst, on, off *Frame) {
	if on.Rect.Size() != off.Rect.Size() || on.Format != off.Format {
		panic("hal: SubtractAmbient: frames differ in size or format")
	}
	w, h := on.Rect.Dx(), on.Rect.Dy()
	if dst != on {
		meta := on.Meta
		if dst == off {
			// Subtract in place into off, then take on's metadata.
			subRows(off, on, off, w, h)
			off.Meta = meta
			return
		}
		dst.Init(w, h, on.Format)
		dst.Meta = meta
	}
	subRows(dst, on, off, w, h)
}

func subRows(dst, on, off *Frame, w, h int) {
	n := w * on.Format.BytesPerPixel()
	for y := range h {
		d := dst.Pix[y*dst.Stride : y*dst.Stride+n]
		a := on.Pix[y*on.Stride : y*on.Stride+n]
		b := off.Pix[y*off.Stride : y*off.Stride+n]
		if on.Format == Gray16 {
			for i := 0; i+1 < n; i += 2 {
				v := int(a[i])<<8 | int(a[i+1]) - (int(b[i])<<8 | int(b[i+1]))
				v = max(v, 0)
				d[i], d[i+1] = byte(v>>8), byte(v)
			}
			continue
		}
		for i := range d {
			d[i] = byte(max(int(a[i])-int(b[i]), 0))
		}
	}
}

// Focus returns a sharpness measure of f: the mean squared difference
// between neighbouring pixels (on an 8-bit grey scale, green for RGB), on
// every second row and column. Larger is sharper; it is comparable between
// frames of one sensor and scene, not between sensors.
func Focus(f *Frame) float64 {
	bpp := f.Format.BytesPerPixel()
	w, h := f.Rect.Dx(), f.Rect.Dy()
	var sum, n float64
	for y := 0; y+1 < h; y += 2 {
		row := y * f.Stride
		for x := 0; x+1 < w; x += 2 {
			i := row + x*bpp
			c := f.luma(i)
			dx := f.luma(i+bpp) - c
			dy := f.luma(i+f.Stride) - c
			sum += float64(dx*dx + dy*dy)
			n++
		}
	}
	if n == 0 {
		return 0
	}
	return sum / n
}

// Motion returns the mean absolute difference between a and b (8-bit grey
// scale, every second row and column): near the noise level for a still
// palm, large for a moving one. It panics when a and b differ in size or
// format.
func Motion(a, b *Frame) float64 {
	if a.Rect.Size() != b.Rect.Size() || a.Format != b.Format {
		panic("hal: Motion: frames differ in size or format")
	}
	bpp := a.Format.BytesPerPixel()
	w, h := a.Rect.Dx(), a.Rect.Dy()
	var sum, n float64
	for y := 0; y < h; y += 2 {
		ra, rb := y*a.Stride, y*b.Stride
		for x := 0; x < w; x += 2 {
			d := a.luma(ra+x*bpp) - b.luma(rb+x*bpp)
			if d < 0 {
				d = -d
			}
			sum += float64(d)
			n++
		}
	}
	if n == 0 {
		return 0
	}
	return sum / n
}

// BestFrame returns the index of the best frame of a hover: among frames
// whose palm distance is inside the hover window (or unknown), the one with
// the highest focus after a penalty for motion relative to its neighbours in
// the sequence (score = Focus / (1 + motion/4), motion the larger of the
// differences to the previous and next frames). It returns ErrNoPalm when no
// frame is in range.
func BestFrame(frames []*Frame) (int, error) {
	best, bestScore := -1, math.Inf(-1)
	prev, prevAt := 0.0, -1 // motion between frames prevAt and prevAt+1
	for i, f := range frames {
		if f.Distance != 0 && !InHover(f.Distance) {
			continue
		}
		var m float64
		if i > 0 && sameShape(frames[i-1], f) {
			if prevAt != i-1 {
				prev = Motion(frames[i-1], f)
			}
			m = prev
		}
		if i+1 < len(frames) && sameShape(frames[i+1], f) {
			prev, prevAt = Motion(frames[i+1], f), i // reused by frame i+1
			m = max(m, prev)
		}
		s := Focus(f) / (1 + m/4)
		if s > bestScore {
			best, bestScore = i, s
		}
	}
	if best < 0 {
		return -1, ErrNoPalm
	}
	return best, nil
}

func sameShape(a, b *Frame) bool { return a.Rect.Size() == b.Rect.Size() && a.Format == b.Format }
