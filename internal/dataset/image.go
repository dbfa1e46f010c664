package dataset

import (
	"bytes"
	"errors"
	"fmt"
	"image"
	_ "image/jpeg" // register JPEG
	_ "image/png"  // register PNG
	"io"
	"os"

	_ "golang.org/x/image/bmp"  // register BMP
	_ "golang.org/x/image/tiff" // register TIFF

	"github.com/palmid/palmid/internal/fimg"
)

// Size limits applied to every image before its pixels are decoded.
const (
	MaxSide   = 1 << 15 // largest accepted width or height
	MaxPixels = 1 << 26 // largest accepted width*height
)

// maxFile bounds the size of an image file read by LoadImage.
const maxFile = 1 << 30

// ErrTooLarge is returned for images whose header announces more than
// MaxSide pixels on a side or MaxPixels in all.
var ErrTooLarge = errors.New("dataset: image too large")

// checkSize returns ErrTooLarge unless w x h is within the limits.
func checkSize(w, h int) error {
	if w < 0 || h < 0 || w > MaxSide || h > MaxSide || w*h > MaxPixels {
		return fmt.Errorf("%w: %dx%d", ErrTooLarge, w, h)
	}
	return nil
}

// Decode decodes an image in any registered format (PNG, JPEG, BMP, TIFF,
// PGM), after checking the size its header announces. It returns the format
// name as image.Decode does.
func Decode(data []byte) (image.Image, string, error) {
	cfg, format, err := image.DecodeConfig(bytes.NewReader(data))
	if err != nil {
		return nil, "", fmt.Errorf("dataset: %w", err)
	}
	if err := checkSize(cfg.Width, cfg.Height); err != nil {
		return nil, format, err
	}
	img, format, err := image.Decode(bytes.NewReader(data))
	if err != nil {
		return nil, format, fmt.Errorf("dataset: %s: %w", format, err)
	}
	return img, format, nil
}

// LoadImage reads and decodes the named image file.
func LoadImage(name string) (image.Image, error) {
	f, err := os.Open(name)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, maxFile+1))
	if err != nil {
		return nil, err
	}
	if len(data) > maxFile {
		return nil, fmt.Errorf("%s: %w: file over %d bytes", name, ErrTooLarge, maxFile)
	}
	img, _, err := Decode(data)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	return img, nil
}

// LoadGray reads the named image file and converts it to grey in [0, 1]
// (luma for colour images).
func LoadGray(name string) (*fimg.Image, error) {
	img, err := LoadImage(name)
	if err != nil {
		return nil, err
	}
	return fimg.FromImage(img), nil
}

// Load reads the image of entry e as grey in [0, 1].
func (m *Manifest) Load(e Entry) (*fimg.Image, error) {
	return LoadGray(m.File(e))
}
