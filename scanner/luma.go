package scanner

import (
	"encoding/binary"
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

// Turn returns the plane turned quarters quarter turns clockwise (any
// integer; negative turns counter-clockwise): a copy, or l itself for a
// whole number of full turns.
func (l *Luma) Turn(quarters int) *Luma {
	switch (quarters%4 + 4) % 4 {
	case 1:
		return l.Rotate90()
	case 2:
		return l.Rotate180()
	case 3:
		return l.Rotate270()
	}
	return l
}

// Rotate90 returns a copy of the plane turned 90° clockwise.
func (l *Luma) Rotate90() *Luma {
	// Source row y becomes output column Height-1-y: an 8×8 block is the
	// transpose of its rows taken bottom to top.
	return l.quarterTurn(true)
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
	// Source column x becomes output row Width-1-x: an 8×8 block is the
	// transpose of its rows, stored bottom row first.
	return l.quarterTurn(false)
}

// quarterTurn turns the plane 90° clockwise (cw) or counter-clockwise, in
// blocks of 8×8 transposed in registers; the ragged edges pixel by pixel.
func (l *Luma) quarterTurn(cw bool) *Luma {
	w, h := l.Width, l.Height
	out := NewLuma(h, w)
	// dst is where source pixel (x, y) goes.
	dst := func(x, y int) int {
		if cw {
			return x*out.Stride + h - 1 - y
		}
		return (w-1-x)*out.Stride + y
	}
	// Bands of 64 source rows, so that the eight 8-byte writes to an
	// output row's cache line follow each other.
	for band := 0; band+8 <= h; band += 64 {
		end := min(band+64, h&^7)
		for x0 := 0; x0+8 <= w; x0 += 8 {
			for y0 := band; y0 < end; y0 += 8 {
				src, ss := l.Pix[y0*l.Stride+x0:], l.Stride
				_ = src[7*ss+7]
				r0, r1, r2, r3 := le64(src), le64(src[ss:]), le64(src[2*ss:]), le64(src[3*ss:])
				r4, r5, r6, r7 := le64(src[4*ss:]), le64(src[5*ss:]), le64(src[6*ss:]), le64(src[7*ss:])
				if cw { // bottom row first: the output row runs from it
					r0, r1, r2, r3, r4, r5, r6, r7 = r7, r6, r5, r4, r3, r2, r1, r0
				}
				r0, r1, r2, r3, r4, r5, r6, r7 = transpose8(r0, r1, r2, r3, r4, r5, r6, r7)
				// Row i is the output row of source column x0+i, from the
				// block's leftmost output column on: one row down (cw) or
				// up (ccw) for each i.
				var o, step int
				if cw {
					o, step = x0*out.Stride+h-8-y0, out.Stride
				} else {
					o, step = (w-1-x0)*out.Stride+y0, -out.Stride
				}
				for _, v := range [8]uint64{r0, r1, r2, r3, r4, r5, r6, r7} {
					binary.LittleEndian.PutUint64(out.Pix[o:o+8], v)
					o += step
				}
			}
		}
		for x := w &^ 7; x < w; x++ {
			for y := band; y < end; y++ {
				out.Pix[dst(x, y)] = l.Pix[y*l.Stride+x]
			}
		}
	}
	for y := h &^ 7; y < h; y++ {
		for x, v := range l.row(y) {
			out.Pix[dst(x, y)] = v
		}
	}
	return out
}

func le64(b []byte) uint64 { return binary.LittleEndian.Uint64(b) }

// transpose8 transposes 8×8 bytes held as eight little-endian rows: byte c
// of row r goes to byte r of row c. It swaps 1×1, then 2×2, then 4×4 blocks
// across the diagonal.
func transpose8(a0, a1, a2, a3, a4, a5, a6, a7 uint64) (_, _, _, _, _, _, _, _ uint64) {
	const m1, m2, m4 = 0x00ff00ff00ff00ff, 0x0000ffff0000ffff, 0x00000000ffffffff
	t := (a0>>8 ^ a1) & m1
	a1, a0 = a1^t, a0^t<<8
	t = (a2>>8 ^ a3) & m1
	a3, a2 = a3^t, a2^t<<8
	t = (a4>>8 ^ a5) & m1
	a5, a4 = a5^t, a4^t<<8
	t = (a6>>8 ^ a7) & m1
	a7, a6 = a7^t, a6^t<<8
	t = (a0>>16 ^ a2) & m2
	a2, a0 = a2^t, a0^t<<16
	t = (a1>>16 ^ a3) & m2
	a3, a1 = a3^t, a1^t<<16
	t = (a4>>16 ^ a6) & m2
	a6, a4 = a6^t, a4^t<<16
	t = (a5>>16 ^ a7) & m2
	a7, a5 = a7^t, a5^t<<16
	t = (a0>>32 ^ a4) & m4
	a4, a0 = a4^t, a0^t<<32
	t = (a1>>32 ^ a5) & m4
	a5, a1 = a5^t, a1^t<<32
	t = (a2>>32 ^ a6) & m4
	a6, a2 = a6^t, a2^t<<32
	t = (a3>>32 ^ a7) & m4
	a7, a3 = a7^t, a3^t<<32
	return a0, a1, a2, a3, a4, a5, a6, a7
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
