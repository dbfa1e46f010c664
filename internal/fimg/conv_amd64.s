//go:build amd64 && !purego

#include "textflag.h"

// func convAVX2(dst, src, k []float32, stride int)
//
// dst[i] = k[0]*src[i] + k[1]*src[i+stride] + ... for i < len(dst)&^7,
// summed in tap order with a multiply and an add (no FMA) per tap, as
// convGo does, so that both give the same bits. len(k) must be at least 1.
// Four accumulators (32 outputs) run side by side, then one (8 outputs).
TEXT ·convAVX2(SB), NOSPLIT, $0-80
	MOVQ dst_base+0(FP), DI
	MOVQ dst_len+8(FP), CX
	MOVQ src_base+24(FP), SI
	MOVQ k_base+48(FP), R8
	MOVQ k_len+56(FP), R9
	MOVQ stride+72(FP), R10
	SHLQ $2, R10

loop32:
	CMPQ CX, $32
	JLT  loop8
	VXORPS Y0, Y0, Y0
	VXORPS Y1, Y1, Y1
	VXORPS Y2, Y2, Y2
	VXORPS Y3, Y3, Y3
	MOVQ   SI, R11
	MOVQ   R8, R12
	MOVQ   R9, R13

tap32:
	VBROADCASTSS (R12), Y4
	VMULPS       (R11), Y4, Y5
	VMULPS       32(R11), Y4, Y6
	VMULPS       64(R11), Y4, Y7
	VMULPS       96(R11), Y4, Y8
	VADDPS       Y5, Y0, Y0
	VADDPS       Y6, Y1, Y1
	VADDPS       Y7, Y2, Y2
	VADDPS       Y8, Y3, Y3
	ADDQ         $4, R12
	ADDQ         R10, R11
	DECQ         R13
	JNZ          tap32
	VMOVUPS      Y0, (DI)
	VMOVUPS      Y1, 32(DI)
	VMOVUPS      Y2, 64(DI)
	VMOVUPS      Y3, 96(DI)
	ADDQ         $128, DI
	ADDQ         $128, SI
	SUBQ         $32, CX
	JMP          loop32

loop8:
	CMPQ CX, $8
	JLT  done
	VXORPS Y0, Y0, Y0
	MOVQ   SI, R11
	MOVQ   R8, R12
	MOVQ   R9, R13

tap8:
	VBROADCASTSS (R12), Y4
	VMULPS       (R11), Y4, Y5
	VADDPS       Y5, Y0, Y0
	ADDQ         $4, R12
	ADDQ         R10, R11
	DECQ         R13
	JNZ          tap8
	VMOVUPS      Y0, (DI)
	ADDQ         $32, DI
	ADDQ         $32, SI
	SUBQ         $8, CX
	JMP          loop8

done:
	VZEROUPPER
	RET
