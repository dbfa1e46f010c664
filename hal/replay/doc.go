// Package replay is a hal driver that replays captures: a folder of images,
// or a session recorded from any sensor, so that a field capture becomes a
// test.
//
// # Folders
//
// Open replays the images of a folder in name order: PNG, JPEG, BMP, TIFF
// and binary PGM, 8- or 16-bit. Grey images give Gray8 or Gray16 frames,
// colour ones RGB24.
//
// # Sessions
//
// Record wraps a sensor: every frame captured through it is saved as a
// lossless PNG beside a session.tsv index holding its metadata (sensor,
// sequence number, timestamp, wavelength, exposure, gain, LED level,
// distance), and every timeout, dropped frame and disconnect is written in
// its place. Playback replays the session exactly: the same pixels, metadata
// and errors, in the same order.
//
// # Capturing
//
// Frames are decoded when the folder or session is opened; Capture copies
// the next one into the caller's frame, allocating nothing once the frame's
// buffer is large enough, and never waits. At the end Capture returns io.EOF
// unless Options.Loop is set.
//
// # Registry
//
// The driver registers as "replay"; hal.Open("replay:/path/to/folder") plays
// the session in the folder if there is one, and its images otherwise.
package replay
