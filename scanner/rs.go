package scanner

import "errors"

// The Reed-Solomon correction of a QR block, in GF(256) with QR's
// polynomial x⁸+x⁴+x³+x²+1 and its generator's roots α^0 … α^(ec-1).
//
// gozxing corrects a block through its polynomial type: a slice and a
// call for every field operation, and a fresh polynomial for every step
// of its Euclidean algorithm. On pictures whose codes have a few wrong
// modules (a photo, a compressed image, a scratched screen), that was a
// third of the whole decode. Here the same bounded-distance decoding is
// done on fixed arrays with log tables: the syndromes, Berlekamp-Massey
// for the error locator, a search of its roots among the block's
// positions, and Forney's formula for the values. It corrects a block
// exactly when a codeword lies within ⌊ec/2⌋ wrong codewords of it, to
// that codeword, as gozxing's decoder does; unlike gozxing it checks the
// result, so a block it cannot mend is never passed on as mended (gozxing
// passes on, unchanged, a block whose upper syndromes happen to be zero).

// errUncorrectable is the error of a block with more wrong codewords than
// its error correction mends.
var errUncorrectable = errors.New("scanner: too many errors in a block of codewords")

// syndromes evaluates the block, read as a polynomial (its first codeword
// the highest coefficient), at α^0 … α^(ec-1) into s, by Horner's rule for
// all ec points at once, and tells whether all are zero: then the block is
// a codeword, with nothing to correct. ec ≤ maxEC.
func syndromes(block []byte, ec int, s *[maxEC]byte) bool {
	*s = [maxEC]byte{}
	for _, c := range block {
		for i := range ec {
			v := s[i]
			if v != 0 {
				v = gfExp[int(gfLog[v])+i]
			}
			s[i] = v ^ c
		}
	}
	for _, v := range s[:ec] {
		if v != 0 {
			return false
		}
	}
	return true
}

// gfMul multiplies in GF(256).
func gfMul(a, b byte) byte {
	if a == 0 || b == 0 {
		return 0
	}
	return gfExp[int(gfLog[a])+int(gfLog[b])]
}

// gfDiv divides in GF(256); b is not zero.
func gfDiv(a, b byte) byte {
	if a == 0 {
		return 0
	}
	return gfExp[int(gfLog[a])+255-int(gfLog[b])]
}

// gfEval is p(x), p's coefficients lowest degree first.
func gfEval(p []byte, x byte) byte {
	var v byte
	for i := len(p) - 1; i >= 0; i-- {
		v = gfMul(v, x) ^ p[i]
	}
	return v
}

// correctBlock corrects, in place, a block of codewords whose last ec are
// its error correction. It fails, leaving the block as it was, when no
// codeword lies within ⌊ec/2⌋ wrong codewords of it.
func correctBlock(block []byte, ec int) error {
	n := len(block)
	if ec <= 0 || ec > maxEC || n > 255 || n < ec {
		return errUncorrectable // not a QR block
	}
	var s [maxEC]byte
	if syndromes(block, ec, &s) {
		return nil
	}
	// Berlekamp-Massey: the shortest linear recurrence of the syndromes,
	// whose connection polynomial c (lowest degree first) is the error
	// locator, the product of 1 - X·x over the errors' locators X.
	// b is c before l last grew, bd the discrepancy then, m the steps
	// since.
	var c, b [maxEC + 1]byte
	c[0], b[0] = 1, 1
	l, m, bd := 0, 1, byte(1)
	for k := range ec {
		d := s[k] // how far c is from predicting s[k]
		for i := 1; i <= l; i++ {
			d ^= gfMul(c[i], s[k-i])
		}
		if d == 0 {
			m++
			continue
		}
		prev := c
		f := gfDiv(d, bd)
		for i := 0; i+m <= maxEC; i++ {
			c[i+m] ^= gfMul(f, b[i])
		}
		if 2*l <= k {
			l, b, bd, m = k+1-l, prev, d, 1
		} else {
			m++
		}
	}
	if 2*l > ec {
		return errUncorrectable
	}
	locator := c[:l+1]
	// The locator's roots: an error at index p of the block, the
	// coefficient of x^(n-1-p), has X = α^(n-1-p) and makes locator zero
	// at X⁻¹. Every one of its l roots must be such a position.
	var pos [maxEC / 2]int
	roots := 0
	for p := range n {
		j := n - 1 - p
		if gfEval(locator, gfExp[(255-j)%255]) == 0 {
			if roots == l {
				return errUncorrectable
			}
			pos[roots] = p
			roots++
		}
	}
	if roots != l {
		return errUncorrectable
	}
	// Forney: the value at X is X·Ω(X⁻¹)/Λ'(X⁻¹), where Ω = S·Λ mod x^ec
	// (only its terms below l count) and Λ' keeps Λ's odd terms (the
	// field's characteristic is 2).
	var omega [maxEC / 2]byte
	for i := range l {
		var v byte
		for j := 0; j <= i; j++ {
			v ^= gfMul(s[i-j], locator[j])
		}
		omega[i] = v
	}
	var deriv [maxEC / 2]byte
	for i := 1; i <= l; i += 2 {
		deriv[i-1] = locator[i]
	}
	var values [maxEC / 2]byte
	for r := range roots {
		j := n - 1 - pos[r]
		x, xInv := gfExp[j], gfExp[(255-j)%255]
		den := gfEval(deriv[:l], xInv)
		if den == 0 {
			return errUncorrectable
		}
		values[r] = gfMul(x, gfDiv(gfEval(omega[:l], xInv), den))
	}
	for r := range roots {
		block[pos[r]] ^= values[r]
	}
	// Checked: a locator and values that satisfy the syndromes make a
	// codeword; anything else is left as it came.
	if !syndromes(block, ec, &s) {
		for r := range roots {
			block[pos[r]] ^= values[r]
		}
		return errUncorrectable
	}
	return nil
}

// maxEC is the most error-correction codewords a QR block has (versions
// 1-40, every level).
const maxEC = 30

// gfExp and gfLog are GF(256)'s powers of α and logarithms, for QR's
// polynomial 0x11d: gfExp[i] = α^(i mod 255) for i < 2·255 (so a sum of
// two logarithms needs no modulo), gfLog[α^i] = i.
var gfExp, gfLog = gfTables()

func gfTables() (exp [2 * 255]byte, log [256]byte) {
	x := 1
	for i := range exp {
		exp[i] = byte(x)
		if i < 255 {
			log[x] = byte(i)
		}
		x <<= 1
		if x >= 256 {
			x ^= 0x11d
		}
	}
	return exp, log
}
