package scanner

import (
	"math/bits"

	"github.com/makiuchi-d/gozxing"
)

// A cheap test of three finder patterns before the expensive ways of
// sampling a code between them: a real code has its format information (15
// bits, twice) in the modules beside them, and both copies are next to the
// finder patterns, so each is read through its own pattern's frame without
// knowing the code's size. Random modules pass about 1 time in 25
// (either copy within 1 bit of a valid word, or both within 3 bits of the
// same word); a code whose format information gozxing cannot read
// either (more than 3 bits wrong in both copies) does not decode anyway.

// local maps module coordinates of a finder pattern's 7×7 square (0 to 7
// across it, from the corner the code's top-left is on) to the image.
type local func(x, y float64) pt

// affineLocal is the frame of a finder pattern known only by its centre c,
// module size and the code's axes u and v (unit vectors).
func affineLocal(c pt, module float64, u, v pt) local {
	return func(x, y float64) pt {
		a, b := (x-3.5)*module, (y-3.5)*module
		return pt{c.x + a*u.x + b*v.x, c.y + a*u.y + b*v.y}
	}
}

// formatWord returns the masked format word nearest w and its distance.
func formatWord(w uint) (uint, int) {
	best, bestD := uint(0), 16
	for data := uint(0); data < 32; data++ {
		// BCH(15,5) with generator 0x537, then the mask 0x5412.
		c := data << 10
		for i := 14; i >= 10; i-- {
			if c&(1<<i) != 0 {
				c ^= 0x537 << (i - 10)
			}
		}
		word := (data<<10 | c) ^ 0x5412
		if d := bits.OnesCount(word ^ w); d < bestD {
			best, bestD = word, d
		}
	}
	return best, bestD
}

// formatEvidence grades what the format information beside three finder
// patterns says of them.
type formatEvidence int

const (
	// formatNone: neither copy near a format word; not a code, or one
	// gozxing cannot read.
	formatNone formatEvidence = iota
	// formatWeak: one copy within a bit of a word, or both within three
	// bits of the same word. Random modules pass about 1 time in 25 a
	// reading; a check reads two ways, and Loose through two frames.
	formatWeak
	// formatStrong: both copies near the same word, at most four bits
	// wrong of their 30, or one copy exact and the other within a bit of
	// a word: random modules pass about 1 time in 1000 a reading.
	formatStrong
)

// formatPlausible reads both copies of the format information through the
// frames of the top-left, top-right and bottom-left finder patterns, as the
// code shows them and mirrored, and tells whether they look like a code's.
func formatPlausible(m *gozxing.BitMatrix, tl, tr, bl local) bool {
	return formatGrade(m, tl, tr, bl) > formatNone
}

// formatGrade is formatPlausible's evidence, the better of the two ways.
func formatGrade(m *gozxing.BitMatrix, tl, tr, bl local) formatEvidence {
	swap := func(f local) local { return func(x, y float64) pt { return f(y, x) } }
	return max(formatReads(m, tl, tr, bl), formatReads(m, swap(tl), swap(bl), swap(tr)))
}

// moduleAt is 1 when the module (x, y) of frame f is dark in m, 0 when
// it is light or outside m.
func moduleAt(m *gozxing.BitMatrix, f local, x, y int) uint {
	p := f(float64(x)+0.5, float64(y)+0.5)
	ix, iy := int(p.x), int(p.y)
	if p.x >= 0 && p.y >= 0 && ix < m.GetWidth() && iy < m.GetHeight() && m.Get(ix, iy) {
		return 1
	}
	return 0
}

func formatReads(m *gozxing.BitMatrix, tl, tr, bl local) formatEvidence {
	get := func(f local, x, y int) uint { return moduleAt(m, f, x, y) }
	// gozxing's bit order (BitMatrixParser.readFormatInformation).
	var c1, c2 uint
	for _, q := range [15][2]int{{0, 8}, {1, 8}, {2, 8}, {3, 8}, {4, 8}, {5, 8}, {7, 8}, {8, 8}, {8, 7}, {8, 5}, {8, 4}, {8, 3}, {8, 2}, {8, 1}, {8, 0}} {
		c1 = c1<<1 | get(tl, q[0], q[1])
	}
	for y := 6; y >= 0; y-- { // column 8, rows d-1 up to d-7: beside the bottom-left square
		c2 = c2<<1 | get(bl, 8, y)
	}
	for x := -1; x <= 6; x++ { // row 8, columns d-8 to d-1: under the top-right square
		c2 = c2<<1 | get(tr, x, 8)
	}
	w1, d1 := formatWord(c1)
	w2, d2 := formatWord(c2)
	switch {
	case d1+d2 <= 1 || (w1 == w2 && d1+d2 <= 4):
		return formatStrong
	case d1 <= 1 || d2 <= 1 || (w1 == w2 && d1 <= 3 && d2 <= 3):
		return formatWeak
	}
	return formatNone
}
