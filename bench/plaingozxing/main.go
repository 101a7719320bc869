// Command plaingozxing is the "plain gozxing" reference reader of
// bench/scanpeers: gozxing used the way its README shows, an image.Image
// through NewBinaryBitmapFromImage (per-pixel luminance conversion, then the
// HybridBinarizer) into the QR code reader with TRY_HARDER. It shows what the
// scanner package gains over using the library directly.
//
// For each file it decodes the grey image, already in memory, N times and
// prints one JSON line like `passgate scan --json --all`: file, ok, text, ms
// (the median) or error, and texts: every code in the image, listed after
// the clock stops by gozxing's QRCodeMultiReader (DecodeMultiple, the same
// hints), since the QR code reader returns only one.
//
// usage: plaingozxing [--repeat N] FILE...
package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"image"
	"os"
	"slices"
	"time"

	"github.com/makiuchi-d/gozxing"
	multiqr "github.com/makiuchi-d/gozxing/multi/qrcode"
	"github.com/makiuchi-d/gozxing/qrcode"

	"github.com/passgate/passgate/scanner"
)

// line is one output line.
type line struct {
	File  string  `json:"file"`
	OK    bool    `json:"ok"`
	Text  string  `json:"text,omitempty"`
	MS    float64 `json:"ms"`
	Error string  `json:"error,omitempty"`
	// Texts are the texts of every code the listing found; nil (left
	// out) only when the file did not load.
	Texts []string `json:"texts,omitzero"`
}

func main() {
	repeat := flag.Int("repeat", 1, "decode each image N times and report the median time")
	flag.Parse()
	if flag.NArg() == 0 || *repeat < 1 {
		fmt.Fprintln(os.Stderr, "usage: plaingozxing [--repeat N] FILE...")
		os.Exit(2)
	}
	enc := json.NewEncoder(os.Stdout)
	enc.SetEscapeHTML(false)
	for _, file := range flag.Args() {
		if err := enc.Encode(scan(file, *repeat)); err != nil {
			fmt.Fprintln(os.Stderr, "plaingozxing:", err)
			os.Exit(1)
		}
	}
}

func scan(file string, repeat int) line {
	l, err := scanner.LoadFile(file)
	if err != nil {
		return line{File: file, Error: err.Error()}
	}
	img := l.Image()
	var (
		hints  = map[gozxing.DecodeHintType]any{gozxing.DecodeHintType_TRY_HARDER: true}
		reader = qrcode.NewQRCodeReader()
		times  = make([]time.Duration, repeat)
		res    *gozxing.Result
	)
	for i := range repeat {
		start := time.Now()
		res, err = decode(reader, img, hints)
		times[i] = time.Since(start)
	}
	slices.Sort(times)
	ms := float64(times[repeat/2].Nanoseconds()) / 1e6
	texts := list(img, hints)
	if err != nil {
		return line{File: file, MS: ms, Error: err.Error(), Texts: texts}
	}
	return line{File: file, OK: true, Text: res.GetText(), MS: ms, Texts: texts}
}

// list returns the texts of every QR code the multi reader finds in img,
// an empty (not nil) slice when it finds none.
func list(img image.Image, hints map[gozxing.DecodeHintType]any) []string {
	texts := []string{}
	bmp, err := gozxing.NewBinaryBitmapFromImage(img)
	if err != nil {
		return texts
	}
	all, err := multiqr.NewQRCodeMultiReader().DecodeMultiple(bmp, hints)
	if err != nil {
		return texts
	}
	for _, r := range all {
		texts = append(texts, r.GetText())
	}
	return texts
}

func decode(r gozxing.Reader, img image.Image, hints map[gozxing.DecodeHintType]any) (*gozxing.Result, error) {
	bmp, err := gozxing.NewBinaryBitmapFromImage(img)
	if err != nil {
		return nil, err
	}
	return r.Decode(bmp, hints)
}
