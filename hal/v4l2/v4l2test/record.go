package v4l2test

import (
	"errors"
	"io"
	"slices"
	"sync"
	"syscall"
	"time"

	"github.com/palmid/palmid/hal/v4l2"
)

// Record is a v4l2.Sys that passes calls on to another (v4l2.Host() for a
// real camera) and logs each one, with its argument bytes before and after
// and the frame a VIDIOC_DQBUF hands over, in the format Playback reads.
type Record struct {
	Sys v4l2.Sys

	mu   sync.Mutex
	w    io.Writer
	maps map[*byte]int64 // live mappings by first byte, to their offset
	bufs map[int64][]byte
	err  error
}

// NewRecord logs the calls made through sys to w.
func NewRecord(sys v4l2.Sys, w io.Writer) *Record {
	return &Record{Sys: sys, w: w, maps: map[*byte]int64{}, bufs: map[int64][]byte{}}
}

// Err returns the first error writing the log.
func (r *Record) Err() error {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.err
}

func errno(err error) syscall.Errno {
	var e syscall.Errno
	if errors.As(err, &e) {
		return e
	}
	if err != nil {
		return syscall.EIO
	}
	return 0
}

func (r *Record) log(e *entry) {
	if r.err == nil {
		r.err = e.format(r.w, v4l2.IoctlName)
	}
}

// Open implements v4l2.Sys.
func (r *Record) Open(path string) (int, error) {
	fd, err := r.Sys.Open(path)
	r.mu.Lock()
	defer r.mu.Unlock()
	r.log(&entry{op: opOpen, path: path, fd: fd, err: errno(err)})
	return fd, err
}

// Close implements v4l2.Sys.
func (r *Record) Close(fd int) error {
	err := r.Sys.Close(fd)
	r.mu.Lock()
	defer r.mu.Unlock()
	r.log(&entry{op: opClose, fd: fd, err: errno(err)})
	return err
}

// Ioctl implements v4l2.Sys.
func (r *Record) Ioctl(fd int, req uint32, arg []byte) error {
	in := slices.Clone(arg)
	err := r.Sys.Ioctl(fd, req, arg)
	r.mu.Lock()
	defer r.mu.Unlock()
	e := &entry{op: opIoctl, fd: fd, req: req, in: in, out: slices.Clone(arg), err: errno(err)}
	if err == nil && req == v4l2.VIDIOC_DQBUF && len(arg) >= v4l2.SizeBuffer {
		var b v4l2.Buffer
		b.Decode(arg)
		if m, ok := r.bufs[int64(b.Offset)]; ok {
			e.fills = []fill{{int64(b.Offset), slices.Clone(m[:min(int(b.BytesUsed), len(m))])}}
		}
	}
	r.log(e)
	return err
}

// Mmap implements v4l2.Sys.
func (r *Record) Mmap(fd int, offset int64, length int) ([]byte, error) {
	m, err := r.Sys.Mmap(fd, offset, length)
	r.mu.Lock()
	defer r.mu.Unlock()
	if err == nil && len(m) > 0 {
		r.maps[&m[0]] = offset
		r.bufs[offset] = m
	}
	r.log(&entry{op: opMmap, fd: fd, off: offset, length: length, err: errno(err)})
	return m, err
}

// Munmap implements v4l2.Sys.
func (r *Record) Munmap(b []byte) error {
	r.mu.Lock()
	off := int64(-1)
	if len(b) > 0 {
		if o, ok := r.maps[&b[0]]; ok {
			off = o
			delete(r.maps, &b[0])
			delete(r.bufs, o)
		}
	}
	r.mu.Unlock()
	err := r.Sys.Munmap(b)
	r.mu.Lock()
	defer r.mu.Unlock()
	r.log(&entry{op: opMunmap, off: off, err: errno(err)})
	return err
}

// Poll implements v4l2.Sys. Polls that time out are logged too.
func (r *Record) Poll(fd int, timeout time.Duration) (ready, failed bool, err error) {
	ready, failed, err = r.Sys.Poll(fd, timeout)
	r.mu.Lock()
	defer r.mu.Unlock()
	r.log(&entry{op: opPoll, fd: fd, ready: ready, failed: failed, err: errno(err)})
	return ready, failed, err
}

var _ v4l2.Sys = &Record{}
