package verify_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/passgate/passgate/internal/presets"
	"github.com/passgate/passgate/verify"
)

// FuzzVerify feeds arbitrary payloads through the whole HC1 path. Whatever
// the input: no panic, and no pass data unless the signature verified.
func FuzzVerify(f *testing.F) {
	seeds, _ := filepath.Glob(filepath.Join("..", "testdata", "passes", "*.txt"))
	for _, s := range seeds {
		if b, err := os.ReadFile(s); err == nil {
			f.Add(strings.TrimSpace(string(b)))
		}
	}
	for _, s := range []string{"", "HC1:", "HC1:A", "HC1:GGW", "HC1:NCFOXN%TS3DH3ZSUZK+.V0ETD%65NL-AH-R6IOOK.IR9B+9G4G50PHZF0AT4V22F"} {
		f.Add(s)
	}
	// The fixture bundle as trust, so mutations of its passes reach the
	// signature, revocation and policy stages.
	var trust verify.TrustSet = verify.Keys{}
	if _, err := os.Stat("../testdata/bundle.bin"); err == nil {
		trust = loadFixtureBundle(f)
	}
	vf := &verify.Verifier{Trust: trust, Policy: presets.Must(presets.Default)}
	f.Fuzz(func(t *testing.T, payload string) {
		vd := vf.Verify(payload, fixtureTime)
		if (vd.Status == verify.Valid) != (len(vd.Reasons) == 0) {
			t.Fatalf("status %s with reasons %v", vd.Status, vd.Reasons)
		}
		if sig, _ := vd.Checks.Get(verify.StageSignature); vd.Pass != nil && !sig {
			t.Fatalf("pass data without a verified signature: %+v", vd)
		}
		if vd.Status == verify.Valid && vd.Pass == nil {
			t.Fatalf("valid without pass data")
		}
	})
}
