//go:build amd64 && !purego

#include "textflag.h"

// func claheBinsAVX2(dst []uint8, src []float32, lo, scale float32)
//
// Eight samples at a time: (p - lo) * scale, VMAXPS with 0 (which also
// maps NaN to 0), VMINPS with 63, truncated to int32 and packed to bytes:
// the bins of claheBinsGo.
TEXT ·claheBinsAVX2(SB), NOSPLIT, $0-56
	MOVQ         dst_base+0(FP), DI
	MOVQ         dst_len+8(FP), CX
	MOVQ         src_base+24(FP), SI
	VBROADCASTSS lo+48(FP), Y1
	VBROADCASTSS scale+52(FP), Y2
	VXORPS       Y3, Y3, Y3
	MOVL         $0x427c0000, AX // 63.0
	VMOVD        AX, X4
	VPBROADCASTD X4, Y4

bloop:
	CMPQ         CX, $8
	JLT          bdone
	VMOVUPS      (SI), Y0
	VSUBPS       Y1, Y0, Y0
	VMULPS       Y2, Y0, Y0
	VMAXPS       Y3, Y0, Y0
	VMINPS       Y4, Y0, Y0
	VCVTTPS2DQ   Y0, Y0
	VEXTRACTI128 $1, Y0, X5
	VPACKUSDW    X5, X0, X0
	VPACKUSWB    X0, X0, X0
	MOVQ         X0, (DI)
	ADDQ         $8, DI
	ADDQ         $32, SI
	SUBQ         $8, CX
	JMP          bloop

bdone:
	VZEROUPPER
	RET

// func claheRowAVX2(dst *[64]float32, bins *[64]uint8, ok *[64]bool, l0, l1 *[4][64]float32, wx, wx1 *[64]float32, tiles *[8][2]uint8, wy, wy1 float32)
//
// Eight pixels at a time, each block with the mappings of its two tile
// columns (tiles) in the two tile rows l0 and l1: the eight bins are read
// as one word and taken apart byte by byte, each one loads the four tiles'
// mappings (VMOVSS, VINSERTPS; storing a vector of indices on the stack and
// reloading them stalls on the Zen 1 EPYC of the benchmarks), and the
// interpolation runs in claheRowGo's order with a multiply and an add per
// step (no FMA), so every pixel has the same bits; invalid pixels are
// blended to 0.5.
TEXT ·claheRowAVX2(SB), NOSPLIT, $0-72
	MOVQ         dst+0(FP), DI
	MOVQ         bins+8(FP), SI
	MOVQ         ok+16(FP), R8
	MOVQ         wx+40(FP), R9
	MOVQ         wx1+48(FP), R10
	VBROADCASTSS wy+64(FP), Y14
	VBROADCASTSS wy1+68(FP), Y15
	VXORPS       Y12, Y12, Y12
	MOVL         $0x3f000000, AX // 0.5
	VMOVD        AX, X13
	VPBROADCASTD X13, Y13
	XORQ         CX, CX          // block

sloop:
	CMPQ    CX, $8
	JGE     sdone
	MOVQ    tiles+56(FP), AX
	MOVBLZX (AX)(CX*2), DX
	MOVBLZX 1(AX)(CX*2), AX
	SHLQ    $8, DX               // tile t0, 64 floats each
	SHLQ    $8, AX               // tile t1
	MOVQ    l0+24(FP), R12
	LEAQ    (R12)(AX*1), R13     // top right
	ADDQ    DX, R12              // top left
	MOVQ    l1+32(FP), BX
	LEAQ    (BX)(AX*1), R11      // bottom right
	ADDQ    DX, BX               // bottom left
	MOVQ    (SI), DX

#define FIRST(a, b, c, d) \
	MOVBLZX DX, AX; \
	ANDL    $63, AX; \
	SHRQ    $8, DX; \
	VMOVSS  (R12)(AX*4), a; \
	VMOVSS  (R13)(AX*4), b; \
	VMOVSS  (BX)(AX*4), c; \
	VMOVSS  (R11)(AX*4), d

#define NEXT(imm, a, b, c, d) \
	MOVBLZX   DX, AX; \
	ANDL      $63, AX; \
	SHRQ      $8, DX; \
	VINSERTPS imm, (R12)(AX*4), a, a; \
	VINSERTPS imm, (R13)(AX*4), b, b; \
	VINSERTPS imm, (BX)(AX*4), c, c; \
	VINSERTPS imm, (R11)(AX*4), d, d

	FIRST(X0, X1, X2, X3)
	NEXT($0x10, X0, X1, X2, X3)
	NEXT($0x20, X0, X1, X2, X3)
	NEXT($0x30, X0, X1, X2, X3)
	FIRST(X5, X6, X7, X8)
	NEXT($0x10, X5, X6, X7, X8)
	NEXT($0x20, X5, X6, X7, X8)
	NEXT($0x30, X5, X6, X7, X8)
	VINSERTF128 $1, X5, Y0, Y0
	VINSERTF128 $1, X6, Y1, Y1
	VINSERTF128 $1, X7, Y2, Y2
	VINSERTF128 $1, X8, Y3, Y3

	VMOVUPS   (R10), Y9  // wx1
	VMOVUPS   (R9), Y10  // wx
	VMULPS    Y9, Y0, Y0
	VMULPS    Y10, Y1, Y1
	VADDPS    Y1, Y0, Y0 // top
	VMULPS    Y9, Y2, Y2
	VMULPS    Y10, Y3, Y3
	VADDPS    Y3, Y2, Y2 // bottom
	VMULPS    Y15, Y0, Y0
	VMULPS    Y14, Y2, Y2
	VADDPS    Y2, Y0, Y0
	VPMOVZXBD (R8), Y4
	VPCMPEQD  Y12, Y4, Y4 // invalid
	VBLENDVPS Y4, Y13, Y0, Y0
	VMOVUPS   Y0, (DI)
	ADDQ      $32, DI
	ADDQ      $8, SI
	ADDQ      $8, R8
	ADDQ      $32, R9
	ADDQ      $32, R10
	INCQ      CX
	JMP       sloop

sdone:
	VZEROUPPER
	RET
