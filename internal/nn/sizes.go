package nn

import (
	"errors"
	"fmt"

	"google.golang.org/protobuf/encoding/protowire"
)

// maxValues bounds the elements of any tensor a model declares.
const maxValues = 1 << 26

// checkSizes reads the shapes the graph declares for its inputs, outputs
// and intermediate values before onnx-go does: onnx-go allocates a tensor of
// each declared shape, so a file could make it allocate without bound.
// Field numbers are those of onnx.proto: ModelProto.graph 7;
// GraphProto.input 11, output 12, value_info 13; ValueInfoProto.type 2;
// TypeProto.tensor_type 1; TypeProto.Tensor.shape 2; TensorShapeProto.dim
// 1; Dimension.dim_value 1.
func checkSizes(model []byte) error {
	return eachField(model, 7, func(graph []byte) error {
		for _, f := range []protowire.Number{11, 12, 13} {
			err := eachField(graph, f, func(vi []byte) error {
				return eachField(vi, 2, func(typ []byte) error {
					return eachField(typ, 1, func(tt []byte) error {
						return eachField(tt, 2, func(shape []byte) error {
							n := uint64(1)
							err := eachField(shape, 1, func(dim []byte) error {
								return eachVarint(dim, 1, func(v uint64) error {
									if v > maxValues || n*max(v, 1) > maxValues {
										return errors.New("a declared tensor is too large")
									}
									n *= max(v, 1)
									return nil
								})
							})
							return err
						})
					})
				})
			})
			if err != nil {
				return err
			}
		}
		return nil
	})
}

// eachField calls fn with the bytes of every length-delimited field num of
// the message b.
func eachField(b []byte, num protowire.Number, fn func([]byte) error) error {
	return walk(b, func(n protowire.Number, t protowire.Type, v []byte, _ uint64) error {
		if n == num && t == protowire.BytesType {
			return fn(v)
		}
		return nil
	})
}

// eachVarint calls fn with every varint field num of the message b.
func eachVarint(b []byte, num protowire.Number, fn func(uint64) error) error {
	return walk(b, func(n protowire.Number, t protowire.Type, _ []byte, x uint64) error {
		if n == num && t == protowire.VarintType {
			return fn(x)
		}
		return nil
	})
}

func walk(b []byte, fn func(protowire.Number, protowire.Type, []byte, uint64) error) error {
	for len(b) > 0 {
		n, t, k := protowire.ConsumeTag(b)
		if k < 0 {
			return fmt.Errorf("bad field tag: %v", protowire.ParseError(k))
		}
		b = b[k:]
		var v []byte
		var x uint64
		switch t {
		case protowire.BytesType:
			v, k = protowire.ConsumeBytes(b)
		case protowire.VarintType:
			x, k = protowire.ConsumeVarint(b)
		default:
			k = protowire.ConsumeFieldValue(n, t, b)
		}
		if k < 0 {
			return fmt.Errorf("bad field %d: %v", n, protowire.ParseError(k))
		}
		b = b[k:]
		if err := fn(n, t, v, x); err != nil {
			return err
		}
	}
	return nil
}
