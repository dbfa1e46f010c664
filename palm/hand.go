package palm

import (
	"errors"
	"fmt"
	"image"
	"math"

	"github.com/palmid/palmid/internal/fimg"
	"github.com/palmid/palmid/internal/roi"
)

// Errors of FindROI. Each names what the person holding the hand or the
// camera can change; FindROI wraps them with details (fmt's %w), so test
// with errors.Is.
var (
	// ErrNoHand: nothing hand-shaped was found.
	ErrNoHand = errors.New("palm: no hand found")
	// ErrFingersClosed: a hand was found but not four separate fingers, so
	// the valleys between them cannot be placed.
	ErrFingersClosed = errors.New("palm: fingers closed or not visible")
	// ErrTooBlurry: the palm is out of focus or moved.
	ErrTooBlurry = errors.New("palm: image too blurry")
	// ErrTooDark: the image or the palm is underexposed.
	ErrTooDark = errors.New("palm: image too dark")
	// ErrTooBright: the image or the palm is overexposed.
	ErrTooBright = errors.New("palm: image too bright")
	// ErrPartialPalm: the ROI square is not fully on the visible palm (cut
	// by the frame or covered).
	ErrPartialPalm = errors.New("palm: palm partly out of view or covered")
	// ErrTooNear: the palm is too close to the camera (too large).
	ErrTooNear = errors.New("palm: hand too near")
	// ErrTooFar: the palm is too far from the camera (too small).
	ErrTooFar = errors.New("palm: hand too far")
	// ErrImageTooSmall: the image has too few pixels to hold a hand.
	ErrImageTooSmall = errors.New("palm: image too small")
)

// Side says which hand a palm belongs to, assuming the palm side faces the
// camera.
type Side int8

// The sides.
const (
	Unknown Side = iota
	Left
	Right
)

func (s Side) String() string {
	switch s {
	case Left:
		return "left"
	case Right:
		return "right"
	}
	return "unknown"
}

// Point is an image position in pixels; integer coordinates are pixel
// centres.
type Point struct{ X, Y float64 }

// Landmarks are the hand's keypoints, in pixels of the image given to
// FindROI.
type Landmarks struct {
	// Valleys are the finger valleys: index–middle, middle–ring and
	// ring–little.
	Valleys [3]Point
	// Tips are the fingertips of the index, middle, ring and little
	// fingers, as far as they are visible; zero where the valleys are
	// the keypoint network's (see "Learned keypoint check" in the
	// package doc).
	Tips [4]Point
	// Centre is the palm centre: the centre of the largest circle inside
	// the hand's silhouette.
	Centre Point
	// Orientation is the image direction from the palm centre towards the
	// middle finger, radians, atan2(dy, dx) with y down (synth.Truth's
	// convention).
	Orientation float64
	// Side is the hand (left or right) as told by the order of thumb and
	// fingers (checked by the side network on colour photos), assuming the
	// palm faces the camera.
	Side Side
	// PalmWidth is the hand's width across the palm, pixels: twice the
	// radius of the largest inscribed circle.
	PalmWidth float64
	// Open tells, for each valley, whether a gap between the two fingers
	// is visible above it. A closed valley's position is estimated.
	Open [3]bool
	// Thumb is true when a thumb was seen beside the index finger.
	Thumb bool
	// Contour is the hand's outline, in image pixels, as traced at the
	// working resolution.
	Contour []Point
}

// Quality are FindROI's quality scores. Each is 1 or more for a good
// capture; FindROI rejects a capture whose score falls below the limit
// given with the field.
type Quality struct {
	// Focus is the palm's sharpness at the ROI's scale, measured in the
	// input image over the central half of the ROI square: the RMS of a
	// Laplacian at the ROI's pixel size (at least 2 input pixels) over
	// that at twice the size, divided by 0.8, a sharp palm's value. Below
	// 0.40: ErrTooBlurry.
	Focus float64
	// Exposure is the smaller of the palm's median grey level (in the ROI
	// square, on the silhouette) over 0.1 and 0.25 over the fraction of
	// those pixels clipped white, capped at 2. A median below 0.1 gives
	// ErrTooDark, more than a quarter clipped ErrTooBright.
	Exposure float64
	// Inside is the fraction of the ROI square on the hand's visible
	// silhouette and inside the image, divided by 0.8. Below 1, or a
	// square reaching past the frame at all: ErrPartialPalm.
	Inside float64
	// Openness is the fraction of the three valleys with a visible gap
	// above them. It is informative; a hand whose fingers cannot be told
	// apart at all gives ErrFingersClosed.
	Openness float64
	// Scale is the ROI's source pixels per ROI pixel: below 0.25 (the ROI
	// magnifies the image more than 4 times) gives ErrTooFar; a ROI square
	// larger than the frame's short side gives ErrTooNear.
	Scale float64
}

// Hand is a hand found by FindROI.
type Hand struct {
	Landmarks Landmarks
	// ROI is the square palm region of interest in canonical form: a right
	// palm seen from the palm side, fingers up (left hands are mirrored).
	ROI *image.Gray
	// Corners are the ROI square's corners in image pixels: top-left,
	// top-right, bottom-right, bottom-left of the ROI.
	Corners [4]Point
	Quality Quality

	frame roi.Frame
	size  int
	w, h  int // image size
}

// Options are FindROI's settings. A nil *Options means the defaults.
type Options struct {
	// ROISize is the side of the ROI in pixels, 128 by default; values
	// outside [16, 1024] are an error.
	ROISize int
	// Sink, when set, receives intermediate images for debugging, at the
	// working resolution unless noted: "mask" (the hand's silhouette),
	// "contour" (the working image with the silhouette tinted and its
	// outline), "keypoints" (the same with the valleys in red, fingertips in
	// blue, palm centre in yellow and ROI square in cyan) and "roi" (the
	// ROI); on colour photos, first "prior" (the hand network's
	// probability of each pixel being the hand, 0 to 255). When no hand is
	// found it receives the most hand-like silhouette as "mask" and
	// "contour". It is called from FindROI's goroutine.
	Sink func(name string, img image.Image)
	// RequireOpen rejects, with ErrFingersClosed, a hand whose fingers
	// touch above any of the three valleys (Landmarks.Open), for devices
	// that can ask for another capture. A closed valley's position is an
	// estimate, and it moves the ROI: on synth NIR frames, pairs of
	// captures with all valleys open matched as well as with ground-truth
	// ROIs, pairs with a closed valley much worse (see the package doc).
	RequireOpen bool
	// ClassicValleys finds the hand and places its valleys by the image
	// cues alone, without the learned steps (see the package doc): on
	// colour photos the hand network's segmentation and the side network's
	// check of which way round the fingers are, and the valley networks'
	// refinement. For comparison.
	ClassicValleys bool

	// noValleyNet leaves out the valley network only, so that
	// TestValleyPatches sees the valleys it starts from; onePass runs it
	// once.
	noValleyNet, onePass bool
}

const defaultROISize = 128

// Image size limits.
const (
	minSide = 32 // pixels: shorter sides give ErrImageTooSmall
)

// FindROI finds the hand in img (a visible-light photo of the whole hand, in
// any in-plane rotation, or a device's NIR palm frame), locates its
// landmarks, checks the capture's quality and cuts the palm ROI. When it
// fails it returns one of the package's sentinel errors, wrapped with
// details; with some of them (quality failures after the hand was found) it
// also returns the Hand, for feedback. FindROI never panics on any image;
// very large images are sampled, not converted, so their cost stays small.
// It is safe for concurrent use.
func FindROI(img image.Image, opts *Options) (*Hand, error) {
	size := defaultROISize
	var sink func(string, image.Image)
	requireOpen, classic, passes := false, false, valleyPasses
	if opts != nil {
		if opts.ROISize != 0 {
			size = opts.ROISize
		}
		sink = opts.Sink
		requireOpen = opts.RequireOpen
		classic = opts.ClassicValleys
		switch {
		case classic || opts.noValleyNet:
			passes = 0
		case opts.onePass:
			passes = 1
		}
	}
	if size < 16 || size > 1024 {
		return nil, fmt.Errorf("palm: ROISize %d outside [16, 1024]", size)
	}
	if img == nil {
		return nil, fmt.Errorf("%w: nil image", ErrImageTooSmall)
	}
	b := img.Bounds()
	if b.Dx() < minSide || b.Dy() < minSide {
		return nil, fmt.Errorf("%w: %dx%d, want at least %dx%d", ErrImageTooSmall, b.Dx(), b.Dy(), minSide, minSide)
	}
	wk := newWork(img, workSide)
	defer wk.release()
	if err := wk.exposureCheck(); err != nil {
		return nil, err
	}
	if !classic {
		wk.prior = wk.handPrior() // nil for grey images
		if sink != nil && wk.prior != nil {
			g := image.NewGray(image.Rect(0, 0, wk.w, wk.h))
			for i, p := range wk.prior {
				g.Pix[i] = uint8(255*p + 0.5)
			}
			sink("prior", g)
		}
	}
	best, err := wk.findHand(sink)
	if !classic && wk.colour {
		// the learned checks on the hand found (or, where none was,
		// on the silhouette with the most fingers): its side, and its
		// valleys against the keypoint network's
		switch {
		case err == nil:
			wk.checkSide(best)
			if g, ok := wk.keypoints(); ok {
				wk.checkKeypoints(best, g)
			}
		case wk.closest != nil && errors.Is(err, ErrFingersClosed):
			if g, ok := wk.keypoints(); ok && wk.rescue(wk.closest, g) {
				best, err = wk.closest, nil
			}
		}
	}
	if err != nil {
		return nil, err
	}
	hd, err := wk.finish(img, best, size, classic, passes, sink)
	if err == nil && requireOpen {
		if n := 3 - openValleys(hd.Landmarks.Open); n > 0 {
			return hd, fmt.Errorf("%w: the fingers touch above %d of the 3 valleys (RequireOpen): spread them", ErrFingersClosed, n)
		}
	}
	return hd, err
}

// Cut cuts the same square as h.ROI from another image of the same pose, for
// example a device's NIR vein frame taken with the palm frame h was found
// in. img must have the size of the image h was found in.
func (h *Hand) Cut(img image.Image) (*image.Gray, error) {
	if h == nil || h.size == 0 {
		return nil, errors.New("palm: Cut on a Hand without ROI")
	}
	if img == nil {
		return nil, fmt.Errorf("%w: nil image", ErrImageTooSmall)
	}
	b := img.Bounds()
	if b.Dx() != h.w || b.Dy() != h.h {
		return nil, fmt.Errorf("palm: Cut: image is %dx%d, the hand was found in %dx%d", b.Dx(), b.Dy(), h.w, h.h)
	}
	return cutROI(img, h.frame, h.size), nil
}

// cutROI cuts the ROI of frame f from img as roi.Frame.CutTo does on
// fimg.FromImage(img), converting only the pixels the square covers.
func cutROI(img image.Image, f roi.Frame, size int) *image.Gray {
	return cutSquares(img, []roi.Frame{f}, size)[0]
}

// cutSquares cuts the squares of frames (size x size pixels each) from
// img, converting the region they cover to grey once.
func cutSquares(img image.Image, frames []roi.Frame, size int) []*image.Gray {
	b := img.Bounds()
	x0, y0 := math.Inf(1), math.Inf(1)
	x1, y1 := math.Inf(-1), math.Inf(-1)
	for _, f := range frames {
		for _, p := range f.Corners() {
			x0, y0 = math.Min(x0, p.X), math.Min(y0, p.Y)
			x1, y1 = math.Max(x1, p.X), math.Max(y1, p.Y)
		}
	}
	out := make([]*image.Gray, len(frames))
	if math.IsNaN(x0+y0+x1+y1) || x1-x0 > 1e6 || y1-y0 > 1e6 {
		for i := range out {
			out[i] = image.NewGray(image.Rect(0, 0, size, size))
		}
		return out
	}
	r := image.Rect(int(math.Floor(x0))-2, int(math.Floor(y0))-2, int(math.Ceil(x1))+3, int(math.Ceil(y1))+3)
	r = r.Intersect(image.Rect(0, 0, b.Dx(), b.Dy()))
	if r.Empty() {
		for i := range out {
			out[i] = image.NewGray(image.Rect(0, 0, size, size))
		}
		return out
	}
	crop := greyRect(img, r)
	for i, f := range frames {
		f.Centre = roi.Point{X: f.Centre.X - float64(r.Min.X), Y: f.Centre.Y - float64(r.Min.Y)}
		out[i] = f.CutTo(fimg.New(size, size), crop).Gray()
	}
	return out
}

// grey8[v] is float32(v) / 255, fimg.FromImage's grey level of an 8-bit
// value.
var grey8 = func() (t [256]float32) {
	for v := range t {
		t[v] = float32(v) / 255
	}
	return t
}()

// greyRect converts the rectangle r (in coordinates relative to img's
// bounds' minimum) of img to grey exactly as fimg.FromImage does.
func greyRect(img image.Image, r image.Rectangle) *fimg.Image {
	b := img.Bounds()
	m := fimg.New(r.Dx(), r.Dy())
	switch s := img.(type) {
	case *image.Gray:
		for y := 0; y < m.H; y++ {
			row := s.Pix[(r.Min.Y+y)*s.Stride+r.Min.X:]
			out := m.Pix[y*m.W : (y+1)*m.W]
			for x := range out {
				out[x] = grey8[row[x]]
			}
		}
	case *image.Gray16:
		for y := 0; y < m.H; y++ {
			for x := 0; x < m.W; x++ {
				i := (r.Min.Y+y)*s.Stride + 2*(r.Min.X+x)
				m.Pix[y*m.W+x] = float32(uint16(s.Pix[i])<<8|uint16(s.Pix[i+1])) / 65535
			}
		}
	case *image.RGBA:
		for y := 0; y < m.H; y++ {
			for x := 0; x < m.W; x++ {
				i := (r.Min.Y+y)*s.Stride + 4*(r.Min.X+x)
				m.Pix[y*m.W+x] = (0.299*float32(s.Pix[i]) + 0.587*float32(s.Pix[i+1]) + 0.114*float32(s.Pix[i+2])) / 255
			}
		}
	case *image.YCbCr:
		for y := 0; y < m.H; y++ {
			row := s.Y[s.YOffset(b.Min.X+r.Min.X, b.Min.Y+r.Min.Y+y):]
			out := m.Pix[y*m.W : (y+1)*m.W]
			for x := range out {
				out[x] = grey8[row[x]]
			}
		}
	default:
		for y := 0; y < m.H; y++ {
			for x := 0; x < m.W; x++ {
				cr, cg, cb, _ := img.At(b.Min.X+r.Min.X+x, b.Min.Y+r.Min.Y+y).RGBA()
				m.Pix[y*m.W+x] = (0.299*float32(cr) + 0.587*float32(cg) + 0.114*float32(cb)) / 65535
			}
		}
	}
	return m
}
