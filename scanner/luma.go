package scanner

import (
	"image"
	"image/color"
)

// Luma is an 8-bit luminance plane: 0 is black, 255 is white. Pixel (x, y) is
// Pix[y*Stride+x]. A Luma made by FromImage may share Pix with the image it
// came from, so neither should be modified while the other is in use.
type Luma struct {
	Pix           []byte
	Width, Height int
	Stride        int
}

// NewLuma returns a black plane of the given size.
func NewLuma(width, height int) *Luma {
	return &Luma{Pix: make([]byte, width*height), Width: width, Height: height, Stride: width}
}

// At returns the luma of pixel (x, y), which must be inside the plane.
func (l *Luma) At(x, y int) byte { return l.Pix[y*l.Stride+x] }

// row returns the pixels of row y, without copying.
func (l *Luma) row(y int) []byte {
	off := y * l.Stride
	return l.Pix[off : off+l.Width : off+l.Width]
}

// compact returns the plane as Width*Height contiguous bytes, copying only
// when rows are not already packed.
func (l *Luma) compact() []byte {
	n := l.Width * l.Height
	if l.Stride == l.Width && len(l.Pix) >= n {
		return l.Pix[:n:n]
	}
	out := make([]byte, n)
	for y := 0; y < l.Height; y++ {
		copy(out[y*l.Width:], l.row(y))
	}
	return out
}

// sub returns the rectangle at (x, y) of size w×h, sharing Pix.
func (l *Luma) sub(x, y, w, h int) *Luma {
	if w == 0 || h == 0 {
		return &Luma{Width: w, Height: h, Stride: l.Stride}
	}
	off := y*l.Stride + x
	end := (y+h-1)*l.Stride + x + w
	return &Luma{Pix: l.Pix[off:end], Width: w, Height: h, Stride: l.Stride}
}

// Rotate90 returns a copy of the plane turned 90° clockwise.
func (l *Luma) Rotate90() *Luma {
	out := NewLuma(l.Height, l.Width)
	for y := 0; y < l.Height; y++ {
		src := l.row(y)
		x0 := l.Height - 1 - y
		for x, v := range src {
			out.Pix[x*out.Stride+x0] = v
		}
	}
	return out
}

// Rotate180 returns a copy of the plane turned half a turn.
func (l *Luma) Rotate180() *Luma {
	out := NewLuma(l.Width, l.Height)
	for y := 0; y < l.Height; y++ {
		src := l.row(y)
		dst := out.row(l.Height - 1 - y)
		for x, v := range src {
			dst[l.Width-1-x] = v
		}
	}
	return out
}

// Rotate270 returns a copy of the plane turned 90° counter-clockwise.
func (l *Luma) Rotate270() *Luma {
	out := NewLuma(l.Height, l.Width)
	for y := 0; y < l.Height; y++ {
		src := l.row(y)
		for x, v := range src {
			out.Pix[(l.Width-1-x)*out.Stride+y] = v
		}
	}
	return out
}

// Image returns the plane as an *image.Gray sharing Pix, for saving or display.
func (l *Luma) Image() *image.Gray {
	return &image.Gray{Pix: l.Pix, Stride: l.Stride, Rect: image.Rect(0, 0, l.Width, l.Height)}
}

// FromImage returns the luma plane of img. Grey and YCbCr images are used in
// place (no copy); other types are converted with the BT.601 weights, and
// transparent pixels are composited onto white, since a QR code saved with
// a transparent background is meant to be seen on a light page.
func FromImage(img image.Image) *Luma {
	r := img.Bounds()
	if r.Empty() {
		return &Luma{}
	}
	w, h := r.Dx(), r.Dy()
	switch m := img.(type) {
	case *image.Gray:
		off := m.PixOffset(r.Min.X, r.Min.Y)
		return &Luma{Pix: m.Pix[off:], Width: w, Height: h, Stride: m.Stride}
	case *image.YCbCr:
		off := m.YOffset(r.Min.X, r.Min.Y)
		return &Luma{Pix: m.Y[off:], Width: w, Height: h, Stride: m.YStride}
	case *image.RGBA:
		return fromRGBA(m.Pix[m.PixOffset(r.Min.X, r.Min.Y):], m.Stride, w, h, true)
	case *image.NRGBA:
		return fromRGBA(m.Pix[m.PixOffset(r.Min.X, r.Min.Y):], m.Stride, w, h, false)
	case *image.Paletted:
		return fromPaletted(m)
	}
	out := NewLuma(w, h)
	for y := 0; y < h; y++ {
		dst := out.row(y)
		for x := range dst {
			dst[x] = lumaOf(img.At(r.Min.X+x, r.Min.Y+y))
		}
	}
	return out
}

// lumaOf converts any colour, composited onto white.
func lumaOf(c color.Color) byte {
	r, g, b, a := c.RGBA() // 16-bit, alpha-premultiplied
	y := (19595*r + 38470*g + 7471*b + 1<<15) >> 16
	y += 0xffff - a
	return byte((y + 128) / 257)
}

func fromRGBA(pix []byte, stride, w, h int, premultiplied bool) *Luma {
	out := NewLuma(w, h)
	for y := 0; y < h; y++ {
		src := pix[y*stride : y*stride+4*w]
		dst := out.row(y)
		for x := range dst {
			p := src[4*x : 4*x+4 : 4*x+4]
			r, g, b, a := uint32(p[0]), uint32(p[1]), uint32(p[2]), uint32(p[3])
			v := (19595*r + 38470*g + 7471*b + 1<<15) >> 16
			switch {
			case a == 0xff:
			case premultiplied:
				v += 0xff - a
			default:
				v = (v*a + 0xff*(0xff-a) + 0x7f) / 0xff
			}
			dst[x] = byte(v)
		}
	}
	return out
}

func fromPaletted(m *image.Paletted) *Luma {
	var lut [256]byte
	for i := range lut {
		lut[i] = 0xff // out-of-range indexes read as white paper
	}
	for i, c := range m.Palette {
		if i < len(lut) {
			lut[i] = lumaOf(c)
		}
	}
	r := m.Bounds()
	out := NewLuma(r.Dx(), r.Dy())
	for y := 0; y < out.Height; y++ {
		off := m.PixOffset(r.Min.X, r.Min.Y+y)
		src := m.Pix[off : off+out.Width]
		dst := out.row(y)
		for x, i := range src {
			dst[x] = lut[i]
		}
	}
	return out
}
