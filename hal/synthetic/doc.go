// Package synthetic is a hal driver whose palms are rendered by package
// synth, so that host programs can be developed and tested with no device.
//
// # Device
//
// New returns a device with an 850 nm camera (palm surface), optionally a
// 940 nm camera (veins), LEDs at both wavelengths and a presence sensor. The
// palm of a chosen identity follows a hover script that repeats: idle with no
// palm, approach from 25 cm, steady at 10 cm with a small tremor, leave.
// Each frame is the identity's palm scaled for its distance (synth's nominal
// 2 px/mm at 10 cm), blurred while it moves, lit by the LED at its current
// level and by ambient light, with a little sensor noise: set the LED off to
// get the ambient frame that hal.SubtractAmbient removes. Meta.Distance
// carries the scripted distance.
//
// The pose is rendered once, in the background from New, and each position of
// the script is placed once and cached; a steady-state Capture composes and
// copies into the caller's frame without allocating. Unpaced (FPS 0, the
// default) the script moves one frame per capture; paced, it follows the
// clock.
//
// # Phone
//
// NewPhone returns a visible-light camera giving RGB photos of the whole hand,
// as a phone-enrolment backend receives them.
//
// # Faults
//
// Options.Faults scripts timeouts, dropped frames and disconnects at given
// frames, so that host programs can be tested against them.
//
// # Presentation attacks
//
// Options.Attack presents an artefact instead of the live palm, rendered by
// synth.RenderAttack and held in the same hover script: a printed photo
// (bright flat paper, weak lines, no veins under NIR), a screen replay (dark
// under NIR, moiré for the phone camera) or a silicone hand (no veins), so
// that presentation attack detection can be developed against the device.
//
// # Registry
//
// The driver registers as "synthetic" and is never the default device:
// hal.Open("synthetic:id=3,seed=1,fps=30,second,ambient=0.2") opens one;
// "attack=print" (screen, silicone, live) presents an attack and
// "difficulty=hard" (easy, realistic) sets synth's nuisances.
package synthetic
