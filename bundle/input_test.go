package bundle_test

import (
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/pem"
	"fmt"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/passgate/passgate/bundle"
	"github.com/passgate/passgate/verify"
)

func TestParseRevocations(t *testing.T) {
	full := sha256.Sum256([]byte("URN:UVCI:01:AT:1"))
	h := [16]byte(full[:16])
	b64, hx := base64.StdEncoding.EncodeToString(full[:]), hex.EncodeToString(full[:])
	one := func(t verify.HashType) []bundle.RevocationSegment {
		return []bundle.RevocationSegment{{Type: t, Hashes: [][16]byte{h}}}
	}
	for _, c := range []struct {
		name, in string
		def      verify.HashType
		want     []bundle.RevocationSegment
		wantErr  string
	}{
		{"hex, long", "UCI " + hx, 0, one(verify.HashUCI), ""},
		{"hex, 16 bytes", "uci " + hx[:32], 0, one(verify.HashUCI), ""},
		{"base64", "# x\n\nSIGNATURE " + b64 + "\n", 0, one(verify.HashSignature), ""},
		{"base64 unpadded", "SIGNATURE " + strings.TrimRight(base64.StdEncoding.EncodeToString(h[:]), "="), 0, one(verify.HashSignature), ""},
		{"bare with default", hx, verify.HashCountryUCI, one(verify.HashCountryUCI), ""},
		{"gateway batch", fmt.Sprintf(` {"country":"AT","kid":"x","hashType":"UCI","entries":[{"hash":%q}]}`, b64), 0, one(verify.HashUCI), ""},
		{"bare without default", hx, 0, nil, "line 1"},
		{"unknown type", "MD5 " + hx, 0, nil, "unknown revocation hash type"},
		{"short hash", "UCI AAEC", 0, nil, "at least 16"},
		{"three fields", "UCI " + hx + " x", 0, nil, "3 fields"},
		{"batch without type", `{"entries":[]}`, 0, nil, "unknown revocation hash type"},
		{"batch, bad hash", `{"hashType":"UCI","entries":[{"hash":"!!"}]}`, 0, nil, "entry 0"},
	} {
		t.Run(c.name, func(t *testing.T) {
			got, err := bundle.ParseRevocations([]byte(c.in), c.def)
			if c.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), c.wantErr) {
					t.Fatalf("err = %v, want one containing %q", err, c.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(c.want, got); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
}

func TestParseCertificates(t *testing.T) {
	a, b := testCert(t, "DE"), testCert(t, "FR")
	pemText := append(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: a.Cert}),
		pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: b.Cert})...)
	for name, c := range map[string]struct {
		in   []byte
		want int
	}{
		"PEM, two blocks": {pemText, 2},
		"DER":             {a.Cert, 1},
		"base64":          {[]byte(base64.StdEncoding.EncodeToString(a.Cert) + "\n"), 1},
		"PEM, no cert":    {[]byte("-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----\n"), 0},
		"garbage":         {[]byte("not a certificate"), 0},
	} {
		ks, err := bundle.ParseCertificates(c.in)
		if (err == nil) != (c.want > 0) || len(ks) != c.want {
			t.Errorf("%s: %d keys, %v; want %d", name, len(ks), err, c.want)
			continue
		}
		if c.want > 0 && ks[0].Country != "DE" {
			t.Errorf("%s: first key of %s", name, ks[0].Country)
		}
	}
}
