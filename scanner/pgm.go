package scanner

import (
	"bufio"
	"errors"
	"fmt"
	"io"
)

// ErrPGM is wrapped by every error about a malformed PGM file.
var ErrPGM = errors.New("malformed PGM")

// maxPGMPixels bounds the plane a PGM header may ask for, so that a corrupt
// or hostile header cannot make the kiosk allocate gigabytes.
const maxPGMPixels = 1 << 26

// readPGM parses a binary (P5) or plain (P2) greymap as described in
// netpbm's pgm(5): magic, width, height and maxval separated by whitespace,
// with # comments allowed in the header; samples of one byte when maxval
// < 256, else two bytes big-endian. Samples are scaled to 0..255.
func readPGM(r *bufio.Reader) (*Luma, error) {
	var magic [2]byte
	if _, err := io.ReadFull(r, magic[:]); err != nil {
		return nil, fmt.Errorf("%w: reading magic: %w", ErrPGM, err)
	}
	if magic[0] != 'P' || (magic[1] != '5' && magic[1] != '2') {
		return nil, fmt.Errorf("%w: magic %q is not P5 or P2", ErrPGM, magic[:])
	}
	var hdr [3]int
	for i, name := range []string{"width", "height", "maxval"} {
		v, err := pgmInt(r, true)
		if err != nil {
			return nil, fmt.Errorf("%w: reading %s: %w", ErrPGM, name, err)
		}
		hdr[i] = v
	}
	w, h, maxval := hdr[0], hdr[1], hdr[2]
	switch {
	case w <= 0 || h <= 0:
		return nil, fmt.Errorf("%w: size %dx%d", ErrPGM, w, h)
	case w > maxPGMPixels/h:
		return nil, fmt.Errorf("%w: size %dx%d exceeds %d pixels", ErrPGM, w, h, maxPGMPixels)
	case maxval <= 0 || maxval > 65535:
		return nil, fmt.Errorf("%w: maxval %d not in 1..65535", ErrPGM, maxval)
	}
	out := NewLuma(w, h)
	if magic[1] == '2' {
		for i := range out.Pix {
			v, err := pgmInt(r, false)
			if err != nil {
				return nil, fmt.Errorf("%w: sample %d: %w", ErrPGM, i, err)
			}
			if v > maxval {
				return nil, fmt.Errorf("%w: sample %d is %d, above maxval %d", ErrPGM, i, v, maxval)
			}
			out.Pix[i] = scale(v, maxval)
		}
		return out, nil
	}
	// Exactly one whitespace byte separates maxval from the raster; pgmInt
	// consumed it.
	if maxval < 256 {
		if _, err := io.ReadFull(r, out.Pix); err != nil {
			return nil, fmt.Errorf("%w: raster of %d bytes: %w", ErrPGM, len(out.Pix), err)
		}
		for i, v := range out.Pix {
			if int(v) > maxval {
				return nil, fmt.Errorf("%w: sample %d is %d, above maxval %d", ErrPGM, i, v, maxval)
			}
			if maxval != 255 {
				out.Pix[i] = scale(int(v), maxval)
			}
		}
		return out, nil
	}
	buf := make([]byte, 2*w)
	for y := 0; y < h; y++ {
		if _, err := io.ReadFull(r, buf); err != nil {
			return nil, fmt.Errorf("%w: raster row %d: %w", ErrPGM, y, err)
		}
		dst := out.row(y)
		for x := range dst {
			v := int(buf[2*x])<<8 | int(buf[2*x+1])
			if v > maxval {
				return nil, fmt.Errorf("%w: sample %d is %d, above maxval %d", ErrPGM, y*w+x, v, maxval)
			}
			dst[x] = scale(v, maxval)
		}
	}
	return out, nil
}

func scale(v, maxval int) byte { return byte((v*255 + maxval/2) / maxval) }

// pgmInt reads a decimal number after skipping whitespace (and, in the
// header, comments), and consumes the single whitespace byte that ends it.
func pgmInt(r *bufio.Reader, header bool) (int, error) {
	c, err := r.ReadByte()
	for ; err == nil; c, err = r.ReadByte() {
		if c == '#' && header {
			if _, err = r.ReadString('\n'); err != nil {
				break
			}
			continue
		}
		if !isSpace(c) {
			break
		}
	}
	if err != nil {
		return 0, unexpected(err)
	}
	if c < '0' || c > '9' {
		return 0, fmt.Errorf("unexpected byte %q, want a digit", c)
	}
	v := 0
	for {
		v = v*10 + int(c-'0')
		if v > 1<<30 {
			return 0, errors.New("number too large")
		}
		c, err = r.ReadByte()
		if err == io.EOF && !header {
			return v, nil
		}
		if err != nil {
			return 0, unexpected(err)
		}
		if isSpace(c) {
			return v, nil
		}
		if c < '0' || c > '9' {
			return 0, fmt.Errorf("unexpected byte %q in a number", c)
		}
	}
}

func isSpace(c byte) bool {
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f'
}

func unexpected(err error) error {
	if err == io.EOF {
		return io.ErrUnexpectedEOF
	}
	return err
}
