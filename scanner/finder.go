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
	s := newPatternSearch(m, hints)
	s.run()
	info, err := s.best()
	return s.f, info, err
}

// patternSearch is findPatterns' row scan, which can go on after it
// stopped: gozxing stops at the first three confirmed centres, and a
// pattern in the data that looks like a finder pattern (1:1:3:1:1 both
// ways, one code in 30 or so) may be one of them, with the real third one
// further down, never seen. rest scans the rows left, every other one.
type patternSearch struct {
	f        *detector.FinderPatternFinder
	m        *gozxing.BitMatrix
	row      *gozxing.BitArray
	i, iSkip int  // the next row, and the step
	skipped  bool // gozxing's hasSkipped: FindRowSkip set it when two centres were confirmed
	complete bool // to the bottom, without skipping rows
}

func newPatternSearch(m *gozxing.BitMatrix, hints map[gozxing.DecodeHintType]any) *patternSearch {
	_, tryHarder := hints[gozxing.DecodeHintType_TRY_HARDER]
	iSkip := 3 * m.GetHeight() / (4 * detector.FinderPatternFinder_MAX_MODULES)
	if iSkip < detector.FinderPatternFinder_MIN_SKIP || tryHarder {
		iSkip = detector.FinderPatternFinder_MIN_SKIP
	}
	return &patternSearch{f: detector.NewFinderPatternFinder(m, nil), m: m, row: gozxing.NewBitArray(m.GetWidth()),
		i: iSkip - 1, iSkip: iSkip}
}

// maxCentres is more finder pattern candidates than a picture of codes
// gives (the corpus: at most a few dozen): a pattern that repeats, a
// wallpaper of squares, gives thousands, and gozxing's choice of three,
// which weighs every triple, would take seconds over them. The search
// stops there and finds no code.
const maxCentres = 100

// errTooManyCentres: the search stopped at maxCentres candidates.
var errTooManyCentres = gozxing.NewNotFoundException("more than %d finder-like patterns: a repeating pattern, not a code", maxCentres)

// best is gozxing's choice of three from the candidates found so far.
func (s *patternSearch) best() (*detector.FinderPatternInfo, error) {
	if len(s.f.GetPossibleCenters()) > maxCentres {
		return nil, errTooManyCentres
	}
	best, err := s.f.SelectBestPatterns()
	if err != nil {
		return nil, err
	}
	bl, tl, tr := gozxing.ResultPoint_OrderBestPatterns(best[0], best[1], best[2])
	return detector.NewFinderPatternInfo(bl.(*detector.FinderPattern), tl.(*detector.FinderPattern), tr.(*detector.FinderPattern)), nil
}

// rest scans the rows below where the search stopped, every other one;
// it reports whether there were any.
func (s *patternSearch) rest() bool {
	if s.i >= s.m.GetHeight() {
		return false
	}
	s.complete, s.iSkip = true, 2
	s.run()
	return true
}

// run scans rows from s.i until gozxing would stop, or to the bottom
// when complete.
func (s *patternSearch) run() {
	f, m := s.f, s.m
	maxI, maxJ := m.GetHeight(), m.GetWidth()
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
		if !crossRatio(count) || !f.HandlePossibleCenter(count, *i, j) {
			detector.FinderPatternFinder_ShiftCounts2(count)
			state = 3
			return false, false
		}
		s.iSkip = 2
		if s.complete {
			state = 0
			clear(count)
			return true, false
		}
		if s.skipped {
			done = f.HaveMultiplyConfirmedCenters()
		} else {
			s.skipped = confirmed() >= 2
			if rowSkip := f.FindRowSkip(); rowSkip > count[2] {
				*i += rowSkip - count[2] - s.iSkip
				skipRow = true
			}
		}
		state = 0
		clear(count)
		return true, skipRow
	}
	for ; s.i < maxI && !done && len(f.GetPossibleCenters()) <= maxCentres; s.i += s.iSkip {
		i := s.i
		clear(count)
		state = 0
		row := m.GetRow(i, s.row)
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
		if crossRatio(count) && f.HandlePossibleCenter(count, i, maxJ) {
			s.iSkip = count[0]
			if s.complete {
				s.iSkip = 2
			} else if s.skipped {
				done = f.HaveMultiplyConfirmedCenters()
			}
		}
		s.i = i
	}
}

// crossRatio is gozxing's FinderPatternFinder_foundPatternCross in
// integers: five runs, none empty, of 7 pixels or more in all, each within
// half a module of 1:1:3:1:1. With T the total and c a run, gozxing's
// |T/7 - c| < T/14 is |2T - 14c| < T, and the centre's |3T/7 - c| < 3T/14
// is |6T - 14c| < 3T; gozxing's floating point gives the same answer, as
// the two sides are equal only when T is a multiple of 14, where its
// arithmetic is exact (TestCrossRatio checks). It is called at every
// fifth run of every row scanned, and gozxing's, with its divisions, was
// a fifth of a frame's time.
func crossRatio(c []int) bool {
	_ = c[4]
	t := c[0] + c[1] + c[2] + c[3] + c[4]
	if t < 7 {
		return false
	}
	// An empty run fails its test (|2T| < T, |6T| < 3T are false), so
	// gozxing's check for one needs no test of its own; the centre first,
	// which clutter fails most often.
	t2 := 2 * t
	return abs(3*t2-14*c[2]) < 3*t && abs(t2-14*c[0]) < t && abs(t2-14*c[1]) < t &&
		abs(t2-14*c[3]) < t && abs(t2-14*c[4]) < t
}
