//go:build amd64 && !purego

#include "textflag.h"

// ROW folds the row at ADDR into the running minimum X1, maximum X2 and
// the per-8-byte sums X3. X6 is the polarity mask, X7 zero.
#define ROW(ADDR) \
	MOVOU  ADDR, X0; \
	PXOR   X6, X0; \
	PMINUB X0, X1; \
	PMAXUB X0, X2; \
	PSADBW X7, X0; \
	PADDQ  X0, X3

// ROW8 is ROW for a single block: 8 bytes.
#define ROW8(ADDR) \
	MOVQ   ADDR, X0; \
	PXOR   X6, X0; \
	PMINUB X0, X1; \
	PMAXUB X0, X2; \
	PSADBW X7, X0; \
	PADDQ  X0, X3

// FOLD leaves in byte 0 and byte 8 of X the OP (PMINUB or PMAXUB) of the
// bytes of its low and its high half.
#define FOLD(OP, X) \
	MOVO  X, X4; \
	PSRLQ $32, X4; \
	OP    X4, X; \
	MOVO  X, X4; \
	PSRLQ $16, X4; \
	OP    X4, X; \
	MOVO  X, X4; \
	PSRLQ $8, X4; \
	OP    X4, X

// func blockStatsSSE2(pix *byte, stride, n int, negative bool, sum *uint16, lo, hi *uint8)
TEXT ·blockStatsSSE2(SB), NOSPLIT, $0-56
	MOVQ pix+0(FP), SI
	MOVQ stride+8(FP), R8
	MOVQ n+16(FP), CX
	MOVQ sum+32(FP), DI
	MOVQ lo+40(FP), R11
	MOVQ hi+48(FP), R12
	LEAQ (R8)(R8*2), R9 // 3*stride
	PXOR X7, X7
	PXOR X6, X6
	CMPB negative+24(FP), $0
	JEQ  pairs
	PCMPEQB X6, X6

pairs:
	CMPQ CX, $2
	JLT  single
	LEAQ (SI)(R8*4), R10
	MOVOU (SI), X0
	PXOR  X6, X0
	MOVO  X0, X1
	MOVO  X0, X2
	PSADBW X7, X0
	MOVO  X0, X3
	ROW((SI)(R8*1))
	ROW((SI)(R8*2))
	ROW((SI)(R9*1))
	ROW((R10))
	ROW((R10)(R8*1))
	ROW((R10)(R8*2))
	ROW((R10)(R9*1))
	FOLD(PMINUB, X1)
	FOLD(PMAXUB, X2)
	MOVQ   X3, AX
	MOVW   AX, (DI)
	PEXTRW $4, X3, AX
	MOVW   AX, 2(DI)
	MOVQ   X1, AX
	MOVB   AX, (R11)
	PEXTRW $4, X1, AX
	MOVB   AX, 1(R11)
	MOVQ   X2, AX
	MOVB   AX, (R12)
	PEXTRW $4, X2, AX
	MOVB   AX, 1(R12)
	ADDQ $16, SI
	ADDQ $4, DI
	ADDQ $2, R11
	ADDQ $2, R12
	SUBQ $2, CX
	JMP  pairs

single:
	CMPQ CX, $1
	JLT  done
	LEAQ (SI)(R8*4), R10
	MOVQ (SI), X0
	PXOR X6, X0
	MOVO X0, X1
	MOVO X0, X2
	PSADBW X7, X0
	MOVO X0, X3
	ROW8((SI)(R8*1))
	ROW8((SI)(R8*2))
	ROW8((SI)(R9*1))
	ROW8((R10))
	ROW8((R10)(R8*1))
	ROW8((R10)(R8*2))
	ROW8((R10)(R9*1))
	FOLD(PMINUB, X1)
	FOLD(PMAXUB, X2)
	MOVQ X3, AX
	MOVW AX, (DI)
	MOVQ X1, AX
	MOVB AX, (R11)
	MOVQ X2, AX
	MOVB AX, (R12)

done:
	RET

// func belowSSE2(pix, thr *byte, n int, negative bool, words *uint32)
TEXT ·belowSSE2(SB), NOSPLIT, $0-40
	MOVQ pix+0(FP), SI
	MOVQ thr+8(FP), DX
	MOVQ n+16(FP), CX
	MOVQ words+32(FP), DI
	PXOR X6, X6
	CMPB negative+24(FP), $0
	JEQ  loop
	PCMPEQB X6, X6

loop:
	MOVOU (SI), X0
	PXOR  X6, X0
	MOVOU (DX), X1
	PMAXUB X1, X0
	PCMPEQB X1, X0 // max(x, t) == t: x <= t
	PMOVMSKB X0, AX
	MOVOU 16(SI), X2
	PXOR  X6, X2
	MOVOU 16(DX), X3
	PMAXUB X3, X2
	PCMPEQB X3, X2
	PMOVMSKB X2, BX
	SHLL $16, BX
	ORL  BX, AX
	MOVL AX, (DI)
	ADDQ $32, SI
	ADDQ $32, DX
	ADDQ $4, DI
	DECQ CX
	JNZ  loop
	RET
