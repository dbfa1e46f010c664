package match

// Template is an enrolled or probe embedding, prepared for every way this
// package compares: the unit-length float32 vector, its int8 quantisation
// and its binary sign code. A Template is immutable, so it is safe for
// concurrent use; it holds about 1.3 KiB at dimension 256.
type Template struct {
	vec   []float32 // unit length
	q     []int8    // QuantizeTo(vec)
	qstep float32   // max|vec|/127: vec[i] ≈ q[i]·qstep
	code  []uint64  // BinarizeTo(vec)
}

// NewTemplate returns a template of the embedding v, which it copies and
// scales to unit length, so scores do not depend on the length of v. It
// returns ErrNorm when v has zero or non-finite norm, and panics when v is
// empty.
func NewTemplate(v []float32) (*Template, error) {
	if len(v) == 0 {
		panic("match: NewTemplate of an empty vector")
	}
	vec, err := NormalizeTo(nil, v)
	if err != nil {
		return nil, err
	}
	q, scale := QuantizeTo(nil, vec)
	return &Template{
		vec:   vec,
		q:     q,
		qstep: scale / 127,
		code:  BinarizeTo(nil, vec),
	}, nil
}

// Dim returns the dimension of the template's embedding.
func (t *Template) Dim() int { return len(t.vec) }

// Matcher compares one probe template with many candidates. It is prepared
// once per probe, reused for a whole 1:N search, and safe for concurrent use.
type Matcher struct {
	probe *Template
}

// NewMatcher returns a matcher for probe. It panics if probe is nil.
func NewMatcher(probe *Template) *Matcher {
	if probe == nil {
		panic("match: NewMatcher of a nil template")
	}
	return &Matcher{probe: probe}
}

// Score returns the cosine similarity of the probe and candidate, in
// [−1, 1]: the inner product of their unit float32 vectors, Dot. It does not
// allocate. It panics if the dimensions differ.
func (m *Matcher) Score(candidate *Template) float64 {
	if len(candidate.vec) != len(m.probe.vec) {
		panic("match: Score of templates of different dimensions")
	}
	return float64(dot(m.probe.vec, candidate.vec))
}
