package hal

import (
	"errors"
	"fmt"
	"sort"
	"strings"
	"sync"
)

// OpenFunc opens a driver's device. arg is what followed the driver's name
// and a colon in the name given to Open ("" for the default device). It
// returns an error wrapping ErrNotPresent when the hardware is not there,
// and any other error when it is there but failed.
type OpenFunc func(arg string) (*Device, error)

type driver struct {
	name     string
	priority int
	open     OpenFunc
}

var registry struct {
	sync.Mutex
	drivers []driver
}

// Register makes a driver available to Open. Drivers call it from init.
// When Open is asked for the default device it tries drivers in order of
// decreasing priority (hardware drivers 100, files and fakes 0, which report
// not present unless named). Register panics when name is empty, contains a
// colon or is registered twice.
func Register(name string, priority int, open OpenFunc) {
	if name == "" || strings.Contains(name, ":") || open == nil {
		panic("hal: Register: bad driver " + name)
	}
	registry.Lock()
	defer registry.Unlock()
	for _, d := range registry.drivers {
		if d.name == name {
			panic("hal: Register: driver " + name + " registered twice")
		}
	}
	registry.drivers = append(registry.drivers, driver{name, priority, open})
	sort.SliceStable(registry.drivers, func(i, j int) bool {
		return registry.drivers[i].priority > registry.drivers[j].priority
	})
}

// Drivers returns the names of the registered drivers, in the order Open
// tries them.
func Drivers() []string {
	registry.Lock()
	defer registry.Unlock()
	names := make([]string, len(registry.drivers))
	for i, d := range registry.drivers {
		names[i] = d.name
	}
	return names
}

// Open opens a device by name: "driver" or "driver:arg", such as
// "synthetic:id=3" or "replay:/var/palm/session1". The empty name opens the
// default device: the first driver, by priority, that is present. Open
// returns an error wrapping ErrNotPresent when no driver has its device here.
func Open(name string) (*Device, error) {
	registry.Lock()
	drivers := append([]driver(nil), registry.drivers...)
	registry.Unlock()
	if name != "" {
		dn, arg, _ := strings.Cut(name, ":")
		for _, d := range drivers {
			if d.name == dn {
				return d.open(arg)
			}
		}
		return nil, fmt.Errorf("hal: no driver %q: %w", dn, ErrNotPresent)
	}
	var failed []error
	for _, d := range drivers {
		dev, err := d.open("")
		if err == nil {
			return dev, nil
		}
		if !errors.Is(err, ErrNotPresent) {
			failed = append(failed, err)
		}
	}
	if len(failed) > 0 {
		return nil, errors.Join(failed...)
	}
	return nil, fmt.Errorf("hal: no default device: %w", ErrNotPresent)
}
