package scanner_test

import (
	"errors"
	"fmt"
	"image"
	"path/filepath"
	"sync"
	"testing"

	"github.com/passgate/passgate/internal/testkit/shareddata"
	"github.com/passgate/passgate/scanner"
)

func TestDecodeErrors(t *testing.T) {
	blank := scanner.NewLuma(200, 200)
	for i := range blank.Pix {
		blank.Pix[i] = 255
	}
	tests := []struct {
		name     string
		dec      scanner.Decoder
		l        *scanner.Luma
		notFound bool
	}{
		{"blank page", scanner.Decoder{}, blank, true},
		{"blank page, pure", scanner.Decoder{PureBarcode: true}, blank, true},
		{"tiny", scanner.Decoder{}, scanner.NewLuma(3, 3), true},
		{"nil", scanner.Decoder{}, nil, false},
		{"empty", scanner.Decoder{}, &scanner.Luma{}, false},
		{"short buffer", scanner.Decoder{}, &scanner.Luma{Pix: make([]byte, 10), Width: 4, Height: 4, Stride: 4}, false},
		{"unknown strategy", scanner.Decoder{Strategies: []scanner.Strategy{"sideways"}}, blank, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := tt.dec.Decode(tt.l)
			if err == nil {
				t.Fatal("Decode succeeded")
			}
			if got := errors.Is(err, scanner.ErrNotFound); got != tt.notFound {
				t.Errorf("Decode = %v; errors.Is(err, ErrNotFound) = %v, want %v", err, got, tt.notFound)
			}
		})
	}
}

// near reports whether every point of want has a point of got within 3
// pixels; gozxing may list them in another order.
func near(want, got []image.Point) bool {
	if len(want) == 0 || len(got) < len(want) {
		return false
	}
	for _, w := range want {
		found := false
		for _, g := range got {
			d := w.Sub(g)
			found = found || d.X*d.X+d.Y*d.Y <= 9
		}
		if !found {
			return false
		}
	}
	return true
}

// canvas returns testdata/hello.png enlarged 4 times and placed off-centre
// on a page 560×600 (so that width and height, and x and y, cannot be
// confused), and its negative.
func canvas(t *testing.T) (page, negative *scanner.Luma) {
	t.Helper()
	code, err := scanner.LoadFile("testdata/hello.png")
	if err != nil {
		t.Fatal(err)
	}
	page, negative = scanner.NewLuma(560, 600), scanner.NewLuma(560, 600)
	for y := 0; y < page.Height; y++ {
		for x := 0; x < page.Width; x++ {
			v := byte(255)
			if cx, cy := (x-40)/4, (y-90)/4; x >= 40 && y >= 90 && cx < code.Width && cy < code.Height {
				v = code.At(cx, cy)
			}
			page.Pix[y*page.Stride+x], negative.Pix[y*page.Stride+x] = v, 255-v
		}
	}
	return page, negative
}

// TestPoints checks that every strategy maps the points it finds back to
// the coordinates of the image it was given.
func TestPoints(t *testing.T) {
	page, negative := canvas(t)
	ref, err := scanner.Decoder{Strategies: []scanner.Strategy{scanner.Hybrid}}.Decode(page)
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range append(scanner.DefaultStrategies(), scanner.Pure) {
		l := page
		if s == scanner.Inverted || s == scanner.DoubleInverted {
			l = negative
		}
		for _, rot := range rotations {
			if s == scanner.Pure && rot.deg != 0 {
				continue // Pure reads upright codes only
			}
			t.Run(fmt.Sprintf("%s/%d", s, rot.deg), func(t *testing.T) {
				// Turn the reference points with the image.
				want, h := ref.Points, l.Height
				for range rot.deg / 90 {
					turned := make([]image.Point, len(want))
					for i, p := range want {
						turned[i] = image.Pt(h-p.Y, p.X)
					}
					want = turned
					if h == l.Height {
						h = l.Width
					} else {
						h = l.Height
					}
				}
				if s == scanner.Pure {
					want = nil
				}
				res, err := scanner.Decoder{Strategies: []scanner.Strategy{s}}.Decode(rot.turn(l))
				if err != nil {
					t.Fatal(err)
				}
				if res.Text != "HC1:hello" || res.Strategy != s || (want != nil && !near(want, res.Points)) {
					t.Errorf("%s read %q at %v, want %v", res.Strategy, res.Text, res.Points, want)
				}
			})
		}
	}
}

func TestDecodeConcurrent(t *testing.T) {
	vectors := loadVectors(t)[:8]
	var dec scanner.Decoder
	var wg sync.WaitGroup
	for _, v := range vectors {
		if v.err != nil || v.expect == nil || !*v.expect {
			continue
		}
		for _, rot := range rotations {
			wg.Go(func() {
				res, err := dec.Decode(rot.turn(v.luma))
				if err != nil || res.Text != v.prefix {
					t.Errorf("%s at %d°: %v", v.name, rot.deg, err)
				}
			})
		}
	}
	wg.Wait()
}

func TestDecodeFile(t *testing.T) {
	dir := filepath.Join(shareddata.Dir(t, "qr-blackbox"), "qrcode-6")
	res, err := scanner.DecodeFile(filepath.Join(dir, "1.png"))
	if err != nil || res.Text == "" || res.Elapsed <= 0 {
		t.Errorf("DecodeFile = %+v, %v", res, err)
	}
	if _, err := scanner.DecodeFile(filepath.Join(dir, "1.txt")); err == nil || errors.Is(err, scanner.ErrNotFound) {
		t.Errorf("DecodeFile of a text file = %v, want a load error", err)
	}
}

func ExampleDecoder_Decode() {
	l, err := scanner.LoadFile("testdata/hello.png")
	if err != nil {
		fmt.Println(err)
		return
	}
	res, err := scanner.Decoder{}.Decode(l)
	switch {
	case errors.Is(err, scanner.ErrNotFound):
		fmt.Println("no code in the image")
	case err != nil:
		fmt.Println(err)
	default:
		fmt.Printf("%q via %s\n", res.Text, res.Strategy)
	}
	// Output: "HC1:hello" via hybrid
}
