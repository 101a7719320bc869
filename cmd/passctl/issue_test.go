package main

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/passgate/passgate/bundle"
	"github.com/passgate/passgate/scanner"
	"github.com/passgate/passgate/verify"
)

// TestCertIssueVerify walks the issuer's whole path with passctl: a CSCA, a
// DSC, a pass as text and QR, a bundle with it, and the verdict.
func TestCertIssueVerify(t *testing.T) {
	dir := t.TempDir()
	p := func(name string) string { return filepath.Join(dir, name) }
	mustPassctl(t, "cert", "csca", "-out", p("csca"), "-country", "KR", "-not-before", "2021-01-01")
	out := mustPassctl(t, "cert", "dsc", "-ca", p("csca"), "-out", p("dsc"), "-alg", "PS256", "-types", "t,r",
		"-not-before", "2021-06-01")
	if !strings.Contains(out, "PS256") || !strings.Contains(out, "signs only test, recovery") {
		t.Errorf("cert dsc said: %s", out)
	}
	mustPassctl(t, "issue", "-dsc", p("dsc"), "-type", "test", "-family", "이", "-given", "민준",
		"-family-std", "LEE", "-dob", "1990-01-01", "-sampled", "2021-12-12T20:00:00+09:00",
		"-iat", "2021-12-12T21:00:00+09:00", "-out", p("pass.txt"), "-png", p("pass.png"))
	text, err := os.ReadFile(p("pass.txt"))
	if err != nil {
		t.Fatal(err)
	}
	hc1 := strings.TrimSpace(string(text))
	res, err := scanner.DecodeFile(p("pass.png"))
	if err != nil || res.Text != hc1 {
		t.Fatalf("QR image: %v, read %q", err, res.Text)
	}
	mustPassctl(t, "keygen", "-out", p("bundle"))
	mustPassctl(t, "bundle", "build", "-key", p("bundle.key"), "-seq", "1", "-cert", p("dsc.crt"), "-out", p("bundle.bin"))
	pub, _ := readBundleKey(p("bundle.pub"))
	data, _ := os.ReadFile(p("bundle.bin"))
	b, err := bundle.Load(data, pub, nil, testNow)
	if err != nil {
		t.Fatal(err)
	}
	vf := &verify.Verifier{Trust: b, Policy: b.Policy()}
	vd := vf.Verify(hc1, testNow)
	if vd.Status != verify.Valid {
		t.Fatalf("%s %v: %s", vd.Status, vd.Reasons, vd.Detail)
	}
	if vd.Pass.FamilyName != "이" || vd.Pass.FamilyNameStd != "LEE" || vd.Pass.GivenNameStd != "MINJUN" {
		t.Errorf("names %+v", vd.Pass)
	}

	// The DSC names only tests and recoveries: a vaccination is refused.
	vac := mustPassctl(t, "issue", "-dsc", p("dsc"), "-family", "Kim", "-date", "2021-11-01", "-iat", "2021-11-02")
	if vd := vf.Verify(strings.TrimSpace(vac), testNow); !slices.Contains(vd.Reasons, verify.WrongKeyUsage) {
		t.Errorf("vaccination by a test-only DSC: %v", vd.Reasons)
	}
	// A pass with another DSC's kid is a forgery.
	mustPassctl(t, "cert", "dsc", "-ca", p("csca"), "-out", p("other"), "-not-before", "2021-06-01")
	forged := mustPassctl(t, "issue", "-dsc", p("other"), "-kid-from", p("dsc.crt"), "-type", "r", "-family", "Kim",
		"-valid-from", "2021-12-01", "-iat", "2021-12-01")
	if vd := vf.Verify(strings.TrimSpace(forged), testNow); !slices.Contains(vd.Reasons, verify.BadSignature) {
		t.Errorf("forged: %v", vd.Reasons)
	}
}

func TestIssueUsage(t *testing.T) {
	dir := t.TempDir()
	mustPassctl(t, "cert", "csca", "-out", filepath.Join(dir, "csca"))
	mustPassctl(t, "cert", "dsc", "-ca", filepath.Join(dir, "csca"), "-out", filepath.Join(dir, "dsc"))
	dsc := filepath.Join(dir, "dsc")
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"issue", "-family", "Kim"}, "-dsc PREFIX is required"},
		{[]string{"issue", "-dsc", dsc}, "-family is required"},
		{[]string{"issue", "-dsc", dsc, "-family", "Kim", "-type", "x"}, `-type "x"`},
		{[]string{"issue", "-dsc", dsc, "-family", "Kim", "-iat", "yesterday"}, `-iat "yesterday"`},
		{[]string{"issue", "-dsc", dsc, "-family", "李"}, "no standardised form"},
		{[]string{"issue", "-dsc", dsc, "-family", "Kim", "-type", "t", "-test", "lamp"}, `-test "lamp"`},
		{[]string{"issue", "-dsc", filepath.Join(dir, "nope"), "-family", "Kim"}, "read DSC"},
		{[]string{"cert", "dsc", "-ca", filepath.Join(dir, "csca"), "-out", dsc}, "use -force"},
		{[]string{"cert", "dsc", "-ca", filepath.Join(dir, "csca"), "-out", filepath.Join(dir, "x"), "-types", "v,q"}, `unknown pass type "q"`},
		{[]string{"cert", "dsc", "-ca", filepath.Join(dir, "csca"), "-out", filepath.Join(dir, "x"), "-alg", "EdDSA"}, "unknown algorithm"},
		{[]string{"cert", "csca", "-out", filepath.Join(dir, "y"), "-country", "KOR"}, "want two letters"},
		{[]string{"cert", "csca", "-out", filepath.Join(dir, "y"), "-not-before", "2022-01-01", "-not-after", "2021-01-01"}, "is not after"},
		{[]string{"cert"}, "csca|dsc"},
	} {
		code, _, errOut := passctl(t, c.args...)
		if code == 0 || !strings.Contains(errOut, c.want) {
			t.Errorf("passctl %s: exit %d, %q; want an error with %q", strings.Join(c.args, " "), code, errOut, c.want)
		}
	}
}

func TestIssueBroken(t *testing.T) {
	code, out, errOut := passctl(t, "issue", "-zip-bomb", "1000000")
	if code != 0 {
		t.Fatal(errOut)
	}
	vd := (&verify.Verifier{Trust: verify.Keys{}}).Verify(strings.TrimSpace(out), time.Now())
	if !slices.Contains(vd.Reasons, verify.Malformed) || !strings.Contains(vd.Detail, "size cap") {
		t.Errorf("zip bomb: %v %s", vd.Reasons, vd.Detail)
	}
}
