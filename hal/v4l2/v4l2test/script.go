package v4l2test

import (
	"io"
	"syscall"

	"github.com/palmid/palmid/hal/v4l2"
)

// Script builds a log by hand: the calls a fictional camera expects and
// what it answers. Its methods append to the log and return the Script.
type Script struct {
	entries  []entry
	comments map[int][]string
}

// Comment adds a comment line before the next call.
func (s *Script) Comment(text string) *Script {
	if s.comments == nil {
		s.comments = map[int][]string{}
	}
	s.comments[len(s.entries)] = append(s.comments[len(s.entries)], text)
	return s
}

// Open expects the device at path to be opened and returns fd, or fails
// with errno when it is not 0.
func (s *Script) Open(path string, fd int, errno syscall.Errno) *Script {
	s.entries = append(s.entries, entry{op: opOpen, path: path, fd: fd, err: errno})
	return s
}

// Close expects fd to be closed.
func (s *Script) Close(fd int) *Script {
	s.entries = append(s.entries, entry{op: opClose, fd: fd})
	return s
}

// Ioctl expects request req with argument in, and answers out; with errno
// not 0 it fails instead and out is ignored.
func (s *Script) Ioctl(fd int, req uint32, in, out []byte, errno syscall.Errno) *Script {
	e := entry{op: opIoctl, fd: fd, req: req, in: in, out: out, err: errno}
	if errno != 0 {
		e.out = nil
	}
	s.entries = append(s.entries, e)
	return s
}

// Mmap expects a mapping of length bytes at offset.
func (s *Script) Mmap(fd int, offset int64, length int) *Script {
	s.entries = append(s.entries, entry{op: opMmap, fd: fd, off: offset, length: length})
	return s
}

// Munmap expects the mapping at offset to be unmapped.
func (s *Script) Munmap(offset int64) *Script {
	s.entries = append(s.entries, entry{op: opMunmap, off: offset})
	return s
}

// Poll expects a poll and answers it.
func (s *Script) Poll(fd int, ready, failed bool) *Script {
	s.entries = append(s.entries, entry{op: opPoll, fd: fd, ready: ready, failed: failed})
	return s
}

// Fill writes data into the mapping at offset after the last call.
func (s *Script) Fill(offset int64, data []byte) *Script {
	e := &s.entries[len(s.entries)-1]
	e.fills = append(e.fills, fill{offset, data})
	return s
}

// Loop starts calls that may repeat any number of times, up to End.
func (s *Script) Loop() *Script {
	s.entries = append(s.entries, entry{op: opLoop})
	return s
}

// Opt starts calls that may be made once or not at all, up to End.
func (s *Script) Opt() *Script {
	s.entries = append(s.entries, entry{op: opOpt})
	return s
}

// End ends a Loop or Opt.
func (s *Script) End() *Script {
	s.entries = append(s.entries, entry{op: opEnd})
	return s
}

// WriteTo writes the log.
func (s *Script) WriteTo(w io.Writer) (int64, error) {
	cw := &countWriter{w: w}
	for i := range s.entries {
		for _, c := range s.comments[i] {
			io.WriteString(cw, "# "+c+"\n")
		}
		if err := s.entries[i].format(cw, v4l2.IoctlName); err != nil {
			return cw.n, err
		}
	}
	return cw.n, nil
}

type countWriter struct {
	w io.Writer
	n int64
}

func (c *countWriter) Write(p []byte) (int, error) {
	n, err := c.w.Write(p)
	c.n += int64(n)
	return n, err
}
