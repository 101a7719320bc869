package verify_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

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
	vf := &verify.Verifier{Trust: verify.Keys{}, Policy: verify.Presets()[verify.DefaultPreset]}
	at := time.Date(2021, 12, 13, 12, 0, 0, 0, time.UTC)
	f.Fuzz(func(t *testing.T, payload string) {
		vd := vf.Verify(payload, at)
		if vd.Status == verify.Valid {
			t.Fatalf("valid with an empty trust set: %+v", vd)
		}
		if len(vd.Reasons) == 0 {
			t.Fatalf("not valid without a reason")
		}
		if vd.Pass != nil {
			t.Fatalf("pass data without a verified signature")
		}
	})
}
