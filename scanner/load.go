package scanner

import (
	"bufio"
	"bytes"
	"fmt"
	"image"
	_ "image/jpeg" // registers JPEG for image.Decode
	_ "image/png"  // registers PNG for image.Decode
	"io"
	"os"

	_ "golang.org/x/image/webp" // registers WebP for image.Decode
)

// LoadFile reads a PNG, JPEG, WebP or PGM file into a luma plane.
func LoadFile(path string) (*Luma, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("scanner: load image: %w", err)
	}
	defer f.Close()
	l, err := Load(f)
	if err != nil {
		return nil, fmt.Errorf("%w (file %s)", err, path)
	}
	return l, nil
}

// Load reads a PNG, JPEG, WebP or PGM image into a luma plane. The format
// is recognised from the content, not a name.
func Load(r io.Reader) (*Luma, error) {
	br := bufio.NewReader(r)
	magic, _ := br.Peek(2)
	if bytes.Equal(magic, []byte("P5")) || bytes.Equal(magic, []byte("P2")) {
		l, err := readPGM(br)
		if err != nil {
			return nil, fmt.Errorf("scanner: load PGM: %w", err)
		}
		return l, nil
	}
	img, _, err := image.Decode(br)
	if err != nil {
		return nil, fmt.Errorf("scanner: load image: %w", err)
	}
	return FromImage(img), nil
}
