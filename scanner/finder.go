package scanner

import (
	"github.com/makiuchi-d/gozxing"
	"github.com/makiuchi-d/gozxing/qrcode/detector"
)

// findPatterns is gozxing's FinderPatternFinder.Find, reading each row as
// runs of one colour instead of pixel by pixel: the same candidates are
// checked in the same order, with gozxing's own cross-checks, so it finds
// exactly what gozxing finds, in a fraction of the time (the row scan was
// a third of a decode). The finder comes back with the info, so that its
// possible centres can be chosen from again when its choice fails.
func findPatterns(m *gozxing.BitMatrix, hints map[gozxing.DecodeHintType]any) (*detector.FinderPatternFinder, *detector.FinderPatternInfo, error) {
	f := detector.NewFinderPatternFinder(m, nil)
	_, tryHarder := hints[gozxing.DecodeHintType_TRY_HARDER]
	maxI, maxJ := m.GetHeight(), m.GetWidth()
	iSkip := 3 * maxI / (4 * detector.FinderPatternFinder_MAX_MODULES)
	if iSkip < detector.FinderPatternFinder_MIN_SKIP || tryHarder {
		iSkip = detector.FinderPatternFinder_MIN_SKIP
	}
	// skipped is gozxing's hasSkipped: FindRowSkip sets it when two
	// centres are confirmed.
	skipped := false
	confirmed := func() int {
		n := 0
		for _, c := range f.GetPossibleCenters() {
			if c.GetCount() >= detector.FinderPatternFinder_CENTER_QUORUM {
				n++
			}
		}
		return n
	}
	// found handles a candidate ending at column j of row i, as gozxing's
	// loop does; it reports whether the rest of the row is to be skipped.
	state := 0
	count := make([]int, 5)
	done := false
	found := func(i *int, j int) (reset, skipRow bool) {
		if !detector.FinderPatternFinder_foundPatternCross(count) || !f.HandlePossibleCenter(count, *i, j) {
			detector.FinderPatternFinder_ShiftCounts2(count)
			state = 3
			return false, false
		}
		iSkip = 2
		if skipped {
			done = f.HaveMultiplyConfirmedCenters()
		} else {
			skipped = confirmed() >= 2
			if rowSkip := f.FindRowSkip(); rowSkip > count[2] {
				*i += rowSkip - count[2] - iSkip
				skipRow = true
			}
		}
		state = 0
		clear(count)
		return true, skipRow
	}
	row := gozxing.NewBitArray(maxJ)
	for i := iSkip - 1; i < maxI && !done; i += iSkip {
		clear(count)
		state = 0
		row = m.GetRow(i, row)
		for j := 0; j < maxJ; {
			black := row.Get(j)
			var end int
			if black {
				end = row.GetNextUnset(j)
			} else {
				end = row.GetNextSet(j)
			}
			n := end - j
			switch {
			case black:
				if state&1 == 1 {
					state++
				}
				count[state] += n
			case state&1 == 1:
				count[state] += n
			case state != 4:
				state++
				count[state] += n
			default:
				// The first white pixel after a fourth run: a candidate.
				reset, skipRow := found(&i, j)
				if skipRow {
					end = maxJ
				} else if reset {
					// The candidate's white pixel is not counted; the
					// rest of the run starts the next one.
					if n > 1 {
						state = 1
						count[1] = n - 1
					}
				} else {
					count[3] += n - 1
				}
			}
			j = end
		}
		if detector.FinderPatternFinder_foundPatternCross(count) && f.HandlePossibleCenter(count, i, maxJ) {
			iSkip = count[0]
			if skipped {
				done = f.HaveMultiplyConfirmedCenters()
			}
		}
	}
	best, err := f.SelectBestPatterns()
	if err != nil {
		return f, nil, err
	}
	bl, tl, tr := gozxing.ResultPoint_OrderBestPatterns(best[0], best[1], best[2])
	return f, detector.NewFinderPatternInfo(bl.(*detector.FinderPattern), tl.(*detector.FinderPattern), tr.(*detector.FinderPattern)), nil
}
