// Command v4l2smoketest checks the v4l2 driver against a real camera: it
// opens the device, lists its modes, captures frames in each (or the one
// asked for), checks sizes, sequence numbers and timestamps, sets exposure
// and gain when asked, and can record the session as a v4l2test log.
//
//	go run ./hal/v4l2/v4l2smoketest -device /dev/video0 -frames 30 -record cam.log -png frame.png
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"image/png"
	"log"
	"os"
	"time"

	"github.com/palmid/palmid/hal"
	"github.com/palmid/palmid/hal/v4l2"
	"github.com/palmid/palmid/hal/v4l2/v4l2test"
)

func main() {
	device := flag.String("device", "/dev/video0", "V4L2 device node")
	frames := flag.Int("frames", 30, "frames to capture per mode")
	all := flag.Bool("all", false, "capture in every mode, not just the current one")
	exposure := flag.Duration("exposure", 0, "set manual exposure (e.g. 8ms)")
	gain := flag.Int("gain", -1, "set V4L2_CID_GAIN")
	record := flag.String("record", "", "write the system calls to this v4l2test log")
	out := flag.String("png", "", "write the last frame to this PNG")
	flag.Parse()
	if err := run(*device, *frames, *all, *exposure, *gain, *record, *out); err != nil {
		log.Fatal(err)
	}
}

func run(device string, frames int, all bool, exposure time.Duration, gain int, record, out string) error {
	sys := v4l2.Host()
	var rec *v4l2test.Record
	if record != "" {
		f, err := os.Create(record)
		if err != nil {
			return err
		}
		defer f.Close()
		rec = v4l2test.NewRecord(sys, f)
		sys = rec
	}
	d, err := v4l2.New(sys, device, nil)
	if errors.Is(err, hal.ErrNotPresent) {
		return fmt.Errorf("no camera: %w", err)
	}
	if err != nil {
		return err
	}
	defer d.Halt()
	c := d.Capability()
	fmt.Printf("%s: %q driver %s bus %s caps %#x\n", d, c.Card, c.Driver, c.BusInfo, c.Caps())
	for _, m := range d.Modes() {
		fmt.Printf("  mode %v\n", m)
	}
	if exposure > 0 {
		if err := d.SetExposure(exposure); err != nil {
			fmt.Println("exposure:", err)
		}
	}
	if gain >= 0 {
		if err := d.SetGain(int32(gain)); err != nil {
			fmt.Println("gain:", err)
		}
	}
	modes := []hal.Mode{d.Mode()}
	if all {
		modes = d.Modes()
	}
	var f hal.Frame
	for _, m := range modes {
		if err := d.SetMode(m); err != nil {
			return err
		}
		start := time.Now()
		var prev hal.Meta
		for i := range frames {
			ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
			err := d.Capture(ctx, &f)
			cancel()
			if hal.Transient(err) {
				fmt.Println("  transient:", err)
				continue
			}
			if err != nil {
				return err
			}
			if f.Rect.Dx() != m.Width || f.Rect.Dy() != m.Height || f.Format != m.Format {
				return fmt.Errorf("mode %v gave %v %v", m, f.Rect, f.Format)
			}
			if i > 0 && (f.Seq <= prev.Seq || f.Time.Before(prev.Time)) {
				return fmt.Errorf("frame %d: meta %+v after %+v", i, f.Meta, prev)
			}
			prev = f.Meta
		}
		el := time.Since(start)
		fmt.Printf("%v [%v]: %d frames in %v (%.1f fps), last seq %d at %v, exposure %v, focus %.1f\n",
			m, d.PixelFormat(), frames, el.Round(time.Millisecond), float64(frames)/el.Seconds(),
			f.Seq, f.Time.Format(time.RFC3339Nano), f.Exposure, hal.Focus(&f))
	}
	if out != "" && f.Pix != nil {
		w, err := os.Create(out)
		if err != nil {
			return err
		}
		if err := png.Encode(w, f.Image()); err != nil {
			return err
		}
		if err := w.Close(); err != nil {
			return err
		}
	}
	if err := d.Halt(); err != nil {
		return err
	}
	if rec != nil {
		return rec.Err()
	}
	return nil
}
