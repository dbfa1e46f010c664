package main

import (
	"errors"
	"flag"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"io"
	"os"

	"github.com/palmid/palmid/internal/dataset"
	"github.com/palmid/palmid/internal/fimg"
	"github.com/palmid/palmid/palm"
	"github.com/palmid/palmid/vein"
)

func init() {
	register(command{
		name:    "vein",
		summary: "extract the veins of a NIR vein ROI or frame: template statistics, liveness, optional debug image",
		run:     runVein,
	})
}

// veinPanel is the side of each panel of the debug image.
const veinPanel = 128

func runVein(args []string, stdout, stderr io.Writer) error {
	fs := newFlags("vein", "[--debug OUT.png] [--frame] [--palm PALM] IMAGE", stderr)
	debug := fs.String("debug", "", "write the ROI, the enhanced image, the vessel probability and the vein map with its skeleton side by side to this PNG (default: write no image)")
	frame := fs.Bool("frame", false, "IMAGE is a whole NIR frame, not a ROI: find the hand on it (palm.FindROI) and cut its ROI")
	palmFrame := fs.String("palm", "", "with --frame: find the hand on this NIR palm-surface frame of the same pose and cut the ROI from IMAGE, the vein frame")
	// Flags may follow the image: parse around one positional argument.
	var pos []string
	for {
		if err := fs.Parse(args); err != nil {
			return parseErr(err)
		}
		if fs.NArg() == 0 {
			break
		}
		pos = append(pos, fs.Arg(0))
		args = fs.Args()[1:]
	}
	if len(pos) != 1 {
		fmt.Fprintln(stderr, "palmid vein: want exactly one IMAGE, a NIR vein ROI or, with --frame, a whole NIR frame (PNG, JPEG, BMP, TIFF or PGM)")
		fs.Usage()
		return errUsage
	}
	img, err := dataset.LoadImage(pos[0])
	if err != nil {
		return err
	}
	if *palmFrame != "" && !*frame {
		fmt.Fprintln(stderr, "palmid vein: --palm needs --frame")
		return errUsage
	}
	if *frame {
		src := img
		if *palmFrame != "" {
			if src, err = dataset.LoadImage(*palmFrame); err != nil {
				return err
			}
		}
		hand, err := palm.FindROI(src, nil)
		if err != nil {
			return fmt.Errorf("finding the hand: %w", err)
		}
		roi, err := hand.Cut(img)
		if err != nil {
			return err
		}
		c := hand.Corners
		fmt.Fprintf(stdout, "hand       ROI corners (%.0f,%.0f) (%.0f,%.0f) (%.0f,%.0f) (%.0f,%.0f)\n", c[0].X, c[0].Y, c[1].X, c[1].Y, c[2].X, c[2].Y, c[3].X, c[3].Y)
		img = roi
	}
	v, err := vein.Extract(img)
	if err != nil {
		return fmt.Errorf("%s: %w", pos[0], err)
	}
	b := img.Bounds()
	fmt.Fprintf(stdout, "image      %s (ROI %dx%d)\n", pos[0], b.Dx(), b.Dy())
	nValid, nVein := 0, 0
	for i := range v.Mask {
		if v.Mask[i] {
			nValid++
		}
		if v.Vein[i] {
			nVein++
		}
	}
	fmt.Fprintf(stdout, "valid      %.1f%% of the ROI (%dx%d working map)\n", 100*float64(nValid)/float64(len(v.Mask)), vein.Size, vein.Size)
	sk := v.Skeleton()
	nSk := 0
	for _, on := range sk {
		if on {
			nSk++
		}
	}
	fmt.Fprintf(stdout, "vessels    %d vein px, skeleton %d px, %d branch points, %d end points\n", nVein, nSk, len(v.BranchPoints()), len(v.EndPoints()))
	if t, err := v.Template(); err != nil {
		fmt.Fprintf(stdout, "template   none: %v\n", err)
	} else {
		cv, cm := 0, 0
		for y := range vein.GridSize {
			for x := range vein.GridSize {
				isVein, valid := t.At(x, y)
				if isVein {
					cv++
				}
				if valid {
					cm++
				}
			}
		}
		fmt.Fprintf(stdout, "template   %dx%d cells, %d valid, %d vein (%.0f%%)\n", vein.GridSize, vein.GridSize, cm, cv, 100*float64(cv)/float64(max(cm, 1)))
	}
	fmt.Fprintf(stdout, "liveness   vesselness energy %.4f, ROI level %.2f, PAD score %.4f\n", v.Energy, v.Level, v.PADScore())
	if *debug == "" {
		return nil
	}
	if err := writePNG(*debug, veinDebug(img, v, sk)); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "wrote      %s\n", *debug)
	return nil
}

// parseErr maps a flag parsing error to the command's errors.
func parseErr(err error) error {
	if err == nil {
		return nil
	}
	if errors.Is(err, flag.ErrHelp) {
		return err
	}
	return errUsage
}

// veinDebug draws four panels side by side: the ROI (resampled), the
// enhanced image, the vessel probability and the vein map (grey) with its
// skeleton (red) and branch points (green); invalid pixels are dark blue.
func veinDebug(roi image.Image, v *vein.Vessels, sk []bool) *image.RGBA {
	const p = veinPanel
	out := image.NewRGBA(image.Rect(0, 0, 4*p+3*4, p))
	src := fimg.FromImage(roi)
	invalid := color.RGBA{20, 20, 60, 255}
	branch := map[int]bool{}
	for _, q := range v.BranchPoints() {
		branch[q.Y*vein.Size+q.X] = true
	}
	for y := range p {
		for x := range p {
			// ROI panel: nearest source pixel.
			g := fimg.To8(src.Pix[(y*src.H/p)*src.W+x*src.W/p])
			out.SetRGBA(x, y, color.RGBA{g, g, g, 255})
			i := (y*vein.Size/p)*vein.Size + x*vein.Size/p
			for k, c := range [3]color.RGBA{
				grey(v.Enhanced[i]),
				grey(v.Prob[i]),
				grey(map[bool]float32{true: 0.85, false: 0.1}[v.Vein[i]]),
			} {
				if !v.Mask[i] {
					c = invalid
				}
				if k == 2 && sk[i] {
					c = color.RGBA{230, 40, 40, 255}
				}
				if k == 2 && branch[i] {
					c = color.RGBA{40, 230, 40, 255}
				}
				out.SetRGBA((k+1)*(p+4)+x, y, c)
			}
		}
	}
	return out
}

func grey(v float32) color.RGBA {
	g := fimg.To8(v)
	return color.RGBA{g, g, g, 255}
}

func writePNG(name string, img image.Image) error {
	f, err := os.Create(name)
	if err != nil {
		return err
	}
	if err := png.Encode(f, img); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}
