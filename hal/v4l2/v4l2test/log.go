// Package v4l2test records the system calls of the v4l2 driver and plays
// them back, so that the driver is tested without a camera, in the manner
// of periph.io's conntest.
//
// # Logs
//
// A log is text, one call a line, fields separated by spaces:
//
//	open /dev/video0 fd=3
//	ioctl fd=3 VIDIOC_QUERYCAP in=<hex> out=<hex>
//	ioctl fd=3 VIDIOC_ENUM_FMT in=<hex> err=EINVAL
//	mmap fd=3 off=0 len=307200
//	poll fd=3 ready=1
//	ioctl fd=3 VIDIOC_DQBUF in=<hex> out=<hex>
//	fill off=0 data=<base64 of deflated bytes>
//	munmap off=0
//	close fd=3
//
// A fill line writes bytes into the mapping made at that offset after the
// call before it: the frame a DQBUF handed over. Lines between "loop" and
// "end" may be played any number of times, none included (the frames of a
// stream); lines between "opt" and "end" once or not at all. They nest. Blank lines and lines starting with # are comments.
//
// Record writes logs from a real seam; Script builds them by hand; Playback
// replays them.
package v4l2test

import (
	"bufio"
	"bytes"
	"compress/flate"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"io"
	"strconv"
	"strings"
	"syscall"
)

type op int

const (
	opOpen op = iota + 1
	opClose
	opIoctl
	opMmap
	opMunmap
	opPoll
	opLoop
	opOpt
	opEnd
)

var opNames = map[op]string{opOpen: "open", opClose: "close", opIoctl: "ioctl", opMmap: "mmap",
	opMunmap: "munmap", opPoll: "poll", opLoop: "loop", opOpt: "opt", opEnd: "end"}

// entry is one call of a log and what it returned.
type entry struct {
	op     op
	line   int
	path   string // open
	fd     int    // open result; the fd of other calls
	req    uint32 // ioctl
	in     []byte // ioctl argument as passed
	out    []byte // ioctl argument as returned
	off    int64  // mmap, munmap
	length int    // mmap
	ready  bool   // poll
	failed bool   // poll
	err    syscall.Errno
	fills  []fill
	pair   int // the matching end of a loop, or loop of an end
}

type fill struct {
	off  int64
	data []byte
}

var errnoNames = map[string]syscall.Errno{
	"EPERM": syscall.EPERM, "ENOENT": syscall.ENOENT, "EINTR": syscall.EINTR, "EIO": syscall.EIO,
	"ENXIO": syscall.ENXIO, "EAGAIN": syscall.EAGAIN, "ENOMEM": syscall.ENOMEM, "EACCES": syscall.EACCES,
	"EBUSY": syscall.EBUSY, "ENODEV": syscall.ENODEV, "EINVAL": syscall.EINVAL, "ENOTTY": syscall.ENOTTY,
	"ENOSPC": syscall.ENOSPC, "EPIPE": syscall.EPIPE,
}

func errnoName(e syscall.Errno) string {
	for n, v := range errnoNames {
		if v == e {
			return n
		}
	}
	return strconv.Itoa(int(e))
}

func parseErrno(s string) (syscall.Errno, error) {
	if e, ok := errnoNames[s]; ok {
		return e, nil
	}
	n, err := strconv.Atoi(s)
	return syscall.Errno(n), err
}

func boolField(b bool) string {
	if b {
		return "1"
	}
	return "0"
}

// format writes e as a log line (and its fills).
func (e *entry) format(w io.Writer, name func(uint32) string) error {
	var b strings.Builder
	b.WriteString(opNames[e.op])
	switch e.op {
	case opOpen:
		fmt.Fprintf(&b, " %s", e.path)
		if e.err == 0 {
			fmt.Fprintf(&b, " fd=%d", e.fd)
		}
	case opClose:
		fmt.Fprintf(&b, " fd=%d", e.fd)
	case opIoctl:
		fmt.Fprintf(&b, " fd=%d %s in=%s", e.fd, name(e.req), hex.EncodeToString(e.in))
		if e.err == 0 {
			fmt.Fprintf(&b, " out=%s", hex.EncodeToString(e.out))
		}
	case opMmap:
		fmt.Fprintf(&b, " fd=%d off=%d len=%d", e.fd, e.off, e.length)
	case opMunmap:
		fmt.Fprintf(&b, " off=%d", e.off)
	case opPoll:
		fmt.Fprintf(&b, " fd=%d ready=%s", e.fd, boolField(e.ready))
		if e.failed {
			b.WriteString(" failed=1")
		}
	}
	if e.err != 0 {
		fmt.Fprintf(&b, " err=%s", errnoName(e.err))
	}
	b.WriteByte('\n')
	for _, f := range e.fills {
		fmt.Fprintf(&b, "fill off=%d data=%s\n", f.off, deflate(f.data))
	}
	_, err := io.WriteString(w, b.String())
	return err
}

func deflate(data []byte) string {
	var buf bytes.Buffer
	zw, _ := flate.NewWriter(&buf, flate.BestCompression)
	zw.Write(data)
	zw.Close()
	return base64.StdEncoding.EncodeToString(buf.Bytes())
}

func inflate(s string) ([]byte, error) {
	z, err := base64.StdEncoding.DecodeString(s)
	if err != nil {
		return nil, err
	}
	return io.ReadAll(flate.NewReader(bytes.NewReader(z)))
}

// parse reads a log.
func parse(r io.Reader, byName func(string) (uint32, bool)) ([]entry, error) {
	var entries []entry
	var open []int // indices of unclosed loops
	sc := bufio.NewScanner(r)
	sc.Buffer(nil, 64<<20)
	for line := 1; sc.Scan(); line++ {
		text := strings.TrimSpace(sc.Text())
		if text == "" || strings.HasPrefix(text, "#") {
			continue
		}
		fields := strings.Fields(text)
		e := entry{line: line, fd: -1}
		kv := map[string]string{}
		var bare []string
		for _, f := range fields[1:] {
			if k, v, ok := strings.Cut(f, "="); ok {
				kv[k] = v
			} else {
				bare = append(bare, f)
			}
		}
		bad := func(err error) ([]entry, error) {
			return nil, fmt.Errorf("v4l2test: log line %d: %q: %v", line, text, err)
		}
		var err error
		num := func(k string) int64 {
			v, ok := kv[k]
			if !ok {
				if err == nil {
					err = fmt.Errorf("no %s", k)
				}
				return 0
			}
			n, e := strconv.ParseInt(v, 0, 64)
			if e != nil && err == nil {
				err = e
			}
			return n
		}
		hexField := func(k string) []byte {
			b, e := hex.DecodeString(kv[k])
			if e != nil && err == nil {
				err = e
			}
			return b
		}
		if v, ok := kv["err"]; ok {
			if e.err, err = parseErrno(v); err != nil {
				return bad(err)
			}
		}
		switch fields[0] {
		case "open":
			e.op = opOpen
			if len(bare) != 1 {
				return bad(fmt.Errorf("want a path"))
			}
			e.path = bare[0]
			if e.err == 0 {
				e.fd = int(num("fd"))
			}
		case "close":
			e.op, e.fd = opClose, int(num("fd"))
		case "ioctl":
			e.op, e.fd = opIoctl, int(num("fd"))
			if len(bare) != 1 {
				return bad(fmt.Errorf("want a request"))
			}
			req, ok := byName(bare[0])
			if !ok {
				return bad(fmt.Errorf("unknown request %s", bare[0]))
			}
			e.req = req
			e.in = hexField("in")
			if e.err == 0 {
				e.out = hexField("out")
				if len(e.out) != len(e.in) {
					return bad(fmt.Errorf("in and out differ in size"))
				}
			}
		case "mmap":
			e.op, e.fd, e.off, e.length = opMmap, int(num("fd")), num("off"), int(num("len"))
		case "munmap":
			e.op, e.off = opMunmap, num("off")
		case "poll":
			e.op, e.fd, e.ready = opPoll, int(num("fd")), kv["ready"] == "1"
			e.failed = kv["failed"] == "1"
		case "fill":
			if len(entries) == 0 || entries[len(entries)-1].op > opPoll {
				return bad(fmt.Errorf("fill after no call"))
			}
			data, derr := inflate(kv["data"])
			if derr != nil {
				return bad(derr)
			}
			last := &entries[len(entries)-1]
			last.fills = append(last.fills, fill{num("off"), data})
			if err != nil {
				return bad(err)
			}
			continue
		case "loop", "opt":
			e.op = opLoop
			if fields[0] == "opt" {
				e.op = opOpt
			}
			open = append(open, len(entries))
		case "end":
			if len(open) == 0 {
				return bad(fmt.Errorf("end without loop"))
			}
			e.op, e.pair = opEnd, open[len(open)-1]
			entries[e.pair].pair = len(entries)
			open = open[:len(open)-1]
		default:
			return bad(fmt.Errorf("unknown call"))
		}
		if err != nil {
			return bad(err)
		}
		entries = append(entries, e)
	}
	if err := sc.Err(); err != nil {
		return nil, err
	}
	if len(open) > 0 {
		return nil, fmt.Errorf("v4l2test: log line %d: loop without end", entries[open[0]].line)
	}
	return entries, nil
}
