package framegen

import (
	"errors"
	"fmt"
	"math"

	"github.com/passgate/passgate/scanner"
)

// ErrNoSymbol is returned (wrapped) by NewSource when the image does not
// show one upright QR symbol on a light background that it can sample.
var ErrNoSymbol = errors.New("framegen: no QR symbol found in the image")

// Source is a code to render: the text it holds and its grid of modules.
// Frames are drawn from the module grid, not from the pixels of the image it
// came from, so every code renders sharply at any size and its corners are
// known exactly.
type Source struct {
	// Name says where the code came from, for reports: a file name or the
	// path of a test vector.
	Name string
	// Text is what the code holds.
	Text string

	n    int    // modules a side, without the quiet zone
	dark []bool // n*n modules, row by row; true is a dark module
}

// Modules returns the number of modules a side of the symbol (21 for
// version 1, 4 more each version), without the quiet zone.
func (s Source) Modules() int { return s.n }

// module reports whether module (x, y) of the symbol is dark.
func (s *Source) module(x, y int) bool { return s.dark[y*s.n+x] }

// NewSource samples the module grid of the QR symbol in img: an upright,
// axis-aligned code such as a generated PNG, any number of pixels a module
// (not necessarily a whole number), with a light quiet zone. It checks the
// three finder patterns, and returns an error wrapping ErrNoSymbol when the
// image is anything else.
func NewSource(name, text string, img *scanner.Luma) (Source, error) {
	lo, hi := byte(255), byte(0)
	for y := range img.Height {
		for _, v := range img.Pix[y*img.Stride : y*img.Stride+img.Width] {
			lo, hi = min(lo, v), max(hi, v)
		}
	}
	if int(hi)-int(lo) < 64 {
		return Source{}, fmt.Errorf("%w: %s: contrast %d-%d too low", ErrNoSymbol, name, lo, hi)
	}
	t := byte((int(lo) + int(hi)) / 2)
	isDark := func(x, y int) bool { return img.At(x, y) < t }

	// The symbol is the bounding box of the dark pixels: the finder
	// patterns reach three of its corners.
	x0, y0, x1, y1 := img.Width, img.Height, -1, -1
	for y := range img.Height {
		for x := range img.Width {
			if isDark(x, y) {
				x0, y0, x1, y1 = min(x0, x), min(y0, y), max(x1, x), max(y1, y)
			}
		}
	}
	w, h := x1-x0+1, y1-y0+1
	if w < 21 || h < 21 || math.Abs(float64(w-h)) > 0.05*float64(w) {
		return Source{}, fmt.Errorf("%w: %s: dark area %d×%d is not a square code", ErrNoSymbol, name, w, h)
	}
	// The top edge and left edge of the top-left finder are 7 modules of
	// unbroken dark.
	run := 0
	for x := x0; x <= x1 && isDark(x, y0); x++ {
		run++
	}
	for y := y0; y <= y1 && isDark(x0, y); y++ {
		run++
	}
	pitch := float64(run) / 14
	n := int(math.Round((float64(w+h)/2/pitch-17)/4))*4 + 17
	if n < 21 || n > 177 {
		return Source{}, fmt.Errorf("%w: %s: %d modules a side", ErrNoSymbol, name, n)
	}

	// Sample each module by the mean of a few pixels around its centre.
	src := Source{Name: name, Text: text, n: n, dark: make([]bool, n*n)}
	px, py := float64(w)/float64(n), float64(h)/float64(n)
	reach := int(min(px, py) / 4)
	for my := range n {
		cy := y0 + int((float64(my)+0.5)*py)
		for mx := range n {
			cx := x0 + int((float64(mx)+0.5)*px)
			sum, cnt := 0, 0
			for y := max(cy-reach, 0); y <= min(cy+reach, img.Height-1); y++ {
				for x := max(cx-reach, 0); x <= min(cx+reach, img.Width-1); x++ {
					sum += int(img.At(x, y))
					cnt++
				}
			}
			src.dark[my*n+mx] = sum < int(t)*cnt
		}
	}
	for _, c := range [][2]int{{0, 0}, {n - 7, 0}, {0, n - 7}} {
		if !src.finderAt(c[0], c[1]) {
			return Source{}, fmt.Errorf("%w: %s: no finder pattern at module (%d, %d) of %d", ErrNoSymbol, name, c[0], c[1], n)
		}
	}
	return src, nil
}

// finderAt reports whether the 7×7 modules at (x, y) form a finder pattern:
// a dark ring, a light ring, a dark 3×3 centre.
func (s *Source) finderAt(x, y int) bool {
	for j := range 7 {
		for i := range 7 {
			ring := max(abs(i-3), abs(j-3)) // 3 outer, 2 light, 0-1 centre
			if s.module(x+i, y+j) != (ring != 2) {
				return false
			}
		}
	}
	return true
}

func abs(v int) int {
	if v < 0 {
		return -v
	}
	return v
}

// Image draws the symbol flat and sharp, scale pixels a module, with the
// four-module quiet zone the standard asks for: what the source looks like
// before any distortion.
func (s Source) Image(scale int) *scanner.Luma {
	scale = max(scale, 1)
	side := (s.n + 8) * scale
	img := scanner.NewLuma(side, side)
	for i := range img.Pix {
		img.Pix[i] = 255
	}
	for y := range side {
		my := y/scale - 4
		for x := range side {
			mx := x/scale - 4
			if mx >= 0 && my >= 0 && mx < s.n && my < s.n && s.module(mx, my) {
				img.Pix[y*img.Stride+x] = 0
			}
		}
	}
	return img
}
