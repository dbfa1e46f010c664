package v4l2

import (
	"fmt"
	"path/filepath"
	"sort"
	"strings"

	"github.com/palmid/palmid/hal"
)

func init() {
	hal.Register("v4l2", 100, openDevice)
}

// openDevice opens "v4l2:/dev/videoN[,wavelength=940nm][,buffers=N]", or
// with no path the first /dev/video* that is a streaming capture device.
func openDevice(arg string) (*hal.Device, error) {
	opts := DefaultOpts
	path, rest, _ := strings.Cut(arg, ",")
	for _, kv := range strings.Split(rest, ",") {
		if kv == "" {
			continue
		}
		k, v, _ := strings.Cut(kv, "=")
		switch k {
		case "wavelength":
			if err := opts.Wavelength.Set(v); err != nil {
				return nil, fmt.Errorf("v4l2: %v", err)
			}
		case "buffers":
			if _, err := fmt.Sscan(v, &opts.Buffers); err != nil {
				return nil, fmt.Errorf("v4l2: buffers: %v", err)
			}
		default:
			return nil, fmt.Errorf("v4l2: unknown option %q", k)
		}
	}
	if !Supported {
		return nil, fmt.Errorf("v4l2: %w (%v)", hal.ErrNotPresent, errUnsupported)
	}
	paths := []string{path}
	if path == "" {
		paths, _ = filepath.Glob("/dev/video*")
		sort.Slice(paths, func(i, j int) bool {
			return len(paths[i]) < len(paths[j]) || len(paths[i]) == len(paths[j]) && paths[i] < paths[j]
		})
	}
	var firstErr error
	for _, p := range paths {
		d, err := New(Host(), p, &opts)
		if err == nil {
			return &hal.Device{Name: "v4l2:" + p, Camera: d}, nil
		}
		if path != "" {
			return nil, err
		}
		if firstErr == nil {
			firstErr = err
		}
	}
	if firstErr != nil {
		return nil, fmt.Errorf("v4l2: no usable /dev/video*: %w (first: %v)", hal.ErrNotPresent, firstErr)
	}
	return nil, fmt.Errorf("v4l2: no /dev/video*: %w", hal.ErrNotPresent)
}
