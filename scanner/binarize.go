package scanner

import (
	"bytes"
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
// threshold from 8×8 block statistics, averaged over 5×5 blocks), several
// times faster: block statistics and the threshold test run over whole
// rows in the kernels of kernels.go (SSE2 on amd64), and the matrix is
// written 32 pixels at a time. With negative it binarizes the negative of
// l, without copying it. Planes under 40 pixels a side take gozxing's
// global-histogram path, as gozxing does.
func hybrid(l *Luma, negative bool) (*gozxing.BitMatrix, error) {
	w, h := l.Width, l.Height
	if w < 5*blockSize || h < 5*blockSize {
		return global(l, negative)
	}
	subW, subH := (w+blockSize-1)>>blockPower, (h+blockSize-1)>>blockPower
	points := blackPoints(l, negative, subW, subH)

	m, err := gozxing.NewBitMatrix(w, h)
	if err != nil {
		return nil, err
	}
	// blockThr(by) are block row by's thresholds, one a block: the mean of
	// the 5×5 black points around it (clamped to the plane), as a sum of
	// five rows, then a window of five along it.
	col := make([]int, subW)
	blockThr := func(by int, t []uint8) {
		top := clamp(by, 2, subH-3)
		rows := points[(top-2)*subW : (top+3)*subW]
		r0, r1, r2, r3, r4 := rows[:subW], rows[subW:2*subW], rows[2*subW:3*subW], rows[3*subW:4*subW], rows[4*subW:5*subW]
		for bx := range col {
			col[bx] = r0[bx] + r1[bx] + r2[bx] + r3[bx] + r4[bx]
		}
		win := col[0] + col[1] + col[2] + col[3] + col[4]
		for bx := range t {
			if left := clamp(bx, 2, subW-3); left > 2 && left == bx {
				win += col[left+2] - col[left-3]
			}
			t[bx] = uint8(min(win/25, 255))
		}
	}
	// rowThr is the threshold of each pixel of a row. gozxing sets a pixel
	// black when any block covering it says so: the largest threshold. The
	// last block column starts at w-8 and the last block row at h-8, so
	// when a side is not a multiple of 8 they overlap their neighbours.
	t, last, merged := make([]uint8, subW), make([]uint8, subW), make([]uint8, subW)
	blockThr(subH-1, last)
	rowThr := make([]byte, w)
	expand := func(t []uint8) {
		for bx, v := range t[:subW-1] {
			binary.LittleEndian.PutUint64(rowThr[bx*blockSize:], uint64(v)*0x0101010101010101)
		}
		v := t[subW-1]
		for x := w - blockSize; x < w; x++ {
			if x >= (subW-1)*blockSize {
				rowThr[x] = v
			} else {
				rowThr[x] = max(rowThr[x], v)
			}
		}
	}
	row := gozxing.NewBitArray(w)
	words := row.GetBitArray()[:(w+31)/32]
	for y, key := 0, -1; y < h; y++ {
		by := min(y>>blockPower, subH-1)
		overlap := by != subH-1 && y >= h-blockSize
		if k := 2*by + b2i(overlap); k != key {
			key = k
			switch {
			case by == subH-1:
				expand(last)
			case overlap:
				blockThr(by, t)
				for i := range merged {
					merged[i] = max(t[i], last[i])
				}
				expand(merged)
			default:
				blockThr(by, t)
				expand(t)
			}
		}
		belowRow(l.row(y), rowThr, negative, words)
		m.SetRow(y, row)
	}
	return m, nil
}

// global binarizes l exactly as gozxing's GlobalHistogramBinarizer does
// (one threshold, from a histogram of four rows' middle three fifths),
// with the threshold test of hybrid. Too little contrast for a threshold
// is gozxing's NotFoundException.
func global(l *Luma, negative bool) (*gozxing.BitMatrix, error) {
	w, h := l.Width, l.Height
	var flip byte
	if negative {
		flip = 0xff
	}
	var buckets [1 << histBits]int
	for y := 1; y < 5; y++ {
		for _, v := range l.row(h * y / 5)[w/5 : w*4/5] {
			buckets[(v^flip)>>(8-histBits)]++
		}
	}
	black, err := blackPoint(buckets[:])
	if err != nil {
		return nil, err
	}
	m, err := gozxing.NewBitMatrix(w, h)
	if err != nil {
		return nil, err
	}
	// A pixel is black below the black point: at most black-1, which is
	// at least 7, as the valley is above the first peak.
	thr := bytes.Repeat([]byte{byte(black - 1)}, w)
	row := gozxing.NewBitArray(w)
	words := row.GetBitArray()[:(w+31)/32]
	for y := range h {
		belowRow(l.row(y), thr, negative, words)
		m.SetRow(y, row)
	}
	return m, nil
}

// histBits is the precision of global's histogram: 32 buckets.
const histBits = 5

// blackPoint is gozxing's estimateBlackPoint: the two highest peaks of the
// histogram, the second weighted by its distance from the first, and the
// valley between them that is low and nearer the white peak.
func blackPoint(buckets []int) (int, error) {
	maxCount, first, firstSize := 0, 0, 0
	for x, n := range buckets {
		if n > firstSize {
			first, firstSize = x, n
		}
		maxCount = max(maxCount, n)
	}
	second, secondScore := 0, 0
	for x, n := range buckets {
		if score := n * (x - first) * (x - first); score > secondScore {
			second, secondScore = x, score
		}
	}
	if first > second {
		first, second = second, first
	}
	if second-first <= len(buckets)/16 {
		return 0, gozxing.NewNotFoundException("too little contrast for a global threshold")
	}
	valley, valleyScore := second-1, -1
	for x := second - 1; x > first; x-- {
		if score := (x - first) * (x - first) * (second - x) * (maxCount - buckets[x]); score > valleyScore {
			valley, valleyScore = x, score
		}
	}
	return valley << (8 - histBits), nil
}

func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}

// blackPoints is gozxing's calculateBlackPoints: each block's mean, or for
// a flat block half its minimum, raised to its neighbours' black point
// when its minimum is below theirs.
func blackPoints(l *Luma, negative bool, subW, subH int) []int {
	w, h := l.Width, l.Height
	sum := make([]uint16, subW)
	lo := make([]uint8, subW)
	hi := make([]uint8, subW)
	points := make([]int, subW*subH)
	for by := range subH {
		off := min(by<<blockPower, h-blockSize) * l.Stride
		// Whole blocks, then the last, which may overlap its neighbour.
		blockStats(l.Pix[off:], l.Stride, subW-1, negative, sum, lo, hi)
		blockStats(l.Pix[off+w-blockSize:], l.Stride, 1, negative, sum[subW-1:], lo[subW-1:], hi[subW-1:])
		out := points[by*subW : (by+1)*subW]
		for bx := range subW {
			avg := int(sum[bx]) >> (2 * blockPower)
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
