package ui

import (
	"math"
	"strings"
)

// bitmap is a picture in pixels, rows of one width; true is ink.
type bitmap [][]bool

func parseGlyph(rows []string) bitmap {
	b := make(bitmap, len(rows))
	for y, r := range rows {
		b[y] = make([]bool, len(r))
		for x, c := range r {
			b[y][x] = c == '#'
		}
	}
	return b
}

func (b bitmap) width() int {
	if len(b) == 0 {
		return 0
	}
	return len(b[0])
}

// beside puts b and c side by side, gap pixels apart.
func (b bitmap) beside(c bitmap, gap int) bitmap {
	if b == nil {
		return c
	}
	out := make(bitmap, len(b))
	for y := range b {
		out[y] = append(append(append([]bool{}, b[y]...), make([]bool, gap)...), c[y]...)
	}
	return out
}

// bigWord draws s in block letters; ok is false when a letter has no
// glyph (the caller then writes s as text).
func bigWord(s string) (b bitmap, ok bool) {
	for i, r := range []rune(s) {
		g, found := glyphs[r]
		if !found {
			return nil, false
		}
		gap := 2
		if i == 0 {
			gap = 0
		}
		b = b.beside(parseGlyph(g), gap)
	}
	return b, b != nil
}

// scaled resizes b by f (nearest neighbour), to an even number of rows.
func (b bitmap) scaled(f float64) bitmap {
	w := int(math.Round(float64(b.width()) * f))
	h := int(math.Round(float64(len(b))*f/2)) * 2
	out := make(bitmap, h)
	for y := range out {
		out[y] = make([]bool, w)
		sy := y * len(b) / h
		for x := range out[y] {
			out[y][x] = b[sy][x*b.width()/w]
		}
	}
	return out
}

// lines draws b with two pixel rows a line: full and half blocks.
func (b bitmap) lines() []string {
	out := make([]string, 0, (len(b)+1)/2)
	for y := 0; y < len(b); y += 2 {
		var sb strings.Builder
		for x := range b[y] {
			top, bottom := b[y][x], y+1 < len(b) && b[y+1][x]
			switch {
			case top && bottom:
				sb.WriteRune('█')
			case top:
				sb.WriteRune('▀')
			case bottom:
				sb.WriteRune('▄')
			default:
				sb.WriteByte(' ')
			}
		}
		out = append(out, sb.String())
	}
	return out
}

// maxScale is the largest a verdict's letters grow on a big terminal.
const maxScale = 2.5

// bigVerdict draws the verdict's symbol and word in block letters, as
// large as fits w cells by h lines, at least glyphHeight pixels high; ok
// is false when they do not fit (or a letter has no glyph).
func bigVerdict(symbol []string, word string, w, h int) (lines []string, ok bool) {
	text, ok := bigWord(word)
	if !ok {
		return nil, false
	}
	b := parseGlyph(symbol).beside(text, 3)
	f := min(float64(w)/float64(b.width()), float64(2*h)/glyphHeight, maxScale)
	f = math.Floor(f*2) / 2 // whole and half steps keep strokes even
	if f < 1 {
		return nil, false
	}
	return b.scaled(f).lines(), true
}
