//go:build !(linux && (amd64 || arm64))

package v4l2

import (
	"time"
)

// Supported reports whether this platform has a real V4L2 seam.
const Supported = false

type hostSys struct{}

// Host returns a seam whose calls all fail: V4L2 is Linux only, and the
// struct layouts are those of 64-bit Linux.
func Host() Sys { return hostSys{} }

func (hostSys) Open(string) (int, error)                    { return -1, errUnsupported }
func (hostSys) Close(int) error                             { return errUnsupported }
func (hostSys) Ioctl(int, uint32, []byte) error             { return errUnsupported }
func (hostSys) Mmap(int, int64, int) ([]byte, error)        { return nil, errUnsupported }
func (hostSys) Munmap([]byte) error                         { return errUnsupported }
func (hostSys) Poll(int, time.Duration) (bool, bool, error) { return false, false, errUnsupported }

func monotonicNow() (time.Duration, bool) { return 0, false }
