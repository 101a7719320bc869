package scanner_test

import (
	"errors"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/passgate/passgate/scanner"
)

// hostile are pictures no code is in, made to trip a decoder: a strip one
// pixel high or wide, all black, all white, noise, a chessboard of single
// pixels (finder-like runs everywhere), a large frame of noise.
func hostile() map[string]*scanner.Luma {
	fill := func(w, h int, f func(x, y int) byte) *scanner.Luma {
		l := scanner.NewLuma(w, h)
		for y := range h {
			for x := range w {
				l.Pix[y*l.Stride+x] = f(x, y)
			}
		}
		return l
	}
	r := rand.New(rand.NewPCG(13, 13))
	noise := func(int, int) byte { return byte(r.IntN(256)) }
	// Finder patterns of two-pixel modules, a pixel off here and there,
	// tiled every 20 pixels: candidates and triangles for every search.
	finder := func(x, y int) byte {
		mx, my := (x%20)/2, (y%20)/2
		if (x/20+y/20)%3 == 0 && x%20 == 7 {
			mx = 4 // a one-pixel run
		}
		if mx > 6 || my > 6 {
			return 255
		}
		ring := max(abs(mx-3), abs(my-3))
		return byte(map[bool]int{true: 0, false: 255}[ring != 2])
	}
	return map[string]*scanner.Luma{
		"finder tiles 720p": fill(1280, 720, finder),
		"1x200000 strip":    fill(1, 200000, noise),
		"200000x1 strip":    fill(200000, 1, noise),
		"3x3":               fill(3, 3, noise),
		"all black 720p":    fill(1280, 720, func(int, int) byte { return 0 }),
		"all white 720p":    fill(1280, 720, func(int, int) byte { return 255 }),
		"noise 720p":        fill(1280, 720, noise),
		"chessboard 720p":   fill(1280, 720, func(x, y int) byte { return byte((x+y)%2) * 255 }),
		"stripes 640x480":   fill(640, 480, func(x, _ int) byte { return byte(x/3%2) * 255 }),
		"noise 2000x1500":   fill(2000, 1500, noise),
		"1x1 all black":     fill(1, 1, func(int, int) byte { return 0 }),
		"21x21 half black":  fill(21, 21, func(x, _ int) byte { return byte(x/11) * 255 }),
	}
}

func abs(v int) int {
	if v < 0 {
		return -v
	}
	return v
}

// TestHostile: every hostile picture gives ErrNotFound, from Decoder, its
// DecodeAll and a FrameDecoder, without a panic.
func TestHostile(t *testing.T) {
	at := time.Date(2021, 12, 13, 12, 0, 0, 0, time.UTC)
	for name, l := range hostile() {
		t0 := time.Now()
		if _, err := (scanner.Decoder{}).Decode(l); !errors.Is(err, scanner.ErrNotFound) {
			t.Errorf("%s: Decode error %v, want ErrNotFound", name, err)
		}
		if _, err := (scanner.Decoder{}).DecodeAll(l, 4); !errors.Is(err, scanner.ErrNotFound) {
			t.Errorf("%s: DecodeAll error %v, want ErrNotFound", name, err)
		}
		if _, err := scanner.NewFrameDecoder(scanner.FrameOptions{}).Decode(l, at); !errors.Is(err, scanner.ErrNotFound) {
			t.Errorf("%s: FrameDecoder error %v, want ErrNotFound", name, err)
		}
		t.Logf("%s: %v", name, time.Since(t0))
	}
}

// FuzzDecode decodes planes of any size and content: never a panic, and
// an error is ErrNotFound.
func FuzzDecode(f *testing.F) {
	f.Add(uint16(1), uint16(300), []byte{0, 255})
	f.Add(uint16(64), uint16(64), []byte{0, 0, 0, 255, 255, 255, 0, 255})
	f.Add(uint16(700), uint16(480), []byte("finder-ish 1:1:3:1:1 runs"))
	f.Fuzz(func(t *testing.T, w, h uint16, seed []byte) {
		if w == 0 || h == 0 || len(seed) == 0 || int(w)*int(h) > 1<<20 {
			return
		}
		l := scanner.NewLuma(int(w), int(h))
		for i := range l.Pix {
			l.Pix[i] = seed[(i/3+i/int(w))%len(seed)]
		}
		res, err := (scanner.Decoder{}).Decode(l)
		if err != nil && !errors.Is(err, scanner.ErrNotFound) {
			t.Fatalf("%dx%d: %v", w, h, err)
		}
		_ = res
		if _, err := (scanner.Decoder{}).DecodeAll(l, 4); err != nil && !errors.Is(err, scanner.ErrNotFound) {
			t.Fatalf("%dx%d all: %v", w, h, err)
		}
		if _, err := scanner.NewFrameDecoder(scanner.FrameOptions{}).Decode(l, time.Time{}); err != nil && !errors.Is(err, scanner.ErrNotFound) {
			t.Fatalf("%dx%d frame: %v", w, h, err)
		}
	})
}
