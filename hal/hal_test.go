package hal_test

import (
	"context"
	"errors"
	"fmt"
	"image"
	"image/color"
	"sync"
	"testing"
	"time"

	"github.com/palmid/palmid/hal"
	"github.com/palmid/palmid/hal/synthetic"
)

func TestFrameImage(t *testing.T) {
	var f hal.Frame
	f.Init(3, 2, hal.Gray16)
	f.Pix[8], f.Pix[9] = 0x12, 0x34 // (1, 1)
	if got := f.At(1, 1); got != (color.Gray16{0x1234}) {
		t.Errorf("At = %v", got)
	}
	g := f.Image().(*image.Gray16)
	if &g.Pix[0] != &f.Pix[0] || g.Gray16At(1, 1).Y != 0x1234 {
		t.Error("Image does not share Pix")
	}
	f.Init(2, 2, hal.RGB24)
	copy(f.Pix[6:], []byte{1, 2, 3})
	if got := f.At(0, 1); got != (color.RGBA{1, 2, 3, 255}) {
		t.Errorf("RGB At = %v", got)
	}
	if f.Bounds() != image.Rect(0, 0, 2, 2) || f.ColorModel() != color.RGBAModel {
		t.Error("bounds or colour model")
	}
}

func TestUnits(t *testing.T) {
	var w hal.Wavelength
	if err := w.Set("940nm"); err != nil || w != hal.NIR940 || w.String() != "940nm" {
		t.Errorf("wavelength %v, %v", w, err)
	}
	var d hal.Distance
	if err := d.Set("8.5cm"); err != nil || d != 85 || d.String() != "85mm" || !hal.InHover(d) {
		t.Errorf("distance %v, %v", d, err)
	}
}

func TestSubtractAmbient(t *testing.T) {
	var on, off hal.Frame
	on.Init(2, 1, hal.Gray8)
	off.Init(2, 1, hal.Gray8)
	copy(on.Pix, []byte{100, 10})
	copy(off.Pix, []byte{30, 20})
	on.LED = 1
	hal.SubtractAmbient(&off, &on, &off)
	if off.Pix[0] != 70 || off.Pix[1] != 0 || off.LED != 1 {
		t.Errorf("got %v, LED %v", off.Pix, off.LED)
	}
}

// slowSensor gives numbered frames as fast as they are asked for.
type slowSensor struct {
	mu     sync.Mutex
	seq    uint64
	halted chan struct{}
	once   sync.Once
}

func (s *slowSensor) String() string         { return "slow" }
func (s *slowSensor) Halt() error            { s.once.Do(func() { close(s.halted) }); return nil }
func (s *slowSensor) Modes() []hal.Mode      { return []hal.Mode{{Width: 1, Height: 1, Format: hal.Gray8}} }
func (s *slowSensor) Mode() hal.Mode         { return s.Modes()[0] }
func (s *slowSensor) SetMode(hal.Mode) error { return nil }
func (s *slowSensor) Capture(ctx context.Context, f *hal.Frame) error {
	select {
	case <-s.halted:
		return fmt.Errorf("slow: %w", hal.ErrClosed)
	case <-ctx.Done():
		return ctx.Err()
	case <-time.After(time.Millisecond):
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	f.Init(1, 1, hal.Gray8)
	f.Seq = s.seq
	s.seq++
	return nil
}

func TestStreamDropsOldest(t *testing.T) {
	s := &slowSensor{halted: make(chan struct{})}
	st := hal.NewStream(context.Background(), s, 2)
	time.Sleep(50 * time.Millisecond) // a consumer that falls behind
	a := <-st.C
	b := <-st.C
	if st.Dropped() == 0 {
		t.Error("nothing dropped for a slow consumer")
	}
	if b.Seq <= a.Seq || a.Seq < 5 {
		t.Errorf("got frames %d, %d: want recent ones, in order", a.Seq, b.Seq)
	}
	s.Halt()
	for range st.C {
	}
	if !errors.Is(st.Err(), hal.ErrClosed) {
		t.Errorf("Err = %v", st.Err())
	}
}

func TestOpenUnknown(t *testing.T) {
	if _, err := hal.Open("nosuch"); !errors.Is(err, hal.ErrNotPresent) {
		t.Errorf("Open(nosuch) = %v", err)
	}
}

// hover captures one scripted hover of a synthetic device.
func hover(tb testing.TB) []*hal.Frame {
	o := synthetic.DefaultOptions
	d, err := synthetic.New(&o)
	if err != nil {
		tb.Fatal(err)
	}
	defer d.Halt()
	hv := o.Hover
	var frames []*hal.Frame
	for range hv.Idle + hv.Approach + hv.Steady + hv.Leave {
		f := new(hal.Frame)
		if err := d.Camera.Capture(context.Background(), f); err != nil {
			tb.Fatal(err)
		}
		frames = append(frames, f)
	}
	return frames
}

func TestBestFrame(t *testing.T) {
	frames := hover(t)
	i, err := hal.BestFrame(frames)
	if err != nil {
		t.Fatal(err)
	}
	hv := synthetic.DefaultOptions.Hover
	if i < hv.Idle+hv.Approach-1 || i >= hv.Idle+hv.Approach+hv.Steady {
		t.Errorf("best frame %d at %v, want one of the steady frames %d..%d", i, frames[i].Distance, hv.Idle+hv.Approach, hv.Idle+hv.Approach+hv.Steady-1)
	}
	if _, err := hal.BestFrame(frames[:hv.Idle/2]); err != nil {
		t.Logf("idle frames: %v", err) // no distance: judged on focus alone
	}
}

func BenchmarkBestFrame(b *testing.B) {
	frames := hover(b)
	b.ResetTimer()
	for b.Loop() {
		if _, err := hal.BestFrame(frames); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkSyntheticCapture640x480(b *testing.B) {
	d, err := synthetic.New(nil)
	if err != nil {
		b.Fatal(err)
	}
	defer d.Halt()
	var f hal.Frame
	ctx := context.Background()
	hv := synthetic.DefaultOptions.Hover
	for range hv.Idle + hv.Approach + hv.Steady + hv.Leave { // render and place the whole cycle
		if err := d.Camera.Capture(ctx, &f); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		if err := d.Camera.Capture(ctx, &f); err != nil {
			b.Fatal(err)
		}
	}
}

// A door reader's capture loop: wait for a palm, take frames while it
// hovers, keep the best.
func Example() {
	dev, err := hal.Open("synthetic:id=3")
	if err != nil {
		fmt.Println(err)
		return
	}
	defer dev.Halt()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()

	d, err := hal.WaitHover(ctx, dev.Presence, false, 0)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println("palm in range:", hal.InHover(d))
	var frames []*hal.Frame
	for {
		f := new(hal.Frame)
		if err := dev.Camera.Capture(ctx, f); err != nil {
			fmt.Println(err)
			return
		}
		if !hal.InHover(f.Distance) {
			break // the palm has left
		}
		frames = append(frames, f)
	}
	best, err := hal.BestFrame(frames)
	if err != nil {
		fmt.Println(err)
		return
	}
	f := frames[best]
	fmt.Println(f.Sensor, f.Bounds().Size(), f.Wavelength, hal.InHover(f.Distance))
	// Output:
	// palm in range: true
	// synthetic/nir850 (640,480) 850nm true
}
