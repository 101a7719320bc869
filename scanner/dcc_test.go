package scanner_test

import (
	"bytes"
	"fmt"
	"testing"

	"github.com/passgate/passgate/internal/testkit/conformance"
	"github.com/passgate/passgate/internal/testkit/shareddata"
	"github.com/passgate/passgate/scanner"
)

// vector is one dgc-testdata file that holds a QR image.
type vector struct {
	name   string        // path relative to dgc-testdata
	prefix string        // the text the code should hold
	expect *bool         // EXPECTEDPICTUREDECODE; nil when absent
	luma   *scanner.Luma // nil when the image does not load
	err    error         // why it did not load
}

func loadVectors(t testing.TB) []vector {
	t.Helper()
	dir := shareddata.Dir(t, "dgc-testdata")
	vs, err := conformance.Load(dir)
	if err != nil {
		t.Fatal(err)
	}
	var out []vector
	for _, v := range vs {
		if len(v.PNG) == 0 {
			continue
		}
		var expect *bool
		if ok, set := v.Expected["PICTUREDECODE"]; set {
			expect = &ok
		}
		l, err := scanner.Load(bytes.NewReader(v.PNG))
		out = append(out, vector{v.Path, v.Prefix, expect, l, err})
	}
	if len(out) == 0 {
		t.Fatalf("no vectors with a 2DCODE under %s", dir)
	}
	return out
}

// rotations are the turns every test image is decoded at.
var rotations = []rotation{{0}, {90}, {180}, {270}}

// rotation is a turn clockwise, in degrees.
type rotation struct{ deg int }

func (r rotation) turn(l *scanner.Luma) *scanner.Luma { return l.Turn(r.deg / 90) }

func TestDCCVectors(t *testing.T) {
	vectors := loadVectors(t)
	var dec scanner.Decoder
	for _, rot := range rotations {
		decoded, required, requiredOK := 0, 0, 0
		strategies := map[scanner.Strategy]int{}
		for _, v := range vectors {
			t.Run(fmt.Sprintf("%s/%d", v.name, rot.deg), func(t *testing.T) {
				var res scanner.Result
				err := v.err
				if err == nil {
					res, err = dec.Decode(rot.turn(v.luma))
				}
				ok := err == nil && res.Text == v.prefix
				must := v.expect != nil && *v.expect
				if must {
					required++
				}
				if ok {
					decoded++
					strategies[res.Strategy]++
					if must {
						requiredOK++
					}
				}
				switch {
				case v.expect == nil:
					// Nothing is promised (ES 501-503 hold other text).
				case *v.expect && err != nil:
					t.Errorf("Decode: %v", err)
				case *v.expect && !ok:
					t.Errorf("Decode = %.40q..., want %.40q...", res.Text, v.prefix)
				case !*v.expect && ok:
					t.Errorf("Decode read %.40q..., but EXPECTEDPICTUREDECODE is false", res.Text)
				}
			})
		}
		t.Logf("rotation %3d°: decoded %d/%d required, %d/%d in all; strategies %v",
			rot.deg, requiredOK, required, decoded, len(vectors), strategies)
	}
}
