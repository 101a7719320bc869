package scanner

import "encoding/binary"

// The binarizer's two inner loops, in Go. On amd64 the same loops run as
// SSE2 assembly (kernels_amd64.s); these are the reference the assembly is
// tested against, and the code on every other architecture.

// blockStatsGo computes, for n blocks of 8×8 pixels side by side from
// pix[0] (rows stride apart), each block's sum and, when its range is at
// most minRange, its minimum and maximum (otherwise hi-lo > minRange is all
// that is promised). With negative the pixels are taken as 255-v.
func blockStatsGo(pix []byte, stride, n int, negative bool, sum []uint16, lo, hi []uint8) {
	var f byte
	if negative {
		f = 0xff
	}
	flip := uint64(f) * 0x0101010101010101
	const lanes = 0x00ff00ff00ff00ff
	pix = pix[:7*stride+8*n]
	for bx := range n {
		// Byte pairs summed into four 16-bit lanes (at most 8×510 each),
		// added up once a block.
		var s uint64
		mn, mx := uint8(0xff), uint8(0)
		for y := range blockSize {
			b := pix[y*stride+bx*blockSize:][:blockSize:blockSize]
			q := binary.LittleEndian.Uint64(b) ^ flip
			s += q&lanes + q>>8&lanes
			if int(mx)-int(mn) > minRange {
				continue // contrast enough: only the sum matters now
			}
			v0, v1, v2, v3 := b[0]^f, b[1]^f, b[2]^f, b[3]^f
			v4, v5, v6, v7 := b[4]^f, b[5]^f, b[6]^f, b[7]^f
			mn = min(mn, v0, v1, v2, v3, v4, v5, v6, v7)
			mx = max(mx, v0, v1, v2, v3, v4, v5, v6, v7)
		}
		sum[bx], lo[bx], hi[bx] = uint16(s*0x0001000100010001>>48), mn, mx
	}
}

// belowGo sets, in words, bit x&31 of word x>>5 for each pixel x of pix
// (taken as 255-v with negative) that is at most thr[x], for the first
// 32*len(words) pixels, and clears the other bits.
func belowGo(pix, thr []byte, negative bool, words []uint32) {
	var flip uint64
	if negative {
		flip = 0xffffffffffffffff
	}
	pix, thr = pix[:32*len(words)], thr[:32*len(words)]
	for i := range words {
		var word uint32
		for k := range 4 {
			o := 32*i + 8*k
			q := binary.LittleEndian.Uint64(pix[o:o+8]) ^ flip
			t := binary.LittleEndian.Uint64(thr[o : o+8])
			word |= uint32(below8(q, t)) << (8 * k)
		}
		words[i] = word
	}
}

// belowRow sets in words the bits of the pixels of pix (taken as 255-v
// with negative) at most their thr: the kernel for whole 32-pixel words,
// then the rest one at a time. words has a bit for every pixel.
func belowRow(pix, thr []byte, negative bool, words []uint32) {
	whole := len(pix) / 32
	below(pix, thr, negative, words[:whole])
	if whole == len(words) {
		return
	}
	var flip byte
	if negative {
		flip = 0xff
	}
	var word uint32
	for x := 32 * whole; x < len(pix); x++ {
		if pix[x]^flip <= thr[x] {
			word |= 1 << (x & 31)
		}
	}
	words[whole] = word
}

// below8 returns a bit for each of the 8 bytes of q (the first byte in
// bit 0) that is at most the same byte of t. The low seven bits compare in
// d, whose top bit in a byte is set when t's low bits are at least q's
// (the top bit of t's byte stops any borrow); the top bits decide the
// rest. The multiply gathers the eight top bits into one byte.
func below8(q, t uint64) uint8 {
	const top = 0x8080808080808080
	d := (t | top) - (q &^ top)
	le := (^q&t | ^(q^t)&d) & top
	return uint8((le >> 7) * 0x0102040810204080 >> 56)
}
