package framegen

import (
	"errors"
	"fmt"

	"github.com/makiuchi-d/gozxing"
	"github.com/makiuchi-d/gozxing/qrcode/decoder"
)

// ErrThumbCover is returned (wrapped) by Source.ThumbDamage, and so by
// Render, when a thumb covers a finder pattern or the format or version
// information: what a decoder needs before error correction can help.
var ErrThumbCover = errors.New("framegen: the thumb covers a finder pattern or the format information")

// ThumbDamage returns how much of the code's error correction the thumb
// uses: over the code's blocks, the most codewords it touches in one
// block, as a share of the errors that block corrects (half its error
// correction codewords). A codeword is touched when the thumb reaches any
// of its modules. 1 or more means a decoder that does no better than the
// error correction cannot read the code; Render refuses a thumb above
// MaxThumbDamage. The code's version and error correction level come from
// its own modules (its format and version information).
func (s Source) ThumbDamage(t Thumb) (float64, error) {
	n := s.n
	if n == 0 {
		return 0, fmt.Errorf("framegen: thumb damage: source %q has no modules", s.Name)
	}
	// A module is covered when the thumb reaches any of nine points of it:
	// its corners, edge midpoints and centre.
	covered := func(mx, my int) bool {
		for j := range 3 {
			for i := range 3 {
				u := float64(mx) + float64(i)/2 - float64(n)/2
				v := float64(my) + float64(j)/2 - float64(n)/2
				if t.radius(u/float64(n), v/float64(n)) < 1 {
					return true
				}
			}
		}
		return false
	}
	// The finder patterns with their separators and the format
	// information next to them, and for version 7 and up the version
	// information: 9 modules at the top-left corner, 8 and the three
	// more modules of the version block at the two others.
	keep := 9
	if n >= 45 {
		keep = 12
	}
	clean, hurt := s.matrix(), s.matrix()
	for my := range n {
		for mx := range n {
			if !covered(mx, my) {
				continue
			}
			if (mx < keep && my < keep) || (mx >= n-keep && my < keep) || (mx < keep && my >= n-keep) {
				return 0, fmt.Errorf("%w: module (%d, %d) of %d", ErrThumbCover, mx, my, n)
			}
			hurt.Flip(mx, my)
		}
	}
	a, err := blocks(clean)
	if err != nil {
		return 0, fmt.Errorf("framegen: thumb damage: source %q: %w", s.Name, err)
	}
	b, err := blocks(hurt)
	if err != nil {
		return 0, fmt.Errorf("framegen: thumb damage: source %q: %w", s.Name, err)
	}
	worst := 0.0
	for i, blk := range a.data {
		wrong := 0
		for j, c := range blk.GetCodewords() {
			if b.data[i].GetCodewords()[j] != c {
				wrong++
			}
		}
		worst = max(worst, float64(wrong)/float64(a.ec/2))
	}
	return worst, nil
}

// matrix returns the source's modules as a gozxing bit matrix.
func (s Source) matrix() *gozxing.BitMatrix {
	m, _ := gozxing.NewSquareBitMatrix(s.n) // n is 21 or more
	for y := range s.n {
		for x := range s.n {
			if s.module(x, y) {
				m.Set(x, y)
			}
		}
	}
	return m
}

// codeBlocks are a code's codewords, de-interleaved into its blocks, and
// the error correction codewords of each block.
type codeBlocks struct {
	data []*decoder.DataBlock
	ec   int
}

// blocks reads the codewords of a symbol as a decoder does, by gozxing's
// own parser.
func blocks(m *gozxing.BitMatrix) (codeBlocks, error) {
	p, err := decoder.NewBitMatrixParser(m)
	if err != nil {
		return codeBlocks{}, err
	}
	format, err := p.ReadFormatInformation()
	if err != nil {
		return codeBlocks{}, err
	}
	version, err := p.ReadVersion()
	if err != nil {
		return codeBlocks{}, err
	}
	raw, err := p.ReadCodewords()
	if err != nil {
		return codeBlocks{}, err
	}
	level := format.GetErrorCorrectionLevel()
	data, err := decoder.DataBlock_GetDataBlocks(raw, version, level)
	if err != nil {
		return codeBlocks{}, err
	}
	return codeBlocks{data, version.GetECBlocksForLevel(level).GetECCodewordsPerBlock()}, nil
}

// ECLevel returns the code's error correction level, "L", "M", "Q" or "H",
// read from its format information.
func (s Source) ECLevel() (string, error) {
	p, err := decoder.NewBitMatrixParser(s.matrix())
	if err != nil {
		return "", fmt.Errorf("framegen: source %q: %w", s.Name, err)
	}
	format, err := p.ReadFormatInformation()
	if err != nil {
		return "", fmt.Errorf("framegen: source %q: %w", s.Name, err)
	}
	return format.GetErrorCorrectionLevel().String(), nil
}
