package verify_test

import (
	"bytes"
	"testing"

	"github.com/passgate/passgate/internal/presets"
	"github.com/passgate/passgate/internal/testkit/conformance"
	"github.com/passgate/passgate/internal/testkit/shareddata"
	"github.com/passgate/passgate/scanner"
	"github.com/passgate/passgate/verify"
)

// TestConformance runs every EU DCC interoperability vector and checks each
// EXPECTED* field it sets. Known issues (tests/known_issues.csv) may fail;
// any other mismatch fails the test. The table is logged with -v.
func TestConformance(t *testing.T) {
	root := shareddata.Dir(t, "dgc-testdata")
	vectors, known, err := conformance.LoadWithKnown(root)
	if err != nil {
		t.Fatal(err)
	}
	if len(vectors) < 250 {
		t.Fatalf("found %d vectors under %s, want the full set (256)", len(vectors), root)
	}
	var table conformance.Table
	for i := range vectors {
		v := &vectors[i]
		t.Run(v.Path, func(t *testing.T) {
			obs, detail := observe(t, v)
			for field, ok := range conformance.Judge(v, obs) {
				want := v.Expected[field]
				link, isKnown := known.Lookup(field, v)
				table.Add(v.Country, field, ok == want, isKnown)
				if ok != want && !isKnown {
					t.Errorf("%s: got %v, want %v (%s); verdict: %s", field, ok, want, v.Desc, detail)
				}
				if ok != want && isKnown {
					t.Logf("%s: known issue %s", field, link)
				}
			}
		})
	}
	t.Logf("conformance, %d vectors:\n%s", len(vectors), table.String())
}

// observe runs one vector through the project's scanner and verifier, with
// only the vector's certificate trusted, at its validation clock.
func observe(t *testing.T, v *conformance.Vector) (conformance.Observed, string) {
	t.Helper()
	var obs conformance.Observed
	if len(v.PNG) > 0 {
		if l, err := scanner.Load(bytes.NewReader(v.PNG)); err == nil {
			if res, err := (scanner.Decoder{}).Decode(l); err == nil {
				obs.Picture = &res.Text
			}
		}
	}
	var trust verify.Signers
	if k, err := verify.KeyFromCertificate(v.Cert); err == nil {
		trust = append(trust, k)
	} else if len(v.Cert) > 0 {
		t.Logf("certificate: %v", err)
	}
	at, err := verify.ParseTime(v.Clock)
	if err != nil && v.Expected["EXPIRATIONCHECK"] {
		t.Fatalf("validation clock: %v", err)
	}
	vf := &verify.Verifier{Trust: trust, Policy: presets.Must(presets.Default)}
	vd, u := vf.Inspect(v.Prefix, at)
	obs.Checks = vd.Checks
	if u != nil {
		obs.Decoded = u.DCCJSON()
	}
	return obs, vd.Detail
}
