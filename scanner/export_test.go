package scanner

import (
	"fmt"

	"github.com/makiuchi-d/gozxing"
	"github.com/makiuchi-d/gozxing/qrcode/detector"
)

// FinderSearchDiff compares findPatterns with gozxing's FinderPatternFinder
// on l's binarization, in both polarities, with and without TRY_HARDER:
// the candidates, their order and counts, and the three chosen must be the
// same. It returns the number of searches compared.
func FinderSearchDiff(l *Luma) (int, error) {
	n := 0
	for _, neg := range []bool{false, true} {
		m, err := hybrid(l, neg)
		if err != nil {
			return n, err
		}
		for _, hints := range []map[gozxing.DecodeHintType]any{nil, tryHarder} {
			want := detector.NewFinderPatternFinder(m, nil)
			wantInfo, wantErr := want.Find(hints)
			got, gotInfo, gotErr := findPatterns(m, hints)
			where := fmt.Sprintf("negative=%v try-harder=%v", neg, hints != nil)
			if a, b := centres(want.GetPossibleCenters()...), centres(got.GetPossibleCenters()...); a != b {
				return n, fmt.Errorf("%s: candidates\n%s\ngozxing's:\n%s", where, b, a)
			}
			if (wantErr == nil) != (gotErr == nil) {
				return n, fmt.Errorf("%s: error %v, gozxing's %v", where, gotErr, wantErr)
			}
			if wantErr == nil {
				a := centres(wantInfo.GetTopLeft(), wantInfo.GetTopRight(), wantInfo.GetBottomLeft())
				b := centres(gotInfo.GetTopLeft(), gotInfo.GetTopRight(), gotInfo.GetBottomLeft())
				if a != b {
					return n, fmt.Errorf("%s: chose %s, gozxing %s", where, b, a)
				}
			}
			n++
		}
	}
	return n, nil
}

func centres(cs ...*detector.FinderPattern) string {
	s := ""
	for _, c := range cs {
		s += fmt.Sprintf("(%.2f,%.2f %.3f ×%d) ", c.GetX(), c.GetY(), c.GetEstimatedModuleSize(), c.GetCount())
	}
	return s
}

// LooseLeads returns how many triangles of loose candidates Loose would
// read on l's binarization, and how many squares of pairs it would zoom
// on: its cost on a frame without a code.
func LooseLeads(l *Luma) (triangles, pairs int, err error) {
	m, err := hybridMatrix(l, false)
	if err != nil {
		return 0, 0, err
	}
	cs := looseCandidates(m)
	if len(cs) < 3 {
		return 0, 0, nil
	}
	return len(looseTriangles(m, cs, ringsOf(m, cs))), len(pairSquares(l.Width, l.Height, cs)), nil
}
