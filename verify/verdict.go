package verify

import (
	"time"

	"github.com/passgate/passgate/rules"
)

// Status is the outcome shown at the door.
type Status string

// The two statuses.
const (
	Valid    Status = "valid"
	NotValid Status = "not-valid"
)

// Reason is a stable code saying why a pass is not valid. The first reason of
// a verdict is one of the categories below; more specific codes may follow.
// Translations and logs key on these strings: never rename one.
type Reason string

// Reason categories.
const (
	Malformed      Reason = "malformed"
	UnknownIssuer  Reason = "unknown-issuer"
	BadSignature   Reason = "bad-signature"
	WrongKeyUsage  Reason = "wrong-key-usage"
	Expired        Reason = "expired"
	NotYetValid    Reason = "not-yet-valid"
	Revoked        Reason = "revoked"
	SchemaInvalid  Reason = "schema-invalid"
	UnsupportedAlg Reason = "unsupported-algorithm" // follows BadSignature
	// RuleFailed and RuleError (rules.go) are the categories of the entry
	// rules, followed by the rule's identifier.
)

// Checks records the result of each stage: true passed, false failed, nil not
// reached or not applicable.
type Checks struct {
	Picture    *bool `json:"picture,omitempty"`
	Prefix     *bool `json:"prefix,omitempty"`
	Base45     *bool `json:"base45,omitempty"`
	Decompress *bool `json:"decompress,omitempty"`
	COSE       *bool `json:"cose,omitempty"`
	CBOR       *bool `json:"cbor,omitempty"`
	Signature  *bool `json:"signature,omitempty"`
	Expiry     *bool `json:"expiry,omitempty"`
	KeyUsage   *bool `json:"keyusage,omitempty"`
	Revocation *bool `json:"revocation,omitempty"`
	Schema     *bool `json:"schema,omitempty"`
	Rules      *bool `json:"rules,omitempty"`
}

func (c *Checks) field(s Stage) **bool {
	switch s {
	case StagePicture:
		return &c.Picture
	case StagePrefix:
		return &c.Prefix
	case StageBase45:
		return &c.Base45
	case StageDecompress:
		return &c.Decompress
	case StageCOSE:
		return &c.COSE
	case StageCBOR:
		return &c.CBOR
	case StageSignature:
		return &c.Signature
	case StageExpiry:
		return &c.Expiry
	case StageKeyUsage:
		return &c.KeyUsage
	case StageRevocation:
		return &c.Revocation
	case StageSchema:
		return &c.Schema
	case StageRules:
		return &c.Rules
	}
	return nil
}

func (c *Checks) set(s Stage, ok bool) {
	if f := c.field(s); f != nil {
		*f = &ok
	}
}

// Get returns the result of a stage and whether it was reached.
func (c *Checks) Get(s Stage) (ok, reached bool) {
	f := c.field(s)
	if f == nil || *f == nil {
		return false, false
	}
	return **f, true
}

// Set records the result of a stage decided outside this package (the
// picture decode).
func (c *Checks) Set(s Stage, ok bool) { c.set(s, ok) }

// Verdict is the decision on one pass.
type Verdict struct {
	Status Status `json:"status"`
	// Reasons is empty for a valid pass; otherwise its first element is the
	// category and more specific codes may follow.
	Reasons []Reason `json:"reasons"`
	// Detail is a precise English explanation for the log.
	Detail string `json:"detail,omitempty"`
	// Pass holds what the pass says. It is nil unless the signature verified
	// with a trusted key: unverified data is never shown as if it were true.
	Pass   *PassInfo `json:"pass,omitempty"`
	Checks Checks    `json:"checks"`
	// Rules are the entry rules evaluated, in identifier order; empty when
	// the pass did not get as far.
	Rules []RuleResult `json:"rules,omitempty"`
	// Needs, on a refused pass, lists the certificate types of which a
	// second pass of the same holder would complete it (2G+: a vaccination
	// waiting for a test): every rule it failed is a companion rule of the
	// policy. See VerifyPair.
	Needs []rules.CertType `json:"needs,omitempty"`
	// Issuer facts, known once the COSE message is read.
	KID     []byte `json:"kid,omitempty"`
	Country string `json:"country,omitempty"`
}

// Reason returns the category of a not-valid verdict, or "" when valid.
func (v *Verdict) Reason() Reason {
	if len(v.Reasons) == 0 {
		return ""
	}
	return v.Reasons[0]
}

// PassInfo is what a verified pass says, ready for the screen and the register.
type PassInfo struct {
	Type          string    `json:"type"` // "v", "t" or "r"
	FamilyName    string    `json:"family_name,omitempty"`
	GivenName     string    `json:"given_name,omitempty"`
	FamilyNameStd string    `json:"family_name_std,omitempty"`
	GivenNameStd  string    `json:"given_name_std,omitempty"`
	DateOfBirth   string    `json:"dob,omitempty"`
	UVCI          string    `json:"uvci,omitempty"`
	Country       string    `json:"country"` // of the entry (co)
	Issuer        string    `json:"issuer,omitempty"`
	SchemaVersion string    `json:"ver"`
	IssuedAt      time.Time `json:"issued_at"`
	Expires       time.Time `json:"expires"`

	// One of these, or two for a pair (VerifyPair).
	Vaccination *Vaccination `json:"vaccination,omitempty"`
	Test        *Test        `json:"test,omitempty"`
	Recovery    *Recovery    `json:"recovery,omitempty"`
	// Names are the value-set codes in words, from the policy's value sets.
	Names Names `json:"names,omitzero"`
}

// Names are a pass's codes in words, from the EU value sets the bundle
// carries (English display names); a code the value sets do not know is
// left empty.
type Names struct {
	Product      string `json:"product,omitempty"`      // vaccine (mp)
	Manufacturer string `json:"manufacturer,omitempty"` // authorisation holder (ma)
	Prophylaxis  string `json:"prophylaxis,omitempty"`  // vaccine type (vp)
	TestType     string `json:"test_type,omitempty"`    // tt
	TestDevice   string `json:"test_device,omitempty"`  // the RAT device (ma of a test)
	Disease      string `json:"disease,omitempty"`      // tg
}
