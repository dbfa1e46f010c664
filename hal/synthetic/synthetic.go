package synthetic

import (
	"context"
	"fmt"
	"image"
	"image/draw"
	"math"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/palmid/palmid/hal"
	"github.com/palmid/palmid/synth"
)

// Hover is the scripted sequence a palm follows, in frames. It repeats:
// Idle frames with no palm, Approach from Far to the working distance (10
// cm), Steady at the working distance (with a small tremor), Leave back to
// Far.
type Hover struct {
	Idle, Approach, Steady, Leave int
	Far                           hal.Distance // where the palm enters and leaves view; 0 means 250 mm
}

// FaultKind is a scripted failure.
type FaultKind int

// The faults. Timeout and Drop are transient; Disconnect lasts until the
// device is reopened.
const (
	Timeout    FaultKind = iota + 1 // Capture returns hal.ErrTimeout
	Drop                            // Capture returns hal.ErrDropped; the frame's Seq is skipped
	Disconnect                      // Capture and Distance return hal.ErrDisconnected from then on
)

// Fault makes capture number Frame (counted from 0 per camera) fail.
type Fault struct {
	Frame uint64
	Kind  FaultKind
}

// Options describe a synthetic device.
type Options struct {
	Seed     uint64 // population seed
	Identity int    // identity index in the population
	Sample   int    // synth sample the pose is rendered from
	synth.Difficulty
	// Width and Height of the frames; 0 means 640x480 for the NIR cameras
	// and 1280x960 for the phone.
	Width, Height int
	// FPS paces the cameras: the scene moves with the clock and Capture
	// waits for the next frame. 0 means unpaced: each Capture of the main
	// camera moves the scene one frame on and returns at once, and so does
	// each presence reading that follows another with no capture between
	// them.
	FPS     float64
	Hover   Hover
	Ambient float64 // ambient NIR light in [0, 1]
	Second  bool    // add a 940 nm vein camera beside the 850 nm palm camera
	Faults  []Fault // scripted faults of the main camera
	// Attack presents an artefact instead of the live palm: a printed
	// photo, a screen replay or a silicone hand (synth.RenderAttack), held
	// in the hover script like a palm. The zero value is a live palm.
	Attack synth.Attack
}

// DefaultOptions are used for a nil *Options.
var DefaultOptions = Options{
	Hover:   Hover{Idle: 4, Approach: 8, Steady: 12, Leave: 6, Far: 250},
	Ambient: 0.15,
}

const (
	working = 100.0 // mm: the distance synth's nominal 2 px/mm corresponds to
	name    = "synthetic"
)

func init() {
	hal.Register(name, 0, func(arg string) (*hal.Device, error) {
		if arg == "" {
			return nil, fmt.Errorf("%s: never the default device: %w", name, hal.ErrNotPresent)
		}
		o, err := parseArg(arg)
		if err != nil {
			return nil, err
		}
		return New(&o)
	})
}

// parseArg reads "id=3,seed=1,fps=30,second,attack=print" (any subset,
// "default" for none).
func parseArg(arg string) (Options, error) {
	o := DefaultOptions
	for kv := range strings.SplitSeq(arg, ",") {
		k, v, _ := strings.Cut(kv, "=")
		var err error
		switch k {
		case "default", "":
		case "id":
			o.Identity, err = strconv.Atoi(v)
		case "seed":
			o.Seed, err = strconv.ParseUint(v, 10, 64)
		case "sample":
			o.Sample, err = strconv.Atoi(v)
		case "fps":
			o.FPS, err = strconv.ParseFloat(v, 64)
		case "ambient":
			o.Ambient, err = strconv.ParseFloat(v, 64)
		case "second":
			o.Second = true
		case "attack":
			o.Attack, err = synth.ParseAttack(v)
		case "difficulty":
			o.Difficulty, err = synth.ParseDifficulty(v)
		default:
			err = fmt.Errorf("unknown option %q", k)
		}
		if err != nil {
			return o, fmt.Errorf("%s: bad argument %q: %v", name, arg, err)
		}
	}
	return o, nil
}

// New returns a synthetic palm device: an 850 nm camera (NIR palm surface),
// a 940 nm vein camera when o.Second is set, LEDs at both wavelengths (on at
// full level) and a presence sensor following the hover script.
func New(o *Options) (*hal.Device, error) {
	if o == nil {
		o = &DefaultOptions
	}
	r, err := newRig(o)
	if err != nil {
		return nil, err
	}
	r.base.start()
	d := &hal.Device{Name: name, LEDs: &LEDs{rig: r, halter: newHalter()}, Presence: &Presence{rig: r, halter: newHalter()}}
	d.Camera = newCamera(r, hal.NIR850, true, o.Faults)
	if o.Second {
		d.Second = newCamera(r, hal.NIR940, false, nil)
	}
	return d, nil
}

// NewPhone returns a phone camera giving RGB photos of the whole
// hand, a different synth sample for each of samples captures in turn
// (4 when samples < 1). It has no LEDs or presence sensor.
func NewPhone(o *Options, samples int) (*Camera, error) {
	if o == nil {
		o = &DefaultOptions
	}
	r, err := newRig(o)
	if err != nil {
		return nil, err
	}
	c := newCamera(r, hal.Visible, true, o.Faults)
	c.samples = max(samples, 1)
	if samples < 1 {
		c.samples = 4
	}
	c.name = name + "/phone"
	w, h := 1280, 960
	if o.Width != 0 || o.Height != 0 {
		w, h = r.w, r.h
	}
	c.modes = []hal.Mode{{Width: w, Height: h, Format: hal.RGB24, FPS: o.FPS}}
	c.mode = c.modes[0]
	c.phone = make([]lazy, c.samples)
	for k := range c.phone {
		c.phone[k] = newLazy(func() []byte {
			cp := r.id.RenderAttack(r.o.Attack, synth.Phone, r.o.Sample+k, &synth.Options{Difficulty: r.o.Difficulty, Width: w, Height: h})
			return toRGB(cp.Image)
		})
	}
	return c, nil
}

// rig is the scene shared by a device's parts: the palm's script and clock
// and the LED levels.
type rig struct {
	o     Options
	id    *synth.Identity
	w, h  int
	cycle int
	start time.Time

	mu      sync.Mutex
	pos     int  // unpaced: the scene's frame number
	polled  bool // unpaced: Distance was called since the last Capture
	led     [2]float64
	lost    bool        // disconnected
	base    lazy        // the renders below
	palm    *image.Gray // base renders at the working distance
	vein    *image.Gray
	amb     []byte   // ambient light over an empty scene
	lit     [][]byte // per cycle position and camera: the palm at full LED
	litVein [][]byte
	placed  [2][]bool // whether lit and litVein hold their image yet
	col     []int     // scratch for place
}

func newRig(o *Options) (*rig, error) {
	if o.Attack < synth.Live || o.Attack > synth.Silicone {
		return nil, fmt.Errorf("%s: attack %v: %w", name, o.Attack, hal.ErrUnsupportedMode)
	}
	r := &rig{o: *o, start: time.Now(), led: [2]float64{1, 1}}
	r.w, r.h = o.Width, o.Height
	if r.w == 0 && r.h == 0 {
		r.w, r.h = 640, 480
	}
	if r.w < 16 || r.h < 16 || r.w > 4096 || r.h > 4096 {
		return nil, fmt.Errorf("%s: frame size %dx%d: %w", name, r.w, r.h, hal.ErrUnsupportedMode)
	}
	if o.FPS < 0 || o.Ambient < 0 || o.Ambient > 1 {
		return nil, fmt.Errorf("%s: FPS %g, ambient %g: %w", name, o.FPS, o.Ambient, hal.ErrUnsupportedMode)
	}
	hv := &r.o.Hover
	if hv.Far == 0 {
		hv.Far = 250
	}
	r.cycle = hv.Idle + hv.Approach + hv.Steady + hv.Leave
	if r.cycle == 0 {
		hv.Steady, r.cycle = 1, 1
	}
	r.id = synth.NewIdentity(o.Seed, o.Identity)
	r.base = newLazy(func() []byte { r.render(); return nil })
	r.amb = make([]byte, r.w*r.h)
	for y := range r.h {
		for x := range r.w {
			// A soft gradient, as from a window on one side.
			g := 0.6 + 0.4*float64(x)/float64(r.w) - 0.2*float64(y)/float64(r.h)
			r.amb[y*r.w+x] = byte(min(255, 90*o.Ambient*g))
		}
	}
	return r, nil
}

// at returns the palm's distance, lateral offset (px) and speed (mm per
// frame) at scene frame pos.
func (r *rig) at(pos int) (d hal.Distance, dx, speed float64) {
	hv := r.o.Hover
	p := pos % r.cycle
	far := float64(hv.Far)
	switch {
	case p < hv.Idle:
		return 0, 0, 0
	case p < hv.Idle+hv.Approach:
		t := float64(p-hv.Idle+1) / float64(hv.Approach)
		s := (far - working) / float64(hv.Approach)
		return hal.Distance(far + (working-far)*t), 40 * (1 - t), s
	case p < hv.Idle+hv.Approach+hv.Steady:
		q := p - hv.Idle - hv.Approach
		tremor := 2 * math.Sin(float64(q)*1.7)
		return hal.Distance(working + tremor), tremor / 2, 1
	default:
		t := float64(p-hv.Idle-hv.Approach-hv.Steady+1) / float64(hv.Leave)
		s := (far - working) / float64(hv.Leave)
		return hal.Distance(working + (far-working)*t), -60 * t, s
	}
}

// poll returns the scene's current frame for the presence sensor: the
// clock's in paced mode. Unpaced, a poll that follows another poll with no
// capture between them moves the scene one frame on, so that a host waiting
// for a palm sees it arrive.
func (r *rig) poll() int {
	if r.o.FPS > 0 {
		return int(time.Since(r.start).Seconds() * r.o.FPS)
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.polled {
		r.pos++
	}
	r.polled = true
	return r.pos
}

// render renders the base images; it runs once, in the background.
func (r *rig) render() {
	opts := &synth.Options{Difficulty: r.o.Difficulty, Width: r.w, Height: r.h, PxPerMM: 2}
	p, v := r.id.RenderAttackDevice(r.o.Attack, r.o.Sample, opts)
	r.palm, r.vein = p.Image.(*image.Gray), v.Image.(*image.Gray)
	// Room for every position of the cycle, so that capturing never
	// allocates.
	n := r.w * r.h
	buf := make([]byte, 2*r.cycle*n)
	r.lit, r.litVein = make([][]byte, r.cycle), make([][]byte, r.cycle)
	for i := range r.cycle {
		r.lit[i] = buf[2*i*n : (2*i+1)*n]
		r.litVein[i] = buf[(2*i+1)*n : (2*i+2)*n]
	}
	r.placed = [2][]bool{make([]bool, r.cycle), make([]bool, r.cycle)}
	r.col = make([]int, r.h)
}

// image returns the palm at full LED for scene frame pos, placing and
// caching it on first use. r.base must be done.
func (r *rig) image(pos int, vein bool) []byte {
	p := pos % r.cycle
	r.mu.Lock()
	defer r.mu.Unlock()
	cache, src, placed := r.lit, r.palm, r.placed[0]
	if vein {
		cache, src, placed = r.litVein, r.vein, r.placed[1]
	}
	if !placed[p] {
		if d, dx, speed := r.at(p); d > 0 {
			place(cache[p], src, r.w, r.h, working/float64(d), dx, int(speed/3), r.col)
		}
		placed[p] = true
	}
	return cache[p]
}

// place draws src scaled by s about the frame centre and shifted by dx
// pixels into dst, then blurs it vertically with a box of 2*blur+1 rows
// (motion towards or away from the sensor).
func place(dst []byte, src *image.Gray, w, h int, s, dx float64, blur int, col []int) {
	cx, cy := float64(w)/2, float64(h)/2
	for y := range h {
		sy := (float64(y)-cy)/s + cy
		for x := range w {
			sx := (float64(x)-cx-dx)/s + cx
			dst[y*w+x] = bilinear(src, sx, sy)
		}
	}
	if blur <= 0 {
		return
	}
	for x := range w {
		for y := range h {
			col[y] = int(dst[y*w+x])
		}
		for y := range h {
			sum, n := 0, 0
			for k := max(0, y-blur); k <= min(h-1, y+blur); k++ {
				sum += col[k]
				n++
			}
			dst[y*w+x] = byte(sum / n)
		}
	}
}

func bilinear(g *image.Gray, x, y float64) byte {
	b := g.Rect
	if x < float64(b.Min.X) || y < float64(b.Min.Y) || x > float64(b.Max.X-1) || y > float64(b.Max.Y-1) {
		return 0
	}
	x0, y0 := int(x), int(y)
	x1, y1 := min(x0+1, b.Max.X-1), min(y0+1, b.Max.Y-1)
	fx, fy := x-float64(x0), y-float64(y0)
	p := func(x, y int) float64 { return float64(g.Pix[(y-b.Min.Y)*g.Stride+x-b.Min.X]) }
	v := (p(x0, y0)*(1-fx)+p(x1, y0)*fx)*(1-fy) + (p(x0, y1)*(1-fx)+p(x1, y1)*fx)*fy
	return byte(v + 0.5)
}

// toRGB converts a rendered phone photo to packed RGB.
func toRGB(m image.Image) []byte {
	b := m.Bounds()
	rgba := image.NewRGBA(b)
	draw.Draw(rgba, b, m, b.Min, draw.Src)
	out := make([]byte, 0, b.Dx()*b.Dy()*3)
	for i := 0; i < len(rgba.Pix); i += 4 {
		out = append(out, rgba.Pix[i], rgba.Pix[i+1], rgba.Pix[i+2])
	}
	return out
}

// ledIndex maps a wavelength to its LED channel.
func ledIndex(w hal.Wavelength) int {
	switch w {
	case hal.NIR850:
		return 0
	case hal.NIR940:
		return 1
	}
	return -1
}

// halter is the Halt state every part shares.
type halter struct {
	once   sync.Once
	closed chan struct{}
	halted atomic.Bool
}

func newHalter() halter { return halter{closed: make(chan struct{})} }

func (h *halter) halt() {
	h.once.Do(func() {
		h.halted.Store(true)
		close(h.closed)
	})
}

// lazy runs a slow job (a render) once, in the background, and lets callers
// wait for it while honouring their context, as they would wait for
// hardware.
type lazy struct {
	once sync.Once
	job  func() []byte
	done chan struct{}
	val  []byte
}

func newLazy(job func() []byte) lazy { return lazy{job: job, done: make(chan struct{})} }

// start starts the job unless it has started.
func (l *lazy) start() {
	l.once.Do(func() {
		go func() {
			l.val = l.job()
			close(l.done)
		}()
	})
}

// wait starts the job on first use and waits for it to finish, for ctx to be
// done or for closed to close.
func (l *lazy) wait(ctx context.Context, closed <-chan struct{}) error {
	l.start()
	select {
	case <-l.done:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	case <-closed:
		return hal.ErrClosed
	}
}
