package synth

import (
	"fmt"
	"math"
)

// Difficulty scales every nuisance of a capture.
type Difficulty int

// The difficulty levels. Realistic is the default for every evaluation.
const (
	Realistic Difficulty = iota
	Easy
	Hard
)

func (d Difficulty) String() string {
	switch d {
	case Easy:
		return "easy"
	case Hard:
		return "hard"
	}
	return "realistic"
}

// ParseDifficulty parses "easy", "realistic" or "hard".
func ParseDifficulty(s string) (Difficulty, error) {
	switch s {
	case "easy":
		return Easy, nil
	case "realistic", "":
		return Realistic, nil
	case "hard":
		return Hard, nil
	}
	return 0, fmt.Errorf("synth: unknown difficulty %q (want easy, realistic or hard)", s)
}

// Ranges are the nuisance ranges of one difficulty level. Every capture draws
// each nuisance uniformly from [0, max] (or [-max, max] for signed ones)
// unless noted.
type Ranges struct {
	DeviceRotation float64 // degrees, in-plane, device captures (±)
	PhoneRotation  float64 // degrees, in-plane, phone photos (±; 180 = any angle)
	Tilt           float64 // degrees, out-of-plane (perspective)
	Scale          float64 // relative, ±
	Translation    float64 // fraction of the frame, ±, of the palm centre
	FingerSpread   float64 // radians, ± per finger around the person's rest pose
	Flex           float64 // mm, amplitude of the smooth palm deformation
	Illumination   float64 // relative amplitude of the illumination gradient
	Blur           float64 // pixels, sigma of defocus or motion blur
	Noise          float64 // sensor noise sigma, fraction of full scale
	Occlusion      float64 // fraction of the palm area, occluded with probability 1/3
	Ambient        float64 // NIR ambient leakage, fraction of full scale
	JPEGQuality    [2]int  // phone JPEG quality range
}

// RangesFor returns the documented nuisance ranges of a difficulty level.
//
//	                      easy   realistic  hard
//	device rotation (°)   ±10    ±30        ±45
//	phone rotation (°)    ±30    any        any
//	tilt (°)              8      20         30
//	scale                 ±8%    ±20%       ±25%
//	translation           ±4%    ±10%       ±14%
//	finger spread (rad)   ±0.05  ±0.14      ±0.20
//	palm flex (mm)        0.5    1.5        2.5
//	illumination gradient 0.1    0.35       0.6
//	blur sigma (px)       0.6    2.0        3.0
//	noise sigma           0.005  0.015      0.03
//	occlusion (of palm)   0      10%        15%
//	NIR ambient leakage   0.02   0.10       0.20
//	phone JPEG quality    90-95  70-92      50-80
func RangesFor(d Difficulty) Ranges {
	switch d {
	case Easy:
		return Ranges{10, 30, 8, 0.08, 0.04, 0.05, 0.5, 0.1, 0.6, 0.005, 0, 0.02, [2]int{90, 95}}
	case Hard:
		return Ranges{45, 180, 30, 0.25, 0.14, 0.20, 2.5, 0.6, 3.0, 0.03, 0.15, 0.20, [2]int{50, 80}}
	}
	return Ranges{30, 180, 20, 0.20, 0.10, 0.14, 1.5, 0.35, 2.0, 0.015, 0.10, 0.10, [2]int{70, 92}}
}

// nuisance holds the drawn values for one capture.
type nuisance struct {
	rotation   float64 // radians
	tiltAxis   float64 // radians, direction of the tilt axis in the plane
	tilt       float64 // radians
	scale      float64 // px/mm at the palm centre before perspective
	tx, ty     float64 // pixels, palm centre
	spread     [4]float64
	thumb      float64
	flex       [4]float64 // mm, coefficients of the smooth deformation
	flexPhase  [2]float64
	illumDir   float64
	illumAmp   float64
	vignette   float64
	blur       float64 // sigma px
	motion     bool
	motionDir  float64
	noise      float64
	occlusion  float64 // fraction of palm area, 0 for none
	occCentre  vec     // canonical, mm
	occAxes    vec
	occAngle   float64
	occValue   float64
	ambient    float64
	ambientDir float64
	jpegQ      int
	shadow     float64 // phone: cast-shadow strength, 0 for none
	shadowLine [3]float64
	cast       [3]float64 // phone colour cast (white balance error)
	exposure   float64
}

// restSpread is the typical rest angle of each finger, index to little.
var restSpread = [4]float64{0.16, 0.02, -0.12, -0.28}

func drawNuisance(r rng, rg Ranges, phone bool, w, h int, pxPerMM float64) nuisance {
	var n nuisance
	deg := math.Pi / 180
	if phone {
		n.rotation = r.sym(rg.PhoneRotation) * deg
	} else {
		n.rotation = r.sym(rg.DeviceRotation) * deg
	}
	n.tiltAxis = r.uniform(0, math.Pi)
	n.tilt = r.uniform(0, rg.Tilt) * deg
	n.scale = pxPerMM * (1 + r.sym(rg.Scale))
	n.tx = float64(w)/2 + r.sym(rg.Translation)*float64(w)
	n.ty = float64(h)/2 + r.sym(rg.Translation)*float64(h)
	// Fingers fan out or close together around the rest pose, with a
	// little independent play each.
	fan := r.sym(4 * rg.FingerSpread)
	for i := range n.spread {
		n.spread[i] = fan*restSpread[i] + r.sym(0.3*rg.FingerSpread)
	}
	n.thumb = r.sym(rg.FingerSpread * 1.5)
	for i := range n.flex {
		n.flex[i] = r.sym(rg.Flex)
	}
	n.flexPhase = [2]float64{r.uniform(0, 2*math.Pi), r.uniform(0, 2*math.Pi)}
	n.illumDir = r.uniform(0, 2*math.Pi)
	n.illumAmp = r.uniform(0, rg.Illumination)
	n.vignette = r.uniform(0.1, 0.35)
	n.blur = r.uniform(0, rg.Blur)
	n.motion = r.chance(0.4)
	n.motionDir = r.uniform(0, math.Pi)
	n.noise = r.uniform(0.3, 1) * rg.Noise
	if rg.Occlusion > 0 && r.chance(1.0/3) {
		n.occlusion = r.uniform(0.02, rg.Occlusion)
		n.occCentre = vec{r.sym(0.5), r.sym(0.5)}
		n.occAngle = r.uniform(0, math.Pi)
		n.occAxes = vec{1, r.uniform(0.3, 1)}
		n.occValue = r.uniform(0.5, 1.2)
	}
	n.ambient = r.uniform(0, rg.Ambient)
	n.ambientDir = r.uniform(0, 2*math.Pi)
	n.jpegQ = rg.JPEGQuality[0] + r.IntN(rg.JPEGQuality[1]-rg.JPEGQuality[0]+1)
	if phone && r.chance(0.4) {
		n.shadow = r.uniform(0.2, 0.55)
		a := r.uniform(0, 2*math.Pi)
		n.shadowLine = [3]float64{math.Cos(a), math.Sin(a), -(math.Cos(a)*r.uniform(0, float64(w)) + math.Sin(a)*r.uniform(0, float64(h)))}
	}
	for c := range n.cast {
		n.cast[c] = r.tnormal(1, 0.07)
	}
	// A device regulates its LEDs and exposure; a phone's auto-exposure
	// varies more.
	n.exposure = r.tnormal(1, 0.04)
	if phone {
		n.exposure = r.tnormal(1, 0.12)
	}
	return n
}
