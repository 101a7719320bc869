package main

import (
	"bytes"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/passgate/passgate/bundle"
	"github.com/passgate/passgate/verify"
)

// signingKey makes a bundle-signing key pair in dir and returns the prefix.
func signingKey(t *testing.T, dir string) string {
	t.Helper()
	prefix := filepath.Join(dir, "sign")
	mustPassctl(t, "keygen", "-out", prefix)
	return prefix
}

func loadFile(t *testing.T, path, pubPath string, now time.Time) *bundle.Bundle {
	t.Helper()
	pub, err := readBundleKey(pubPath)
	if err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	b, err := bundle.Load(data, pub, nil, now)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func hash16(s string) [16]byte {
	sum := sha256.Sum256([]byte(s))
	return [16]byte(sum[:16])
}

// TestBundleBuildRevocations builds a bundle from a text list and an EU
// gateway batch and checks that the bundle revokes exactly those hashes.
func TestBundleBuildRevocations(t *testing.T) {
	dir := t.TempDir()
	key := signingKey(t, dir)
	uci, sig, bare := hash16("URN:UVCI:01:AT:1"), hash16("sig"), hash16("bare")
	full := sha256.Sum256([]byte("DEURN:UVCI:01:DE:2"))
	text := fmt.Sprintf("# revoked by hand\nUCI %x\nsignature %s\n\n%x\nUCI %x\n",
		uci, base64.StdEncoding.EncodeToString(sig[:]), bare, uci)
	batch := fmt.Sprintf(`{"country":"DE","expires":"2022-12-31T00:00:00Z","kid":"AAAAAAAAAAA=","hashType":"COUNTRYCODEUCI",
		"entries":[{"hash":%q},{"hash":%q}]}`, base64.StdEncoding.EncodeToString(full[:]), base64.StdEncoding.EncodeToString(uci[:]))
	write(t, dir, "rev.txt", text)
	write(t, dir, "batch.json", batch)
	out := filepath.Join(dir, "b.bin")
	mustPassctl(t, "bundle", "build", "-key", key+".key", "-seq", "2", "-revocations", filepath.Join(dir, "rev.txt"),
		"-revocation-type", "uci", "-revocations", filepath.Join(dir, "batch.json"), "-preset", "eu-3g", "-out", out)
	b := loadFile(t, out, key+".pub", testNow)
	want := map[verify.HashType]int{verify.HashUCI: 2, verify.HashCountryUCI: 2, verify.HashSignature: 1}
	if diff := cmp.Diff(want, b.Info().Revocations()); diff != "" {
		t.Errorf("revocations per type (-want +got):\n%s", diff)
	}
	for _, c := range []struct {
		t    verify.HashType
		h    [16]byte
		want bool
	}{
		{verify.HashUCI, uci, true}, {verify.HashUCI, bare, true}, {verify.HashSignature, sig, true},
		{verify.HashCountryUCI, [16]byte(full[:16]), true}, {verify.HashCountryUCI, uci, true},
		{verify.HashSignature, uci, false}, {verify.HashUCI, hash16("other"), false},
	} {
		if got := b.Revoked(c.t, c.h); got != c.want {
			t.Errorf("Revoked(%s, %x) = %v, want %v", c.t, c.h, got, c.want)
		}
	}
	if b.Policy().Name != "eu-3g" || b.Sequence() != 2 || !b.ValidUntil().Equal(testNow.Add(72*time.Hour)) {
		t.Errorf("policy %s, sequence %d, valid until %s", b.Policy().Name, b.Sequence(), b.ValidUntil())
	}
	// A bare hash without a default type is an error naming the line.
	code, _, errOut := passctl(t, "bundle", "build", "-key", key+".key", "-seq", "3",
		"-revocations", filepath.Join(dir, "rev.txt"), "-out", out)
	if code != 1 || !strings.Contains(errOut, "line 5") {
		t.Errorf("bare hash without -revocation-type: exit %d, %s", code, errOut)
	}
}

func write(t *testing.T, dir, name, content string) string {
	t.Helper()
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

// TestBundleInspect checks both output forms, with and without the key, and
// that builds with -issued-at are reproducible to the byte.
func TestBundleInspect(t *testing.T) {
	dir := t.TempDir()
	key := signingKey(t, dir)
	mustPassctl(t, "keygen-authority", "-out", filepath.Join(dir, "auth"))
	writePolicy(t, dir, "strict", `{"var": "payload.v.0"}`)
	write(t, dir, "rev.txt", fmt.Sprintf("SIGNATURE %x\n", hash16("x")))
	build := func(out string) []byte {
		mustPassctl(t, "bundle", "build", "-key", key+".key", "-seq", "9", "-issued-at", "2021-12-01T00:00:00Z",
			"-valid-for", "7d", "-policy", filepath.Join(dir, "strict"), "-authority-pub", filepath.Join(dir, "auth.pub"),
			"-revocations", filepath.Join(dir, "rev.txt"), "-out", out)
		b, err := os.ReadFile(out)
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	path := filepath.Join(dir, "b.bin")
	if a, b := build(path), build(filepath.Join(dir, "b2.bin")); !bytes.Equal(a, b) {
		t.Error("two builds with the same -issued-at differ")
	}
	text := mustPassctl(t, "bundle", "inspect", "-key", key+".pub", path)
	for _, want := range []string{"sequence     9", "signature    ok", "valid until  2021-12-08T00:00:00Z (EXPIRED",
		"SIGNATURE 1", "policy       strict: rules of XX, 1 rules", "authority    X25519 sha256:"} {
		if !strings.Contains(text, want) {
			t.Errorf("inspect output lacks %q:\n%s", want, text)
		}
	}
	var r inspectReport
	if err := json.Unmarshal([]byte(mustPassctl(t, "bundle", "inspect", "-json", path)), &r); err != nil {
		t.Fatal(err)
	}
	if r.Signature != "not checked" || r.Sequence != 9 || !r.Expired || r.Revoked["SIGNATURE"] != 1 ||
		!r.Policy.ContactTracing || r.Authority["fingerprint"] == "" || len(r.Segments) != 1 {
		t.Errorf("inspect -json = %+v", r)
	}
	if _, err := hex.DecodeString(r.Segments[0].SHA256); err != nil {
		t.Errorf("segment digest %q: %v", r.Segments[0].SHA256, err)
	}
	// A bundle checked with another key is refused.
	other := filepath.Join(dir, "other")
	mustPassctl(t, "keygen", "-out", other)
	if code, _, errOut := passctl(t, "bundle", "inspect", "-key", other+".pub", path); code != 1 || !strings.Contains(errOut, "signature") {
		t.Errorf("inspect with the wrong key: exit %d, %s", code, errOut)
	}
}

func TestBundleBuildUsage(t *testing.T) {
	dir := t.TempDir()
	key := signingKey(t, dir) + ".key"
	out := filepath.Join(dir, "b.bin")
	for _, args := range [][]string{
		{"bundle"},
		{"bundle", "build", "-key", key, "-out", out},
		{"bundle", "build", "-key", key, "-seq", "1", "-out", out, "-preset", "nope"},
		{"bundle", "build", "-key", key, "-seq", "1", "-out", out, "-preset", "eu-3g", "-policy", "p.json"},
		{"bundle", "build", "-key", key, "-seq", "1", "-out", out, "-valid-for", "-1h"},
		{"bundle", "build", "-key", key, "-seq", "1", "-out", out, "-trustlist", "x.txt"},
		{"bundle", "inspect"},
	} {
		if code, _, errOut := passctl(t, args...); code != 2 {
			t.Errorf("passctl %s: exit %d, want 2 (%s)", strings.Join(args, " "), code, errOut)
		}
	}
	if _, err := os.Stat(out); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("a failed build left %s", out)
	}
}
