package scanner

// half returns the plane at half size, each pixel the mean of a 2×2 block.
func (l *Luma) half() *Luma {
	out := NewLuma(l.Width/2, l.Height/2)
	for y := 0; y < out.Height; y++ {
		a, b := l.row(2*y), l.row(2*y+1)
		dst := out.row(y)
		for x := range dst {
			s := uint(a[2*x]) + uint(a[2*x+1]) + uint(b[2*x]) + uint(b[2*x+1])
			dst[x] = byte((s + 2) / 4)
		}
	}
	return out
}

// double returns the plane at twice the size, bilinearly interpolated so that
// the binarizer sees smooth edges rather than blocks.
func (l *Luma) double() *Luma {
	out := NewLuma(2*l.Width, 2*l.Height)
	for y := 0; y < out.Height; y++ {
		// Output pixel centre (y+0.5)/2-0.5 in source coordinates.
		y0, fy := split(y, l.Height)
		r0, r1 := l.row(y0), l.row(min(y0+1, l.Height-1))
		dst := out.row(y)
		for x := range dst {
			x0, fx := split(x, l.Width)
			x1 := min(x0+1, l.Width-1)
			top := uint(r0[x0])*(4-fx) + uint(r0[x1])*fx
			bot := uint(r1[x0])*(4-fx) + uint(r1[x1])*fx
			dst[x] = byte((top*(4-fy) + bot*fy + 8) / 16)
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
