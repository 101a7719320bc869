package verify

import (
	"fmt"
	"math"

	"github.com/fxamacker/cbor/v2"
)

// DCC is the EU Digital COVID Certificate payload (hcert claim -260, key 1),
// with every field of the schema up to version 1.3.x. Exactly one of V, T, R
// holds one entry in a valid certificate.
type DCC struct {
	Version     string        `cbor:"ver" json:"ver"`
	Name        Name          `cbor:"nam" json:"nam"`
	DateOfBirth string        `cbor:"dob" json:"dob"`
	V           []Vaccination `cbor:"v,omitempty" json:"v,omitempty"`
	T           []Test        `cbor:"t,omitempty" json:"t,omitempty"`
	R           []Recovery    `cbor:"r,omitempty" json:"r,omitempty"`
}

// Name is the holder's name as printed (FamilyName, GivenName) and in the
// ICAO 9303 standardised form (FamilyNameStd, GivenNameStd).
type Name struct {
	FamilyName    string `cbor:"fn,omitempty" json:"fn,omitempty"`
	FamilyNameStd string `cbor:"fnt" json:"fnt"`
	GivenName     string `cbor:"gn,omitempty" json:"gn,omitempty"`
	GivenNameStd  string `cbor:"gnt,omitempty" json:"gnt,omitempty"`
}

// Vaccination is one entry of the v array.
type Vaccination struct {
	Target        string `cbor:"tg" json:"tg"` // disease targeted (840539006: COVID-19)
	Prophylaxis   string `cbor:"vp" json:"vp"` // vaccine or prophylaxis
	Product       string `cbor:"mp" json:"mp"` // medicinal product
	Manufacturer  string `cbor:"ma" json:"ma"` // marketing authorisation holder
	DoseNumber    Int    `cbor:"dn" json:"dn"`
	TotalDoses    Int    `cbor:"sd" json:"sd"`
	Date          string `cbor:"dt" json:"dt"` // date of vaccination
	Country       string `cbor:"co" json:"co"`
	Issuer        string `cbor:"is" json:"is"`
	CertificateID string `cbor:"ci" json:"ci"` // UVCI
}

// Test is one entry of the t array.
type Test struct {
	Target        string `cbor:"tg" json:"tg"`
	Type          string `cbor:"tt" json:"tt"` // LP6464-4 NAAT, LP217198-3 rapid antigen
	Name          string `cbor:"nm,omitempty" json:"nm,omitempty"`
	Device        string `cbor:"ma,omitempty" json:"ma,omitempty"` // RAT device identifier
	SampleTime    string `cbor:"sc" json:"sc"`
	ResultTime    string `cbor:"dr,omitempty" json:"dr,omitempty"` // schema 1.0.x only
	Result        string `cbor:"tr" json:"tr"`                     // 260415000 not detected, 260373001 detected
	Centre        string `cbor:"tc,omitempty" json:"tc,omitempty"`
	Country       string `cbor:"co" json:"co"`
	Issuer        string `cbor:"is" json:"is"`
	CertificateID string `cbor:"ci" json:"ci"`
}

// Recovery is one entry of the r array.
type Recovery struct {
	Target        string `cbor:"tg" json:"tg"`
	FirstPositive string `cbor:"fr" json:"fr"` // date of the first positive test
	Country       string `cbor:"co" json:"co"`
	Issuer        string `cbor:"is" json:"is"`
	ValidFrom     string `cbor:"df" json:"df"`
	ValidUntil    string `cbor:"du" json:"du"`
	CertificateID string `cbor:"ci" json:"ci"`
}

// Int is an integer field that also accepts an integral CBOR float, as some
// issuers' JSON-to-CBOR encoders write 1.0 for 1.
type Int int

// UnmarshalCBOR accepts a CBOR integer or an integral float in int range.
func (n *Int) UnmarshalCBOR(b []byte) error {
	var v any
	if err := cbor.Unmarshal(b, &v); err != nil {
		return err
	}
	switch x := v.(type) {
	case uint64:
		if x > math.MaxInt32 {
			return fmt.Errorf("integer %d out of range", x)
		}
		*n = Int(x)
	case int64:
		if x < math.MinInt32 {
			return fmt.Errorf("integer %d out of range", x)
		}
		*n = Int(x)
	case float64:
		if x != math.Trunc(x) || math.Abs(x) > math.MaxInt32 {
			return fmt.Errorf("number %v is not an integer", x)
		}
		*n = Int(x)
	default:
		return fmt.Errorf("want an integer, got %T", v)
	}
	return nil
}

// PassType is the kind of certificate a DCC holds.
type PassType uint8

// The pass types, as bits so a key's allowed types form a set.
const (
	Vaccinated PassType = 1 << iota
	Tested
	Recovered

	AllTypes = Vaccinated | Tested | Recovered
)

// String names the type as the schema's array key does ("v", "t", "r").
func (p PassType) String() string {
	switch p {
	case Vaccinated:
		return "v"
	case Tested:
		return "t"
	case Recovered:
		return "r"
	case AllTypes:
		return "v,t,r"
	case 0:
		return "none"
	}
	s := ""
	for _, t := range []PassType{Vaccinated, Tested, Recovered} {
		if p&t != 0 {
			if s != "" {
				s += ","
			}
			s += t.String()
		}
	}
	return s
}

// Type returns the type of the certificate's single entry, or 0 when it does
// not hold exactly one entry in exactly one of v, t, r.
func (d *DCC) Type() PassType {
	switch {
	case len(d.V) == 1 && len(d.T) == 0 && len(d.R) == 0:
		return Vaccinated
	case len(d.V) == 0 && len(d.T) == 1 && len(d.R) == 0:
		return Tested
	case len(d.V) == 0 && len(d.T) == 0 && len(d.R) == 1:
		return Recovered
	}
	return 0
}

// entry returns the UVCI and country of the single entry, if any.
func (d *DCC) entry() (uvci, country string) {
	switch d.Type() {
	case Vaccinated:
		return d.V[0].CertificateID, d.V[0].Country
	case Tested:
		return d.T[0].CertificateID, d.T[0].Country
	case Recovered:
		return d.R[0].CertificateID, d.R[0].Country
	}
	return "", ""
}
