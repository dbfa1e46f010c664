package main

import (
	"context"
	"errors"
	"fmt"
	"image/png"
	"io"
	"os"
	"time"

	"github.com/palmid/palmid/hal"
	_ "github.com/palmid/palmid/hal/replay"    // registers "replay:DIR"
	_ "github.com/palmid/palmid/hal/synthetic" // registers "synthetic:id=N,..."
	_ "github.com/palmid/palmid/hal/v4l2"      // registers "v4l2:/dev/videoN" (Linux)
)

func init() {
	register(command{
		name:    "capture",
		summary: "open a palm device, wait for a hover, pick the best frame and report its quality",
		run:     runCapture,
	})
}

func runCapture(args []string, stdout, stderr io.Writer) error {
	fs := newFlags("capture", "[--device NAME] [--out FILE.png] [--timeout D]", stderr)
	dev := fs.String("device", "synthetic:id=0,seed=1", `device to open: "synthetic:id=N,seed=S", "replay:DIR", "v4l2:/dev/videoN", or "" for the first device present`)
	out := fs.String("out", "", "write the chosen frame to this PNG (default: write no image)")
	timeout := fs.Duration("timeout", 30*time.Second, "give up when no palm has hovered and left by then")
	maxFrames := fs.Int("frames", 120, "most frames to capture during one hover")
	if err := parse(fs, args); err != nil {
		return err
	}
	d, err := hal.Open(*dev)
	if err != nil {
		return err
	}
	defer d.Halt()
	ctx, cancel := context.WithTimeout(context.Background(), *timeout)
	defer cancel()
	fmt.Fprintf(stdout, "opened %s\n", d)
	if d.Presence != nil {
		fmt.Fprintln(stdout, "waiting for a palm to hover 5-15 cm above the device...")
		dist, err := hal.WaitHover(ctx, d.Presence, false, 0)
		if err != nil {
			return fmt.Errorf("waiting for a palm: %w", err)
		}
		fmt.Fprintf(stdout, "palm at %.0f mm\n", float64(dist))
	}
	m := d.Camera.Mode()
	var frames []*hal.Frame
	for len(frames) < *maxFrames {
		f := new(hal.Frame)
		f.Init(m.Width, m.Height, m.Format)
		err := d.Camera.Capture(ctx, f)
		if err != nil {
			if hal.Transient(err) {
				continue
			}
			if errors.Is(err, io.EOF) || errors.Is(err, context.DeadlineExceeded) {
				break
			}
			return err
		}
		// A device with a presence sensor captures while the palm hovers;
		// without one, every frame counts.
		if d.Presence != nil && f.Distance != 0 && !hal.InHover(f.Distance) {
			if len(frames) > 0 {
				break // the palm left
			}
			continue
		}
		frames = append(frames, f)
	}
	best, err := hal.BestFrame(frames)
	if err != nil {
		return err
	}
	f := frames[best]
	fmt.Fprintf(stdout, "captured %d frames during the hover; best is frame %d: %dx%d %v, focus %.1f, distance %.0f mm, LED %.2f\n",
		len(frames), best, f.Rect.Dx(), f.Rect.Dy(), f.Wavelength, hal.Focus(f), float64(f.Distance), f.LED)
	if *out == "" {
		fmt.Fprintln(stdout, "no image written (give --out FILE.png to keep it)")
		return nil
	}
	w, err := os.Create(*out)
	if err != nil {
		return err
	}
	if err := png.Encode(w, f.Image()); err != nil {
		w.Close()
		return err
	}
	if err := w.Close(); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "wrote %s\n", *out)
	return nil
}
