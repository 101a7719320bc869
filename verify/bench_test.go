package verify

import (
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"os"
	"path/filepath"
	"testing"

	"github.com/passgate/passgate/internal/presets"
	"github.com/passgate/passgate/internal/testkit/shareddata"
)

// benchVector returns a valid ES256 vaccination pass from the EU vectors
// with its signer and validation time.
func benchVector(b *testing.B, path string) (payload string, keys Keys, clock string) {
	root := shareddata.Dir(b, "dgc-testdata")
	data, err := os.ReadFile(filepath.Join(root, path))
	if err != nil {
		b.Fatal(err)
	}
	var v struct {
		Prefix string `json:"PREFIX"`
		Ctx    struct {
			Cert  string `json:"CERTIFICATE"`
			Clock string `json:"VALIDATIONCLOCK"`
		} `json:"TESTCTX"`
	}
	if err := json.Unmarshal(data, &v); err != nil {
		b.Fatal(err)
	}
	der, err := base64.StdEncoding.DecodeString(v.Ctx.Cert)
	if err != nil {
		b.Fatal(err)
	}
	k, err := KeyFromCertificate(der)
	if err != nil {
		b.Fatal(err)
	}
	return v.Prefix, Keys{k}, v.Ctx.Clock
}

// BenchmarkVerify is the full path from HC1 text to a verdict.
func BenchmarkVerify(b *testing.B) {
	for _, path := range []string{"AT/2DCode/raw/1.json", "IS/2DCode/raw/3.json"} {
		b.Run(path, func(b *testing.B) {
			payload, keys, clock := benchVector(b, path)
			at, _ := ParseTime(clock)
			vf := &Verifier{Trust: keys, Policy: presets.Must("eu-3g")}
			if vd := vf.Verify(payload, at); !*vd.Checks.Signature {
				b.Fatalf("signature did not verify: %s", vd.Detail)
			}
			b.ReportAllocs()
			for b.Loop() {
				vf.Verify(payload, at)
			}
		})
	}
}

// BenchmarkStages splits the verification into its parts, to show how much
// of BenchmarkVerify is the signature check (the floor).
func BenchmarkStages(b *testing.B) {
	payload, keys, _ := benchVector(b, "AT/2DCode/raw/1.json")
	st := decode(payload)
	u := st.u
	b.Run("decode", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			decode(payload)
		}
	})
	b.Run("signature", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			msg, _ := sigStructure(u.protected, u.payload)
			d := sha256.Sum256(msg)
			if err := checkSig(u.Alg, keys[0], d[:], u.Signature); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("schema", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if err := validateSchema(u.dccJSON); err != nil {
				b.Fatal(err)
			}
		}
	})
}
