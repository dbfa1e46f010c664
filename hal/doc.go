// Package hal is how host programs capture palms: a palm device at a shop's
// checkout, a door reader, a phone-enrolment backend, a test rig. It follows
// periph.io: small interfaces that drivers implement, drivers that register
// themselves, frames written into buffers the caller owns.
//
// # Frames
//
// A Frame holds pixels (Gray8, Gray16 or RGB24) in the stdlib layout in a
// buffer the caller owns and reuses from capture to capture, and a Meta: the
// sensor's name, sequence number, timestamp, wavelength (0 for visible
// light), exposure, gain, the NIR LED's level (0 off) and the palm distance
// when the device measures it. A Frame is an image.Image without copying, and
// Frame.Image gives the matching *image.Gray or *image.Gray16 over its Pix.
//
// # Resources
//
// Every part of a device is a Resource: String and Halt. A Sensor offers
// Modes (size, pixel format, wavelength, frame rate) and captures one frame
// with Capture(ctx, frame); NewStream runs Capture in a goroutine and
// delivers frames on a channel, dropping the oldest (and counting it) when the
// consumer is slow. An Illuminator sets the NIR LEDs per wavelength; a
// Presence reports the palm's distance. A Device groups a camera, an optional
// second-wavelength camera, the LEDs and the presence sensor.
//
// # Hover capture
//
// A device captures while a palm hovers between HoverNear (5 cm) and
// HoverFar (15 cm): WaitHover waits for the palm to arrive (or leave). During
// the hover, frames with the LED on and off give the palm without ambient
// light (SubtractAmbient), and BestFrame picks the sharpest, stillest frame
// in range.
//
// # Drivers
//
// Drivers register in init with Register, and Open opens a device by name,
// "driver:arg", or the default device with "". A driver whose hardware is not
// on the machine reports ErrNotPresent, which Open tells apart from a driver
// that failed. Import a driver for its side effect:
//
//	import _ "github.com/palmid/palmid/hal/synthetic"
//
// The drivers are hal/synthetic (palms rendered by package synth, with
// scripted faults and presentation attacks), hal/replay (folders of images,
// and recorded sessions that replay exactly) and hal/v4l2 (Linux cameras,
// USB UVC NIR cameras among them, in pure Go). hal/haltest is the
// conformance suite that every driver's tests run; V4L2's runs against
// recorded ioctl exchanges played back through its system-call seam.
//
// # Trying a real camera
//
// With a UVC camera plugged into a Linux machine (the user in group video;
// v4l2-ctl --list-devices, from v4l-utils, names the node):
//
//	go run ./hal/v4l2/v4l2smoketest -device /dev/video0 -all -frames 30 -record /tmp/cam.log -png /tmp/frame.png
//	go run ./hal/v4l2/v4l2smoketest -device /dev/video0 -exposure 8ms -gain 4 -png /tmp/frame-8ms.png
//	go run ./cmd/palmid capture --device v4l2:/dev/video0 --out /tmp/best.png
//
// The first lists the camera's modes, captures 30 frames in each, checks
// sizes, sequence numbers and timestamps, writes the last frame and records
// every system call to /tmp/cam.log, which v4l2test.NewPlayback replays as a
// test (see hal/v4l2/nircam_test.go); the second sets manual exposure and
// gain; the third captures through the registry as host programs do and
// writes the best frame.
//
// # Errors
//
// Drivers return the sentinels below wrapped with their name; test them with
// errors.Is. ErrTimeout and ErrDropped are transient (see Transient).
//
// # Concurrency
//
// Sensors, illuminators and presence sensors are safe for concurrent use. A
// Frame is not: one goroutine captures into it at a time.
package hal
