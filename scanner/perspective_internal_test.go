package scanner

import (
	"errors"
	"math"
	"math/bits"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"github.com/makiuchi-d/gozxing"
	"github.com/makiuchi-d/gozxing/qrcode"
	"github.com/makiuchi-d/gozxing/qrcode/decoder"
	"github.com/makiuchi-d/gozxing/qrcode/detector"
)

func TestFitHomography(t *testing.T) {
	want := homography{1.3, 0.2, 40, -0.1, 0.9, 25, 0.002, -0.001}
	var src, dst []pt
	for _, p := range []pt{{0, 0}, {29, 0}, {0, 29}, {29, 29}, {3.5, 3.5}, {25.5, 3.5}, {3.5, 25.5}} {
		src = append(src, p)
		dst = append(dst, want.apply(p))
	}
	got, err := fitHomography(src, dst)
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range []pt{{10, 20}, {28, 1}, {14.5, 14.5}} {
		a, b := want.apply(p), got.apply(p)
		if math.Hypot(a.x-b.x, a.y-b.y) > 1e-6 {
			t.Errorf("at %v: fitted %v, want %v", p, b, a)
		}
	}
	inv, err := got.inverse()
	if err != nil {
		t.Fatal(err)
	}
	if q := inv.apply(got.apply(pt{7, 9})); math.Hypot(q.x-7, q.y-9) > 1e-6 {
		t.Errorf("inverse: %v, want (7, 9)", q)
	}
	line := []pt{{0, 0}, {1, 1}, {2, 2}, {3, 3}}
	if _, err := fitHomography(line, line); err == nil {
		t.Error("fitted a homography to points on a line")
	}
	if _, err := fitHomography(src[:3], dst[:3]); err == nil {
		t.Error("fitted a homography to three points")
	}
}

// TestTraceRing traces the outer square of a drawn finder pattern and
// finds its corners; a square merged with a dark surround is refused.
func TestTraceRing(t *testing.T) {
	m, _ := gozxing.NewBitMatrix(200, 200)
	const x0, y0, mod = 10, 12, 4 // a finder pattern of 7×4 pixels at (10, 12)
	for y := range 7 * mod {
		for x := range 7 * mod {
			mx, my := x/mod, y/mod
			ring := mx == 0 || my == 0 || mx == 6 || my == 6
			core := mx >= 2 && mx <= 4 && my >= 2 && my <= 4
			if ring || core {
				m.Set(x0+x, y0+y)
			}
		}
	}
	c := cand{x: x0 + 3.5*mod, y: y0 + 3.5*mod, module: mod, count: 3}
	r := traceRing(m, c)
	if len(r) != 24*mod*mod {
		t.Fatalf("traced %d pixels, want %d", len(r), 24*mod*mod)
	}
	q, ok := corners(r, pt{c.x, c.y}, pt{1, 0}, pt{0, 1})
	if !ok {
		t.Fatal("no corners")
	}
	want := [4]pt{{x0, y0}, {x0 + 7*mod, y0}, {x0 + 7*mod, y0 + 7*mod}, {x0, y0 + 7*mod}}
	for k := range q {
		if math.Hypot(q[k].x-want[k].x, q[k].y-want[k].y) > 1.5 {
			t.Errorf("corner %d at %v, want %v", k, q[k], want[k])
		}
	}
	_ = m.SetRegion(0, 0, 200, y0+1) // a dark band joining the square's top
	if r := traceRing(m, c); r != nil {
		t.Errorf("traced %d pixels of a square merged with its surround", len(r))
	}
}

// TestFormatWord checks the 32 format words against gozxing's own table,
// and the distance of a word with bits flipped.
func TestFormatWord(t *testing.T) {
	for data := uint(0); data < 32; data++ {
		w := formatWordOf(data)
		if got, d := formatWord(w); got != w || d != 0 {
			t.Errorf("format word %#x: nearest %#x at %d", w, got, d)
		}
		if fi := decoder.FormatInformation_DecodeFormatInformation(w, w); fi == nil {
			t.Errorf("gozxing does not know format word %#x", w)
		}
		if _, d := formatWord(w ^ 0b101); d != 2 {
			t.Errorf("format word %#x with 2 bits flipped: distance %d", w, d)
		}
	}
}

// formatWordOf is the masked format word of 5 data bits, by polynomial
// division as ISO 18004 gives it.
func formatWordOf(data uint) uint {
	r := data << 10
	for r>>10 != 0 {
		r ^= 0x537 << (bits.Len(r) - 11)
	}
	return (data<<10 | r) ^ 0x5412
}

// TestFormatPlausible: the finder patterns of a real code pass the format
// test, in both mirror senses; the same three patterns alone (the modules
// beside them light) do not.
func TestFormatPlausible(t *testing.T) {
	code, err := qrcode.NewQRCodeWriter().Encode("HC1:TEST FORMAT", gozxing.BarcodeFormat_QR_CODE, 0, 0, map[gozxing.EncodeHintType]any{gozxing.EncodeHintType_MARGIN: 0})
	if err != nil {
		t.Fatal(err)
	}
	const mod, quiet = 4, 16
	d := code.GetWidth()
	m, _ := gozxing.NewSquareBitMatrix(d*mod + 2*quiet)
	bare, _ := gozxing.NewSquareBitMatrix(d*mod + 2*quiet)
	for y := range d {
		for x := range d {
			if !code.Get(x, y) {
				continue
			}
			_ = m.SetRegion(quiet+x*mod, quiet+y*mod, mod, mod)
			if (x < 7 || x >= d-7) && y < 7 || x < 7 && y >= d-7 {
				_ = bare.SetRegion(quiet+x*mod, quiet+y*mod, mod, mod)
			}
		}
	}
	centre := func(mx, my float64) cand { return cand{quiet + mx*mod, quiet + my*mod, mod, 3} }
	tl, tr, bl := centre(3.5, 3.5), centre(float64(d)-3.5, 3.5), centre(3.5, float64(d)-3.5)
	frames := func(m *gozxing.BitMatrix, tl, tr, bl cand) (local, local, local) {
		u := unit(pt{tr.x - tl.x, tr.y - tl.y})
		v := unit(pt{bl.x - tl.x, bl.y - tl.y})
		return squareFrame(m, tl, u, v), squareFrame(m, tr, u, v), squareFrame(m, bl, u, v)
	}
	if a, b, c := frames(m, tl, tr, bl); !formatPlausible(m, a, b, c) {
		t.Error("a real code fails the format test")
	}
	if a, b, c := frames(m, tl, bl, tr); !formatPlausible(m, a, b, c) {
		t.Error("a real code, its top-right and bottom-left swapped, fails the format test")
	}
	if a, b, c := frames(bare, tl, tr, bl); formatPlausible(bare, a, b, c) {
		t.Error("three finder patterns without a code pass the format test")
	}
	// The grades: the copy beside the top-left pattern has modules (0..8,
	// 8) and (8, 0..8); the other has (8, d-7..d-1) and (d-8..d-1, 8).
	damaged, _ := gozxing.NewSquareBitMatrix(m.GetWidth())
	for y := range m.GetHeight() {
		for x := range m.GetWidth() {
			if m.Get(x, y) {
				damaged.Set(x, y)
			}
		}
	}
	grade := func(want formatEvidence, modules ...[2]int) {
		t.Helper()
		for _, q := range modules {
			for y := range mod {
				for x := range mod {
					damaged.Flip(quiet+q[0]*mod+x, quiet+q[1]*mod+y)
				}
			}
		}
		if a, b, c := frames(damaged, tl, tr, bl); formatGrade(damaged, a, b, c) != want {
			t.Errorf("grade %d with modules %v more wrong, want %d", formatGrade(damaged, a, b, c), modules, want)
		}
	}
	grade(formatStrong)
	grade(formatStrong, [2]int{0, 8}, [2]int{1, 8}, [2]int{8, d - 1}) // 2 and 1 bits wrong
	grade(formatWeak, [2]int{2, 8}, [2]int{d - 1, 8})                 // 3 and 2
	grade(formatWeak, [2]int{8, d - 2})                               // 3 and 3
	grade(formatNone, [2]int{8, 0}, [2]int{d - 2, 8})                 // 4 and 4
}

// TestTranspose: transpose swaps rows and columns bit for bit, for sizes
// around the 32-bit words it moves at a time.
func TestTranspose(t *testing.T) {
	rng := rand.New(rand.NewPCG(13, 12))
	for _, sz := range [][2]int{{1, 1}, {31, 33}, {32, 32}, {64, 65}, {100, 37}, {1280, 720}} {
		w, h := sz[0], sz[1]
		m, _ := gozxing.NewBitMatrix(w, h)
		for y := range h {
			for x := range w {
				if rng.IntN(3) == 0 {
					m.Set(x, y)
				}
			}
		}
		tm := transpose(m)
		if tm.GetWidth() != h || tm.GetHeight() != w {
			t.Fatalf("%dx%d transposed to %dx%d", w, h, tm.GetWidth(), tm.GetHeight())
		}
		for y := range h {
			for x := range w {
				if m.Get(x, y) != tm.Get(y, x) {
					t.Fatalf("%dx%d: bit (%d,%d) is %v, transposed (%d,%d) %v", w, h, x, y, m.Get(x, y), y, x, tm.Get(y, x))
				}
			}
		}
	}
}

// TestVersionDimension: the version information beside the top-right and
// bottom-left finder patterns gives the code's size, sure when both copies
// read; with one copy damaged it still reads, not sure; with both, not.
func TestVersionDimension(t *testing.T) {
	c := paintCode(t, strings.Repeat("HC1:VERSION ", 20))
	d, m, info := c.d, c.m, c.info
	if d < 45 {
		t.Fatalf("a code of %d modules has no version information", d)
	}
	check := func(what string, wantSure, wantOK bool) {
		t.Helper()
		dim, sure, ok := versionDimension(m, info)
		if sure != wantSure || ok != wantOK || ok && dim != d {
			t.Errorf("%s: size %d, sure %v, ok %v; want %d, %v, %v", what, dim, sure, ok, d, wantSure, wantOK)
		}
	}
	check("clean", true, true)
	// Four modules of the top-right copy (columns d-11..d-9, rows 0..5)
	// dark that were light, or the other way: past what it corrects.
	for y := range 4 {
		c.flip(d-10, y)
	}
	check("top-right copy damaged", false, true)
	for x := range 4 {
		c.flip(x, d-10)
	}
	check("both copies damaged", false, false)
}

// paintedCode is a code painted in a bit matrix at 4 pixels a module, and
// its finder patterns where they are.
type paintedCode struct {
	d    int // modules a side
	m    *gozxing.BitMatrix
	info *detector.FinderPatternInfo
}

const paintMod, paintQuiet = 4, 16

func paintCode(t *testing.T, text string) paintedCode {
	t.Helper()
	code, err := qrcode.NewQRCodeWriter().Encode(text, gozxing.BarcodeFormat_QR_CODE, 0, 0, map[gozxing.EncodeHintType]any{gozxing.EncodeHintType_MARGIN: 0})
	if err != nil {
		t.Fatal(err)
	}
	d := code.GetWidth()
	m, _ := gozxing.NewSquareBitMatrix(d*paintMod + 2*paintQuiet)
	for y := range d {
		for x := range d {
			if code.Get(x, y) {
				_ = m.SetRegion(paintQuiet+x*paintMod, paintQuiet+y*paintMod, paintMod, paintMod)
			}
		}
	}
	at := func(mx, my float64) *detector.FinderPattern {
		return detector.NewFinderPattern(paintQuiet+mx*paintMod, paintQuiet+my*paintMod, paintMod, 3)
	}
	return paintedCode{d, m, detector.NewFinderPatternInfo(at(3.5, float64(d)-3.5), at(3.5, 3.5), at(float64(d)-3.5, 3.5))}
}

// flip turns module (x, y) dark when it was light, or the other way.
func (c paintedCode) flip(x, y int) {
	for py := range paintMod {
		for px := range paintMod {
			c.m.Flip(paintQuiet+x*paintMod+px, paintQuiet+y*paintMod+py)
		}
	}
}

// TestToldDimensions: readLocal samples a code only at the sizes it tells
// (version information, timing patterns), none when it tells none.
func TestToldDimensions(t *testing.T) {
	for _, tc := range []struct {
		text string
		big  bool // version 7 or more: version information
	}{{strings.Repeat("HC1:VERSION ", 20), true}, {"HC1:SMALL CODE", false}} {
		c := paintCode(t, tc.text)
		d := c.d
		if tc.big != (d >= 45) {
			t.Fatalf("%q: %d modules", tc.text, d)
		}
		check := func(what string, est float64, want ...int) {
			t.Helper()
			if got := toldDimensions(c.m, c.info, est); !slices.Equal(got, want) {
				t.Errorf("%d modules, %s, estimate %.0f: sizes %v, want %v", d, what, est, got, want)
			}
		}
		// gozxing's estimate a version off: the size told all the same;
		// not when it is off by more than the margin.
		check("clean", float64(d+4), d)
		check("clean", float64(d-4), d)
		if !tc.big {
			check("clean", float64(d)*1.5)
		}
		if tc.big {
			for y := range 4 {
				c.flip(d-10, y)
			}
			for x := range 4 {
				c.flip(x, d-10)
			}
		}
		check("no version information", float64(d+4), d)
		// The timing patterns (row and column 6 between the finder
		// patterns, dark at even modules) cut: nothing told, nothing
		// sampled.
		for i := 8; i < d-8; i += 2 {
			c.flip(i, 6)
			c.flip(6, i)
		}
		check("timing patterns cut", float64(d+4))
		if _, err := readLocal(c.m, c.info, nil, nil); !errors.Is(err, errNoGrid) {
			t.Errorf("%d modules, nothing told: readLocal %v, want errNoGrid before any sampling", d, err)
		}
	}
}
