package scanner

import (
	"math/rand/v2"
	"testing"

	"github.com/makiuchi-d/gozxing"
)

// TestBinarizersSameAsGozxing: hybrid and global give gozxing's matrices to
// the bit, on textured planes of awkward sizes, with and without strides
// wider than the plane, and for the negative.
func TestBinarizersSameAsGozxing(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	sizes := [][2]int{{40, 40}, {41, 47}, {64, 48}, {127, 95}, {640, 480}, {333, 257}, {39, 100},
		{1281, 721}, {63, 41}, {95, 73}, {100, 100}, {47, 200}}
	for _, sz := range sizes {
		for _, scene := range []string{"texture", "noise"} {
			w, h := sz[0], sz[1]
			l := &Luma{Pix: make([]byte, (w+3)*h), Width: w, Height: h, Stride: w + r.IntN(4)}
			paint(l, scene, r)
			for _, neg := range []bool{false, true} {
				if diff := hybridDiff(t, l, neg); diff != 0 {
					t.Errorf("%dx%d %s negative=%v: %d of %d pixels differ", w, h, scene, neg, diff, w*h)
				}
			}
		}
	}
}

// paint fills l with a scene: "texture" has regions of flat tone and of
// strong texture, so both the flat-block rule and the averages are
// exercised; "noise" is a smooth ramp with a little noise, where many
// blocks are near the flat-block limit.
func paint(l *Luma, scene string, r *rand.Rand) {
	for y := range l.Height {
		for x := range l.Width {
			var v int
			switch scene {
			case "texture":
				v = 40 + (x/23+y/17)%4*50
				if (x/31+y/29)%3 == 0 {
					v += r.IntN(120) - 60
				}
			default:
				v = 60 + x/5 + y/7 + r.IntN(24+(x/8+y/8)%6)
			}
			l.Pix[y*l.Stride+x] = byte(max(0, min(255, v)))
		}
	}
}

// hybridDiff counts the pixels where hybrid and gozxing's HybridBinarizer
// differ on l (or its negative), and those where global and gozxing's
// GlobalHistogramBinarizer differ; -1 when only one of them failed.
func hybridDiff(t testing.TB, l *Luma, neg bool) int {
	src := l
	if neg {
		src = invert(l)
	}
	n := matrixDiff(t, l, gozxing.NewHybridBinarizer(source{src}).GetBlackMatrix)(hybrid(l, neg))
	g := matrixDiff(t, l, gozxing.NewGlobalHistgramBinarizer(source{src}).GetBlackMatrix)(global(l, neg))
	if n < 0 || g < 0 {
		return -1
	}
	return n + g
}

// matrixDiff counts the pixels where a matrix differs from gozxing's.
func matrixDiff(t testing.TB, l *Luma, gozxingMatrix func() (*gozxing.BitMatrix, error)) func(*gozxing.BitMatrix, error) int {
	return func(got *gozxing.BitMatrix, gotErr error) int {
		want, wantErr := gozxingMatrix()
		if (gotErr == nil) != (wantErr == nil) {
			t.Logf("error %v, gozxing's %v", gotErr, wantErr)
			return -1
		}
		if wantErr != nil {
			return 0
		}
		return pixelDiff(l, got, want)
	}
}

func pixelDiff(l *Luma, got, want *gozxing.BitMatrix) int {
	diff := 0
	for y := range l.Height {
		for x := range l.Width {
			if got.Get(x, y) != want.Get(x, y) {
				diff++
			}
		}
	}
	return diff
}

// FuzzBinarizers: on any plane, hybrid and global are gozxing's binarizers.
func FuzzBinarizers(f *testing.F) {
	f.Add(uint8(40), uint8(40), uint8(0), false, []byte{0, 255, 30, 31})
	f.Add(uint8(63), uint8(41), uint8(3), true, []byte("a flat patch then an edge"))
	f.Fuzz(func(t *testing.T, w, h, pad uint8, neg bool, seed []byte) {
		if w < 40 || h < 40 || len(seed) == 0 {
			return
		}
		stride := int(w) + int(pad%8)
		l := &Luma{Pix: make([]byte, stride*int(h)), Width: int(w), Height: int(h), Stride: stride}
		for i := range l.Pix {
			// Runs of one seed byte: flat blocks and edges both occur.
			l.Pix[i] = seed[(i/7+i/int(w)/5)%len(seed)]
		}
		if diff := hybridDiff(t, l, neg); diff != 0 {
			t.Errorf("%dx%d negative=%v: %d pixels differ", w, h, neg, diff)
		}
	})
}

// TestKernels: the kernels in use (assembly on amd64) agree with the Go
// ones, on every alignment and count.
func TestKernels(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	for range 300 {
		n := 1 + r.IntN(20)
		stride := 8*n + r.IntN(9)
		pix := make([]byte, 7*stride+8*n+r.IntN(3))
		base := byte(r.IntN(256))
		spread := 1 + r.IntN(60)
		for i := range pix {
			pix[i] = byte(int(base) + r.IntN(spread))
		}
		neg := r.IntN(2) == 0
		s1, s2 := make([]uint16, n), make([]uint16, n)
		lo1, lo2, hi1, hi2 := make([]uint8, n), make([]uint8, n), make([]uint8, n), make([]uint8, n)
		blockStats(pix, stride, n, neg, s1, lo1, hi1)
		blockStatsGo(pix, stride, n, neg, s2, lo2, hi2)
		for i := range n {
			flat1, flat2 := int(hi1[i])-int(lo1[i]) <= minRange, int(hi2[i])-int(lo2[i]) <= minRange
			if s1[i] != s2[i] || flat1 != flat2 || flat1 && (lo1[i] != lo2[i] || hi1[i] != hi2[i]) {
				t.Fatalf("block %d of %d: sum %d/%d min %d/%d max %d/%d", i, n, s1[i], s2[i], lo1[i], lo2[i], hi1[i], hi2[i])
			}
		}

		words := 1 + r.IntN(5)
		px, thr := make([]byte, 32*words), make([]byte, 32*words)
		for i := range px {
			px[i], thr[i] = byte(r.IntN(256)), byte(r.IntN(256))
			if r.IntN(4) == 0 {
				thr[i] = px[i] ^ map[bool]byte{false: 0, true: 0xff}[neg] // equal: the edge case
			}
		}
		w1, w2 := make([]uint32, words), make([]uint32, words)
		below(px, thr, neg, w1)
		belowGo(px, thr, neg, w2)
		for i := range w1 {
			if w1[i] != w2[i] {
				t.Fatalf("below word %d: %032b vs Go %032b", i, w1[i], w2[i])
			}
		}
		for x := range 32 * words {
			v := px[x]
			if neg {
				v = 255 - v
			}
			if got := w2[x/32]>>(x%32)&1 == 1; got != (v <= thr[x]) {
				t.Fatalf("belowGo pixel %d: %d <= %d is %v", x, v, thr[x], got)
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
