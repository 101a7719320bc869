package ui

import (
	"fmt"
	"math"
	"strconv"
	"testing"

	"github.com/passgate/passgate/internal/i18n"
)

// The simulation of colour vision deficiency of Machado, Oliveira and
// Fernandes (2009) at severity 1.0, on linear RGB.
var (
	protanopia = [3][3]float64{
		{0.152286, 1.052583, -0.204868},
		{0.114503, 0.786281, 0.099216},
		{-0.003882, -0.048116, 1.051998},
	}
	deuteranopia = [3][3]float64{
		{0.367322, 0.860646, -0.227968},
		{0.280085, 0.672501, 0.047413},
		{-0.011820, 0.042940, 0.968881},
	}
	normal = [3][3]float64{{1, 0, 0}, {0, 1, 0}, {0, 0, 1}}
)

// TestPaletteColourBlind: the admit and refuse backgrounds stay far apart
// for protanopes and deuteranopes (CIE76 ΔE in CIELAB after the
// simulation), differ in lightness (WCAG contrast ratio of the two
// backgrounds), and carry their text legibly (contrast of text on each).
func TestPaletteColourBlind(t *testing.T) {
	const minDeltaE, minBetween, minText = 40, 3.5, 7
	admit, refuse := linear(t, admitColour), linear(t, refuseColour)
	for _, v := range []struct {
		name string
		m    [3][3]float64
	}{{"normal", normal}, {"protanopia", protanopia}, {"deuteranopia", deuteranopia}} {
		a, r := simulate(v.m, admit), simulate(v.m, refuse)
		dE := deltaE(lab(a), lab(r))
		t.Logf("%s: admit %s, refuse %s: ΔE %.1f", v.name, hex(a), hex(r), dE)
		if dE < minDeltaE {
			t.Errorf("%s: admit and refuse are ΔE %.1f apart, want at least %d", v.name, dE, minDeltaE)
		}
	}
	between := contrast(luminance(admit), luminance(refuse))
	onAdmit := contrast(luminance(admit), 0)   // black text
	onRefuse := contrast(luminance(refuse), 1) // white text
	t.Logf("contrast: backgrounds %.2f:1, black on admit %.1f:1, white on refuse %.1f:1", between, onAdmit, onRefuse)
	if between < minBetween {
		t.Errorf("the backgrounds' contrast is %.2f:1, want %.1f:1 (lightness tells them apart without hue)", between, minBetween)
	}
	if onAdmit < minText || onRefuse < minText {
		t.Errorf("text contrast %.1f:1 on admit, %.1f:1 on refuse, want %d:1", onAdmit, onRefuse, minText)
	}
}

// TestPaletteTestFails: the check above tells the old red and green (a
// deuteranope's brown and brown) from the palette in use.
func TestPaletteTestFails(t *testing.T) {
	a, r := simulate(deuteranopia, linear(t, "#1a7f37")), simulate(deuteranopia, linear(t, "#b42318"))
	if dE := deltaE(lab(a), lab(r)); dE >= 40 {
		t.Errorf("the old green and red are ΔE %.1f apart for deuteranopes: the threshold tells nothing", dE)
	}
}

// TestBigWordsHaveGlyphs: every verdict word of both catalogs can be drawn
// in block letters.
func TestBigWordsHaveGlyphs(t *testing.T) {
	for _, lang := range []string{"en", "ko"} {
		c, err := i18n.New(lang)
		if err != nil {
			t.Fatal(err)
		}
		for _, k := range []string{"ui.big.admit", "ui.big.refuse", "ui.big.wait"} {
			word := c.T(k)
			for _, r := range word {
				if _, ok := glyphs[r]; !ok {
					t.Errorf("%s %s = %q: no glyph for %q in glyphs.go", lang, k, word, r)
				}
			}
			if _, ok := bigVerdict(crossMark, word, 78, 10); !ok {
				t.Errorf("%s %s = %q does not fit 80 columns in block letters", lang, k, word)
			}
		}
	}
	for r, g := range glyphs {
		if len(g) != glyphHeight {
			t.Errorf("glyph %q is %d rows, want %d", r, len(g), glyphHeight)
		}
		for i, row := range g {
			if len(row) != len(g[0]) {
				t.Errorf("glyph %q row %d is %d wide, row 0 %d", r, i, len(row), len(g[0]))
			}
		}
	}
}

// TestBigVerdictFits: the block letters grow with the space and never
// pass it; with too little room there are none.
func TestBigVerdictFits(t *testing.T) {
	for _, c := range []struct{ w, h, rows int }{{78, 6, 6}, {78, 12, 6}, {118, 20, 9}, {300, 100, 15}} {
		lines, ok := bigVerdict(checkMark, "ADMIT", c.w, c.h)
		if !ok || len(lines) != c.rows {
			t.Errorf("%d×%d: %d lines (ok %v), want %d", c.w, c.h, len(lines), ok, c.rows)
		}
		for _, l := range lines {
			if n := len([]rune(l)); n > c.w {
				t.Errorf("%d×%d: a line of %d cells", c.w, c.h, n)
			}
		}
	}
	if _, ok := bigVerdict(checkMark, "ADMIT", 40, 6); ok {
		t.Error("ADMIT drawn in 40 columns")
	}
	if _, ok := bigVerdict(checkMark, "ADMIT", 78, 5); ok {
		t.Error("ADMIT drawn in 5 lines")
	}
	if _, ok := bigVerdict(checkMark, "ADMIT?", 78, 6); ok {
		t.Error("a letter without a glyph drawn")
	}
}

func linear(t *testing.T, hexColour string) [3]float64 {
	t.Helper()
	var c [3]float64
	for i := range c {
		v, err := strconv.ParseUint(hexColour[1+2*i:3+2*i], 16, 8)
		if err != nil {
			t.Fatalf("colour %q: %v", hexColour, err)
		}
		s := float64(v) / 255
		if s <= 0.04045 {
			c[i] = s / 12.92
		} else {
			c[i] = math.Pow((s+0.055)/1.055, 2.4)
		}
	}
	return c
}

func simulate(m [3][3]float64, c [3]float64) [3]float64 {
	var out [3]float64
	for i := range out {
		out[i] = math.Min(1, math.Max(0, m[i][0]*c[0]+m[i][1]*c[1]+m[i][2]*c[2]))
	}
	return out
}

func luminance(c [3]float64) float64 { return 0.2126*c[0] + 0.7152*c[1] + 0.0722*c[2] }

func contrast(a, b float64) float64 { return (math.Max(a, b) + 0.05) / (math.Min(a, b) + 0.05) }

// lab is CIELAB (D65) of a linear sRGB colour.
func lab(c [3]float64) [3]float64 {
	x := (0.4124*c[0] + 0.3576*c[1] + 0.1805*c[2]) / 0.95047
	y := 0.2126*c[0] + 0.7152*c[1] + 0.0722*c[2]
	z := (0.0193*c[0] + 0.1192*c[1] + 0.9505*c[2]) / 1.08883
	f := func(t float64) float64 {
		if t > 216.0/24389 {
			return math.Cbrt(t)
		}
		return t*24389/27/116 + 16.0/116
	}
	return [3]float64{116*f(y) - 16, 500 * (f(x) - f(y)), 200 * (f(y) - f(z))}
}

func deltaE(a, b [3]float64) float64 { return math.Sqrt(sq(a[0]-b[0]) + sq(a[1]-b[1]) + sq(a[2]-b[2])) }

func sq(x float64) float64 { return x * x }

func hex(c [3]float64) string {
	g := func(v float64) int {
		if v <= 0.0031308 {
			return int(math.Round(255 * 12.92 * v))
		}
		return int(math.Round(255 * (1.055*math.Pow(v, 1/2.4) - 0.055)))
	}
	return fmt.Sprintf("#%02x%02x%02x", g(c[0]), g(c[1]), g(c[2]))
}
