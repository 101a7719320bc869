package main

import (
	"bytes"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/passgate/passgate/internal/testkit/shareddata"
)

// TestTrustListImport imports the real German DSC list (829 certificates
// from 77 countries) into a bundle: every certificate must import, with the
// kid the list gives it.
func TestTrustListImport(t *testing.T) {
	tl := shareddata.Dir(t, "trustlists")
	dir := t.TempDir()
	key := signingKey(t, dir)
	out := filepath.Join(dir, "de.bin")
	code, _, errOut := passctl(t, "bundle", "build", "-key", key+".key", "-seq", "1", "-out", out,
		"-trustlist", filepath.Join(tl, "de-dsc-list.txt"), "-trustlist-key", filepath.Join(tl, "de-dsc-list-signing-key.pem"))
	if code != 0 {
		t.Fatalf("build: exit %d\n%s", code, errOut)
	}
	if want := "imported 829 of 829 certificates (0 failed); 0 kids differ"; !strings.Contains(errOut, want) {
		t.Errorf("import report lacks %q:\n%s", want, errOut)
	}
	b := loadFile(t, out, key+".pub", testNow)
	info := b.Info()
	if len(info.Keys) != 829 {
		t.Fatalf("bundle holds %d keys, want 829", len(info.Keys))
	}
	if n := len(info.KeysPerCountry()); n != 77 {
		t.Errorf("keys from %d countries, want 77", n)
	}
	// Every kid of the list finds its key, of the list's country.
	var list dscList
	data, _ := os.ReadFile(filepath.Join(tl, "de-dsc-list.txt"))
	_, body, _ := bytes.Cut(data, []byte("\n"))
	if err := json.Unmarshal(body, &list); err != nil {
		t.Fatal(err)
	}
	for _, c := range list.Certificates {
		kid, _ := base64.StdEncoding.DecodeString(c.KID)
		ks := b.Lookup(kid)
		if len(ks) == 0 {
			t.Errorf("kid %s (%s) not in the bundle", c.KID, c.Country)
			continue
		}
		if ks[0].Country != c.Country {
			t.Errorf("kid %s: country %s, the list says %s", c.KID, ks[0].Country, c.Country)
		}
	}
}

// TestTrustListTampered checks that a list whose JSON was changed after
// signing, or checked with another key, is refused as a whole.
func TestTrustListTampered(t *testing.T) {
	tl := shareddata.Dir(t, "trustlists")
	data, err := os.ReadFile(filepath.Join(tl, "de-dsc-list.txt"))
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	key := signingKey(t, dir)
	tampered := bytes.Replace(data, []byte(`"country": "NL"`), []byte(`"country": "KR"`), 1)
	if bytes.Equal(tampered, data) {
		t.Fatal("the tampering changed nothing")
	}
	ek, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	der, _ := x509.MarshalPKIXPublicKey(&ek.PublicKey)
	other := write(t, dir, "other.pem", string(pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: der})))
	for name, c := range map[string]struct{ list, key string }{
		"changed JSON": {write(t, dir, "tampered.txt", string(tampered)), filepath.Join(tl, "de-dsc-list-signing-key.pem")},
		"no signature": {write(t, dir, "nosig.txt", string(data[bytes.IndexByte(data, '\n')+1:])), filepath.Join(tl, "de-dsc-list-signing-key.pem")},
		"wrong key":    {filepath.Join(tl, "de-dsc-list.txt"), other},
	} {
		out := filepath.Join(dir, "b.bin")
		code, _, errOut := passctl(t, "bundle", "build", "-key", key+".key", "-seq", "1", "-out", out,
			"-trustlist", c.list, "-trustlist-key", c.key)
		if code != 1 || !strings.Contains(errOut, "trust list") {
			t.Errorf("%s: exit %d, want 1 with a trust list error:\n%s", name, code, errOut)
		}
		if _, err := os.Stat(out); err == nil {
			t.Errorf("%s: a bundle was written", name)
		}
	}
	if _, err := readDSCList(english(t), tampered, mustTrustListKey(t, tl), &bytes.Buffer{}); !errors.Is(err, errTrustListSignature) {
		t.Errorf("readDSCList of a tampered list: %v", err)
	}
}

func mustTrustListKey(t *testing.T, tl string) *ecdsa.PublicKey {
	t.Helper()
	k, err := readTrustListKey(english(t), filepath.Join(tl, "de-dsc-list-signing-key.pem"))
	if err != nil {
		t.Fatal(err)
	}
	return k
}
