package v4l2

import (
	"errors"
	"time"
)

// Sys is the narrow seam between the driver and the kernel: the system calls
// a V4L2 capture needs. Host returns the real one on Linux; package
// v4l2test records calls through it and plays recorded calls back.
//
// Errors are unix.Errno values (ENOENT, EINVAL, EAGAIN, ENODEV...) from the
// kernel, or what a test seam makes up.
type Sys interface {
	// Open opens a device node non-blocking and returns its descriptor.
	Open(path string) (fd int, err error)
	// Close closes a descriptor.
	Close(fd int) error
	// Ioctl issues request req with arg as the struct the kernel reads and
	// writes in place.
	Ioctl(fd int, req uint32, arg []byte) error
	// Mmap maps length bytes of the device at the offset cookie a
	// VIDIOC_QUERYBUF returned, read-only and shared.
	Mmap(fd int, offset int64, length int) ([]byte, error)
	// Munmap unmaps a buffer Mmap returned.
	Munmap(b []byte) error
	// Poll waits up to timeout for fd to be readable (a buffer to dequeue).
	// It reports whether it is, and whether the device reported an error
	// (POLLERR: unplugged, or not streaming).
	Poll(fd int, timeout time.Duration) (ready, failed bool, err error)
}

// errUnsupported is what Host's calls fail with where V4L2 is not available.
var errUnsupported = errors.New("v4l2: not supported on this platform (linux/amd64 and linux/arm64 only)")
