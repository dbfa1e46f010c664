// Package synth renders synthetic palms: identities drawn from a seeded
// population, rendered as a phone photo of the whole hand, a device's NIR
// palm-surface image and its NIR vein image, with the ground truth a palm
// pipeline needs. palmid's algorithms are developed and measured on it, so
// it aims to look like real palms to those algorithms, not just to people.
//
// # Identities
//
// NewIdentity(seed, index) returns one palm (one hand of one person), fully
// determined by the population seed and the index:
//
//   - hand geometry: palm width and length, finger lengths and widths, thumb
//     position and rest spread;
//   - the three principal lines (heart, head, life) as cubic Bézier curves
//     whose control points vary around a population-level layout shared by
//     everyone, plus optional fate and sun lines;
//   - hundreds of secondary creases and fine wrinkles whose density, depth
//     and orientation field are personal;
//   - dermal texture (fine ridged noise and blotches);
//   - a palm-vein network: veins entering at the wrist and wandering,
//     branching, towards the finger bases, with transverse veins joining
//     them, each with a radius and a depth under the skin;
//   - skin albedo across the Fitzpatrick range I–VI (palms carry less
//     melanin than the back of the hand).
//
// Because all palms share the principal-line layout, telling two people
// apart has to come from detail, as with real palms. Relative derives an
// identity from a parent with a controlled similarity, for hard impostor
// tests.
//
// # Captures
//
// Identity.Render(modality, sample, opts) renders capture number sample;
// RenderDevice renders the NIR palm and vein images of one device capture
// from the same pose. The same arguments always give the same pixels.
//
//   - Phone: 1280x960 RGB, the whole hand with fingers on a cluttered indoor
//     background, colour cast, cast shadows, sensor noise and JPEG
//     compression (Capture.Image is the decoded *image.YCbCr).
//   - NIRPalm: 640x480 8-bit grey, creases clear and veins faint, on the
//     dark background of a device, with LED fall-off and ambient leakage.
//   - NIRVein: the same pose with the veins dark under the skin and the
//     surface lines faint.
//
// # Nuisances
//
// Every capture draws its nuisances from the ranges of its Difficulty
// (RangesFor documents the table): in-plane rotation (±30° for the device,
// any angle for phones at the realistic level), tilt up to 20°, scale ±20%,
// translation, finger spread, palm flex, uneven illumination, defocus or
// motion blur up to sigma 2 px, sensor noise, an occluder over up to 10% of
// the palm and NIR ambient leakage. Realistic is the default and the level
// of every evaluation.
//
// # Ground truth
//
// Capture.Truth carries the identity, modality, sample, hand side, the three
// finger valleys (index–middle, middle–ring, ring–little) on the hand
// contour, the palm centre and orientation, pixels per millimetre, the
// foreground mask, the occluded fraction and the blur. Where two fingers are
// held together the valley is the web between them and ValleysOpen says so.
// Capture.TruthROI cuts the palm ROI a perfect extractor would cut.
//
// # Presentation attacks
//
// RenderAttack and RenderAttackDevice render an artefact shown to the sensor
// instead of a live palm, in the pose of the live capture with the same
// arguments (so the ground truth places the hand the artefact shows, and
// Truth.Attack names the attack):
//
//   - Print: the phone photo printed on paper at life size. Under NIR the
//     paper is bright and flat with its grain, colour inks are nearly
//     transparent so the printed lines show weakly, veins not at all, and
//     the sheet's edges show unless the hand was cut out. A phone sees the
//     photo with paper white and ink black, less saturation, glare and the
//     surface around the sheet.
//   - Screen: the photo on a tablet or phone. Screens emit almost no NIR: a
//     device sees dark glass, the bezel, a specular hot spot of its LEDs and
//     the hand faint or absent. A phone sees the photo through the screen's
//     pixel grid (moiré), with a raised black level, a blue cast and glare.
//   - Silicone: a cast of the hand: its shape and moulded surface lines on
//     a smooth, translucent, uniformly coloured material with a sheen, a
//     different NIR reflectance and no veins.
//
// Attacks are new render paths: live captures do not change.
//
// # Data sets
//
// WriteDataset writes a population to a folder with a MANIFEST.tsv in the
// format of the real data in ../shared/data, extended by ground-truth
// columns (seed, identity, difficulty, px_per_mm, palm_width_mm, v1..v3
// valley coordinates, valleys_open, centre, orientation, occluded, blur and
// the mask's path), and a contact sheet. Identities render in parallel on
// all cores.
//
// # Concurrency
//
// Identities and their methods are safe for concurrent use; an identity
// builds its canonical texture maps once, on first render.
package synth
