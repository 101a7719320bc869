package verify_test

import (
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/passgate/passgate/bundle"
	"github.com/passgate/passgate/verify"
)

// fixtureTime is the moment the project's fixtures are judged at: lunchtime
// on 13 December 2021 in Seoul, the first day of Korea's vaccine pass.
var fixtureTime = time.Date(2021, 12, 13, 12, 0, 0, 0, time.FixedZone("KST", 9*3600))

// loadFixtureBundle loads testdata/bundle.bin with its pinned key.
func loadFixtureBundle(t testing.TB) *bundle.Bundle {
	t.Helper()
	pubText, err := os.ReadFile("../testdata/keys/bundle.pub")
	if err != nil {
		t.Fatalf("fixtures missing (run testdata/generate.sh): %v", err)
	}
	pub, err := bundle.ParseKey(string(pubText))
	if err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile("../testdata/bundle.bin")
	if err != nil {
		t.Fatal(err)
	}
	b, err := bundle.Load(data, pub, nil, fixtureTime)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// TestFixtures checks every pass in testdata/passes and passes-rules
// against the verdict the folder's expected.json records for it.
func TestFixtures(t *testing.T) {
	for _, dir := range []string{"passes", "passes-rules"} {
		t.Run(dir, func(t *testing.T) { checkFixtures(t, "../testdata/"+dir) })
	}
}

func checkFixtures(t *testing.T, dir string) {
	b := loadFixtureBundle(t)
	raw, err := os.ReadFile(dir + "/expected.json")
	if err != nil {
		t.Fatal(err)
	}
	var expected map[string]struct {
		Status  verify.Status   `json:"status"`
		Reasons []verify.Reason `json:"reasons"`
	}
	if err := json.Unmarshal(raw, &expected); err != nil {
		t.Fatal(err)
	}
	files, _ := filepath.Glob(dir + "/*.txt")
	if len(files) != len(expected) {
		t.Errorf("%d pass files, %d expectations", len(files), len(expected))
	}
	vf := &verify.Verifier{Trust: b, Policy: b.Policy()}
	for _, f := range files {
		name := strings.TrimSuffix(filepath.Base(f), ".txt")
		t.Run(name, func(t *testing.T) {
			want, ok := expected[name]
			if !ok {
				t.Fatalf("no expectation for %s", name)
			}
			text, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			vd := vf.Verify(strings.TrimSpace(string(text)), fixtureTime)
			if vd.Status != want.Status {
				t.Fatalf("status %s (%v: %s), want %s", vd.Status, vd.Reasons, vd.Detail, want.Status)
			}
			for _, r := range want.Reasons {
				if !slices.Contains(vd.Reasons, r) {
					t.Errorf("reasons %v, want %v (%s)", vd.Reasons, want.Reasons, vd.Detail)
				}
			}
			if (vd.Pass != nil) != (vd.Status == verify.Valid || slices.Contains(vd.Reasons, verify.RuleFailed)) {
				t.Errorf("pass data shown=%v for %v", vd.Pass != nil, vd.Reasons)
			}
		})
	}
}

// BenchmarkVerifyFixture is the kiosk's case: a fixture pass (ES256, a
// Hangul name) against the signed fixture bundle with its revocation
// segments and the kr-2021-12 policy.
func BenchmarkVerifyFixture(b *testing.B) {
	bd := loadFixtureBundle(b)
	vf := &verify.Verifier{Trust: bd, Policy: bd.Policy()}
	for _, name := range []string{"vaccination-valid", "recovery-valid"} {
		b.Run(name, func(b *testing.B) {
			text, err := os.ReadFile("../testdata/passes/" + name + ".txt")
			if err != nil {
				b.Fatal(err)
			}
			payload := strings.TrimSpace(string(text))
			if vd := vf.Verify(payload, fixtureTime); vd.Status != verify.Valid {
				b.Fatalf("%s: %v %s", name, vd.Reasons, vd.Detail)
			}
			b.ReportAllocs()
			for b.Loop() {
				vf.Verify(payload, fixtureTime)
			}
		})
	}
}
