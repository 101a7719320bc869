package scanner_test

import (
	"slices"
	"testing"

	"github.com/passgate/passgate/scanner"
)

// perspectiveImages are the blackbox images that only the Perspective
// detector reads (bench/scanpeers found zxing-cpp reading them and passgate
// not): finder patterns of very different sizes (#1314, 30a,
// fix-traceline), one found only along columns (30a, fix-traceline at 90°),
// a triangle gozxing orders wrong (fix-finderpattern-order), a tiny tilted
// code (estimate-tilt), and one gozxing samples off the grid (#199b).
var perspectiveImages = []string{
	"qrcode-2/#1314.webp", "qrcode-2/30a.webp", "qrcode-2/estimate-tilt.jpg",
	"qrcode-2/fix-finderpattern-order.webp", "qrcode-2/fix-traceline.webp", "qrcode-2/#199b.jpg",
}

// TestPerspective reads each of perspectiveImages at every quarter turn
// with the Perspective strategy alone, and checks that gozxing's own
// detector (the Hybrid strategy) still misses most of them, so the test
// pins what the new detector adds.
func TestPerspective(t *testing.T) {
	cases := loadBlackbox(t)
	persp := scanner.Decoder{Strategies: []scanner.Strategy{scanner.Perspective}}
	plain := scanner.Decoder{Strategies: []scanner.Strategy{scanner.Hybrid, scanner.HybridTryHarder}}
	found, plainRead := 0, 0
	for _, c := range cases {
		if !slices.Contains(perspectiveImages, c.name) {
			continue
		}
		found++
		for _, rot := range rotations {
			l := rot.turn(c.luma)
			res, err := persp.Decode(l)
			if err != nil || res.Text != c.want {
				t.Errorf("%s at %d°: Perspective read %.20q, %v; want %.20q", c.name, rot.deg, res.Text, err, c.want)
			}
			if res, err := plain.Decode(l); err == nil && res.Text == c.want {
				plainRead++
			}
		}
	}
	if found != len(perspectiveImages) {
		t.Fatalf("found %d of the %d images in the blackbox set", found, len(perspectiveImages))
	}
	if plainRead > 4 {
		t.Errorf("gozxing's detector reads %d of the %d turned images: they no longer pin the Perspective detector", plainRead, 4*found)
	}
}
