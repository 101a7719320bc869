package scanner

import (
	"encoding/binary"

	"github.com/makiuchi-d/gozxing"
	"github.com/makiuchi-d/gozxing/qrcode"
)

// The hybrid binarizer's constants, as gozxing has them.
const (
	blockPower = 3
	blockSize  = 1 << blockPower
	minRange   = 24 // a block with less contrast is taken as flat
)

// hybrid binarizes l exactly as gozxing's HybridBinarizer does (a local
// threshold from 8×8 block statistics, averaged over 5×5 blocks), in a
// third of its time: it walks the plane row by row instead of block by
// block, and writes the matrix 32 pixels at a time instead of one. With
// negative it binarizes the negative of l, without copying it. Planes
// under 40 pixels a side take gozxing's global-histogram path, as gozxing
// does.
func hybrid(l *Luma, negative bool) (*gozxing.BitMatrix, error) {
	w, h := l.Width, l.Height
	if w < 5*blockSize || h < 5*blockSize {
		src := l
		if negative {
			src = invert(l)
		}
		return gozxing.NewGlobalHistgramBinarizer(source{src}).GetBlackMatrix()
	}
	var flip byte
	if negative {
		flip = 0xff
	}
	flip64 := uint64(flip) * 0x0101010101010101
	subW, subH := (w+blockSize-1)>>blockPower, (h+blockSize-1)>>blockPower
	points := blackPoints(l, flip, subW, subH)

	m, err := gozxing.NewBitMatrix(w, h)
	if err != nil {
		return nil, err
	}
	// thr[by] are block row by's thresholds, one a block: the mean of the
	// 5×5 black points around it.
	thr := make([][]uint8, subH)
	blockThr := func(by int) []uint8 {
		if thr[by] != nil {
			return thr[by]
		}
		t := make([]uint8, subW)
		top := clamp(by, 2, subH-3)
		for bx := range subW {
			left := clamp(bx, 2, subW-3)
			sum := 0
			for z := -2; z <= 2; z++ {
				r := points[(top+z)*subW:]
				sum += r[left-2] + r[left-1] + r[left] + r[left+1] + r[left+2]
			}
			t[bx] = uint8(min(sum/25, 255))
		}
		thr[by] = t
		return t
	}
	merged := make([]uint8, subW)
	row := gozxing.NewBitArray(w)
	words := make([]uint32, (w+31)/32)
	// Pixels from overlap on are covered by the last block (x >= w-8) too
	// when w is not a multiple of 8: gozxing sets such a pixel black when
	// either block's threshold says so, the larger threshold.
	overlap := w - blockSize
	if w%blockSize == 0 {
		overlap = w
	}
	for y := range h {
		by := min(y>>blockPower, subH-1)
		t := blockThr(by)
		if last := subH - 1; by != last && y >= h-blockSize {
			t2 := blockThr(last)
			for i := range merged {
				merged[i] = max(t[i], t2[i])
			}
			t = merged
		}
		clear(words)
		pix := l.row(y)
		x := 0
		for ; x+blockSize <= overlap; x += blockSize {
			words[x>>5] |= uint32(below8(binary.LittleEndian.Uint64(pix[x:x+8])^flip64, t[x>>blockPower])) << (x & 31)
		}
		for ; x < w; x++ {
			th := t[subW-1]
			if bx := x >> blockPower; bx < subW-1 {
				th = max(th, t[bx])
			}
			if pix[x]^flip <= th {
				words[x>>5] |= 1 << (x & 31)
			}
		}
		for i, word := range words {
			row.SetBulk(i*32, word)
		}
		m.SetRow(y, row)
	}
	return m, nil
}

// below8 returns a bit for each of the 8 bytes of q (the first byte in
// bit 0) that is at most t. Each byte is compared in a 16-bit lane as
// 256+t-x, whose bit 8 survives exactly when x <= t.
func below8(q uint64, t uint8) uint8 {
	const lanes = 0x00ff00ff00ff00ff
	tt := (0x100 + uint64(t)) * 0x0001000100010001
	even := (tt - q&lanes) >> 8 & 0x0001000100010001
	odd := (tt - q>>8&lanes) >> 8 & 0x0001000100010001
	gather := func(v uint64) uint8 { return uint8((v | v>>14 | v>>28 | v>>42) & 0x55) }
	return gather(even) | gather(odd)<<1
}

// blackPoints is gozxing's calculateBlackPoints over rows: each block's
// mean, or for a flat block half its minimum, raised to its neighbours'
// black point when its minimum is below theirs.
func blackPoints(l *Luma, flip byte, subW, subH int) []int {
	w, h := l.Width, l.Height
	flip64 := uint64(flip) * 0x0101010101010101
	sum := make([]int, subW)
	lo := make([]uint8, subW)
	hi := make([]uint8, subW)
	points := make([]int, subW*subH)
	for by := range subH {
		y0 := min(by<<blockPower, h-blockSize)
		clear(sum)
		for i := range lo {
			lo[i], hi[i] = 0xff, 0 // hi-lo < 0 until the first row
		}
		for y := y0; y < y0+blockSize; y++ {
			pix := l.row(y)
			// Whole blocks, then the last, which may overlap its neighbour.
			for bx := range subW - 1 {
				b := pix[bx<<blockPower : bx<<blockPower+blockSize : bx<<blockPower+blockSize]
				q := binary.LittleEndian.Uint64(b) ^ flip64
				// The sum of the eight bytes, two lanes at a time.
				p := q&0x00ff00ff00ff00ff + q>>8&0x00ff00ff00ff00ff
				p = p&0x0000ffff0000ffff + p>>16&0x0000ffff0000ffff
				sum[bx] += int(p&0xffffffff + p>>32)
				if int(hi[bx])-int(lo[bx]) > minRange {
					continue // contrast enough: only the sum matters now
				}
				v0, v1, v2, v3 := b[0]^flip, b[1]^flip, b[2]^flip, b[3]^flip
				v4, v5, v6, v7 := b[4]^flip, b[5]^flip, b[6]^flip, b[7]^flip
				lo[bx] = min(lo[bx], v0, v1, v2, v3, v4, v5, v6, v7)
				hi[bx] = max(hi[bx], v0, v1, v2, v3, v4, v5, v6, v7)
			}
			bx := subW - 1
			s, mn, mx := 0, lo[bx], hi[bx]
			for _, v := range pix[w-blockSize : w] {
				v ^= flip
				s += int(v)
				mn = min(mn, v)
				mx = max(mx, v)
			}
			sum[bx] += s
			lo[bx], hi[bx] = mn, mx
		}
		out := points[by*subW : (by+1)*subW]
		for bx := range subW {
			avg := sum[bx] >> (2 * blockPower)
			if int(hi[bx])-int(lo[bx]) <= minRange {
				avg = int(lo[bx]) / 2
				if by > 0 && bx > 0 {
					nb := (points[(by-1)*subW+bx] + 2*out[bx-1] + points[(by-1)*subW+bx-1]) / 4
					if int(lo[bx]) < nb {
						avg = nb
					}
				}
			}
			out[bx] = avg
		}
	}
	return points
}

func clamp(v, lo, hi int) int {
	return max(lo, min(v, hi))
}

// fixed is a gozxing.Binarizer whose matrix is already made, so readers
// that take a BinaryBitmap can run on hybrid's output.
type fixed struct {
	m   *gozxing.BitMatrix
	src gozxing.LuminanceSource
}

func (f fixed) GetLuminanceSource() gozxing.LuminanceSource { return f.src }
func (f fixed) GetBlackRow(y int, row *gozxing.BitArray) (*gozxing.BitArray, error) {
	return f.m.GetRow(y, row), nil
}
func (f fixed) GetBlackMatrix() (*gozxing.BitMatrix, error) { return f.m, nil }
func (f fixed) CreateBinarizer(src gozxing.LuminanceSource) gozxing.Binarizer {
	return gozxing.NewHybridBinarizer(src)
}
func (f fixed) GetWidth() int  { return f.m.GetWidth() }
func (f fixed) GetHeight() int { return f.m.GetHeight() }

// readPure reads a code that fills the matrix (PURE_BARCODE).
func readPure(m *gozxing.BitMatrix, img *Luma, hints map[gozxing.DecodeHintType]any) (r Result, err error) {
	defer catch(&err)
	bmp, err := gozxing.NewBinaryBitmap(fixed{m, source{img}})
	if err != nil {
		return r, err
	}
	res, err := qrcode.NewQRCodeReader().Decode(bmp, hints)
	if err != nil {
		return r, err
	}
	r.Text = res.GetText()
	return r, nil
}
