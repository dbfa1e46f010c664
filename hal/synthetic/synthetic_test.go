package synthetic_test

import (
	"context"
	"errors"
	"slices"
	"testing"

	"github.com/palmid/palmid/hal"
	"github.com/palmid/palmid/hal/haltest"
	"github.com/palmid/palmid/hal/synthetic"
	"github.com/palmid/palmid/synth"
)

// small keeps renders cheap in tests.
func small() *synthetic.Options {
	o := synthetic.DefaultOptions
	o.Width, o.Height = 320, 240
	o.Second = true
	return &o
}

func TestConformanceNIR(t *testing.T) {
	haltest.TestSensor(t, func() (hal.Sensor, error) {
		d, err := synthetic.New(small())
		if err != nil {
			return nil, err
		}
		return d.Camera, nil
	})
}

func TestConformanceVein(t *testing.T) {
	haltest.TestSensor(t, func() (hal.Sensor, error) {
		d, err := synthetic.New(small())
		if err != nil {
			return nil, err
		}
		return d.Second, nil
	})
}

func TestConformancePhone(t *testing.T) {
	haltest.TestSensor(t, func() (hal.Sensor, error) {
		return synthetic.NewPhone(small(), 1)
	})
}

func TestHoverSequence(t *testing.T) {
	o := small()
	d, err := synthetic.New(o)
	if err != nil {
		t.Fatal(err)
	}
	defer d.Halt()
	ctx := context.Background()
	hv := o.Hover
	n := hv.Idle + hv.Approach + hv.Steady + hv.Leave
	var f hal.Frame
	var dist []hal.Distance
	for range n {
		p, err := d.Presence.Distance(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if err := d.Camera.Capture(ctx, &f); err != nil {
			t.Fatal(err)
		}
		if f.Distance != p {
			t.Errorf("frame %d: distance %v, presence said %v", f.Seq, f.Distance, p)
		}
		dist = append(dist, f.Distance)
	}
	for i := range hv.Idle {
		if dist[i] != 0 {
			t.Errorf("idle frame %d at %v", i, dist[i])
		}
	}
	steady := dist[hv.Idle+hv.Approach]
	if !hal.InHover(steady) {
		t.Errorf("steady distance %v outside the hover window", steady)
	}
	if dist[hv.Idle] <= steady || dist[n-1] <= steady {
		t.Errorf("approach %v and leave %v not farther than steady %v", dist[hv.Idle], dist[n-1], steady)
	}
}

func TestAmbientSubtraction(t *testing.T) {
	d, err := synthetic.New(small())
	if err != nil {
		t.Fatal(err)
	}
	defer d.Halt()
	ctx := context.Background()
	// Skip the idle frames, then take an LED-on and an LED-off frame.
	var on, off, diff hal.Frame
	for range synthetic.DefaultOptions.Hover.Idle + synthetic.DefaultOptions.Hover.Approach {
		if err := d.Camera.Capture(ctx, &on); err != nil {
			t.Fatal(err)
		}
	}
	if err := d.Camera.Capture(ctx, &on); err != nil {
		t.Fatal(err)
	}
	if err := d.LEDs.SetLevel(hal.NIR850, 0); err != nil {
		t.Fatal(err)
	}
	if err := d.Camera.Capture(ctx, &off); err != nil {
		t.Fatal(err)
	}
	if on.LED != 1 || off.LED != 0 {
		t.Fatalf("LED levels %v, %v", on.LED, off.LED)
	}
	hal.SubtractAmbient(&diff, &on, &off)
	mean := func(f *hal.Frame) float64 {
		s := 0
		for _, v := range f.Pix {
			s += int(v)
		}
		return float64(s) / float64(len(f.Pix))
	}
	if mean(&off) < 3 {
		t.Errorf("LED-off frame mean %.1f: no ambient light", mean(&off))
	}
	if m := mean(&diff); m < 10 || m >= mean(&on) {
		t.Errorf("subtracted mean %.1f, LED-on mean %.1f", m, mean(&on))
	}
	if err := d.LEDs.SetLevel(hal.NIR850, 2); !errors.Is(err, hal.ErrUnsupportedMode) {
		t.Errorf("SetLevel(2) = %v", err)
	}
}

func TestFaults(t *testing.T) {
	o := small()
	o.Faults = []synthetic.Fault{{Frame: 1, Kind: synthetic.Timeout}, {Frame: 2, Kind: synthetic.Drop}, {Frame: 4, Kind: synthetic.Disconnect}}
	d, err := synthetic.New(o)
	if err != nil {
		t.Fatal(err)
	}
	defer d.Halt()
	want := []error{nil, hal.ErrTimeout, hal.ErrDropped, nil, hal.ErrDisconnected, hal.ErrDisconnected}
	var f hal.Frame
	for i, w := range want {
		err := d.Camera.Capture(context.Background(), &f)
		if !errors.Is(err, w) || (w == nil) != (err == nil) {
			t.Errorf("capture %d: %v, want %v", i, err, w)
		}
	}
	if _, err := d.Presence.Distance(context.Background()); !errors.Is(err, hal.ErrDisconnected) {
		t.Errorf("presence after disconnect: %v", err)
	}
}

func TestRegistry(t *testing.T) {
	d, err := hal.Open("synthetic:id=2,seed=7")
	if err != nil {
		t.Fatal(err)
	}
	d.Halt()
	if _, err := hal.Open("synthetic:bogus=1"); err == nil || errors.Is(err, hal.ErrNotPresent) {
		t.Errorf("bad argument: %v", err)
	}
	if _, err := hal.Open(""); !errors.Is(err, hal.ErrNotPresent) {
		t.Errorf("default device: %v, want ErrNotPresent (synthetic is never the default)", err)
	}
}

// TestConformanceAttacks runs the suite on a device presenting a print
// (vein camera) and a phone camera seeing a screen; TestAttackFrames covers
// every attack.
func TestConformanceAttacks(t *testing.T) {
	t.Run("print", func(t *testing.T) {
		o := small()
		o.Attack = synth.Print
		haltest.TestSensor(t, func() (hal.Sensor, error) {
			d, err := synthetic.New(o)
			if err != nil {
				return nil, err
			}
			return d.Second, nil
		})
	})
	t.Run("phone-screen", func(t *testing.T) {
		o := small()
		o.Attack = synth.Screen
		haltest.TestSensor(t, func() (hal.Sensor, error) { return synthetic.NewPhone(o, 1) })
	})
}

// TestAttackFrames opens attacks through the registry and checks that the
// steady frames show them: a screen is darker than the live palm under NIR,
// and every attack differs from it.
func TestAttackFrames(t *testing.T) {
	steady := func(arg string) (mean float64, pix []byte) {
		d, err := hal.Open("synthetic:" + arg)
		if err != nil {
			t.Fatal(err)
		}
		defer d.Halt()
		var f hal.Frame
		hv := synthetic.DefaultOptions.Hover
		for range hv.Idle + hv.Approach + 2 {
			if err := d.Camera.Capture(context.Background(), &f); err != nil {
				t.Fatal(err)
			}
		}
		s := 0
		for _, v := range f.Pix {
			s += int(v)
		}
		return float64(s) / float64(len(f.Pix)), slices.Clone(f.Pix)
	}
	live, livePix := steady("id=1,seed=2")
	for _, a := range synth.Attacks {
		m, pix := steady("id=1,seed=2,attack=" + a.String())
		if slices.Equal(pix, livePix) {
			t.Errorf("%v: frame identical to the live palm's", a)
		}
		if a == synth.Screen && m > live*0.6 {
			t.Errorf("screen frame mean %.1f, live %.1f: a screen should look dark under NIR", m, live)
		}
	}
	if _, err := hal.Open("synthetic:attack=mask"); err == nil {
		t.Error("attack=mask accepted")
	}
	if _, err := synthetic.New(&synthetic.Options{Attack: 9}); !errors.Is(err, hal.ErrUnsupportedMode) {
		t.Errorf("Attack 9: %v", err)
	}
}
