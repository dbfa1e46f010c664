// Package v4l2 is the hal driver for Linux cameras through Video4Linux2:
// the USB UVC NIR cameras of palm devices, and webcams.
//
// It is pure Go over golang.org/x/sys/unix: it queries the device
// (VIDIOC_QUERYCAP), enumerates its formats and frame sizes
// (VIDIOC_ENUM_FMT, VIDIOC_ENUM_FRAMESIZES), negotiates one (VIDIOC_S_FMT),
// streams through memory-mapped buffers (VIDIOC_REQBUFS, VIDIOC_QUERYBUF,
// mmap, VIDIOC_QBUF, VIDIOC_DQBUF, VIDIOC_STREAMON/OFF), reads and sets
// exposure and gain (VIDIOC_G_CTRL, VIDIOC_S_CTRL) and stamps frames with
// the kernel's capture time.
//
// # Formats
//
// GREY gives hal.Gray8 and Y16 hal.Gray16 (byte-swapped to big-endian).
// YUYV gives hal.Gray8 from its Y samples. MJPEG frames are decoded with
// image/jpeg and give hal.Gray8 from their luma; they cost an allocation per
// frame. Where several formats give the same mode, GREY and Y16 are
// preferred, then YUYV, then MJPEG. Other formats (H.264, NV12...) are not
// offered; a device with none of these reports hal.ErrUnsupportedMode.
//
// # Opening
//
// The driver registers as "v4l2" at priority 100, so that hal.Open("")
// opens the first /dev/video* that is a streaming capture device, and
// reports hal.ErrNotPresent where there is none (or off Linux):
//
//	dev, err := hal.Open("v4l2:/dev/video0,wavelength=850nm")
//
// New opens a device through a Sys, the seam over the system calls: Host
// for the kernel, or the Record and Playback of package v4l2test.
//
// # Platforms
//
// The struct layouts are those of 64-bit Linux; the real seam is built for
// linux/amd64 and linux/arm64. Elsewhere Host fails and the driver reports
// hal.ErrNotPresent, while playback tests still run.
package v4l2
