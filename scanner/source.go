package scanner

import (
	"fmt"

	"github.com/makiuchi-d/gozxing"
)

// source is a gozxing.LuminanceSource over a Luma plane. gozxing's own
// NewLuminanceSourceFromImage converts every pixel through color.Color, which
// costs as much as the decoding itself; this reads the plane in place.
type source struct {
	l *Luma
}

var _ gozxing.LuminanceSource = source{}

func (s source) GetRow(y int, row []byte) ([]byte, error) {
	if y < 0 || y >= s.l.Height {
		return nil, fmt.Errorf("scanner: row %d outside 0..%d", y, s.l.Height-1)
	}
	if cap(row) < s.l.Width {
		row = make([]byte, s.l.Width)
	}
	row = row[:s.l.Width]
	copy(row, s.l.row(y))
	return row, nil
}

// GetMatrix returns the packed plane. gozxing promises not to modify it, so
// a packed plane is returned without copying.
func (s source) GetMatrix() []byte { return s.l.compact() }

func (s source) GetWidth() int         { return s.l.Width }
func (s source) GetHeight() int        { return s.l.Height }
func (s source) IsCropSupported() bool { return true }

func (s source) Crop(left, top, width, height int) (gozxing.LuminanceSource, error) {
	if left < 0 || top < 0 || width < 0 || height < 0 ||
		left+width > s.l.Width || top+height > s.l.Height {
		return nil, fmt.Errorf("scanner: crop %d,%d %dx%d outside %dx%d",
			left, top, width, height, s.l.Width, s.l.Height)
	}
	return source{s.l.sub(left, top, width, height)}, nil
}

func (s source) IsRotateSupported() bool { return true }

func (s source) Invert() gozxing.LuminanceSource { return source{invert(s.l)} }

func (s source) RotateCounterClockwise() (gozxing.LuminanceSource, error) {
	return source{s.l.Rotate270()}, nil
}

func (s source) RotateCounterClockwise45() (gozxing.LuminanceSource, error) {
	return nil, fmt.Errorf("scanner: rotation by 45° is not supported")
}

func (s source) String() string { return gozxing.LuminanceSourceString(s) }

// invert returns a negative copy of l, for light-on-dark codes.
func invert(l *Luma) *Luma {
	out := NewLuma(l.Width, l.Height)
	for y := 0; y < l.Height; y++ {
		src, dst := l.row(y), out.row(y)
		for x, v := range src {
			dst[x] = 255 - v
		}
	}
	return out
}
