package scanner_test

import (
	"image"
	"image/color"
	"image/color/palette"
	"image/draw"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/passgate/passgate/scanner"
)

// testImage returns an NRGBA image with varied colours and alphas.
func testImage() *image.NRGBA {
	m := image.NewNRGBA(image.Rect(0, 0, 13, 7))
	for y := 0; y < 7; y++ {
		for x := 0; x < 13; x++ {
			a := uint8(255)
			if x == 3 {
				a = uint8(40 * y)
			}
			m.SetNRGBA(x, y, color.NRGBA{uint8(20 * x), uint8(37 * y), uint8(x * y * 3), a})
		}
	}
	return m
}

// generic hides the concrete type so that FromImage takes its slow path.
type generic struct{ image.Image }

// convert draws src into a new image of the type made by dst.
func convert[T draw.Image](src image.Image, dst T) T {
	draw.Draw(dst, dst.Bounds(), src, src.Bounds().Min, draw.Src)
	return dst
}

func TestFromImageFastPathsMatchGeneric(t *testing.T) {
	src := testImage()
	r := src.Bounds()
	tests := []struct {
		name string
		img  image.Image
	}{
		{"NRGBA", src},
		{"RGBA", convert(src, image.NewRGBA(r))},
		{"Gray", convert(src, image.NewGray(r))},
		{"Paletted", convert(src, image.NewPaletted(r, palette.Plan9))},
		{"sub-image RGBA", convert(src, image.NewRGBA(r)).SubImage(image.Rect(2, 1, 11, 6))},
		{"sub-image Gray", convert(src, image.NewGray(r)).SubImage(image.Rect(2, 1, 11, 6))},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			want := pixels(scanner.FromImage(generic{tt.img}))
			got := pixels(scanner.FromImage(tt.img))
			// Rounding may differ by one; the weights may not.
			near := cmp.Comparer(func(a, b byte) bool { return a-b <= 1 || b-a <= 1 })
			if diff := cmp.Diff(want, got, near); diff != "" {
				t.Errorf("fast path differs from generic (-want +got):\n%s", diff)
			}
		})
	}
}

func TestFromImageYCbCrSharesY(t *testing.T) {
	m := image.NewYCbCr(image.Rect(0, 0, 16, 8), image.YCbCrSubsampleRatio420)
	for i := range m.Y {
		m.Y[i] = byte(i)
	}
	sub := m.SubImage(image.Rect(4, 2, 10, 7)).(*image.YCbCr)
	l := scanner.FromImage(sub)
	if l.Width != 6 || l.Height != 5 || l.Stride != 16 || l.At(0, 0) != byte(2*16+4) {
		t.Fatalf("got %dx%d stride %d, first pixel %d", l.Width, l.Height, l.Stride, l.At(0, 0))
	}
	m.Y[3*16+5] = 200 // pixel (1, 1) of the sub-image
	if l.At(1, 1) != 200 {
		t.Errorf("Luma does not share the Y plane")
	}
}

func TestFromImageTransparentIsWhite(t *testing.T) {
	m := image.NewNRGBA(image.Rect(0, 0, 2, 1)) // all transparent black
	m.SetNRGBA(1, 0, color.NRGBA{0, 0, 0, 255})
	if got := pixels(scanner.FromImage(m)); !cmp.Equal(got, []byte{255, 0}) {
		t.Errorf("FromImage = %v, want [255 0]", got)
	}
}

func TestRotate(t *testing.T) {
	// Smaller than a tile of the copy, and across several.
	for _, sz := range []image.Point{{13, 7}, {70, 45}} {
		l := scanner.NewLuma(sz.X, sz.Y)
		for i := range l.Pix {
			l.Pix[i] = byte(i*31 + i/7) // no two neighbours alike
		}
		w, h := l.Width, l.Height
		r90, r180, r270 := l.Rotate90(), l.Rotate180(), l.Rotate270()
		if r90.Width != h || r90.Height != w || r270.Width != h || r180.Width != w {
			t.Fatalf("sizes: 90° %dx%d, 180° %dx%d, 270° %dx%d", r90.Width, r90.Height, r180.Width, r180.Height, r270.Width, r270.Height)
		}
		for y := 0; y < h; y++ {
			for x := 0; x < w; x++ {
				v := l.At(x, y)
				// Clockwise: the top-left corner goes to the top-right.
				if r90.At(h-1-y, x) != v || r180.At(w-1-x, h-1-y) != v || r270.At(y, w-1-x) != v {
					t.Fatalf("%dx%d: pixel (%d,%d) misplaced", w, h, x, y)
				}
			}
		}
		if diff := cmp.Diff(pixels(l), pixels(r90.Rotate90().Rotate180())); diff != "" {
			t.Errorf("four quarter turns are not the identity (-want +got):\n%s", diff)
		}
		if l.Turn(4) != l || !cmp.Equal(pixels(l.Turn(-1)), pixels(r270)) || !cmp.Equal(pixels(l.Turn(6)), pixels(r180)) {
			t.Errorf("%dx%d: Turn(4), Turn(-1) or Turn(6) is not l, Rotate270 or Rotate180", w, h)
		}
	}
}
