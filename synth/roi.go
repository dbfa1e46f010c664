package synth

import (
	"errors"
	"image"

	"github.com/palmid/palmid/internal/fimg"
	"github.com/palmid/palmid/internal/roi"
)

// ErrNoROI is returned when a capture's ground truth does not place a palm
// ROI fully inside the frame (the palm partly out of view).
var ErrNoROI = errors.New("synth: ground-truth ROI not available")

// ROIFrame returns the ground-truth ROI frame of the capture (see package
// internal/roi for the construction).
func (t *Truth) ROIFrame() (roi.Frame, error) {
	p := func(q Point) roi.Point { return roi.Point{X: q.X, Y: q.Y} }
	f, ok := roi.FromValleys(p(t.Valleys[0]), p(t.Valleys[2]), p(t.Centre))
	if !ok || !f.Inside(t.Mask.Rect.Dx(), t.Mask.Rect.Dy()) {
		return roi.Frame{}, ErrNoROI
	}
	return f, nil
}

// TruthROI cuts the size x size palm ROI placed by the ground-truth valleys,
// as a grey image in the canonical (right palm) orientation. It is what a
// perfect ROI extractor would produce, for baselines and realism checks.
func (c *Capture) TruthROI(size int) (*image.Gray, error) {
	f, err := c.Truth.ROIFrame()
	if err != nil {
		return nil, err
	}
	return f.CutTo(fimg.New(size, size), fimg.FromImage(c.Image)).Gray(), nil
}
