package scanner_test

import (
	"bytes"
	"errors"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/passgate/passgate/scanner"
)

func TestLoadPGM(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want []byte // 3x2 pixels
	}{
		{"binary", "P5 3 2 255\n" + "\x00\x10\x20\x30\x40\xff", []byte{0, 0x10, 0x20, 0x30, 0x40, 0xff}},
		{"binary comments", "P5\n# made by hand\n3 2\n# max\n255\n" + "\x00\x10\x20\x30\x40\xff", []byte{0, 0x10, 0x20, 0x30, 0x40, 0xff}},
		{"binary maxval 15", "P5 3 2 15\n" + "\x00\x01\x02\x0d\x0e\x0f", []byte{0, 17, 34, 221, 238, 255}},
		{"binary 16-bit", "P5 3 2 65535\n" + "\x00\x00\x01\x00\x80\x00\xff\x00\xff\x7f\xff\xff", []byte{0, 1, 128, 254, 255, 255}},
		{"ascii", "P2\n3 2\n255\n0 16 32\n48 64 255", []byte{0, 16, 32, 48, 64, 255}},
		{"ascii maxval 1", "P2 3 2 1 0 1 0 1 0 1\n", []byte{0, 255, 0, 255, 0, 255}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			l, err := scanner.Load(strings.NewReader(tt.in))
			if err != nil {
				t.Fatal(err)
			}
			if l.Width != 3 || l.Height != 2 {
				t.Fatalf("size %dx%d, want 3x2", l.Width, l.Height)
			}
			if diff := cmp.Diff(tt.want, pixels(l)); diff != "" {
				t.Errorf("pixels (-want +got):\n%s", diff)
			}
		})
	}
}

func TestLoadPGMErrors(t *testing.T) {
	tests := []struct{ name, in, msg string }{
		{"no size", "P5", "width"},
		{"letters", "P5 x 2 255\n", "width"},
		{"zero width", "P5 0 2 255\n", "size 0x2"},
		{"huge", "P5 100000 100000 255\n", "exceeds"},
		{"maxval 0", "P5 3 2 0\n", "maxval 0"},
		{"maxval too big", "P5 3 2 65536\n", "maxval 65536"},
		{"short raster", "P5 3 2 255\n\x00\x01", "raster"},
		{"short 16-bit raster", "P5 3 2 1000\n\x00\x01", "raster row 0"},
		{"sample above maxval", "P5 3 2 15\n\x00\x01\x02\x0d\x0e\x10", "above maxval"},
		{"ascii short", "P2 3 2 255 1 2 3", "sample 3"},
		{"ascii above maxval", "P2 1 1 7 8", "above maxval"},
		{"ascii garbage", "P2 1 1 7 -1", "sample 0"},
		{"number glued to comment", "P5 3#c\n 2 255\n", "width"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := scanner.Load(strings.NewReader(tt.in))
			if !errors.Is(err, scanner.ErrPGM) {
				t.Fatalf("Load = %v, want an error wrapping ErrPGM", err)
			}
			if !strings.Contains(err.Error(), tt.msg) {
				t.Errorf("Load = %q, want it to mention %q", err, tt.msg)
			}
		})
	}
}

// FuzzPGM checks that no input makes the PGM parser panic, and that what it
// accepts is a well-formed plane.
func FuzzPGM(f *testing.F) {
	for _, s := range []string{
		"P5 3 2 255\n\x00\x10\x20\x30\x40\xff",
		"P5\n# c\n3 2\n65535\n\x00\x00\x01\x00\x80\x00\xff\x00\xff\x7f\xff\xff",
		"P2\n3 2\n255\n0 16 32\n48 64 255",
		"P2 1 1 7 8",
		"P5 100000 100000 255\n",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		l, err := scanner.Load(bytes.NewReader(data))
		if err != nil {
			return
		}
		if l.Width <= 0 || l.Height <= 0 || l.Stride < l.Width || len(l.Pix) < l.Height*l.Stride {
			t.Fatalf("malformed plane %dx%d stride %d, %d bytes", l.Width, l.Height, l.Stride, len(l.Pix))
		}
	})
}

// pixels returns the plane's pixels row after row, without padding.
func pixels(l *scanner.Luma) []byte {
	var out []byte
	for y := 0; y < l.Height; y++ {
		out = append(out, l.Pix[y*l.Stride:y*l.Stride+l.Width]...)
	}
	return out
}
