package replay

import (
	"bufio"
	"context"
	"fmt"
	"image"
	"image/png"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/palmid/palmid/hal"
)

// SessionFile is the index of a recorded session, in the session's folder.
const SessionFile = "session.tsv"

var columns = []string{"file", "format", "sensor", "seq", "time_ns", "wavelength_nm", "exposure_ns", "gain", "led", "distance_mm", "error"}

// Recorder is a hal.Sensor that captures from another sensor and saves every
// frame, with its metadata, and every timeout, dropped frame and disconnect,
// as a session that Playback replays exactly. Frames are saved as lossless
// PNG (8- or 16-bit grey, or RGB). Capture returns what the wrapped sensor
// returned, after saving it; saving errors end the recording and are
// returned by Halt.
type Recorder struct {
	hal.Sensor
	dir string

	mu   sync.Mutex
	tsv  *os.File
	w    *bufio.Writer
	n    int
	werr error
}

// Record starts recording the frames captured through the returned Recorder
// into dir, which is created if needed and must not hold a session already.
func Record(s hal.Sensor, dir string) (*Recorder, error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	f, err := os.OpenFile(filepath.Join(dir, SessionFile), os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	r := &Recorder{Sensor: s, dir: dir, tsv: f, w: bufio.NewWriter(f)}
	r.w.WriteString(strings.Join(columns, "\t") + "\n")
	return r, nil
}

// Capture implements hal.Sensor.
func (r *Recorder) Capture(ctx context.Context, f *hal.Frame) error {
	err := r.Sensor.Capture(ctx, f)
	en := errorName(err)
	if err != nil && en == "" {
		return err // context, halt and other errors are not part of the session
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.werr != nil || r.tsv == nil {
		return err
	}
	file := ""
	fields := []string{"", "", r.Sensor.String(), "", "", "", "", "", "", "", en}
	if err == nil {
		file = fmt.Sprintf("frame-%06d.png", r.n)
		r.n++
		if r.werr = savePNG(filepath.Join(r.dir, file), f); r.werr != nil {
			return err
		}
		m := f.Meta
		fields = []string{file, f.Format.String(), m.Sensor, strconv.FormatUint(m.Seq, 10),
			strconv.FormatInt(m.Time.UnixNano(), 10), strconv.Itoa(int(m.Wavelength)),
			strconv.FormatInt(int64(m.Exposure), 10), strconv.FormatFloat(m.Gain, 'g', -1, 64),
			strconv.FormatFloat(m.LED, 'g', -1, 64), strconv.FormatFloat(float64(m.Distance), 'g', -1, 64), ""}
	}
	_, r.werr = r.w.WriteString(strings.Join(fields, "\t") + "\n")
	return err
}

// Halt finishes the session and halts the wrapped sensor.
func (r *Recorder) Halt() error {
	r.mu.Lock()
	if r.tsv != nil {
		if err := r.w.Flush(); r.werr == nil {
			r.werr = err
		}
		if err := r.tsv.Close(); r.werr == nil {
			r.werr = err
		}
		r.tsv = nil
	}
	werr := r.werr
	r.mu.Unlock()
	if err := r.Sensor.Halt(); err != nil {
		return err
	}
	if werr != nil {
		return fmt.Errorf("%s: recording %s: %w", name, r.dir, werr)
	}
	return nil
}

func savePNG(file string, f *hal.Frame) error {
	var m image.Image
	switch f.Format {
	case hal.Gray8, hal.Gray16:
		m = f.Image()
	default:
		rgba := image.NewRGBA(image.Rect(0, 0, f.Rect.Dx(), f.Rect.Dy()))
		for y := range f.Rect.Dy() {
			for x := range f.Rect.Dx() {
				i, j := y*f.Stride+3*x, y*rgba.Stride+4*x
				copy(rgba.Pix[j:j+3], f.Pix[i:i+3])
				rgba.Pix[j+3] = 0xff
			}
		}
		m = rgba
	}
	out, err := os.Create(file)
	if err != nil {
		return err
	}
	if err := png.Encode(out, m); err != nil {
		out.Close()
		return err
	}
	return out.Close()
}

// Playback replays a session written by Record: the same frames, with the
// same metadata (sensor name, sequence numbers, timestamps, LED levels,
// distances) and the same errors at the same places. The sensor's name is
// the recorded sensor's.
func Playback(dir string, o *Options) (*Sensor, error) {
	if o == nil {
		o = &Options{}
	}
	data, err := os.ReadFile(filepath.Join(dir, SessionFile))
	if err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	lines := strings.Split(strings.TrimRight(string(data), "\n"), "\n")
	if len(lines) == 0 || lines[0] != strings.Join(columns, "\t") {
		return nil, fmt.Errorf("%s: %s: not a session index", name, dir)
	}
	s := &Sensor{loop: o.Loop, session: true}
	var first, last time.Time
	for n, line := range lines[1:] {
		c := strings.Split(line, "\t")
		bad := func(what string) error {
			return fmt.Errorf("%s: %s line %d: bad %s", name, SessionFile, n+2, what)
		}
		if len(c) != len(columns) {
			return nil, bad("column count")
		}
		if s.name == "" {
			s.name = c[2]
		}
		var e entry
		if c[10] != "" {
			if e.err = errorNames[c[10]]; e.err == nil {
				return nil, bad("error")
			}
			s.entries = append(s.entries, e)
			continue
		}
		if err := load(&e.f, filepath.Join(dir, filepath.Base(c[0]))); err != nil {
			return nil, err
		}
		if e.f.Format.String() != c[1] {
			return nil, bad("format")
		}
		seq, err1 := strconv.ParseUint(c[3], 10, 64)
		ns, err2 := strconv.ParseInt(c[4], 10, 64)
		wl, err3 := strconv.Atoi(c[5])
		exp, err4 := strconv.ParseInt(c[6], 10, 64)
		gain, err5 := strconv.ParseFloat(c[7], 64)
		led, err6 := strconv.ParseFloat(c[8], 64)
		dist, err7 := strconv.ParseFloat(c[9], 64)
		for _, err := range []error{err1, err2, err3, err4, err5, err6, err7} {
			if err != nil {
				return nil, bad("metadata: " + err.Error())
			}
		}
		e.f.Meta = hal.Meta{Sensor: c[2], Seq: seq, Time: time.Unix(0, ns), Wavelength: hal.Wavelength(wl),
			Exposure: time.Duration(exp), Gain: gain, LED: led, Distance: hal.Distance(dist)}
		if first.IsZero() {
			first = e.f.Time
		}
		last = e.f.Time
		s.lastSeq = max(s.lastSeq, seq)
		s.entries = append(s.entries, e)
	}
	if err := s.check(); err != nil {
		return nil, err
	}
	frames := len(s.entries)
	s.span = last.Sub(first) + last.Sub(first)/time.Duration(max(frames-1, 1)) + time.Millisecond
	return s, nil
}
