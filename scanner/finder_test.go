package scanner_test

import (
	"testing"

	"github.com/passgate/passgate/scanner"
)

// TestFindPatternsSameAsGozxing: the run-based finder search finds the
// candidates gozxing's FinderPatternFinder finds, in the same order, and
// chooses the same three, on generated camera frames (codes of every size
// and tilt, and none) and on the blackbox photos at each quarter turn.
func TestFindPatternsSameAsGozxing(t *testing.T) {
	t.Run("frames", func(t *testing.T) {
		var planes []*scanner.Luma
		for i, f := range corpusFrames(t) {
			if i%3 == 0 {
				planes = append(planes, f.Luma)
			}
		}
		finderSearchesAgree(t, planes)
	})
	t.Run("blackbox", func(t *testing.T) {
		var planes []*scanner.Luma
		for _, c := range loadBlackbox(t) {
			for _, rot := range rotations {
				planes = append(planes, rot.turn(c.luma))
			}
		}
		finderSearchesAgree(t, planes)
	})
}

func finderSearchesAgree(t *testing.T, planes []*scanner.Luma) {
	searches := 0
	for i, l := range planes {
		n, err := scanner.FinderSearchDiff(l)
		if err != nil {
			t.Fatalf("plane %d (%dx%d): %v", i, l.Width, l.Height, err)
		}
		searches += n
	}
	t.Logf("%d searches on %d planes agree", searches, len(planes))
}
