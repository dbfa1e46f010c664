// Package nn runs small feed-forward networks stored as ONNX models, on the
// CPU, in pure Go.
//
// github.com/owulveryck/onnx-go reads the file: its decoder builds the
// model's graph into a backend of this package, which keeps the weights and
// the operators in file order. The operators then run on this package's own
// kernels (im2col convolution and matrix products on
// github.com/viterin/vek's SIMD code), not on onnx-go's executor, which is
// slow and computes Gemm wrongly.
//
// Only what small image networks need is supported, for a batch of one:
// Conv (any kernel, stride, padding and dilation; one group), Relu,
// MaxPool, AveragePool, GlobalAveragePool, Flatten, Reshape, Gemm, MatMul,
// Add, Mul, Sub, Sigmoid, Tanh and Constant. Load checks every shape once, so Run
// cannot fail on a model it accepted; a file with anything else is
// refused with an error naming the operator.
//
// BenchmarkRunValley runs palm's NIR valley network (a 32 x 32 patch, four
// convolutions, two dense layers) in 0.18 to 0.20 ms on one core of the
// project's busy 2-core machine; PyTorch 1.13 on one thread took 0.35 ms
// for the same network and input in the same session
// (testdata/bench_torch.py, which also prints the output: the same to 7
// digits).
package nn

import (
	"errors"
	"fmt"
	"math"
	"slices"
	"sync"

	onnx "github.com/owulveryck/onnx-go"
	"github.com/viterin/vek/vek32"
	"gonum.org/v1/gonum/graph"
	"gonum.org/v1/gonum/graph/simple"
	"gorgonia.org/tensor"
)

// ErrModel is returned, wrapped with details, for a model file that cannot
// be read or run.
var ErrModel = errors.New("nn: unusable model")

// Model is a network ready to run. It is safe for concurrent use: each Run
// has its own buffers.
type Model struct {
	in, out    []int // input and output shapes, batch dimension included
	steps      []step
	nval       int   // values: 0 is the input
	sizes      []int // elements of each value
	outVal     int
	maxScratch int
	bufs       sync.Pool // *[][]float32: the values and, last, the scratch
}

// step is one operator: it reads values args and writes value dst.
type step struct {
	op   string
	args []int
	dst  int
	run  func(s *step, v [][]float32, scratch []float32)
	// parameters, set at Load
	w, b              []float32 // weights (Conv: M x C*kh*kw; Gemm: N x K) and bias
	shapeIn, shapeOut []int
	k, stride, pad    [2]int // kernel, stride and begin padding (h, w)
	dil               [2]int
	alpha, beta       float32
	konst             []float32 // a constant operand
}

// InputShape is the shape the model takes, batch dimension first.
func (m *Model) InputShape() []int { return slices.Clone(m.in) }

// OutputShape is the shape of the model's output.
func (m *Model) OutputShape() []int { return slices.Clone(m.out) }

// Run computes the model's output for one input, laid out as InputShape in
// row-major order, into out (allocated when too small) and returns it.
func (m *Model) Run(in, out []float32) ([]float32, error) {
	if len(in) != prod(m.in) {
		return nil, fmt.Errorf("nn: input has %d values, the model takes %v", len(in), m.in)
	}
	vp, _ := m.bufs.Get().(*[][]float32)
	if vp == nil {
		b := make([][]float32, m.nval+1)
		for i := 1; i < m.nval; i++ {
			b[i] = make([]float32, m.sizes[i])
		}
		b[m.nval] = make([]float32, m.maxScratch)
		vp = &b
	}
	defer m.bufs.Put(vp)
	v := (*vp)[:m.nval]
	v[0] = in
	scratch := (*vp)[m.nval]
	for i := range m.steps {
		s := &m.steps[i]
		s.run(s, v, scratch)
	}
	n := m.sizes[m.outVal]
	if cap(out) < n {
		out = make([]float32, n)
	}
	out = out[:n]
	copy(out, v[m.outVal])
	return out, nil
}

func prod(s []int) int {
	n := 1
	for _, d := range s {
		n *= d
	}
	return n
}

// Load reads an ONNX model. The model must have one input of fixed shape
// and one output.
func Load(data []byte) (m *Model, err error) {
	defer func() {
		// onnx-go and gorgonia's tensors panic on some malformed files.
		if r := recover(); r != nil {
			m, err = nil, fmt.Errorf("%w: %v", ErrModel, r)
		}
	}()
	if err := checkSizes(data); err != nil {
		return nil, fmt.Errorf("%w: %v", ErrModel, err)
	}
	g := &builder{WeightedDirectedGraph: simple.NewWeightedDirectedGraph(0, 0)}
	om := onnx.NewModel(g)
	if err := om.UnmarshalBinary(data); err != nil {
		return nil, fmt.Errorf("%w: %v", ErrModel, err)
	}
	if len(om.Input) != 1 || len(om.Output) != 1 {
		return nil, fmt.Errorf("%w: %d inputs and %d outputs, want 1 and 1", ErrModel, len(om.Input), len(om.Output))
	}
	return g.compile(om.Input[0], om.Output[0])
}

// node is a value of the graph: an input, a weight or an operator's output.
type node struct {
	id   int64
	name string
	t    tensor.Tensor
}

func (n *node) ID() int64                       { return n.id }
func (n *node) SetName(s string)                { n.name = s }
func (n *node) GetName() string                 { return n.name }
func (n *node) SetTensor(t tensor.Tensor) error { n.t = t; return nil }
func (n *node) GetTensor() tensor.Tensor        { return n.t }

// builder is the onnx-go backend: a weighted directed graph whose edges run
// from an operator's output to its inputs, weighted by the input's place,
// and the operators in the order of the file.
type builder struct {
	*simple.WeightedDirectedGraph
	ops []opAt
}

type opAt struct {
	op  onnx.Operation
	out graph.Node
}

func (g *builder) NewNode() graph.Node {
	return &node{id: g.WeightedDirectedGraph.NewNode().ID()}
}

func (g *builder) ApplyOperation(op onnx.Operation, outs ...graph.Node) error {
	if len(outs) != 1 {
		return fmt.Errorf("%s has %d outputs; only operators with one are supported", op.Name, len(outs))
	}
	g.ops = append(g.ops, opAt{op, outs[0]})
	return nil
}

// inputs returns an operator's inputs in order.
func (g *builder) inputs(out graph.Node) []*node {
	var ins []*node
	var ws []float64
	it := g.From(out.ID())
	for it.Next() {
		n := it.Node()
		w, _ := g.Weight(out.ID(), n.ID())
		nd, _ := n.(*node)
		ins = append(ins, nd)
		ws = append(ws, w)
	}
	idx := make([]int, len(ins))
	for i := range idx {
		idx[i] = i
	}
	slices.SortFunc(idx, func(a, b int) int { return int(ws[a] - ws[b]) })
	sorted := make([]*node, len(ins))
	for i, j := range idx {
		sorted[i] = ins[j]
	}
	return sorted
}

// constant returns a node's tensor as float32 values with its shape, or ok
// = false when it has none (an input or an operator's output).
func constant(n *node) (vals []float32, shape []int, ok bool) {
	if n == nil || n.t == nil || n.t.Data() == nil {
		return nil, nil, false
	}
	shape = []int(n.t.Shape())
	switch d := n.t.Data().(type) {
	case []float32:
		vals = d
	case []float64:
		vals = make([]float32, len(d))
		for i, x := range d {
			vals[i] = float32(x)
		}
	case []int64:
		vals = make([]float32, len(d))
		for i, x := range d {
			vals[i] = float32(x)
		}
	case float32:
		vals = []float32{d}
	default:
		return nil, nil, false
	}
	if prod(shape) != len(vals) {
		if len(vals) == 1 && len(shape) == 0 {
			return vals, shape, true
		}
		return nil, nil, false
	}
	return vals, shape, true
}

func (g *builder) compile(inID, outID int64) (*Model, error) {
	in, _ := g.Node(inID).(*node)
	if in == nil || in.t == nil {
		return nil, fmt.Errorf("%w: the input has no declared shape", ErrModel)
	}
	m := &Model{in: []int(in.t.Shape())}
	if len(m.in) == 0 || prod(m.in) <= 0 || prod(m.in) > 1<<26 {
		return nil, fmt.Errorf("%w: input shape %v", ErrModel, m.in)
	}
	val := map[int64]int{inID: 0}
	shapes := [][]int{m.in}
	m.sizes = []int{prod(m.in)}
	for _, o := range g.ops {
		if o.op.Name == "Constant" {
			t, ok := o.op.Attributes["value"].(tensor.Tensor)
			n, _ := o.out.(*node)
			if !ok || n == nil {
				return nil, fmt.Errorf("%w: a Constant without a tensor value", ErrModel)
			}
			n.t = t
			continue
		}
		ins := g.inputs(o.out)
		s := step{op: o.op.Name}
		var vin [][]int // shapes of the value inputs
		var consts []*node
		for _, n := range ins {
			if n == nil {
				return nil, fmt.Errorf("%w: %s has an unknown input", ErrModel, o.op.Name)
			}
			if k, ok := val[n.id]; ok {
				s.args = append(s.args, k)
				vin = append(vin, shapes[k])
			} else {
				consts = append(consts, n)
			}
		}
		if len(s.args) == 0 {
			return nil, fmt.Errorf("%w: %s computes on constants only", ErrModel, o.op.Name)
		}
		outShape, err := s.setup(o.op.Attributes, vin, consts)
		if err != nil {
			return nil, fmt.Errorf("%w: %s: %v", ErrModel, o.op.Name, err)
		}
		if prod(outShape) <= 0 || prod(outShape) > 1<<26 {
			return nil, fmt.Errorf("%w: %s: output shape %v", ErrModel, o.op.Name, outShape)
		}
		s.dst = len(shapes)
		val[o.out.ID()] = s.dst
		shapes = append(shapes, outShape)
		m.sizes = append(m.sizes, prod(outShape))
		if s.op == "Conv" {
			m.maxScratch = max(m.maxScratch, s.shapeIn[1]*s.k[0]*s.k[1]*s.shapeOut[2]*s.shapeOut[3]+s.shapeIn[1]*(s.shapeIn[2]+2*s.pad[0])*(s.shapeIn[3]+2*s.pad[1]))
		}
		m.steps = append(m.steps, s)
	}
	k, ok := val[outID]
	if !ok || k == 0 {
		return nil, fmt.Errorf("%w: the output is not computed", ErrModel)
	}
	m.outVal, m.out, m.nval = k, shapes[k], len(shapes)
	return m, nil
}

func attrInts(a map[string]any, key string, def []int) []int {
	v, ok := a[key].([]int64)
	if !ok {
		return def
	}
	r := make([]int, len(v))
	for i, x := range v {
		r[i] = int(x)
	}
	return r
}

func attrInt(a map[string]any, key string, def int) int {
	if v, ok := a[key].(int64); ok {
		return int(v)
	}
	return def
}

func attrFloat(a map[string]any, key string, def float32) float32 {
	if v, ok := a[key].(float32); ok {
		return v
	}
	return def
}

// setup checks an operator's inputs and attributes, keeps its parameters
// and returns its output shape.
func (s *step) setup(a map[string]any, vin [][]int, consts []*node) ([]int, error) {
	x := vin[0]
	s.shapeIn = x
	one := func() error {
		if len(vin) != 1 || len(consts) != 0 {
			return errors.New("want one input")
		}
		return nil
	}
	switch s.op {
	case "Relu", "Sigmoid", "Tanh":
		if err := one(); err != nil {
			return nil, err
		}
		s.run = unary
		return x, nil
	case "Conv":
		if len(vin) != 1 || len(consts) < 1 || len(consts) > 2 || len(x) != 4 {
			return nil, errors.New("want a 4-d input, weights and an optional bias")
		}
		w, ws, ok := constant(consts[0])
		if !ok || len(ws) != 4 || ws[1] != x[1] {
			return nil, fmt.Errorf("weights of shape %v for input %v", ws, x)
		}
		if attrInt(a, "group", 1) != 1 {
			return nil, errors.New("grouped convolution")
		}
		if p, _ := a["auto_pad"].(string); p != "" && p != "NOTSET" {
			return nil, fmt.Errorf("auto_pad %s", p)
		}
		s.w = w
		if len(consts) == 2 {
			b, bs, ok := constant(consts[1])
			if !ok || prod(bs) != ws[0] {
				return nil, errors.New("bias does not match the weights")
			}
			s.b = b
		}
		oh, ow, err := s.window(a, ws[2:], x)
		if err != nil {
			return nil, err
		}
		s.shapeOut = []int{x[0], ws[0], oh, ow}
		s.run = conv
		return s.shapeOut, nil
	case "MaxPool", "AveragePool":
		if err := one(); err != nil {
			return nil, err
		}
		if len(x) != 4 {
			return nil, errors.New("want a 4-d input")
		}
		if attrInt(a, "ceil_mode", 0) != 0 {
			return nil, errors.New("ceil_mode")
		}
		if s.op == "AveragePool" && attrInt(a, "count_include_pad", 0) != 0 {
			return nil, errors.New("count_include_pad")
		}
		k := attrInts(a, "kernel_shape", nil)
		if len(k) != 2 {
			return nil, errors.New("want a 2-d kernel_shape")
		}
		oh, ow, err := s.window(a, k, x)
		if err != nil {
			return nil, err
		}
		s.shapeOut = []int{x[0], x[1], oh, ow}
		s.run = pool
		return s.shapeOut, nil
	case "GlobalAveragePool":
		if err := one(); err != nil {
			return nil, err
		}
		if len(x) != 4 {
			return nil, errors.New("want a 4-d input")
		}
		s.shapeOut = []int{x[0], x[1], 1, 1}
		s.run = globalAverage
		return s.shapeOut, nil
	case "Flatten":
		if err := one(); err != nil {
			return nil, err
		}
		ax := attrInt(a, "axis", 1)
		if ax < 0 {
			ax += len(x)
		}
		if ax < 0 || ax > len(x) {
			return nil, fmt.Errorf("axis %d", ax)
		}
		s.run = copyValue
		return []int{prod(x[:ax]), prod(x[ax:])}, nil
	case "Reshape":
		if len(vin) != 1 || len(consts) != 1 {
			return nil, errors.New("want an input and a constant shape")
		}
		sh, _, ok := constant(consts[0])
		if !ok {
			return nil, errors.New("the shape is not a constant")
		}
		out := make([]int, len(sh))
		free := -1
		for i, d := range sh {
			switch {
			case d == 0 && i < len(x):
				out[i] = x[i]
			case d == -1 && free < 0:
				free = i
				out[i] = 1
			case d >= 1:
				out[i] = int(d)
			default:
				return nil, fmt.Errorf("shape %v", sh)
			}
		}
		if free >= 0 {
			if prod(x)%prod(out) != 0 {
				return nil, fmt.Errorf("cannot reshape %v to %v", x, sh)
			}
			out[free] = prod(x) / prod(out)
		}
		if prod(out) != prod(x) {
			return nil, fmt.Errorf("cannot reshape %v to %v", x, sh)
		}
		s.run = copyValue
		return out, nil
	case "Gemm", "MatMul":
		if len(vin) != 1 || len(x) != 2 {
			return nil, errors.New("want a 2-d input and constant weights")
		}
		if s.op == "Gemm" && (attrInt(a, "transA", 0) != 0) {
			return nil, errors.New("transA")
		}
		if len(consts) < 1 || len(consts) > 2 || (s.op == "MatMul" && len(consts) != 1) {
			return nil, errors.New("want constant weights and an optional bias")
		}
		w, ws, ok := constant(consts[0])
		if !ok || len(ws) != 2 {
			return nil, errors.New("weights are not a constant matrix")
		}
		// Keep the weights as N x K (one row per output).
		k, n := ws[0], ws[1]
		if s.op == "Gemm" && attrInt(a, "transB", 0) != 0 {
			n, k = ws[0], ws[1]
			s.w = w
		} else {
			s.w = transpose(w, k, n)
		}
		if k != x[1] {
			return nil, fmt.Errorf("weights %v for input %v", ws, x)
		}
		s.alpha, s.beta = attrFloat(a, "alpha", 1), attrFloat(a, "beta", 1)
		if len(consts) == 2 {
			b, _, ok := constant(consts[1])
			if !ok || (len(b) != n && len(b) != 1) {
				return nil, errors.New("bias does not match the weights")
			}
			s.b = make([]float32, n)
			for i := range s.b {
				s.b[i] = s.beta * b[i%len(b)]
			}
		}
		s.shapeOut = []int{x[0], n}
		s.run = gemm
		return s.shapeOut, nil
	case "Add", "Mul", "Sub":
		switch {
		case len(vin) == 2 && len(consts) == 0:
			if !slices.Equal(vin[0], vin[1]) {
				return nil, fmt.Errorf("shapes %v and %v (broadcasting only against constants)", vin[0], vin[1])
			}
		case len(vin) == 1 && len(consts) == 1:
			c, cs, ok := constant(consts[0])
			if !ok {
				return nil, errors.New("operand is not a constant")
			}
			// A constant broadcasts along the trailing axes of x when it
			// has one value, one per channel (C x 1 x 1) or x's size.
			switch {
			case len(c) == 1 || len(c) == prod(x):
			case len(x) == 4 && len(c) == x[1] && prod(cs[max(0, len(cs)-2):]) == 1:
			default:
				return nil, fmt.Errorf("constant of shape %v against %v", cs, x)
			}
			s.konst = c
		default:
			return nil, errors.New("want two inputs")
		}
		s.run = binary
		return x, nil
	}
	return nil, errors.New("operator not supported")
}

// window reads the kernel, strides, pads and dilations of Conv and pools
// and returns the output's height and width for an input of shape x.
func (s *step) window(a map[string]any, k, x []int) (oh, ow int, err error) {
	st := attrInts(a, "strides", []int{1, 1})
	pd := attrInts(a, "pads", []int{0, 0, 0, 0})
	dl := attrInts(a, "dilations", []int{1, 1})
	if len(k) != 2 || len(st) != 2 || len(pd) != 4 || len(dl) != 2 {
		return 0, 0, errors.New("want 2-d kernel, strides, pads and dilations")
	}
	if pd[0] != pd[2] || pd[1] != pd[3] {
		return 0, 0, errors.New("uneven padding")
	}
	for i := range 2 {
		if k[i] < 1 || st[i] < 1 || dl[i] < 1 || pd[i] < 0 || k[i] > 64 || pd[i] > 64 {
			return 0, 0, fmt.Errorf("kernel %v, strides %v, pads %v, dilations %v", k, st, pd, dl)
		}
	}
	s.k, s.stride, s.pad, s.dil = [2]int{k[0], k[1]}, [2]int{st[0], st[1]}, [2]int{pd[0], pd[1]}, [2]int{dl[0], dl[1]}
	o := func(i int) int {
		span := s.dil[i]*(s.k[i]-1) + 1
		if x[2+i]+2*s.pad[i] < span {
			return 0
		}
		return (x[2+i]+2*s.pad[i]-span)/s.stride[i] + 1
	}
	oh, ow = o(0), o(1)
	if oh <= 0 || ow <= 0 {
		return 0, 0, errors.New("kernel larger than the padded input")
	}
	return oh, ow, nil
}

func transpose(w []float32, r, c int) []float32 {
	t := make([]float32, len(w))
	for i := range r {
		for j := range c {
			t[j*r+i] = w[i*c+j]
		}
	}
	return t
}

func unary(s *step, v [][]float32, _ []float32) {
	x, y := v[s.args[0]], v[s.dst]
	switch s.op {
	case "Relu":
		vek32.MaximumNumber_Into(y, x, 0)
	case "Sigmoid":
		for i, a := range x {
			y[i] = float32(1 / (1 + math.Exp(-float64(a))))
		}
	case "Tanh":
		for i, a := range x {
			y[i] = float32(math.Tanh(float64(a)))
		}
	}
}

func copyValue(s *step, v [][]float32, _ []float32) { copy(v[s.dst], v[s.args[0]]) }

func binary(s *step, v [][]float32, _ []float32) {
	x, y := v[s.args[0]], v[s.dst]
	var c []float32
	if len(s.args) == 2 {
		c = v[s.args[1]]
	} else {
		c = s.konst
	}
	per := 1 // elements of x per constant value
	switch len(c) {
	case len(x):
	case 1:
		per = len(x)
	default:
		per = len(x) / (s.shapeIn[0] * len(c)) // one per channel
	}
	for i := range x {
		b := c[(i/per)%len(c)]
		switch s.op {
		case "Add":
			y[i] = x[i] + b
		case "Sub":
			y[i] = x[i] - b
		case "Mul":
			y[i] = x[i] * b
		}
	}
}

// conv is an im2col convolution: the input windows are laid out as a K x P
// matrix (K = C kh kw values per window, P output pixels) and multiplied
// by the M x K filters with vek's SIMD matrix product (serial for these
// small sizes).
func conv(s *step, v [][]float32, scratch []float32) {
	x, y := v[s.args[0]], v[s.dst]
	n, c, h, w := s.shapeIn[0], s.shapeIn[1], s.shapeIn[2], s.shapeIn[3]
	m, oh, ow := s.shapeOut[1], s.shapeOut[2], s.shapeOut[3]
	kh, kw := s.k[0], s.k[1]
	K, P := c*kh*kw, oh*ow
	col := scratch[:K*P]
	for b := range n {
		im2colRows(s, x[b*c*h*w:(b+1)*c*h*w], col, scratch[K*P:], c, h, w)
		yb := y[b*m*P : (b+1)*m*P]
		vek32.MatMul_Into(yb, s.w, col, K)
		if s.b != nil {
			for mi := range m {
				vek32.AddNumber_Inplace(yb[mi*P:(mi+1)*P], s.b[mi])
			}
		}
	}
}

// im2colRows lays out the input windows as K rows of P output pixels.
// With stride 1 (any dilation), the input is first copied into a
// zero-padded plane (pad, at the end of col's scratch) and every row of a
// window row is one copy.
func im2colRows(s *step, xb, col, pad []float32, c, h, w int) {
	oh, ow := s.shapeOut[2], s.shapeOut[3]
	kh, kw := s.k[0], s.k[1]
	P := oh * ow
	if s.stride == [2]int{1, 1} {
		ph, pw := h+2*s.pad[0], w+2*s.pad[1]
		pad = pad[:c*ph*pw]
		clear(pad)
		for ci := range c {
			for y := range h {
				copy(pad[(ci*ph+y+s.pad[0])*pw+s.pad[1]:], xb[(ci*h+y)*w:(ci*h+y+1)*w])
			}
		}
		for ci := range c {
			for ky := range kh {
				for kx := range kw {
					kk := (ci*kh+ky)*kw + kx
					for oy := range oh {
						src := pad[(ci*ph+oy+ky*s.dil[0])*pw+kx*s.dil[1]:]
						copy(col[kk*P+oy*ow:][:ow], src[:ow])
					}
				}
			}
		}
		return
	}
	for ci := range c {
		for ky := range kh {
			for kx := range kw {
				kk := (ci*kh+ky)*kw + kx
				for oy := range oh {
					r := col[kk*P+oy*ow:][:ow]
					iy := oy*s.stride[0] - s.pad[0] + ky*s.dil[0]
					if iy < 0 || iy >= h {
						clear(r)
						continue
					}
					src := xb[(ci*h+iy)*w : (ci*h+iy+1)*w]
					ix := -s.pad[1] + kx*s.dil[1]
					for ox := range r {
						if ix >= 0 && ix < w {
							r[ox] = src[ix]
						} else {
							r[ox] = 0
						}
						ix += s.stride[1]
					}
				}
			}
		}
	}
}

func pool(s *step, v [][]float32, _ []float32) {
	x, y := v[s.args[0]], v[s.dst]
	n, c, h, w := s.shapeIn[0], s.shapeIn[1], s.shapeIn[2], s.shapeIn[3]
	oh, ow := s.shapeOut[2], s.shapeOut[3]
	avg := s.op == "AveragePool"
	if !avg && s.k == [2]int{2, 2} && s.stride == [2]int{2, 2} && s.pad == [2]int{} && s.dil == [2]int{1, 1} {
		for p := range n * c {
			xp, yp := x[p*h*w:(p+1)*h*w], y[p*oh*ow:(p+1)*oh*ow]
			for oy := range oh {
				r0, r1 := xp[2*oy*w:][:2*ow], xp[(2*oy+1)*w:][:2*ow]
				yr := yp[oy*ow:][:ow]
				for ox := range yr {
					yr[ox] = max(r0[2*ox], r0[2*ox+1], r1[2*ox], r1[2*ox+1])
				}
			}
		}
		return
	}
	for p := range n * c {
		xp, yp := x[p*h*w:(p+1)*h*w], y[p*oh*ow:(p+1)*oh*ow]
		for oy := range oh {
			for ox := range ow {
				best := float32(math.Inf(-1))
				var sum float32
				cnt := 0
				for ky := range s.k[0] {
					iy := oy*s.stride[0] - s.pad[0] + ky*s.dil[0]
					if iy < 0 || iy >= h {
						continue
					}
					for kx := range s.k[1] {
						ix := ox*s.stride[1] - s.pad[1] + kx*s.dil[1]
						if ix < 0 || ix >= w {
							continue
						}
						a := xp[iy*w+ix]
						best = max(best, a)
						sum += a
						cnt++
					}
				}
				if avg {
					best = sum / float32(max(cnt, 1))
				}
				yp[oy*ow+ox] = best
			}
		}
	}
}

func globalAverage(s *step, v [][]float32, _ []float32) {
	x, y := v[s.args[0]], v[s.dst]
	hw := s.shapeIn[2] * s.shapeIn[3]
	for p := range y {
		y[p] = vek32.Sum(x[p*hw:(p+1)*hw]) / float32(hw)
	}
}

// gemm computes y = alpha x W^T + b for x of shape B x K and W of N x K.
func gemm(s *step, v [][]float32, _ []float32) {
	x, y := v[s.args[0]], v[s.dst]
	bn, k := s.shapeIn[0], s.shapeIn[1]
	n := s.shapeOut[1]
	alpha := s.alpha
	if s.op == "MatMul" {
		alpha = 1
	}
	for b := range bn {
		xb := x[b*k : (b+1)*k]
		for j := range n {
			a := alpha * vek32.Dot(xb, s.w[j*k:(j+1)*k])
			if s.b != nil {
				a += s.b[j]
			}
			y[b*n+j] = a
		}
	}
}
