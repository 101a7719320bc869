package scanner

import (
	"math/rand/v2"
	"testing"

	"github.com/makiuchi-d/gozxing"
)

// TestHybridSameAsGozxing: the fast binarizer gives gozxing's matrix to
// the bit, on textured planes of awkward sizes, with and without strides
// wider than the plane, and for the negative.
func TestHybridSameAsGozxing(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	for _, sz := range [][2]int{{40, 40}, {41, 47}, {64, 48}, {127, 95}, {640, 480}, {333, 257}, {39, 100}} {
		w, h := sz[0], sz[1]
		stride := w + r.IntN(3)
		l := &Luma{Pix: make([]byte, stride*h), Width: w, Height: h, Stride: stride}
		for y := range h {
			for x := range w {
				// Regions of flat tone and of strong texture, so both the
				// flat-block rule and the averages are exercised.
				v := 40 + (x/23+y/17)%4*50
				if (x/31+y/29)%3 == 0 {
					v += r.IntN(120) - 60
				}
				l.Pix[y*stride+x] = byte(max(0, min(255, v)))
			}
		}
		for _, neg := range []bool{false, true} {
			want, err := gozxing.NewHybridBinarizer(source{map[bool]*Luma{false: l, true: invert(l)}[neg]}).GetBlackMatrix()
			if err != nil {
				t.Fatal(err)
			}
			got, err := hybrid(l, neg)
			if err != nil {
				t.Fatal(err)
			}
			diff := 0
			for y := range h {
				for x := range w {
					if got.Get(x, y) != want.Get(x, y) {
						diff++
					}
				}
			}
			if diff != 0 {
				t.Errorf("%dx%d negative=%v: %d of %d pixels differ", w, h, neg, diff, w*h)
			}
		}
	}
}

func BenchmarkBinarize(b *testing.B) {
	l := NewLuma(1280, 720)
	for i := range l.Pix {
		l.Pix[i] = byte(i*7919>>3) | 0x80
	}
	// A camera scene is mostly smooth: blocks of low contrast, where the
	// min and max of all 64 pixels are needed.
	flat := NewLuma(1280, 720)
	for y := range 720 {
		for x := range 1280 {
			flat.Pix[y*1280+x] = byte(90 + x/16 + y/24 + (x*y)%5)
		}
	}
	b.Run("flat/gozxing", func(b *testing.B) {
		for b.Loop() {
			gozxing.NewHybridBinarizer(source{flat}).GetBlackMatrix()
		}
	})
	b.Run("flat/hybrid", func(b *testing.B) {
		for b.Loop() {
			hybrid(flat, false)
		}
	})
	b.Run("gozxing", func(b *testing.B) {
		for b.Loop() {
			gozxing.NewHybridBinarizer(source{l}).GetBlackMatrix()
		}
	})
	b.Run("hybrid", func(b *testing.B) {
		for b.Loop() {
			hybrid(l, false)
		}
	})
}
