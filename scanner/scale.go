package scanner

import "encoding/binary"

// half returns the plane at half size, each pixel the mean of a 2×2 block,
// rounded: (a+b+c+d+2)/4. Four output pixels at a time: the sums of
// horizontal pairs land in 16-bit lanes of a word.
func (l *Luma) half() *Luma {
	out := NewLuma(l.Width/2, l.Height/2)
	const lanes = 0x00ff00ff00ff00ff
	for y := 0; y < out.Height; y++ {
		a, b := l.row(2*y), l.row(2*y+1)
		dst := out.row(y)
		x := 0
		for ; x+4 <= len(dst); x += 4 {
			p := binary.LittleEndian.Uint64(a[2*x:])
			q := binary.LittleEndian.Uint64(b[2*x:])
			s := p&lanes + p>>8&lanes + q&lanes + q>>8&lanes + 0x0002000200020002
			s = s >> 2 & lanes // each lane now holds a byte: pack them
			s = (s | s>>8) & 0x0000ffff0000ffff
			s = (s | s>>16) & 0x00000000ffffffff
			binary.LittleEndian.PutUint32(dst[x:], uint32(s))
		}
		for ; x < len(dst); x++ {
			s := uint(a[2*x]) + uint(a[2*x+1]) + uint(b[2*x]) + uint(b[2*x+1])
			dst[x] = byte((s + 2) / 4)
		}
	}
	return out
}

// double returns the plane at twice the size, bilinearly interpolated so that
// the binarizer sees smooth edges rather than blocks: output pixel i of an
// axis sits at (2i-1)/4 in the source, a quarter or three quarters of the way
// between two source pixels.
func (l *Luma) double() *Luma {
	out := NewLuma(2*l.Width, 2*l.Height)
	// Per output column: its left source pixel and the weight, in
	// quarters, of the right one.
	xs := make([]int32, out.Width)
	fxs := make([]uint8, out.Width)
	for x := range xs {
		x0, fx := split(x, l.Width)
		xs[x], fxs[x] = int32(x0), uint8(fx)
	}
	// One interpolated source row per output row: top*(4-fy) + bot*fy.
	mix := make([]uint16, l.Width+1)
	for y := 0; y < out.Height; y++ {
		y0, fy := split(y, l.Height)
		r0, r1 := l.row(y0), l.row(min(y0+1, l.Height-1))
		for x, a := range r0 {
			mix[x] = uint16(uint(a)*(4-fy) + uint(r1[x])*fy)
		}
		mix[l.Width] = mix[l.Width-1] // the right edge's neighbour: itself
		dst := out.row(y)
		for x := range dst {
			i, fx := xs[x], uint(fxs[x])
			dst[x] = byte((uint(mix[i])*(4-fx) + uint(mix[i+1])*fx + 8) / 16)
		}
	}
	return out
}

// split maps output index i of a doubled axis to a source index and a
// weight in quarters for the next source pixel.
func split(i, n int) (int, uint) {
	// source position = (2i - 1) / 4
	p := 2*i - 1
	if p < 0 {
		return 0, 0
	}
	s := p / 4
	if s >= n-1 {
		return n - 1, 0
	}
	return s, uint(p % 4)
}
