package v4l2test

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"strings"
	"sync"
	"time"

	"github.com/palmid/palmid/hal/v4l2"
)

// Playback is a v4l2.Sys that replays a log: each call must be the next
// one the log expects (loops allowing), with the same arguments, and gets
// the recorded results. A call that differs fails with an error, as do all
// later calls; Done reports it, or the calls left unconsumed.
// Playback is safe for concurrent use and allocates nothing per call once
// the buffers are mapped.
type Playback struct {
	mu      sync.Mutex
	entries []entry
	cur     []int // positions that the calls so far may have reached
	next    []int
	seen    []bool
	maps    map[int64][]byte
	err     error
}

// NewPlayback parses a log.
func NewPlayback(r io.Reader) (*Playback, error) {
	entries, err := parse(r, v4l2.IoctlByName)
	if err != nil {
		return nil, err
	}
	p := &Playback{entries: entries, cur: make([]int, 0, len(entries)+1),
		next: make([]int, 0, len(entries)+1), seen: make([]bool, len(entries)+1), maps: map[int64][]byte{}}
	p.cur = p.closure(append(p.next[:0], 0), p.cur)
	return p, nil
}

// closure expands positions through loop and end markers into dst.
func (p *Playback) closure(src, dst []int) []int {
	clear(p.seen)
	dst = dst[:0]
	var add func(i int)
	add = func(i int) {
		if p.seen[i] {
			return
		}
		p.seen[i] = true
		if i < len(p.entries) {
			switch e := &p.entries[i]; e.op {
			case opLoop, opOpt:
				add(i + 1)
				add(e.pair + 1)
				return
			case opEnd:
				if p.entries[e.pair].op == opLoop {
					add(e.pair + 1)
				}
				add(i + 1)
				return
			}
		}
		dst = append(dst, i)
	}
	for _, i := range src {
		add(i)
	}
	return dst
}

// errPlayback is what a call that differs from the log returns.
var errPlayback = errors.New("v4l2test: call differs from the playback log")

// step finds the entry that a call matches and advances past it.
func (p *Playback) step(match func(e *entry) bool, what func() string) (*entry, error) {
	if p.err != nil {
		return nil, p.err
	}
	var found *entry
	p.next = p.next[:0]
	for _, i := range p.cur {
		if i < len(p.entries) && match(&p.entries[i]) {
			if found == nil {
				found = &p.entries[i]
			}
			p.next = append(p.next, i+1)
		}
	}
	if found == nil {
		p.err = fmt.Errorf("%w: got %s, want %s", errPlayback, what(), p.expected())
		return nil, p.err
	}
	src := p.next
	p.next = p.cur
	p.cur = p.closure(src, p.next)
	p.next = src
	return found, nil
}

func (p *Playback) expected() string {
	var want []string
	for _, i := range p.cur {
		if i == len(p.entries) {
			want = append(want, "the end")
			continue
		}
		var b strings.Builder
		p.entries[i].format(&b, v4l2.IoctlName)
		want = append(want, fmt.Sprintf("line %d: %.120s", p.entries[i].line, strings.TrimSpace(b.String())))
	}
	return strings.Join(want, " or ")
}

func errOf(e *entry) error {
	if e.err != 0 {
		return e.err
	}
	return nil
}

func (p *Playback) apply(e *entry) error {
	for _, f := range e.fills {
		m, ok := p.maps[f.off]
		if !ok || len(m) < len(f.data) {
			p.err = fmt.Errorf("v4l2test: log line %d fills offset %d, not mapped or too small", e.line, f.off)
			return p.err
		}
		copy(m, f.data)
	}
	return errOf(e)
}

// Open implements v4l2.Sys.
func (p *Playback) Open(path string) (int, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	e, err := p.step(func(e *entry) bool { return e.op == opOpen && e.path == path },
		func() string { return "open " + path })
	if err != nil {
		return -1, err
	}
	return e.fd, p.apply(e)
}

// Close implements v4l2.Sys.
func (p *Playback) Close(fd int) error {
	p.mu.Lock()
	defer p.mu.Unlock()
	e, err := p.step(func(e *entry) bool { return e.op == opClose && e.fd == fd },
		func() string { return fmt.Sprintf("close fd=%d", fd) })
	if err != nil {
		return err
	}
	return p.apply(e)
}

// Ioctl implements v4l2.Sys.
func (p *Playback) Ioctl(fd int, req uint32, arg []byte) error {
	p.mu.Lock()
	defer p.mu.Unlock()
	e, err := p.step(func(e *entry) bool {
		return e.op == opIoctl && e.fd == fd && e.req == req && bytes.Equal(e.in, arg)
	}, func() string {
		var b strings.Builder
		(&entry{op: opIoctl, fd: fd, req: req, in: arg}).format(&b, v4l2.IoctlName)
		return strings.TrimSpace(strings.Replace(b.String(), " out=", "", 1))
	})
	if err != nil {
		return err
	}
	if e.err == 0 {
		copy(arg, e.out)
	}
	return p.apply(e)
}

// Mmap implements v4l2.Sys: it returns a fresh zeroed buffer that later
// fills write frames into.
func (p *Playback) Mmap(fd int, offset int64, length int) ([]byte, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	e, err := p.step(func(e *entry) bool {
		return e.op == opMmap && e.fd == fd && e.off == offset && e.length == length
	}, func() string { return fmt.Sprintf("mmap fd=%d off=%d len=%d", fd, offset, length) })
	if err != nil {
		return nil, err
	}
	if e.err != 0 {
		return nil, e.err
	}
	if _, ok := p.maps[offset]; ok {
		p.err = fmt.Errorf("%w: offset %d mapped twice", errPlayback, offset)
		return nil, p.err
	}
	m := make([]byte, length)
	p.maps[offset] = m
	return m, p.apply(e)
}

// Munmap implements v4l2.Sys.
func (p *Playback) Munmap(b []byte) error {
	p.mu.Lock()
	defer p.mu.Unlock()
	off := int64(-1)
	for o, m := range p.maps {
		if len(b) > 0 && len(m) > 0 && &m[0] == &b[0] {
			off = o
		}
	}
	e, err := p.step(func(e *entry) bool { return e.op == opMunmap && e.off == off },
		func() string { return fmt.Sprintf("munmap off=%d", off) })
	if err != nil {
		return err
	}
	delete(p.maps, off)
	return p.apply(e)
}

// Poll implements v4l2.Sys; the timeout is not compared.
func (p *Playback) Poll(fd int, timeout time.Duration) (ready, failed bool, err error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	e, err := p.step(func(e *entry) bool { return e.op == opPoll && e.fd == fd },
		func() string { return fmt.Sprintf("poll fd=%d", fd) })
	if err != nil {
		return false, false, err
	}
	return e.ready, e.failed, p.apply(e)
}

// Done returns the first call that differed from the log, or an error when
// the log has calls left that were not made, or buffers left mapped.
func (p *Playback) Done() error {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.err != nil {
		return p.err
	}
	for _, i := range p.cur {
		if i == len(p.entries) {
			if len(p.maps) > 0 {
				return fmt.Errorf("v4l2test: %d buffers left mapped", len(p.maps))
			}
			return nil
		}
	}
	return fmt.Errorf("v4l2test: log not consumed: next %s", p.expected())
}

var _ v4l2.Sys = &Playback{}
