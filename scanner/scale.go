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
// between two source pixels. So the weights are fixed: output 2k is
// (s[k-1] + 3 s[k]) / 4 and 2k+1 is (3 s[k] + s[k+1]) / 4, with the
// source's edge pixels repeated beyond it; both axes kept in quarters,
// rounded once at the end. Four source pixels at a time, in 16-bit lanes
// of a word: a sum is at most 16×255+8, so lanes never carry.
func (l *Luma) double() *Luma {
	out := NewLuma(2*l.Width, 2*l.Height)
	l.doubleRows(out, 0, out.Height)
	return out
}

// doubleRows writes rows y0 to y1 of out, l at twice the size (see double).
func (l *Luma) doubleRows(out *Luma, y0, y1 int) {
	w, h := l.Width, l.Height
	if w == 0 || h == 0 {
		return
	}
	const lanes = 0x00ff00ff00ff00ff
	// One vertically interpolated source row as little-endian 16-bit
	// lanes, the edge pixel repeated at each end: lane k+1 is column k.
	// Slack after it for the last words read.
	v := make([]byte, 2*(w+2)+8)
	lane := func(k int) uint16 { return binary.LittleEndian.Uint16(v[2*k:]) }
	setLane := func(k int, x uint16) { binary.LittleEndian.PutUint16(v[2*k:], x) }
	// spread puts four bytes in the low bytes of four 16-bit lanes.
	spread := func(b []byte) uint64 {
		x := uint64(binary.LittleEndian.Uint32(b))
		x = (x | x<<16) & 0x0000ffff0000ffff
		return (x | x<<8) & lanes
	}
	for y := y0; y < y1; y++ {
		// Rows a (weight 1) and b (weight 3) of output row y.
		j := y / 2
		a, b := l.row(max(j-1, 0)), l.row(j)
		if y%2 == 1 {
			a = l.row(min(j+1, h-1))
		}
		x := 0
		for ; x+4 <= w; x += 4 {
			binary.LittleEndian.PutUint64(v[2*(x+1):], spread(a[x:])+3*spread(b[x:]))
		}
		for ; x < w; x++ {
			setLane(x+1, uint16(a[x])+3*uint16(b[x]))
		}
		setLane(0, lane(1))
		setLane(w+1, lane(w))
		dst := out.row(y)
		k := 0
		for ; k+4 <= w; k += 4 {
			v0 := binary.LittleEndian.Uint64(v[2*k:])
			v1 := binary.LittleEndian.Uint64(v[2*k+2:])
			v2 := binary.LittleEndian.Uint64(v[2*k+4:])
			const eight = 0x0008000800080008
			even := (v0 + 3*v1 + eight) >> 4 & lanes
			odd := (3*v1 + v2 + eight) >> 4 & lanes
			binary.LittleEndian.PutUint64(dst[2*k:], even|odd<<8)
		}
		for ; k < w; k++ {
			c := 3 * uint32(lane(k+1))
			dst[2*k] = byte((uint32(lane(k)) + c + 8) >> 4)
			dst[2*k+1] = byte((c + uint32(lane(k+2)) + 8) >> 4)
		}
	}
}
