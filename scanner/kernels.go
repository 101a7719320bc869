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
	var flip byte
	if negative {
		flip = 0xff
	}
	flip64 := uint64(flip) * 0x0101010101010101
	for bx := range n {
		s, mn, mx := uint64(0), uint8(0xff), uint8(0)
		for y := range blockSize {
			b := pix[y*stride+bx*blockSize:][:blockSize:blockSize]
			q := binary.LittleEndian.Uint64(b) ^ flip64
			// The eight bytes summed two lanes at a time.
			p := q&0x00ff00ff00ff00ff + q>>8&0x00ff00ff00ff00ff
			p = p&0x0000ffff0000ffff + p>>16&0x0000ffff0000ffff
			s += p&0xffffffff + p>>32
			if int(mx)-int(mn) > minRange {
				continue // contrast enough: only the sum matters now
			}
			v0, v1, v2, v3 := b[0]^flip, b[1]^flip, b[2]^flip, b[3]^flip
			v4, v5, v6, v7 := b[4]^flip, b[5]^flip, b[6]^flip, b[7]^flip
			mn = min(mn, v0, v1, v2, v3, v4, v5, v6, v7)
			mx = max(mx, v0, v1, v2, v3, v4, v5, v6, v7)
		}
		sum[bx], lo[bx], hi[bx] = uint16(s), mn, mx
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

// below8 returns a bit for each of the 8 bytes of q (the first byte in
// bit 0) that is at most the same byte of t. Each byte is compared in a
// 16-bit lane as 256+t-x, whose bit 8 survives exactly when x <= t.
func below8(q, t uint64) uint8 {
	const lanes = 0x00ff00ff00ff00ff
	const ones = 0x0100010001000100
	even := (ones + t&lanes - q&lanes) >> 8 & 0x0001000100010001
	odd := (ones + t>>8&lanes - q>>8&lanes) >> 8 & 0x0001000100010001
	gather := func(v uint64) uint8 { return uint8((v | v>>14 | v>>28 | v>>42) & 0x55) }
	return gather(even) | gather(odd)<<1
}
