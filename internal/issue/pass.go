package issue

import (
	"bytes"
	"compress/zlib"
	"crypto"
	"crypto/ecdsa"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"encoding/base32"
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode"

	"github.com/fxamacker/cbor/v2"
	"golang.org/x/text/unicode/norm"

	"github.com/passgate/passgate/internal/base45"
	"github.com/passgate/passgate/verify"
)

// Codes of the EU DCC value sets used for test passes.
const (
	DiseaseCOVID  = "840539006"
	VaccineMRNA   = "1119349007"    // SARS-CoV-2 mRNA vaccine
	ProductPfizer = "EU/1/20/1528"  // Comirnaty
	MakerBioNTech = "ORG-100030215" // Biontech Manufacturing GmbH
	TestNAAT      = "LP6464-4"      // nucleic acid amplification (PCR)
	TestRAT       = "LP217198-3"    // rapid antigen
	ResultNeg     = "260415000"     // not detected
	ResultPos     = "260373001"     // detected
	RATDevice     = "1232"          // Abbott Rapid Diagnostics, Panbio
	SchemaVersion = "1.3.0"
)

// Holder is who a pass is for. The standardised (ICAO 9303) names are
// derived from the printed ones when left empty.
type Holder struct {
	FamilyName, GivenName       string
	FamilyNameStd, GivenNameStd string
	DateOfBirth                 string // YYYY-MM-DD, YYYY-MM, YYYY or empty
}

// Common are the fields every entry carries.
type Common struct {
	Country string // co: where vaccinated, tested or recovered
	Issuer  string // is: the issuing body
	UVCI    string // ci; empty derives one from the pass's contents
}

// Pass is what Sign encodes: the DCC and the CWT claims around it.
type Pass struct {
	DCC      verify.DCC
	Issuer   string // iss claim: the issuing country
	IssuedAt time.Time
	Expires  time.Time
}

// NewDCC starts a DCC for the holder, standardising the names as needed.
func NewDCC(h Holder) (verify.DCC, error) {
	n := verify.Name{FamilyName: h.FamilyName, GivenName: h.GivenName,
		FamilyNameStd: h.FamilyNameStd, GivenNameStd: h.GivenNameStd}
	if n.FamilyNameStd == "" {
		n.FamilyNameStd = Standardise(h.FamilyName)
	}
	if n.GivenNameStd == "" {
		n.GivenNameStd = Standardise(h.GivenName)
	}
	if n.FamilyNameStd == "" {
		return verify.DCC{}, fmt.Errorf("family name %q: no standardised form (give one: A-Z and <)", h.FamilyName)
	}
	for _, s := range []string{n.FamilyNameStd, n.GivenNameStd} {
		if strings.Trim(s, "ABCDEFGHIJKLMNOPQRSTUVWXYZ<") != "" {
			return verify.DCC{}, fmt.Errorf("standardised name %q: only A-Z and < are allowed", s)
		}
	}
	return verify.DCC{Version: SchemaVersion, Name: n, DateOfBirth: h.DateOfBirth}, nil
}

// Vaccination is a COVID-19 mRNA vaccination entry: dose dn of sd on date.
func Vaccination(c Common, dn, sd int, date time.Time) verify.Vaccination {
	return verify.Vaccination{Target: DiseaseCOVID, Prophylaxis: VaccineMRNA, Product: ProductPfizer,
		Manufacturer: MakerBioNTech, DoseNumber: verify.Int(dn), TotalDoses: verify.Int(sd),
		Date: date.Format(time.DateOnly), Country: c.Country, Issuer: c.Issuer, CertificateID: c.UVCI}
}

// Test is a COVID-19 test entry, PCR (NAAT) or rapid antigen.
func Test(c Common, rapid bool, sampled time.Time, positive bool) verify.Test {
	t := verify.Test{Target: DiseaseCOVID, Type: TestNAAT, SampleTime: sampled.UTC().Format(time.RFC3339),
		Result: ResultNeg, Centre: "passgate test centre", Country: c.Country, Issuer: c.Issuer, CertificateID: c.UVCI}
	if rapid {
		t.Type, t.Device = TestRAT, RATDevice
	}
	if positive {
		t.Result = ResultPos
	}
	return t
}

// Recovery is a recovery entry: first positive test, and the dates the
// certificate is valid between (inclusive).
func Recovery(c Common, firstPositive, from, until time.Time) verify.Recovery {
	return verify.Recovery{Target: DiseaseCOVID, FirstPositive: firstPositive.Format(time.DateOnly),
		Country: c.Country, Issuer: c.Issuer, ValidFrom: from.Format(time.DateOnly),
		ValidUntil: until.Format(time.DateOnly), CertificateID: c.UVCI}
}

// SignOptions bend a pass in the ways fixtures and tests need.
type SignOptions struct {
	// KID is the kid written in the pass; nil writes the signer's. A pass
	// signed by one key under another's kid is a forgery.
	KID []byte
	// UnprotectedKID writes the kid in the unprotected header.
	UnprotectedKID bool
	// Untagged leaves out the COSE_Sign1 tag (18).
	Untagged bool
	// Uncompressed skips zlib: the base45 text holds the COSE bytes.
	Uncompressed bool
	// Tamper changes the DCC after it was signed: the signature no longer
	// covers the payload.
	Tamper func(*verify.DCC)
}

// Sign encodes the pass as CWT claims in a COSE_Sign1 signed by signer and
// returns its "HC1:" text.
func Sign(signer *Identity, p Pass, o SignOptions) (string, error) {
	msg, err := SignCOSE(signer, p, o)
	if err != nil {
		return "", err
	}
	if !o.Uncompressed {
		if msg, err = deflate(msg); err != nil {
			return "", err
		}
	}
	return verify.Prefix + base45.Encode(msg), nil
}

// SignCOSE returns the pass's COSE_Sign1 bytes, before compression.
func SignCOSE(signer *Identity, p Pass, o SignOptions) ([]byte, error) {
	if err := checkPass(&p); err != nil {
		return nil, err
	}
	if p.DCC.Version == "" {
		p.DCC.Version = SchemaVersion
	}
	fillUVCI(&p)
	payload, err := claims(p)
	if err != nil {
		return nil, err
	}
	alg := signer.Algorithm()
	kid := o.KID
	if kid == nil {
		kid = signer.KID()
	}
	prot := map[int]any{1: int64(alg), 4: kid}
	unprot := map[int]any{}
	if o.UnprotectedKID {
		prot, unprot = map[int]any{1: int64(alg)}, map[int]any{4: kid}
	}
	protected, err := encMode.Marshal(prot)
	if err != nil {
		return nil, err
	}
	toSign, err := encMode.Marshal([]any{"Signature1", protected, []byte{}, payload})
	if err != nil {
		return nil, err
	}
	sig, err := signBytes(signer.Key, toSign)
	if err != nil {
		return nil, err
	}
	if o.Tamper != nil {
		o.Tamper(&p.DCC)
		if payload, err = claims(p); err != nil {
			return nil, err
		}
	}
	var msg any = []any{protected, unprot, payload, sig}
	if !o.Untagged {
		msg = cbor.Tag{Number: 18, Content: msg}
	}
	return encMode.Marshal(msg)
}

// encMode writes canonical CBOR, so a pass's bytes depend only on its
// contents and the signature.
var encMode = func() cbor.EncMode {
	em, err := cbor.CoreDetEncOptions().EncMode()
	if err != nil {
		panic(err) // constant options
	}
	return em
}()

func checkPass(p *Pass) error {
	n := len(p.DCC.V) + len(p.DCC.T) + len(p.DCC.R)
	switch {
	case n != 1:
		return fmt.Errorf("a pass holds exactly one vaccination, test or recovery entry, not %d", n)
	case p.IssuedAt.IsZero() || p.Expires.IsZero():
		return errors.New("issued-at and expiry are both needed")
	case len(p.Issuer) != 2:
		return fmt.Errorf("issuing country %q: want two letters (ISO 3166)", p.Issuer)
	}
	return nil
}

func claims(p Pass) ([]byte, error) {
	return encMode.Marshal(map[int]any{
		1:    p.Issuer,
		4:    p.Expires.Unix(),
		6:    p.IssuedAt.Unix(),
		-260: map[int]any{1: p.DCC},
	})
}

// fillUVCI gives an entry without a UVCI one derived from the pass, in the
// EU's option 1 form with the issuing country: URN:UVCI:01:CC:PG<26 chars>.
func fillUVCI(p *Pass) {
	var ci *string
	var co string
	switch {
	case len(p.DCC.V) == 1:
		ci, co = &p.DCC.V[0].CertificateID, p.DCC.V[0].Country
	case len(p.DCC.T) == 1:
		ci, co = &p.DCC.T[0].CertificateID, p.DCC.T[0].Country
	case len(p.DCC.R) == 1:
		ci, co = &p.DCC.R[0].CertificateID, p.DCC.R[0].Country
	}
	if *ci != "" {
		return
	}
	b, _ := encMode.Marshal(p.DCC) // a DCC of strings and ints always encodes
	sum := sha256.Sum256(append(b, p.IssuedAt.UTC().Format(time.RFC3339)...))
	*ci = "URN:UVCI:01:" + co + ":PG" + base32.StdEncoding.EncodeToString(sum[:16])[:26]
}

func signBytes(key crypto.Signer, msg []byte) ([]byte, error) {
	digest := sha256.Sum256(msg)
	switch k := key.(type) {
	case *ecdsa.PrivateKey:
		r, s, err := ecdsa.Sign(rand.Reader, k, digest[:])
		if err != nil {
			return nil, err
		}
		sig := make([]byte, 64)
		r.FillBytes(sig[:32])
		s.FillBytes(sig[32:])
		return sig, nil
	case *rsa.PrivateKey:
		return rsa.SignPSS(rand.Reader, k, crypto.SHA256, digest[:], &rsa.PSSOptions{SaltLength: rsa.PSSSaltLengthEqualsHash})
	}
	return nil, fmt.Errorf("cannot sign with %T", key)
}

func deflate(b []byte) ([]byte, error) {
	var buf bytes.Buffer
	w, err := zlib.NewWriterLevel(&buf, zlib.BestCompression)
	if err != nil {
		return nil, err
	}
	if _, err := w.Write(b); err != nil {
		return nil, err
	}
	if err := w.Close(); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// ZipBomb is an "HC1:" text whose zlib stream inflates to size zero bytes:
// a verifier must stop at its cap rather than allocate it.
func ZipBomb(size int) (string, error) {
	var buf bytes.Buffer
	w, err := zlib.NewWriterLevel(&buf, zlib.BestCompression)
	if err != nil {
		return "", err
	}
	zero := make([]byte, 64<<10)
	for n := size; n > 0; n -= len(zero) {
		if _, err := w.Write(zero[:min(n, len(zero))]); err != nil {
			return "", err
		}
	}
	if err := w.Close(); err != nil {
		return "", err
	}
	return verify.Prefix + base45.Encode(buf.Bytes()), nil
}

// Truncate cuts an "HC1:" text so its base45 part ends in a dangling
// single character, as a QR read cut short would.
func Truncate(hc1 string) string {
	body := strings.TrimPrefix(hc1, verify.Prefix)
	n := len(body) / 2
	n -= n % 3
	return verify.Prefix + body[:n+1]
}

// Standardise writes a name in the ICAO 9303 form of the DCC's fnt and gnt:
// upper-case A-Z with "<" for spaces and hyphens. Accents are dropped, and
// Hangul is romanised letter by letter in the Revised Romanization, without
// its sound-change rules: 민준 becomes MINJUN and 김 GIM, so give the
// passport spelling (KIM) where it differs.
func Standardise(name string) string {
	var b strings.Builder
	for _, r := range norm.NFD.String(name) {
		switch {
		case r >= 'a' && r <= 'z':
			b.WriteRune(unicode.ToUpper(r))
		case r >= 'A' && r <= 'Z':
			b.WriteRune(r)
		case r == ' ' || r == '-':
			b.WriteByte('<')
		case r >= 0x1100 && r <= 0x11FF:
			b.WriteString(jamo(r))
		}
	}
	s := strings.Trim(b.String(), "<")
	for strings.Contains(s, "<<") {
		s = strings.ReplaceAll(s, "<<", "<")
	}
	return s
}

// jamo romanises one conjoining Hangul letter (NFD splits a syllable into
// a leading consonant, a vowel and an optional final consonant).
func jamo(r rune) string {
	lead := []string{"G", "KK", "N", "D", "TT", "R", "M", "B", "PP", "S", "SS", "", "J", "JJ", "CH", "K", "T", "P", "H"}
	vowel := []string{"A", "AE", "YA", "YAE", "EO", "E", "YEO", "YE", "O", "WA", "WAE", "OE", "YO", "U", "WO", "WE", "WI", "YU", "EU", "UI", "I"}
	tail := []string{"K", "K", "K", "N", "N", "N", "T", "L", "K", "M", "L", "L", "L", "P", "L", "M", "P", "P", "T", "T", "NG", "T", "T", "K", "T", "P", "T"}
	switch {
	case r >= 0x1100 && r < 0x1100+rune(len(lead)):
		return lead[r-0x1100]
	case r >= 0x1161 && r < 0x1161+rune(len(vowel)):
		return vowel[r-0x1161]
	case r >= 0x11A8 && r < 0x11A8+rune(len(tail)):
		return tail[r-0x11A8]
	}
	return ""
}
