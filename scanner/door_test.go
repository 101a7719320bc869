package scanner_test

import (
	"slices"
	"testing"
	"time"

	"github.com/passgate/passgate/internal/testkit/framegen"
	"github.com/passgate/passgate/scanner"
)

// doorFloor is the number of frames of each door kind that TestDoor must
// read, of doorPerKind: what the scanner reads now (issue 13, D2). Fewer
// is a regression; when the scanner reads more, raise the floor to it.
var doorFloor = map[string]int{
	framegen.KindCurve:  22,
	framegen.KindCracks: 36,
	framegen.KindMoire:  34,
	framegen.KindMotion: 38,
	framegen.KindThumb:  39,
	framegen.KindSmall:  34,
}

// doorPerKind is the frames of each kind, half at 640×480 and half at
// 1280×720; doorSeed draws them.
const (
	doorPerKind = 40
	doorSeed    = 13
)

// TestDoor decodes the door corpus (framegen.DoorKinds: a bent phone, a
// cracked screen, moiré, motion blur, a thumb within the error correction,
// very small codes) of the fixture passes, which are always there, each
// frame with a fresh FrameDecoder as TestCorpus does, and asserts the
// read count of each kind and that nothing is misread.
func TestDoor(t *testing.T) {
	if testing.Short() {
		t.Skip("renders and decodes 240 frames")
	}
	srcs, err := framegen.LoadPasses("../testdata/passes")
	if err != nil {
		t.Fatal(err)
	}
	kinds := framegen.DoorKinds()
	frames, err := framegen.Corpus(framegen.Options{Seed: doorSeed, Count: doorPerKind * len(kinds), Sources: srcs, Kinds: kinds})
	if err != nil {
		t.Fatal(err)
	}
	at := time.Date(2021, 12, 13, 12, 0, 0, 0, time.UTC)
	read := map[string]int{}
	total := map[string]int{}
	for i, f := range frames {
		total[f.Kind]++
		// No time budget: the count must not depend on the machine's load.
		res, err := scanner.NewFrameDecoder(scanner.FrameOptions{Budget: time.Hour}).Decode(f.Luma, at)
		// Perspective reads what gozxing's search sees and cannot sample:
		// it comes before the zooms, which rarely read such a code, and
		// which cost a kiosk's frame its budget.
		if err == nil && res.Strategy == scanner.Perspective && slices.ContainsFunc(res.Attempts, func(a scanner.Attempt) bool {
			return a.Strategy == scanner.Zoom || a.Strategy == scanner.ZoomInverted
		}) {
			t.Errorf("frame %d (%s): zoomed before Perspective read it (%+v)", i, f.Kind, res.Attempts)
		}
		switch {
		case err == nil && res.Text == f.Text:
			read[f.Kind]++
		case err == nil:
			t.Errorf("frame %d (%s): read %.20q, want %.20q (%+v)", i, f.Kind, res.Text, f.Text, f.Params)
		}
	}
	for _, k := range kinds {
		t.Logf("%-7s read %2d of %d (%.0f%%)", k, read[k], total[k], 100*float64(read[k])/float64(total[k]))
		if total[k] != doorPerKind {
			t.Errorf("%s: %d frames, want %d", k, total[k], doorPerKind)
		}
		if read[k] < doorFloor[k] {
			t.Errorf("%s: read %d of %d, want at least %d", k, read[k], total[k], doorFloor[k])
		}
	}
}
