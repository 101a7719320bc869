package verify

import (
	"bytes"
	"crypto"
	"crypto/ecdsa"
	"crypto/rsa"
	"crypto/sha256"
	"errors"
	"fmt"
	"math/big"
	"time"

	"github.com/passgate/passgate/rules"
)

// Verifier decides on passes with one trust set and one entry policy. It
// holds no mutable state: share it between goroutines, and build a new one
// when the bundle changes.
type Verifier struct {
	Trust TrustSet
	// Policy is the entry policy: the CertLogic rules the pass is judged
	// by, with the value sets they read. Nil refuses every pass (rule-error,
	// no-policy): a kiosk without rules never admits.
	Policy *rules.Policy
	// Lang is the language of the rules' descriptions in verdicts; "" is
	// English. RuleResult.Describe gives any other.
	Lang string
}

// Verify decodes and checks a scanned payload at time at. Every stage that
// can be judged is judged, so the verdict's Checks tell the whole story; the
// first failure in the order of the stages decides the reason.
func (v *Verifier) Verify(payload string, at time.Time) *Verdict {
	vd, _ := v.Inspect(payload, at)
	return vd
}

// Inspect verifies like Verify and also returns the decoded, unverified pass,
// for diagnostics: the conformance tests and `passgate verify --decoded`. The
// pass is nil when decoding failed before the COSE message could be read.
func (v *Verifier) Inspect(payload string, at time.Time) (*Verdict, *Unverified) {
	vd, u, ok := v.check(payload, at)
	if ok {
		v.judge(vd, u.dccJSON, certTypes(u.passType()), u.IssuedAt, u.Expires, at)
	}
	return vd, u
}

// check runs every stage but the entry rules. ok is true when the pass is
// genuine, in date, not revoked and schema-valid: its contents are trusted
// and vd.Pass is set.
func (v *Verifier) check(payload string, at time.Time) (vd *Verdict, u *Unverified, ok bool) {
	st := decode(payload)
	vd = &Verdict{Status: NotValid, Checks: st.checks}
	u = st.u
	if u == nil {
		vd.Reasons = []Reason{Malformed}
		vd.Detail = st.err.Error()
		return vd, nil, false
	}
	vd.KID = u.KID

	// The signature covers the raw payload, so it can be judged even when
	// the claims inside are broken.
	key, candidate, sigReasons, sigErr := v.checkSignature(u)
	vd.Checks.set(StageSignature, key != nil)
	if candidate != nil {
		vd.Country = candidate.Country
	}

	fail := func(detail string, reasons ...Reason) (*Verdict, *Unverified, bool) {
		vd.Reasons = reasons
		vd.Detail = detail
		return vd, u, false
	}
	if st.err != nil {
		return fail(st.err.Error(), Malformed)
	}

	// The remaining checks are judged against the key that verified, else
	// the key the kid points at, so Checks stay informative on failure.
	ptype := u.passType()
	expiryErr := checkExpiry(u, candidate, at)
	if candidate != nil || expiryErr != nil {
		vd.Checks.set(StageExpiry, expiryErr == nil)
	}
	keyUsageOK := candidate != nil && ptype != 0 && candidate.Types&ptype != 0
	if candidate != nil && ptype != 0 {
		vd.Checks.set(StageKeyUsage, keyUsageOK)
	}
	revoked, revokedBy := v.checkRevocation(u)
	vd.Checks.set(StageRevocation, !revoked)
	schemaErr := validateSchema(u.dccJSON)
	if schemaErr == nil && u.DCC == nil {
		schemaErr = u.dccErr
	}
	vd.Checks.set(StageSchema, schemaErr == nil)

	switch {
	case sigErr != nil:
		return fail(sigErr.Error(), sigReasons...)
	case ptype != 0 && !keyUsageOK:
		return fail(fmt.Sprintf("key %x may sign %s, not %s", key.KID, key.Types, ptype), WrongKeyUsage)
	case expiryErr != nil:
		return fail(expiryErr.Error(), expiryReasons(expiryErr)...)
	case revoked:
		return fail("revoked by "+revokedBy.String()+" hash", Revoked)
	case schemaErr != nil:
		return fail(schemaErr.Error(), SchemaInvalid)
	}

	// From here on the contents are trusted: show them even if the rules
	// refuse, so staff can tell the guest why.
	vd.Pass = passInfo(u, v.Policy)
	return vd, u, true
}

// checkSignature finds the key by kid and verifies. key is the key that
// verified (nil on failure); candidate is that key, else the first key with
// the kid (nil when the kid is unknown).
func (v *Verifier) checkSignature(u *Unverified) (key, candidate *Key, reasons []Reason, err error) {
	keys := v.Trust.Lookup(u.KID)
	if len(keys) == 0 {
		return nil, nil, []Reason{UnknownIssuer}, fmt.Errorf("no trusted key with kid %x", u.KID)
	}
	candidate = keys[0]
	if u.Alg != AlgES256 && u.Alg != AlgPS256 {
		return nil, candidate, []Reason{BadSignature, UnsupportedAlg}, fmt.Errorf("%w %d", ErrUnsupportedAlg, u.Alg)
	}
	msg, err := sigStructure(u.protected, u.payload)
	if err != nil {
		return nil, candidate, []Reason{BadSignature}, err
	}
	digest := sha256.Sum256(msg)
	for _, k := range keys {
		if !bytes.Equal(k.KID, u.KID) {
			err = fmt.Errorf("%w: kid %x is not the signer's %x", ErrBadSignature, u.KID, k.KID)
			continue
		}
		if err = checkSig(u.Alg, k, digest[:], u.Signature); err == nil {
			return k, k, nil, nil
		}
	}
	return nil, candidate, []Reason{BadSignature}, fmt.Errorf("signature with kid %x: %w", u.KID, err)
}

// ErrBadSignature reports a signature that does not verify with the key.
var ErrBadSignature = errors.New("signature does not verify")

func checkSig(alg int64, k *Key, digest, sig []byte) error {
	switch pub := k.Public.(type) {
	case *ecdsa.PublicKey:
		if alg != AlgES256 {
			return fmt.Errorf("%w: ECDSA key for algorithm %d", ErrBadSignature, alg)
		}
		if len(sig) != 64 {
			return fmt.Errorf("%w: ES256 signature is %d bytes, want 64", ErrBadSignature, len(sig))
		}
		r := new(big.Int).SetBytes(sig[:32])
		s := new(big.Int).SetBytes(sig[32:])
		if !ecdsa.Verify(pub, digest, r, s) {
			return ErrBadSignature
		}
		return nil
	case *rsa.PublicKey:
		if alg != AlgPS256 {
			return fmt.Errorf("%w: RSA key for algorithm %d", ErrBadSignature, alg)
		}
		if err := rsa.VerifyPSS(pub, crypto.SHA256, digest, sig, &rsa.PSSOptions{SaltLength: rsa.PSSSaltLengthAuto}); err != nil {
			return fmt.Errorf("%w: %v", ErrBadSignature, err)
		}
		return nil
	}
	return fmt.Errorf("%w %T", ErrUnsupportedKey, k.Public)
}

// Errors of the validity check; expiryReasons maps them to reasons.
var (
	errNotYetValid = errors.New("not yet valid")
	errExpired     = errors.New("expired")
	errSignerDates = errors.New("outside its signer's validity")
	errNoDates     = errors.New("no issued-at or expiry date")
)

// checkExpiry applies the validity rule: the signer's certificate covers the
// pass (notBefore ≤ iat, exp ≤ notAfter) and at lies in [iat, exp].
func checkExpiry(u *Unverified, k *Key, at time.Time) error {
	if u.IssuedAt.IsZero() || u.Expires.IsZero() {
		return errNoDates
	}
	switch {
	case at.Before(u.IssuedAt):
		return fmt.Errorf("%w: issued at %s", errNotYetValid, u.IssuedAt.Format(time.RFC3339))
	case at.After(u.Expires):
		return fmt.Errorf("%w on %s", errExpired, u.Expires.Format(time.RFC3339))
	}
	if k == nil {
		return nil
	}
	if !k.NotBefore.IsZero() && u.IssuedAt.Before(k.NotBefore) {
		return fmt.Errorf("%w: issued %s before the signer's notBefore %s", errSignerDates,
			u.IssuedAt.Format(time.RFC3339), k.NotBefore.Format(time.RFC3339))
	}
	if !k.NotAfter.IsZero() && u.Expires.After(k.NotAfter) {
		return fmt.Errorf("%w: expires %s after the signer's notAfter %s", errSignerDates,
			u.Expires.Format(time.RFC3339), k.NotAfter.Format(time.RFC3339))
	}
	return nil
}

func expiryReasons(err error) []Reason {
	switch {
	case errors.Is(err, errNotYetValid):
		return []Reason{NotYetValid}
	case errors.Is(err, errSignerDates):
		return []Reason{Expired, "signer-validity"}
	case errors.Is(err, errNoDates):
		return []Reason{Malformed, "no-dates"}
	}
	return []Reason{Expired}
}

func (v *Verifier) checkRevocation(u *Unverified) (bool, HashType) {
	for _, t := range HashTypes() {
		if h, ok := u.RevocationHash(t); ok && v.Trust.Revoked(t, h) {
			return true, t
		}
	}
	return false, 0
}

func passInfo(u *Unverified, pol *rules.Policy) *PassInfo {
	d := u.DCC
	p := &PassInfo{
		Type:          d.Type().String(),
		FamilyName:    d.Name.FamilyName,
		GivenName:     d.Name.GivenName,
		FamilyNameStd: d.Name.FamilyNameStd,
		GivenNameStd:  d.Name.GivenNameStd,
		DateOfBirth:   d.DateOfBirth,
		Issuer:        u.Issuer,
		SchemaVersion: d.Version,
		IssuedAt:      u.IssuedAt,
		Expires:       u.Expires,
	}
	p.UVCI, p.Country = d.entry()
	switch d.Type() {
	case Vaccinated:
		p.Vaccination = &d.V[0]
	case Tested:
		p.Test = &d.T[0]
	case Recovered:
		p.Recovery = &d.R[0]
	}
	p.Names = names(p, pol)
	return p
}
