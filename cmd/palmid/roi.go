package main

import (
	"bufio"
	"errors"
	"flag"
	"fmt"
	"image"
	"image/color"
	"image/draw"
	"image/png"
	"io"
	"math"
	"os"
	"strings"

	"github.com/palmid/palmid/internal/dataset"
	"github.com/palmid/palmid/palm"
)

func init() {
	register(command{
		name:    "roi",
		summary: "find the hand in an image: landmarks, quality, palm ROI (--debug draws what was seen)",
		run:     runROI,
	})
}

func runROI(args []string, stdout, stderr io.Writer) error {
	fs := newFlags("roi", "IMAGE [--debug out.png] [--out roi.png] [--size N] [--require-open] [--classic-valleys]", stderr)
	debug := fs.String("debug", "", "write a debug PNG: silhouette, outline, valleys (red), fingertips (blue), centre (yellow), ROI square (cyan), then the mask and the ROI")
	out := fs.String("out", "", "write the ROI as a PNG (also when the capture is rejected, if a ROI was cut)")
	size := fs.Int("size", 128, "ROI side in pixels")
	classic := fs.Bool("classic-valleys", false, "find the hand and its valleys by the image cues alone, without the learned hand locator, side check and valley refinement (palm.Options.ClassicValleys)")
	requireOpen := fs.Bool("require-open", false, "reject a hand with fingers touching above a valley (palm.Options.RequireOpen)")
	// IMAGE may come before or after the flags.
	var path string
	if len(args) > 0 && !strings.HasPrefix(args[0], "-") {
		path, args = args[0], args[1:]
	}
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return err
		}
		return errUsage
	}
	rest := fs.Args()
	if path == "" && len(rest) > 0 {
		path, rest = rest[0], rest[1:]
	}
	if path == "" || len(rest) > 0 {
		if path == "" {
			fmt.Fprintln(stderr, "an IMAGE is required")
		} else {
			fmt.Fprintf(stderr, "unexpected argument %q\n", rest[0])
		}
		fs.Usage()
		return errUsage
	}
	img, err := dataset.LoadImage(path)
	if err != nil {
		return err
	}
	seen := map[string]image.Image{}
	hd, ferr := palm.FindROI(img, &palm.Options{ROISize: *size, RequireOpen: *requireOpen, ClassicValleys: *classic, Sink: func(name string, im image.Image) {
		seen[name] = im
	}})
	if hd == nil && ferr != nil && !isRejection(ferr) {
		return ferr // a bad option, not a verdict on the image
	}
	b := img.Bounds()
	fmt.Fprintf(stdout, "image      %s, %dx%d\n", path, b.Dx(), b.Dy())
	if hd != nil {
		l := &hd.Landmarks
		fmt.Fprintf(stdout, "side       %v (thumb seen: %v)\n", l.Side, l.Thumb)
		names := [3]string{"index-middle", "middle-ring ", "ring-little "}
		for k, v := range l.Valleys {
			state := "open"
			if !l.Open[k] {
				state = "closed, estimated"
			}
			fmt.Fprintf(stdout, "valley     %s (%.1f, %.1f) %s\n", names[k], v.X, v.Y, state)
		}
		fmt.Fprintf(stdout, "centre     (%.1f, %.1f), orientation %.1f degrees, palm width %.0f px\n",
			l.Centre.X, l.Centre.Y, l.Orientation*180/math.Pi, l.PalmWidth)
		c := hd.Corners
		fmt.Fprintf(stdout, "ROI        corners (%.0f, %.0f) (%.0f, %.0f) (%.0f, %.0f) (%.0f, %.0f)\n",
			c[0].X, c[0].Y, c[1].X, c[1].Y, c[2].X, c[2].Y, c[3].X, c[3].Y)
		q := hd.Quality
		fmt.Fprintf(stdout, "quality    focus %.2f, exposure %.2f, inside %.2f, openness %.2f, scale %.2f (each >= 1 is good, openness is informative)\n",
			q.Focus, q.Exposure, q.Inside, q.Openness, q.Scale)
	}
	if ferr != nil {
		fmt.Fprintf(stdout, "result     rejected: %v\n", ferr)
	} else {
		fmt.Fprintln(stdout, "result     ROI accepted")
	}
	if *debug != "" {
		if err := writeROIPNG(*debug, debugSheet(seen)); err != nil {
			return err
		}
		fmt.Fprintf(stdout, "debug      %s\n", *debug)
	}
	if *out != "" && hd != nil && hd.ROI != nil {
		if err := writeROIPNG(*out, hd.ROI); err != nil {
			return err
		}
		fmt.Fprintf(stdout, "roi        %s\n", *out)
	}
	if ferr != nil {
		return errRejected
	}
	return nil
}

// errRejected is returned (exit status 1) when the image is rejected; the
// reason has been printed.
var errRejected = fmt.Errorf("%w: rejected", errUsage)

func isRejection(err error) bool {
	for _, e := range []error{palm.ErrNoHand, palm.ErrFingersClosed, palm.ErrTooBlurry, palm.ErrTooDark,
		palm.ErrTooBright, palm.ErrPartialPalm, palm.ErrTooNear, palm.ErrTooFar, palm.ErrImageTooSmall} {
		if errors.Is(err, e) {
			return true
		}
	}
	return false
}

// debugSheet lays out the sink's images side by side, the first enlarged to
// at least 480 pixels high: "keypoints" (or "contour" where no hand was
// found), "mask", "roi".
func debugSheet(seen map[string]image.Image) image.Image {
	var parts []image.Image
	first := "keypoints"
	if _, ok := seen[first]; !ok {
		first = "contour"
	}
	for _, n := range []string{first, "mask", "roi"} {
		if im, ok := seen[n]; ok {
			parts = append(parts, im)
		}
	}
	if len(parts) == 0 {
		return image.NewRGBA(image.Rect(0, 0, 1, 1))
	}
	k := 1
	if h := parts[0].Bounds().Dy(); h > 0 && h < 480 {
		k = (480 + h - 1) / h
	}
	w, h := 0, 0
	for i, p := range parts {
		s := 1
		if i == 0 {
			s = k
		}
		w += s*p.Bounds().Dx() + 4
		h = max(h, s*p.Bounds().Dy())
	}
	out := image.NewRGBA(image.Rect(0, 0, w, h))
	draw.Draw(out, out.Bounds(), image.NewUniform(color.RGBA{32, 32, 32, 255}), image.Point{}, draw.Src)
	x := 0
	for i, p := range parts {
		s := 1
		if i == 0 {
			s = k
		}
		pb := p.Bounds()
		for yy := 0; yy < s*pb.Dy(); yy++ {
			for xx := 0; xx < s*pb.Dx(); xx++ {
				out.Set(x+xx, yy, p.At(pb.Min.X+xx/s, pb.Min.Y+yy/s))
			}
		}
		x += s*pb.Dx() + 4
	}
	return out
}

func writeROIPNG(name string, img image.Image) error {
	f, err := os.Create(name)
	if err != nil {
		return err
	}
	w := bufio.NewWriter(f)
	if err := png.Encode(w, img); err != nil {
		f.Close()
		return err
	}
	if err := w.Flush(); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}
