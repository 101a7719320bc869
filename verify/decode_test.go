package verify_test

import (
	"bytes"
	"compress/zlib"
	"errors"
	"testing"
	"time"

	"github.com/fxamacker/cbor/v2"

	"github.com/passgate/passgate/internal/base45"
	"github.com/passgate/passgate/internal/presets"
	"github.com/passgate/passgate/verify"
)

// hc1 wraps COSE bytes as a pass: zlib, base45, prefix.
func hc1(t testing.TB, cose []byte, compress bool) string {
	t.Helper()
	if compress {
		var buf bytes.Buffer
		zw := zlib.NewWriter(&buf)
		zw.Write(cose)
		zw.Close()
		cose = buf.Bytes()
	}
	return verify.Prefix + base45.Encode(cose)
}

func mustCBOR(t testing.TB, v any) []byte {
	t.Helper()
	b, err := cbor.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// sign1 builds a COSE_Sign1 (tag 18) with the given headers, claims and a
// dummy signature.
func sign1(t testing.TB, prot map[int]any, unprot map[int]any, claims any) []byte {
	t.Helper()
	return mustCBOR(t, cbor.Tag{Number: 18, Content: []any{mustCBOR(t, prot), unprot, mustCBOR(t, claims), make([]byte, 64)}})
}

var goodDCC = map[string]any{"ver": "1.3.0", "nam": map[string]any{"fnt": "HONG"}, "dob": "1990-01-01",
	"v": []any{map[string]any{"tg": "840539006", "vp": "1119349007", "mp": "EU/1/20/1528", "ma": "ORG-100030215",
		"dn": 2, "sd": 2, "dt": "2021-11-02", "co": "KR", "is": "KDCA", "ci": "URN:UVCI:01:KR:TEST"}}}

func claims(extra map[int]any) map[int]any {
	c := map[int]any{1: "KR", 4: 1700000000, 6: 1600000000, -260: map[int]any{1: goodDCC}}
	for k, v := range extra {
		if v == nil {
			delete(c, k)
		} else {
			c[k] = v
		}
	}
	return c
}

func TestDecodeStages(t *testing.T) {
	kid := []byte{1, 2, 3, 4, 5, 6, 7, 8}
	prot := map[int]any{1: -7, 4: kid}
	var bomb bytes.Buffer
	zw := zlib.NewWriter(&bomb)
	zw.Write(make([]byte, 10<<20))
	zw.Close()

	for _, tc := range []struct {
		name    string
		payload string
		stage   verify.Stage
		is      error
	}{
		{"no prefix", "HC2:ABC", verify.StagePrefix, verify.ErrNoPrefix},
		{"dangling base45", "HC1:ABCD", verify.StageBase45, base45.ErrDanglingCharacter},
		{"base45 triple over 65535", "HC1:GGW", verify.StageBase45, base45.ErrOverflow},
		{"lower-case base45", "HC1:abc", verify.StageBase45, base45.ErrInvalidCharacter},
		{"zip bomb", verify.Prefix + base45.Encode(bomb.Bytes()), verify.StageDecompress, verify.ErrTooLarge},
		{"neither zlib nor COSE", verify.Prefix + base45.Encode([]byte("hello")), verify.StageDecompress, nil},
		{"not COSE inside zlib", hc1(t, []byte("hello"), true), verify.StageCOSE, nil},
		{"wrong tag", hc1(t, mustCBOR(t, cbor.Tag{Number: 98, Content: []any{}}), true), verify.StageCOSE, nil},
		{"three elements", hc1(t, mustCBOR(t, []any{[]byte{}, map[int]any{}, []byte{}}), true), verify.StageCOSE, nil},
		{"kid a string", hc1(t, sign1(t, map[int]any{1: -7, 4: "kid"}, map[int]any{}, claims(nil)), true), verify.StageCOSE, nil},
		{"alg a string", hc1(t, sign1(t, map[int]any{1: "ES256", 4: kid}, map[int]any{}, claims(nil)), true), verify.StageCOSE, nil},
		{"claims an array", hc1(t, sign1(t, prot, map[int]any{}, []int{1, 2}), true), verify.StageCBOR, nil},
		{"no hcert", hc1(t, sign1(t, prot, map[int]any{}, claims(map[int]any{-260: nil})), true), verify.StageCBOR, nil},
		{"iat a string", hc1(t, sign1(t, prot, map[int]any{}, claims(map[int]any{6: "yesterday"})), true), verify.StageCBOR, nil},
		{"iss a number", hc1(t, sign1(t, prot, map[int]any{}, claims(map[int]any{1: 410})), true), verify.StageCBOR, nil},
		{"DCC a string", hc1(t, sign1(t, prot, map[int]any{}, claims(map[int]any{-260: map[int]any{1: "x"}})), true), verify.StageCBOR, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			u, err := verify.Decode(tc.payload)
			if err == nil {
				t.Fatalf("decoded %+v, want an error at %s", u, tc.stage)
			}
			var se *verify.StageError
			if !errors.As(err, &se) || se.Stage != tc.stage {
				t.Fatalf("error %v, want one at stage %s", err, tc.stage)
			}
			if tc.is != nil && !errors.Is(err, tc.is) {
				t.Fatalf("error %v, want %v", err, tc.is)
			}
		})
	}
}

func TestDecodeAccepts(t *testing.T) {
	kid := []byte{1, 2, 3, 4, 5, 6, 7, 8}
	msg := sign1(t, map[int]any{1: -7, 4: kid}, map[int]any{}, claims(nil))
	for _, tc := range []struct {
		name       string
		payload    string
		compressed bool
		kid        []byte
	}{
		{"compressed", hc1(t, msg, true), true, kid},
		{"bare COSE", hc1(t, msg, false), false, kid},
		{"untagged", hc1(t, msg[1:], true), true, kid}, // 0xd2 is the one-byte tag 18
		{"kid only unprotected", hc1(t, sign1(t, map[int]any{1: -7}, map[int]any{4: kid}, claims(nil)), true), true, kid},
		{"protected kid wins", hc1(t, sign1(t, map[int]any{1: -7, 4: kid}, map[int]any{4: []byte("other")}, claims(nil)), true), true, kid},
	} {
		t.Run(tc.name, func(t *testing.T) {
			u, err := verify.Decode(tc.payload)
			if err != nil {
				t.Fatal(err)
			}
			if u.Compressed != tc.compressed || !bytes.Equal(u.KID, tc.kid) || u.Alg != verify.AlgES256 {
				t.Errorf("compressed=%v kid=%x alg=%d", u.Compressed, u.KID, u.Alg)
			}
			if u.DCC == nil || u.DCC.Type() != verify.Vaccinated || u.DCC.V[0].DoseNumber != 2 {
				t.Errorf("DCC = %+v", u.DCC)
			}
			if u.Issuer != "KR" || u.IssuedAt.Unix() != 1600000000 || u.Expires.Unix() != 1700000000 {
				t.Errorf("claims iss=%s iat=%v exp=%v", u.Issuer, u.IssuedAt, u.Expires)
			}
		})
	}
}

func TestUnsupportedAlgorithm(t *testing.T) {
	kid := []byte{1, 2, 3, 4, 5, 6, 7, 8}
	payload := hc1(t, sign1(t, map[int]any{1: -8, 4: kid}, map[int]any{}, claims(nil)), true)
	vf := &verify.Verifier{Trust: verify.Keys{{KID: kid, Types: verify.AllTypes}}, Policy: presets.Must(presets.Default)}
	vd := vf.Verify(payload, time.Unix(1650000000, 0))
	if vd.Status != verify.NotValid || len(vd.Reasons) < 2 || vd.Reasons[0] != verify.BadSignature || vd.Reasons[1] != verify.UnsupportedAlg {
		t.Fatalf("verdict %+v, want bad-signature/unsupported-algorithm", vd)
	}
	if vd.Pass != nil {
		t.Error("pass data shown for an unverified pass")
	}
	vf.Trust = verify.Keys{}
	if vd := vf.Verify(payload, time.Unix(1650000000, 0)); vd.Reason() != verify.UnknownIssuer {
		t.Errorf("unknown kid: %v, want unknown-issuer", vd.Reasons)
	}
}
