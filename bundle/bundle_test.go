package bundle_test

import (
	"bytes"
	"crypto"
	"crypto/ecdh"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/asn1"
	"encoding/base64"
	"encoding/binary"
	"encoding/pem"
	"errors"
	"math/big"
	"slices"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/passgate/passgate/bundle"
	"github.com/passgate/passgate/internal/presets"
	"github.com/passgate/passgate/verify"
)

var (
	t0      = time.Date(2021, 12, 13, 3, 0, 0, 0, time.UTC)
	seedKey = ed25519.NewKeyFromSeed(make([]byte, 32))
	pinned  = seedKey.Public().(ed25519.PublicKey)
)

// testCert makes a self-signed P-256 DSC for country c that may sign
// vaccinations only.
func testCert(t testing.TB, c string) *verify.Key {
	t.Helper()
	priv, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber:       big.NewInt(1),
		Subject:            pkix.Name{Country: []string{c}, CommonName: "DSC " + c},
		NotBefore:          t0.AddDate(-1, 0, 0),
		NotAfter:           t0.AddDate(1, 0, 0),
		UnknownExtKeyUsage: []asn1.ObjectIdentifier{verify.EKUOID(verify.Vaccinated)},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &priv.PublicKey, priv)
	if err != nil {
		t.Fatal(err)
	}
	k, err := verify.KeyFromCertificate(der)
	if err != nil {
		t.Fatal(err)
	}
	return k
}

// testSpec is a small bundle: two certificates, a bare RSA key, and
// revocations of every type in four segments.
func testSpec(t testing.TB, seq uint64) *bundle.Spec {
	t.Helper()
	rk, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	auth, err := ecdh.X25519().GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	return &bundle.Spec{
		Sequence:   seq,
		IssuedAt:   t0,
		ValidUntil: t0.Add(72 * time.Hour),
		Keys: []*verify.Key{testCert(t, "DE"), testCert(t, "KR"),
			{KID: []byte("rsa-key1"), Country: "KR", Public: &rk.PublicKey, Types: verify.AllTypes}},
		Revocations: []bundle.RevocationSegment{
			{Type: verify.HashUCI, Hashes: randomHashes(1, 300)},
			{Type: verify.HashCountryUCI, Hashes: randomHashes(2, 20)},
			{Type: verify.HashSignature, Hashes: randomHashes(3, 5)},
			{Type: verify.HashUCI, Hashes: randomHashes(4, 40)},
		},
		Policy:    presets.Must(presets.Default),
		Authority: auth.PublicKey(),
	}
}

func mustSign(t testing.TB, spec *bundle.Spec) []byte {
	t.Helper()
	b, err := bundle.Sign(spec, seedKey)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestBundleRoundTrip(t *testing.T) {
	spec := testSpec(t, 7)
	spec.Revocations[0].Hashes = append(spec.Revocations[0].Hashes, spec.Revocations[0].Hashes[:10]...) // duplicates
	data := mustSign(t, spec)
	b, err := bundle.Load(data, pinned, nil, t0.Add(time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	info := b.Info()
	if diff := cmp.Diff(map[verify.HashType]int{verify.HashUCI: 340, verify.HashCountryUCI: 20, verify.HashSignature: 5}, info.Revocations()); diff != "" {
		t.Errorf("revocation counts (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff(map[string]int{"DE": 1, "KR": 2}, info.KeysPerCountry()); diff != "" {
		t.Errorf("keys per country (-want +got):\n%s", diff)
	}
	want, _ := spec.Policy.Marshal()
	got, err := b.Policy().Marshal()
	if err != nil || !bytes.Equal(want, got) {
		t.Errorf("policy differs after the round trip (%v):\nwant %.200s\ngot  %.200s", err, want, got)
	}
	if sum := sha256.Sum256(got); info.PolicySHA256 != sum || info.PolicySize != len(got) {
		t.Errorf("policy part: sha256 %x size %d, want %x %d", info.PolicySHA256[:8], info.PolicySize, sum[:8], len(got))
	}
	if b.Sequence() != 7 || !info.IssuedAt.Equal(t0) || !b.ValidUntil().Equal(spec.ValidUntil) || len(info.Segments) != 4 {
		t.Errorf("header: seq %d issued %s until %s segments %d", b.Sequence(), info.IssuedAt, b.ValidUntil(), len(info.Segments))
	}
	if !b.Authority().Equal(spec.Authority) {
		t.Errorf("authority key differs")
	}
	for _, want := range spec.Keys {
		got := b.Lookup(want.KID)
		if len(got) != 1 || !got[0].Public.(interface{ Equal(crypto.PublicKey) bool }).Equal(want.Public) ||
			got[0].Types != want.Types || got[0].Country != want.Country ||
			!got[0].NotAfter.Equal(want.NotAfter) || !slices.Equal(got[0].Cert, want.Cert) {
			t.Errorf("Lookup(%x) = %+v, want %+v", want.KID, got, want)
		}
	}
	if got := b.Lookup([]byte("nokid123")); got != nil {
		t.Errorf("Lookup of an unknown kid = %v", got)
	}
	// Revoked against a map, hits and misses, by type.
	in := map[verify.HashType]map[[16]byte]bool{}
	for _, seg := range spec.Revocations {
		if in[seg.Type] == nil {
			in[seg.Type] = map[[16]byte]bool{}
		}
		for _, h := range seg.Hashes {
			in[seg.Type][h] = true
		}
	}
	probes := append(randomHashes(99, 500), randomHashes(1, 300)...)
	probes = append(probes, randomHashes(3, 5)...)
	all := verify.HashTypes()
	for _, ht := range append(all[:], 0, 9) {
		for _, h := range probes {
			if got := b.Revoked(ht, h); got != in[ht][h] {
				t.Fatalf("Revoked(%s, %x) = %v, want %v", ht, h, got, in[ht][h])
			}
		}
	}
	// The unverified read says the same.
	ri, err := bundle.ReadInfo(data)
	if err != nil {
		t.Fatal(err)
	}
	if ri.Sequence != 7 || len(ri.Keys) != 3 || !slices.Equal(ri.Segments, info.Segments) {
		t.Errorf("ReadInfo = %+v", ri)
	}
}

// TestBundleVerifies checks that a bundle is a TrustSet a Verifier accepts.
func TestBundleVerifies(t *testing.T) {
	b, err := bundle.Load(mustSign(t, testSpec(t, 1)), pinned, nil, t0)
	if err != nil {
		t.Fatal(err)
	}
	var _ verify.TrustSet = b
	vd := (&verify.Verifier{Trust: b, Policy: b.Policy()}).Verify("HC1:", t0)
	if vd.Status == verify.Valid {
		t.Fatal("garbage passed")
	}
}

func TestLoadBundleErrors(t *testing.T) {
	data := mustSign(t, testSpec(t, 5))
	now := t0.Add(time.Hour)
	current, err := bundle.Load(data, pinned, nil, now)
	if err != nil {
		t.Fatal(err)
	}
	other, _, _ := ed25519.GenerateKey(rand.Reader)
	flip := func(i int) []byte {
		d := slices.Clone(data)
		d[i] ^= 0x10
		return d
	}
	newVersion := slices.Clone(data)
	newVersion[5] = 3
	for _, c := range []struct {
		name    string
		data    []byte
		key     ed25519.PublicKey
		current *bundle.Bundle
		want    error
	}{
		{"flipped manifest byte", flip(20), pinned, nil, bundle.ErrSignature},
		{"flipped signature byte", flip(10 + int(binary.BigEndian.Uint32(data[6:10])) + 3), pinned, nil, bundle.ErrSignature},
		{"wrong pinned key", data, other, nil, bundle.ErrSignature},
		{"short pinned key", data, pinned[:31], nil, bundle.ErrSignature},
		{"equal sequence", data, pinned, current, bundle.ErrRollback},
		{"lower sequence", mustSign(t, testSpec(t, 4)), pinned, current, bundle.ErrRollback},
		{"unknown version", newVersion, pinned, nil, bundle.ErrVersion},
		{"flipped segment byte", flip(len(data) - 100), pinned, nil, bundle.ErrCorrupt},
		{"trailing bytes", append(slices.Clone(data), 0), pinned, nil, bundle.ErrCorrupt},
		{"not a bundle", []byte("HC1:NCFOXN"), pinned, nil, bundle.ErrCorrupt},
		{"empty", nil, pinned, nil, bundle.ErrTruncated},
	} {
		t.Run(c.name, func(t *testing.T) {
			b, err := bundle.Load(c.data, c.key, c.current, now)
			if !errors.Is(err, c.want) {
				t.Fatalf("err = %v, want %v", err, c.want)
			}
			if b != nil {
				t.Errorf("a bundle came back with the error")
			}
		})
	}
	t.Run("newer replaces", func(t *testing.T) {
		if _, err := bundle.Load(mustSign(t, testSpec(t, 6)), pinned, current, now); err != nil {
			t.Fatal(err)
		}
	})
	t.Run("expired still loads", func(t *testing.T) {
		b, err := bundle.Load(data, pinned, nil, t0.Add(73*time.Hour))
		if !errors.Is(err, bundle.ErrExpired) || b == nil || !b.Expired(t0.Add(73*time.Hour)) {
			t.Fatalf("got %v, %v; want the bundle and ErrExpired", b, err)
		}
	})
}

func TestLoadBundleTruncated(t *testing.T) {
	data := mustSign(t, testSpec(t, 1))
	for n := 0; n < len(data); n++ {
		if n > 4000 && n < len(data)-200 && n%97 != 0 { // keys and early segments: a sample is enough
			continue
		}
		b, err := bundle.Load(data[:n], pinned, nil, t0)
		if !errors.Is(err, bundle.ErrTruncated) || b != nil {
			t.Fatalf("cut at %d of %d: err = %v", n, len(data), err)
		}
		if _, err := bundle.ReadInfo(data[:n]); !errors.Is(err, bundle.ErrTruncated) {
			t.Fatalf("ReadInfo cut at %d of %d: err = %v", n, len(data), err)
		}
	}
}

func TestSignBundleRefuses(t *testing.T) {
	for name, mod := range map[string]func(*bundle.Spec){
		"sequence 0":      func(s *bundle.Spec) { s.Sequence = 0 },
		"valid before":    func(s *bundle.Spec) { s.ValidUntil = s.IssuedAt },
		"tracing, no key": func(s *bundle.Spec) { s.Authority = nil; s.Policy.ContactTracing = true },
		"no policy":       func(s *bundle.Spec) { s.Policy = nil },
		"bad hash type":   func(s *bundle.Spec) { s.Revocations[0].Type = 0 },
		"key without kid": func(s *bundle.Spec) { s.Keys[2].KID = nil },
		"unsupported key": func(s *bundle.Spec) { s.Keys[2].Public = pinned },
	} {
		spec := testSpec(t, 1)
		mod(spec)
		if _, err := bundle.Sign(spec, seedKey); err == nil {
			t.Errorf("%s: signed", name)
		}
	}
}

func TestParseBundleKey(t *testing.T) {
	der, err := x509.MarshalPKIXPublicKey(pinned)
	if err != nil {
		t.Fatal(err)
	}
	pemText := string(pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: der}))
	for _, s := range []string{
		base64.StdEncoding.EncodeToString(pinned),
		base64.RawURLEncoding.EncodeToString(pinned) + "\n",
		base64.StdEncoding.EncodeToString(der),
		pemText,
	} {
		k, err := bundle.ParseKey(s)
		if err != nil || !k.Equal(pinned) {
			t.Errorf("ParseKey(%q) = %x, %v", s, k, err)
		}
	}
	ecKey, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	ecDER, _ := x509.MarshalPKIXPublicKey(&ecKey.PublicKey)
	for _, s := range []string{"", "not base64!", base64.StdEncoding.EncodeToString(pinned[:31]),
		base64.StdEncoding.EncodeToString(ecDER), "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n"} {
		if _, err := bundle.ParseKey(s); err == nil {
			t.Errorf("ParseKey(%q) accepted", s)
		}
	}
}
