//go:build linux && (amd64 || arm64)

package v4l2

import (
	"time"
	"unsafe"

	"golang.org/x/sys/unix"
)

// Supported reports whether this platform has a real V4L2 seam.
const Supported = true

type hostSys struct{}

// Host returns the real system calls.
func Host() Sys { return hostSys{} }

func (hostSys) Open(path string) (int, error) {
	for {
		fd, err := unix.Open(path, unix.O_RDWR|unix.O_NONBLOCK|unix.O_CLOEXEC, 0)
		if err != unix.EINTR {
			return fd, err
		}
	}
}

func (hostSys) Close(fd int) error { return unix.Close(fd) }

func (hostSys) Ioctl(fd int, req uint32, arg []byte) error {
	var p unsafe.Pointer
	if len(arg) > 0 {
		p = unsafe.Pointer(&arg[0])
	}
	for {
		_, _, e := unix.Syscall(unix.SYS_IOCTL, uintptr(fd), uintptr(req), uintptr(p))
		switch e {
		case 0:
			return nil
		case unix.EINTR:
			continue
		}
		return e
	}
}

func (hostSys) Mmap(fd int, offset int64, length int) ([]byte, error) {
	return unix.Mmap(fd, offset, length, unix.PROT_READ|unix.PROT_WRITE, unix.MAP_SHARED)
}

func (hostSys) Munmap(b []byte) error { return unix.Munmap(b) }

func (hostSys) Poll(fd int, timeout time.Duration) (ready, failed bool, err error) {
	fds := [1]unix.PollFd{{Fd: int32(fd), Events: unix.POLLIN}}
	ms := int((timeout + time.Millisecond - 1) / time.Millisecond)
	n, err := unix.Poll(fds[:], ms)
	if err == unix.EINTR {
		return false, false, nil
	}
	if err != nil || n == 0 {
		return false, false, err
	}
	return fds[0].Revents&unix.POLLIN != 0, fds[0].Revents&(unix.POLLERR|unix.POLLHUP|unix.POLLNVAL) != 0, nil
}

// monotonicNow returns CLOCK_MONOTONIC, the clock of V4L2 timestamps.
func monotonicNow() (time.Duration, bool) {
	var ts unix.Timespec
	if unix.ClockGettime(unix.CLOCK_MONOTONIC, &ts) != nil {
		return 0, false
	}
	return time.Duration(ts.Nano()), true
}
