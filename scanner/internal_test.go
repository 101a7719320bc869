package scanner

import (
	"bytes"
	"errors"
	"math"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/makiuchi-d/gozxing/qrcode/detector"
)

// These tests reach below the exported API: the LuminanceSource and the
// mapping of points from turned images, which Decode only exercises when
// an upright read fails.

func TestSource(t *testing.T) {
	// A 3×2 view with stride 5 into a larger buffer.
	l := &Luma{Pix: []byte{1, 2, 3, 0, 0, 4, 5, 6}, Width: 3, Height: 2, Stride: 5}
	s := source{l}
	if got := s.GetMatrix(); !bytes.Equal(got, []byte{1, 2, 3, 4, 5, 6}) {
		t.Errorf("GetMatrix = %v", got)
	}
	row, err := s.GetRow(1, make([]byte, 1))
	if err != nil || !bytes.Equal(row, []byte{4, 5, 6}) {
		t.Errorf("GetRow(1) = %v, %v", row, err)
	}
	if _, err := s.GetRow(2, nil); err == nil {
		t.Error("GetRow(2) succeeded on a 2-row image")
	}
	c, err := s.Crop(1, 1, 2, 1)
	if err != nil || !bytes.Equal(c.GetMatrix(), []byte{5, 6}) {
		t.Errorf("Crop = %v, %v", c, err)
	}
	if _, err := s.Crop(2, 0, 2, 1); err == nil {
		t.Error("Crop outside the image succeeded")
	}
	if got := s.Invert().GetMatrix(); !bytes.Equal(got, []byte{254, 253, 252, 251, 250, 249}) {
		t.Errorf("Invert = %v", got)
	}
	r, _ := s.RotateCounterClockwise()
	if got := r.GetMatrix(); !bytes.Equal(got, []byte{3, 6, 2, 5, 1, 4}) {
		t.Errorf("RotateCounterClockwise = %v", got)
	}
}

// helloPage is testdata/hello.png off-centre on a wide white page, so
// that a wrong mapping of points shows.
func helloPage(t *testing.T) *Luma {
	t.Helper()
	code, err := LoadFile("testdata/hello.png")
	if err != nil {
		t.Fatal(err)
	}
	page := NewLuma(300, 140)
	for i := range page.Pix {
		page.Pix[i] = 255
	}
	for y := 0; y < code.Height; y++ {
		copy(page.Pix[(y+20)*page.Stride+170:], code.row(y))
	}
	return page
}

func TestReadTurnsPointsBack(t *testing.T) {
	page := helloPage(t)
	ref, err := read(page, 0, 1, recipe{}, nil)
	if err != nil {
		t.Fatal(err)
	}
	for n := 1; n < 4; n++ {
		got, err := read(page, n, 1, recipe{}, nil)
		if err != nil {
			t.Fatalf("%d turns: %v", n, err)
		}
		for _, p := range ref.Points {
			found := false
			for _, q := range got.Points {
				d := p.Sub(q)
				found = found || d.X*d.X+d.Y*d.Y <= 4
			}
			if !found {
				t.Errorf("%d turns: points %v, want near %v", n, got.Points, ref.Points)
				break
			}
		}
	}
}

// TestReadTransposed: the Rotated strategy on the transpose of a frame's
// binarization reads the code and puts its points and finder patterns
// back where they are in the frame, the top-right and bottom-left
// patterns where they were.
func TestReadTransposed(t *testing.T) {
	page := helloPage(t)
	for n := range 4 {
		l := page.Turn(n)
		m, err := hybridMatrix(l, false)
		if err != nil {
			t.Fatal(err)
		}
		ref, rf, err := readMatrix(m, tryHarder, 1, 0, 0, nil)
		if err != nil {
			t.Fatal(err)
		}
		got, gf, err := readTransposed(m, nil)
		if err != nil || got.Text != ref.Text {
			t.Fatalf("%d turns: %v (read %q, want %q)", n, err, got.Text, ref.Text)
		}
		near := func(a, b [2]float64) bool { return math.Hypot(a[0]-b[0], a[1]-b[1]) <= 2 }
		if !near(gf.tl, rf.tl) || !near(gf.tr, rf.tr) || !near(gf.bl, rf.bl) {
			t.Errorf("%d turns: finder patterns %v %v %v, want %v %v %v", n, gf.tl, gf.tr, gf.bl, rf.tl, rf.tr, rf.bl)
		}
		for i, p := range ref.Points[:3] {
			if d := p.Sub(got.Points[i]); d.X*d.X+d.Y*d.Y > 4 {
				t.Errorf("%d turns: points %v, want near %v", n, got.Points, ref.Points)
				break
			}
		}
	}
}

// TestDouble: double interpolates as the formula says, at every output
// pixel of planes of awkward sizes and strides.
func TestDouble(t *testing.T) {
	for _, sz := range [][3]int{{1, 1, 1}, {2, 3, 5}, {7, 5, 9}, {64, 33, 64}} {
		w, h, stride := sz[0], sz[1], sz[2]
		l := &Luma{Pix: make([]byte, stride*h), Width: w, Height: h, Stride: stride}
		for i := range l.Pix {
			l.Pix[i] = byte(i * 37)
		}
		got := l.double()
		if got.Width != 2*w || got.Height != 2*h {
			t.Fatalf("%dx%d doubled to %dx%d", w, h, got.Width, got.Height)
		}
		for y := range got.Height {
			for x := range got.Width {
				// Source position (2i-1)/4, clamped to the plane.
				pos := func(i, n int) (int, int, int) {
					q := max(2*i-1, 0)
					s, f := q/4, q%4
					if s >= n-1 {
						return n - 1, n - 1, 0
					}
					return s, s + 1, f
				}
				x0, x1, fx := pos(x, w)
				y0, y1, fy := pos(y, h)
				top := int(l.At(x0, y0))*(4-fx) + int(l.At(x1, y0))*fx
				bot := int(l.At(x0, y1))*(4-fx) + int(l.At(x1, y1))*fx
				if want := byte((top*(4-fy) + bot*fy + 8) / 16); got.At(x, y) != want {
					t.Fatalf("%dx%d: pixel (%d,%d) = %d, want %d", w, h, x, y, got.At(x, y), want)
				}
			}
		}
	}
}

// TestHalf: each pixel of half is the rounded mean of its 2×2 block, for
// widths around the four pixels the fast path takes at a time.
func TestHalf(t *testing.T) {
	for _, sz := range [][3]int{{2, 2, 2}, {9, 5, 11}, {17, 4, 17}, {64, 9, 70}} {
		w, h, stride := sz[0], sz[1], sz[2]
		l := &Luma{Pix: make([]byte, stride*h), Width: w, Height: h, Stride: stride}
		for i := range l.Pix {
			l.Pix[i] = byte(i*i*13 + i*7)
		}
		got := l.half()
		if got.Width != w/2 || got.Height != h/2 {
			t.Fatalf("%dx%d halved to %dx%d", w, h, got.Width, got.Height)
		}
		for y := range got.Height {
			for x := range got.Width {
				s := int(l.At(2*x, 2*y)) + int(l.At(2*x+1, 2*y)) + int(l.At(2*x, 2*y+1)) + int(l.At(2*x+1, 2*y+1))
				if want := byte((s + 2) / 4); got.At(x, y) != want {
					t.Fatalf("%dx%d: pixel (%d,%d) = %d, want %d", w, h, x, y, got.At(x, y), want)
				}
			}
		}
	}
}

// BenchmarkDouble: a zoom's copy of a code's area, a third of a 720p
// frame.
func BenchmarkDouble(b *testing.B) {
	l := NewLuma(572, 538)
	for i := range l.Pix {
		l.Pix[i] = byte(i * 37)
	}
	for b.Loop() {
		l.double()
	}
}

// TestZoomHalts: a zoom whose frame's time is up after its copy does not
// binarize or search the copy.
func TestZoomHalts(t *testing.T) {
	l := NewLuma(200, 200)
	fp := &finders{tl: [2]float64{40, 40}, tr: [2]float64{160, 40}, bl: [2]float64{40, 160}, module: 4}
	up := halt(func(time.Duration) bool { return true })
	if _, _, err := zoom(l, fp, false, up); !errors.Is(err, errTimeUp) {
		t.Fatalf("zoom with the time up: %v, want errTimeUp", err)
	}
	if _, _, err := zoom(l, fp, false, nil); errors.Is(err, errTimeUp) || !isReadError(err) {
		t.Fatalf("zoom with time: %v, want a read error", err)
	}
	// Time for now, not for the rest of the copy and its binarization:
	// one band of the copy, and it stops.
	looks := 0
	short := halt(func(next time.Duration) bool { looks++; return next > 0 })
	big := NewLuma(1280, 720)
	wide := &finders{tl: [2]float64{100, 100}, tr: [2]float64{700, 100}, bl: [2]float64{100, 600}, module: 8}
	if _, _, err := zoomed(big, wide, false, short); !errors.Is(err, errTimeUp) || looks != 1 {
		t.Fatalf("zoom with no time for the copy: %v after %d looks at the time, want errTimeUp after 1", err, looks)
	}
}

// TestCrossRatio: crossRatio answers as gozxing's foundPatternCross on
// every five runs of 0-15 pixels, and on random ones up to 5000.
func TestCrossRatio(t *testing.T) {
	c := make([]int, 5)
	check := func() {
		t.Helper()
		if got, want := crossRatio(c), detector.FinderPatternFinder_foundPatternCross(c); got != want {
			t.Fatalf("runs %v: crossRatio %v, gozxing %v", c, got, want)
		}
	}
	const n = 16
	for i := range n * n * n * n * n {
		for k, v := 0, i; k < 5; k, v = k+1, v/n {
			c[k] = v % n
		}
		check()
	}
	rng := rand.New(rand.NewPCG(1, 2))
	for range 1_000_000 {
		// Near a pattern, where the answer turns: a module and a run's
		// wobble about it.
		mod := 1 + rng.IntN(1000)
		for k := range c {
			w := mod
			if k == 2 {
				w = 3 * mod
			}
			c[k] = max(0, w+rng.IntN(mod+1)-mod/2)
		}
		check()
	}
}
