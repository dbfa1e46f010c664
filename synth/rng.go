package synth

import (
	"math"
	"math/rand/v2"
)

// rng is the deterministic random source used everywhere in synth. Every
// stream is derived from (population seed, identity index, purpose, sample)
// so that one identity or one capture can be regenerated without the others.
type rng struct{ *rand.Rand }

// stream tags keep the random streams of different purposes apart.
const (
	tagIdentity uint64 = 0x1d
	tagRelative uint64 = 0x2e
	tagCapture  uint64 = 0x3f
	tagNoise    uint64 = 0x40
	tagBack     uint64 = 0x51
)

func mix(a uint64) uint64 {
	// splitmix64 finaliser
	a += 0x9e3779b97f4a7c15
	a = (a ^ (a >> 30)) * 0xbf58476d1ce4e5b9
	a = (a ^ (a >> 27)) * 0x94d049bb133111eb
	return a ^ (a >> 31)
}

func newRNG(parts ...uint64) rng {
	h := uint64(0x5eed)
	for _, p := range parts {
		h = mix(h ^ p)
	}
	return rng{rand.New(rand.NewPCG(h, mix(h^0xabcdef)))}
}

// uniform returns a value uniformly distributed in [lo, hi).
func (r rng) uniform(lo, hi float64) float64 { return lo + (hi-lo)*r.Float64() }

// normal returns a Gaussian value with mean mu and standard deviation sd.
func (r rng) normal(mu, sd float64) float64 { return mu + sd*r.NormFloat64() }

// tnormal is normal truncated to [mu-2sd, mu+2sd].
func (r rng) tnormal(mu, sd float64) float64 {
	v := r.NormFloat64()
	if v > 2 {
		v = 2
	} else if v < -2 {
		v = -2
	}
	return mu + sd*v
}

// sym returns a value uniform in [-a, a].
func (r rng) sym(a float64) float64 { return a * (2*r.Float64() - 1) }

// chance reports true with probability p.
func (r rng) chance(p float64) bool { return r.Float64() < p }

// gaussTable holds standard normal samples for fast per-pixel noise.
var gaussTable = func() []float32 {
	r := newRNG(0x6a05)
	t := make([]float32, 1<<16)
	for i := range t {
		t[i] = float32(r.NormFloat64())
	}
	return t
}()

// noiseGen yields pseudo-Gaussian samples cheaply from gaussTable with an
// xorshift index; it is deterministic for a given seed.
type noiseGen struct{ s uint32 }

func newNoiseGen(seed uint64) noiseGen {
	s := uint32(mix(seed))
	if s == 0 {
		s = 1
	}
	return noiseGen{s}
}

func (g *noiseGen) next() float32 {
	s := g.s
	s ^= s << 13
	s ^= s >> 17
	s ^= s << 5
	g.s = s
	return gaussTable[s>>16]
}

func clamp(v, lo, hi float64) float64 { return math.Max(lo, math.Min(hi, v)) }

func clamp32(v, lo, hi float32) float32 {
	if v < lo {
		return lo
	}
	if v > hi {
		return hi
	}
	return v
}
