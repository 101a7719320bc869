package scanner_test

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"image"
	"image/draw"
	"os"
	"path/filepath"
	"testing"

	"github.com/makiuchi-d/gozxing"
	"github.com/makiuchi-d/gozxing/qrcode"
	"github.com/passgate/passgate/internal/testkit/shareddata"
	"github.com/passgate/passgate/scanner"
)

// benchImage loads the image of a DCC test vector as the PNG decoder
// returns it, and the text it holds.
func benchImage(b *testing.B, vector string) (image.Image, string) {
	b.Helper()
	raw, err := os.ReadFile(filepath.Join(shareddata.Dir(b, "dgc-testdata"), vector))
	if err != nil {
		b.Fatal(err)
	}
	var v struct {
		Code   string `json:"2DCODE"`
		Prefix string `json:"PREFIX"`
	}
	if err := json.Unmarshal(raw, &v); err != nil {
		b.Fatal(err)
	}
	png, err := base64.StdEncoding.DecodeString(v.Code)
	if err != nil {
		b.Fatal(err)
	}
	img, _, err := image.Decode(bytes.NewReader(png))
	if err != nil {
		b.Fatal(err)
	}
	return img, v.Prefix
}

func benchDecode(b *testing.B, l *scanner.Luma, want string) {
	var dec scanner.Decoder
	for b.Loop() {
		res, err := dec.Decode(l)
		if err != nil || res.Text != want {
			b.Fatalf("Decode = %.20q, %v", res.Text, err)
		}
	}
}

// benchVector is a 350×350 PNG, the size of most official DCC test images.
const benchVector = "AT/2DCode/raw/1.json"

// BenchmarkDecodeDCC decodes a DCC image whose luma is already in memory,
// as a camera frame would be.
func BenchmarkDecodeDCC(b *testing.B) {
	img, want := benchImage(b, benchVector)
	benchDecode(b, scanner.FromImage(img), want)
}

// BenchmarkDecodeDCCRotated90 decodes a DCC image turned a quarter round,
// which plain gozxing cannot read: Hybrid, Histogram and Inverted fail
// before Rotated reads it.
func BenchmarkDecodeDCCRotated90(b *testing.B) {
	img, want := benchImage(b, "SK/2DCode/raw/6.json")
	benchDecode(b, scanner.FromImage(img).Rotate90(), want)
}

// BenchmarkPlainGozxing is what BenchmarkDecodeDCC replaces: gozxing's own
// conversion from image.Image, then its QR reader.
func BenchmarkPlainGozxing(b *testing.B) {
	img, want := benchImage(b, benchVector)
	for b.Loop() {
		bmp, err := gozxing.NewBinaryBitmapFromImage(img)
		if err != nil {
			b.Fatal(err)
		}
		res, err := qrcode.NewQRCodeReader().Decode(bmp, nil)
		if err != nil || res.GetText() != want {
			b.Fatalf("Decode = %v", err)
		}
	}
}

// BenchmarkNotFound is the cost of a VGA camera frame without a code, where
// every default strategy runs: the worst case per frame.
func BenchmarkNotFound(b *testing.B) {
	l := scanner.NewLuma(640, 480)
	for i := range l.Pix {
		l.Pix[i] = byte(i*7919>>3) | 0x80 // light, textured paper
	}
	var dec scanner.Decoder
	for b.Loop() {
		if _, err := dec.Decode(l); err == nil {
			b.Fatal("Decode found a code in noise")
		}
	}
}

// BenchmarkFromImage converts an RGBA frame, the slowest of the fast paths.
func BenchmarkFromImage(b *testing.B) {
	img, _ := benchImage(b, benchVector)
	rgba := image.NewRGBA(img.Bounds())
	draw.Draw(rgba, rgba.Bounds(), img, img.Bounds().Min, draw.Src)
	for b.Loop() {
		scanner.FromImage(rgba)
	}
}
