package issue_test

import (
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/passgate/passgate/internal/issue"
	"github.com/passgate/passgate/internal/presets"
	"github.com/passgate/passgate/scanner"
	"github.com/passgate/passgate/verify"
)

var (
	kst = time.FixedZone("KST", 9*3600)
	now = time.Date(2021, 12, 13, 12, 0, 0, 0, kst)
)

func day(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 0, 0, 0, 0, time.UTC) }

type material struct {
	csca, es, ps, testOnly, stranger *issue.Identity
}

// keys makes the CSCA and DSCs once: RSA key generation takes a while.
var keys = sync.OnceValues(func() (*material, error) {
	co := issue.CertOptions{Country: "KR", NotBefore: day(2021, 1, 1), NotAfter: day(2031, 1, 1)}
	csca, err := issue.NewCSCA(co)
	if err != nil {
		return nil, err
	}
	m := &material{csca: csca}
	dsc := issue.DSCOptions{CertOptions: issue.CertOptions{Country: "KR", NotBefore: day(2021, 6, 1), NotAfter: day(2023, 6, 1)}}
	for _, d := range []struct {
		to    **issue.Identity
		alg   issue.Algorithm
		types verify.PassType
	}{
		{&m.es, issue.ES256, 0}, {&m.ps, issue.PS256, verify.AllTypes},
		{&m.testOnly, issue.ES256, verify.Tested}, {&m.stranger, issue.ES256, 0},
	} {
		o := dsc
		o.Algorithm, o.Types = d.alg, d.types
		if *d.to, err = csca.NewDSC(o); err != nil {
			return nil, err
		}
	}
	return m, nil
})

func trustKeys(t *testing.T, ids ...*issue.Identity) verify.Keys {
	t.Helper()
	var ks verify.Keys
	for _, id := range ids {
		k, err := verify.KeyFromCertificate(id.Cert.Raw)
		if err != nil {
			t.Fatal(err)
		}
		ks = append(ks, k)
	}
	return ks
}

func vaccinationPass(t *testing.T, h issue.Holder, dn, sd int, date time.Time) issue.Pass {
	t.Helper()
	d, err := issue.NewDCC(h)
	if err != nil {
		t.Fatal(err)
	}
	d.V = append(d.V, issue.Vaccination(issue.Common{Country: "KR", Issuer: "KDCA"}, dn, sd, date))
	return issue.Pass{DCC: d, Issuer: "KR", IssuedAt: date, Expires: date.AddDate(1, 0, 0)}
}

var hong = issue.Holder{FamilyName: "홍", GivenName: "길동", DateOfBirth: "1990-01-02"}

// TestSignVerify issues passes in every shape the options allow and checks
// verify's verdict on each: the issuer and the verifier agree.
func TestSignVerify(t *testing.T) {
	m, err := keys()
	if err != nil {
		t.Fatal(err)
	}
	trust := trustKeys(t, m.es, m.ps, m.testOnly)
	vf := &verify.Verifier{Trust: trust, Policy: presets.Must(presets.Default)}
	valid := vaccinationPass(t, hong, 2, 2, day(2021, 11, 2))
	test, _ := issue.NewDCC(hong)
	test.T = append(test.T, issue.Test(issue.Common{Country: "KR", Issuer: "KDCA"}, false, now.Add(-20*time.Hour), false))
	testPass := issue.Pass{DCC: test, Issuer: "KR", IssuedAt: now.Add(-19 * time.Hour), Expires: now.Add(48 * time.Hour)}
	rec, _ := issue.NewDCC(hong)
	rec.R = append(rec.R, issue.Recovery(issue.Common{Country: "KR", Issuer: "KDCA"}, day(2021, 11, 1), day(2021, 11, 12), day(2022, 5, 1)))
	recPass := issue.Pass{DCC: rec, Issuer: "KR", IssuedAt: day(2021, 11, 12), Expires: day(2022, 5, 1)}

	for _, c := range []struct {
		name   string
		signer *issue.Identity
		pass   issue.Pass
		opts   issue.SignOptions
		want   verify.Reason // "" for valid
	}{
		{"es256", m.es, valid, issue.SignOptions{}, ""},
		{"ps256", m.ps, valid, issue.SignOptions{}, ""},
		{"test", m.es, testPass, issue.SignOptions{}, ""},
		{"recovery", m.es, recPass, issue.SignOptions{}, ""},
		{"untagged-unprotected-kid", m.es, valid, issue.SignOptions{Untagged: true, UnprotectedKID: true}, ""},
		{"uncompressed", m.es, valid, issue.SignOptions{Uncompressed: true}, ""},
		{"forged", m.stranger, valid, issue.SignOptions{KID: m.es.KID()}, verify.BadSignature},
		{"unknown-kid", m.stranger, valid, issue.SignOptions{}, verify.UnknownIssuer},
		{"wrong-key-usage", m.testOnly, valid, issue.SignOptions{}, verify.WrongKeyUsage},
		{"tampered", m.es, valid, issue.SignOptions{Tamper: func(d *verify.DCC) { d.DateOfBirth = "1980-01-02" }}, verify.BadSignature},
	} {
		t.Run(c.name, func(t *testing.T) {
			hc1, err := issue.Sign(c.signer, c.pass, c.opts)
			if err != nil {
				t.Fatal(err)
			}
			vd := vf.Verify(hc1, now)
			if c.want == "" {
				if vd.Status != verify.Valid {
					t.Fatalf("%s %v: %s", vd.Status, vd.Reasons, vd.Detail)
				}
				if got := vd.Pass.FamilyNameStd; got != "HONG" {
					t.Errorf("standardised family name %q, want HONG", got)
				}
				return
			}
			if !slices.Contains(vd.Reasons, c.want) {
				t.Fatalf("reasons %v (%s), want %s", vd.Reasons, vd.Detail, c.want)
			}
		})
	}
}

func TestBrokenPasses(t *testing.T) {
	m, err := keys()
	if err != nil {
		t.Fatal(err)
	}
	vf := &verify.Verifier{Trust: trustKeys(t, m.es), Policy: presets.Must(presets.Default)}
	bomb, err := issue.ZipBomb(1 << 20)
	if err != nil {
		t.Fatal(err)
	}
	vd, u := vf.Inspect(bomb, now)
	if u != nil || !failedAt(vd, verify.StageDecompress) || !strings.Contains(vd.Detail, "size cap") {
		t.Errorf("zip bomb: %v %s", vd.Reasons, vd.Detail)
	}
	hc1, err := issue.Sign(m.es, vaccinationPass(t, hong, 2, 2, day(2021, 11, 2)), issue.SignOptions{})
	if err != nil {
		t.Fatal(err)
	}
	cut := issue.Truncate(hc1)
	vd = vf.Verify(cut, now)
	if !failedAt(vd, verify.StageBase45) || !slices.Contains(vd.Reasons, verify.Malformed) {
		t.Errorf("truncated: checks %+v %v %s", vd.Checks, vd.Reasons, vd.Detail)
	}
}

func TestStandardise(t *testing.T) {
	for in, want := range map[string]string{
		"김":                   "GIM",
		"민준":                  "MINJUN",
		"Müller-Lüdenscheidt": "MULLER<LUDENSCHEIDT",
		"  de la Cruz ":       "DE<LA<CRUZ",
		"서연":                  "SEOYEON",
		"곽":                   "GWAK",
	} {
		if got := issue.Standardise(in); got != want {
			t.Errorf("Standardise(%q) = %q, want %q", in, got, want)
		}
	}
	if _, err := issue.NewDCC(issue.Holder{FamilyName: "李"}); err == nil {
		t.Error("a name with no standardised form was accepted")
	}
}

func TestQRRoundTrip(t *testing.T) {
	m, err := keys()
	if err != nil {
		t.Fatal(err)
	}
	hc1, err := issue.Sign(m.es, vaccinationPass(t, hong, 2, 2, day(2021, 11, 2)), issue.SignOptions{})
	if err != nil {
		t.Fatal(err)
	}
	img, err := issue.QR(hc1, 3)
	if err != nil {
		t.Fatal(err)
	}
	got, err := (&scanner.Decoder{}).Decode(scanner.FromImage(img))
	if err != nil {
		t.Fatal(err)
	}
	if got.Text != hc1 {
		t.Fatalf("QR read back %q, want %q", got.Text, hc1)
	}
}

func TestSaveLoad(t *testing.T) {
	m, err := keys()
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	for _, id := range []*issue.Identity{m.es, m.ps} {
		p := filepath.Join(dir, id.Algorithm().String())
		if err := id.Save(p, false); err != nil {
			t.Fatal(err)
		}
		if err := id.Save(p, false); err == nil {
			t.Fatal("Save overwrote without force")
		}
		back, err := issue.Load(p)
		if err != nil {
			t.Fatal(err)
		}
		if !back.Cert.Equal(id.Cert) || back.Algorithm() != id.Algorithm() {
			t.Fatal("loaded identity differs")
		}
	}
	// A key that does not belong to its certificate is refused.
	crt, err := os.ReadFile(filepath.Join(dir, "ES256.crt"))
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "PS256.crt"), crt, 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := issue.Load(filepath.Join(dir, "PS256")); err == nil || !strings.Contains(err.Error(), "does not belong") {
		t.Errorf("mismatched key: %v", err)
	}
	if _, err := issue.Load(filepath.Join(dir, "missing")); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("missing identity: %v", err)
	}
}

// failedAt reports whether the verdict records the stage as reached and failed.
func failedAt(vd *verify.Verdict, s verify.Stage) bool {
	ok, reached := vd.Checks.Get(s)
	return reached && !ok
}
