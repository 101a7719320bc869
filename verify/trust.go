package verify

import (
	"bytes"
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/asn1"
	"errors"
	"fmt"
	"time"
)

// Key is an issuer's document signing key (DSC) as the trust set holds it.
type Key struct {
	KID     []byte           // first 8 bytes of SHA-256 over the certificate
	Country string           // issuing country (ISO 3166 alpha-2)
	Public  crypto.PublicKey // *ecdsa.PublicKey (P-256) or *rsa.PublicKey
	// Cert is the DER certificate, when the key came with one.
	Cert []byte
	// NotBefore and NotAfter bound the passes the key may sign; zero means
	// unbounded (a bare public key).
	NotBefore, NotAfter time.Time
	// Types are the pass types the key may sign: AllTypes when its
	// certificate names none of the DCC extended key usages.
	Types PassType
}

// TrustSet is where verification finds keys and revocations. A bundle.Bundle is one;
// tests and `passgate verify --signer-cert` use a Keys slice.
type TrustSet interface {
	// Lookup returns the keys with this kid (more than one on a collision).
	Lookup(kid []byte) []*Key
	// Revoked reports whether the 128-bit truncated hash of the given type is
	// on the revocation list.
	Revoked(t HashType, hash [16]byte) bool
}

// Keys is a TrustSet of a few keys and no revocations.
type Keys []*Key

// Lookup returns the keys whose kid matches.
func (ks Keys) Lookup(kid []byte) []*Key {
	var out []*Key
	for _, k := range ks {
		if bytes.Equal(k.KID, kid) {
			out = append(out, k)
		}
	}
	return out
}

// Revoked is always false: Keys holds no revocations.
func (Keys) Revoked(HashType, [16]byte) bool { return false }

// Signers is a TrustSet of signer certificates named explicitly, as the EU
// test vectors and `passgate verify --signer-cert` give them: a pass whose kid
// matches none of them is still judged against the first one, so every check
// reports, but its signature verifies only with a key of the same kid.
type Signers []*Key

// Lookup returns the keys whose kid matches, else all of them.
func (ss Signers) Lookup(kid []byte) []*Key {
	if m := Keys(ss).Lookup(kid); len(m) > 0 {
		return m
	}
	return ss
}

// Revoked is always false: Signers holds no revocations.
func (Signers) Revoked(HashType, [16]byte) bool { return false }

// KID computes the DCC key identifier of a DER certificate.
func KID(der []byte) []byte {
	h := sha256.Sum256(der)
	return h[:8]
}

// Extended key usage OIDs of DSCs, in both spellings found in the wild.
var ekuTypes = []struct {
	oid asn1.ObjectIdentifier
	t   PassType
}{
	{asn1.ObjectIdentifier{1, 3, 6, 1, 4, 1, 1847, 2021, 1, 1}, Tested},
	{asn1.ObjectIdentifier{1, 3, 6, 1, 4, 1, 1847, 2021, 1, 2}, Vaccinated},
	{asn1.ObjectIdentifier{1, 3, 6, 1, 4, 1, 1847, 2021, 1, 3}, Recovered},
	{asn1.ObjectIdentifier{1, 3, 6, 1, 4, 1, 0, 1847, 2021, 1, 1}, Tested},
	{asn1.ObjectIdentifier{1, 3, 6, 1, 4, 1, 0, 1847, 2021, 1, 2}, Vaccinated},
	{asn1.ObjectIdentifier{1, 3, 6, 1, 4, 1, 0, 1847, 2021, 1, 3}, Recovered},
}

// EKUOID returns the extended key usage OID that allows signing passes of
// type t (one type), in the spelling of the specification.
func EKUOID(t PassType) asn1.ObjectIdentifier {
	for _, e := range ekuTypes[:3] {
		if e.t == t {
			return e.oid
		}
	}
	return nil
}

// typesFromEKU maps extended key usage OIDs to pass types: AllTypes when none
// of the DCC OIDs is present.
func typesFromEKU(oids []asn1.ObjectIdentifier) PassType {
	var t PassType
	for _, o := range oids {
		for _, e := range ekuTypes {
			if o.Equal(e.oid) {
				t |= e.t
			}
		}
	}
	if t == 0 {
		return AllTypes
	}
	return t
}

// ErrUnsupportedKey reports a certificate whose key is neither ECDSA P-256
// nor RSA.
var ErrUnsupportedKey = errors.New("unsupported public key type")

// KeyFromCertificate reads a DSC. It accepts certificates Go's x509 parser
// rejects for reasons that do not matter here (for example a negative serial
// number, common among 2021 DSCs) by falling back to a minimal parse of the
// fields verification needs.
func KeyFromCertificate(der []byte) (*Key, error) {
	var (
		pub     any
		subject pkix.Name
		nb, na  time.Time
		ekus    []asn1.ObjectIdentifier
	)
	if c, err := x509.ParseCertificate(der); err == nil {
		pub, subject, nb, na = c.PublicKey, c.Subject, c.NotBefore, c.NotAfter
		ekus = c.UnknownExtKeyUsage
	} else {
		m, merr := parseMinimal(der)
		if merr != nil {
			return nil, fmt.Errorf("parse certificate: %w", err)
		}
		pub, subject, nb, na, ekus = m.pub, m.subject, m.notBefore, m.notAfter, m.ekus
	}
	switch p := pub.(type) {
	case *ecdsa.PublicKey, *rsa.PublicKey:
	default:
		return nil, fmt.Errorf("%w: %T", ErrUnsupportedKey, p)
	}
	k := &Key{
		KID:       KID(der),
		Public:    pub,
		Cert:      der,
		NotBefore: nb.UTC(),
		NotAfter:  na.UTC(),
		Types:     typesFromEKU(ekus),
	}
	if len(subject.Country) > 0 {
		k.Country = subject.Country[0]
	}
	return k, nil
}

type minimalCert struct {
	pub                 any
	subject             pkix.Name
	notBefore, notAfter time.Time
	ekus                []asn1.ObjectIdentifier
}

// parseMinimal reads the subject, validity, public key and extended key
// usage of a certificate with encoding/asn1, without x509's extra checks.
func parseMinimal(der []byte) (*minimalCert, error) {
	var cert struct {
		TBS struct {
			Raw        asn1.RawContent
			Version    int `asn1:"optional,explicit,default:0,tag:0"`
			Serial     asn1.RawValue
			SigAlg     asn1.RawValue
			Issuer     asn1.RawValue
			Validity   struct{ NotBefore, NotAfter time.Time }
			Subject    asn1.RawValue
			SPKI       asn1.RawValue
			IssuerUID  asn1.BitString   `asn1:"optional,tag:1"`
			SubjectUID asn1.BitString   `asn1:"optional,tag:2"`
			Extensions []pkix.Extension `asn1:"optional,explicit,tag:3"`
		}
		SigAlg asn1.RawValue
		Sig    asn1.BitString
	}
	if _, err := asn1.Unmarshal(der, &cert); err != nil {
		return nil, err
	}
	m := &minimalCert{notBefore: cert.TBS.Validity.NotBefore, notAfter: cert.TBS.Validity.NotAfter}
	var rdn pkix.RDNSequence
	if _, err := asn1.Unmarshal(cert.TBS.Subject.FullBytes, &rdn); err == nil {
		m.subject.FillFromRDNSequence(&rdn)
	}
	pub, err := x509.ParsePKIXPublicKey(cert.TBS.SPKI.FullBytes)
	if err != nil {
		return nil, err
	}
	m.pub = pub
	ekuOID := asn1.ObjectIdentifier{2, 5, 29, 37}
	for _, e := range cert.TBS.Extensions {
		if e.Id.Equal(ekuOID) {
			if _, err := asn1.Unmarshal(e.Value, &m.ekus); err != nil {
				return nil, fmt.Errorf("extended key usage: %w", err)
			}
		}
	}
	return m, nil
}

// SupportedKey accepts the key types DCC signers use (ECDSA P-256, RSA);
// the error wraps ErrUnsupportedKey.
func SupportedKey(pub any) error {
	switch p := pub.(type) {
	case *ecdsa.PublicKey:
		if p.Curve != elliptic.P256() {
			return fmt.Errorf("%w: ECDSA on %s", ErrUnsupportedKey, p.Curve.Params().Name)
		}
	case *rsa.PublicKey:
	default:
		return fmt.Errorf("%w: %T", ErrUnsupportedKey, pub)
	}
	return nil
}
