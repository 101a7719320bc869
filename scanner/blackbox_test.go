package scanner_test

import (
	"testing"

	"github.com/passgate/passgate/internal/testkit/shareddata"
	"github.com/passgate/passgate/scanner"
)

// blackboxFloor is the number of images (out of 71) read at each rotation
// since the Perspective detector (issue 13; 61-62 before it); a change that
// reads fewer is a regression.
// For reference, at 0° zbar reads 42 and zxing-cpp 56 (bench/scanpeers).
// Of those missed, qr-model-1 is a Model 1 code, which gozxing does not
// support.
var blackboxFloor = map[int]int{0: 67, 90: 67, 180: 67, 270: 67}

// blackboxCase is an image of the zxing blackbox sets with the expected text
// in NAME.txt beside it.
type blackboxCase struct {
	name, want string
	luma       *scanner.Luma
}

func loadBlackbox(t testing.TB) []blackboxCase {
	t.Helper()
	imgs, err := shareddata.Blackbox(shareddata.Dir(t, "qr-blackbox"))
	if err != nil {
		t.Fatal(err)
	}
	var out []blackboxCase
	for _, img := range imgs {
		l, err := scanner.LoadFile(img.Path)
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, blackboxCase{img.Name, img.Want, l})
	}
	return out
}

func TestBlackbox(t *testing.T) {
	cases := loadBlackbox(t)
	var dec scanner.Decoder
	for _, rot := range rotations {
		read := 0
		strategies := map[scanner.Strategy]int{}
		var missed []string
		for _, c := range cases {
			res, err := dec.Decode(rot.turn(c.luma))
			if err == nil && res.Text == c.want {
				read++
				strategies[res.Strategy]++
			} else {
				missed = append(missed, c.name)
			}
		}
		t.Logf("rotation %3d°: read %d/%d; strategies %v", rot.deg, read, len(cases), strategies)
		t.Logf("rotation %3d°: missed %v", rot.deg, missed)
		if read < blackboxFloor[rot.deg] {
			t.Errorf("rotation %d°: read %d images, floor is %d", rot.deg, read, blackboxFloor[rot.deg])
		}
	}
}

// BenchmarkBlackbox decodes, per iteration, every blackbox image at 0° that
// the decoder reads: the mix of sizes and strategies bench/scanpeers times
// one image at a time.
func BenchmarkBlackbox(b *testing.B) {
	var dec scanner.Decoder
	var cases []blackboxCase
	for _, c := range loadBlackbox(b) {
		if res, err := dec.Decode(c.luma); err == nil && res.Text == c.want {
			cases = append(cases, c)
		}
	}
	for b.Loop() {
		for _, c := range cases {
			if _, err := dec.Decode(c.luma); err != nil {
				b.Fatal(err)
			}
		}
	}
}
