package scanner_test

import (
	"testing"
	"time"

	"github.com/passgate/passgate/internal/testkit/framegen"
	"github.com/passgate/passgate/internal/testkit/shareddata"
	"github.com/passgate/passgate/scanner"
)

// peerFrames are frames of bench/scanpeers' corpus (passctl frames: seed
// 1, the fixture passes and the DCC images) that zxing-cpp read and passgate
// did not before the Perspective detector (issue 13): large DCC codes
// tilted by 27-35°, where the dimension is counted on the timing patterns.
// Their numbers are passctl's file names (1-based).
var peerFrames = []int{42, 58, 128, 180, 282}

func TestPeerFrames(t *testing.T) {
	dcc := shareddata.Dir(t, "dgc-testdata") // the scanpeers corpus holds its DCC images
	srcs, err := framegen.LoadPasses("../testdata/passes")
	if err != nil {
		t.Fatal(err)
	}
	dccs, err := framegen.LoadDCC(dcc)
	if err != nil {
		t.Fatal(err)
	}
	frames, err := framegen.Corpus(framegen.Options{Seed: 1, Count: 282, Sources: append(srcs, dccs...)})
	if err != nil {
		t.Fatal(err)
	}
	at := time.Date(2021, 12, 13, 12, 0, 0, 0, time.UTC)
	for _, n := range peerFrames {
		f := frames[n-1]
		res, err := scanner.NewFrameDecoder(scanner.FrameOptions{Budget: time.Hour}).Decode(f.Luma, at)
		if err != nil || res.Text != f.Text {
			t.Errorf("frame %04d (tilt %.0f°): FrameDecoder read %.20q, %v", n, f.Params.Tilt, res.Text, err)
			continue
		}
		if r, err := (scanner.Decoder{}).Decode(f.Luma); err != nil || r.Text != f.Text {
			t.Errorf("frame %04d: Decoder read %.20q, %v", n, r.Text, err)
		}
		t.Logf("frame %04d (tilt %.0f°): read by %s", n, f.Params.Tilt, res.Strategy)
	}
}
