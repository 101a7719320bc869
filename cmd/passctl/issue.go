package main

import (
	"encoding/base64"
	"fmt"
	"os"
	"strings"
	"time"

	"github.com/passgate/passgate/internal/issue"
	"github.com/passgate/passgate/verify"
)

func init() {
	commands["issue"] = command{"issue a signed test pass (vaccination, test, recovery) as HC1 text and QR PNG", runIssue}
}

type issueFlags struct {
	dsc, kind                           string
	family, given, familyStd, givenStd  string
	dob, country, issuer, uvci          string
	dose, doses                         int
	date                                string
	test, sampled                       string
	positive                            bool
	firstPositive, validFrom, validTill string
	iat, exp, validFor                  string
	out, png                            string
	scale                               int
	kid, kidFrom                        string
	tamper, noCompress, untagged        bool
	unprotectedKID, truncate            bool
	zipBomb                             int
}

func runIssue(e *env, args []string) error {
	fs := newFlags(e, "issue", "-dsc PREFIX -type vaccination|test|recovery [flags]")
	var f issueFlags
	fs.StringVar(&f.dsc, "dsc", "", "the document signer (PREFIX of passctl cert dsc)")
	fs.StringVar(&f.kind, "type", "vaccination", "pass type: vaccination (v), test (t) or recovery (r)")
	fs.StringVar(&f.family, "family", "", "family name as printed, Hangul or Latin")
	fs.StringVar(&f.given, "given", "", "given name as printed")
	fs.StringVar(&f.familyStd, "family-std", "", "standardised family name, A-Z and < (default: derived from -family)")
	fs.StringVar(&f.givenStd, "given-std", "", "standardised given name (default: derived from -given)")
	fs.StringVar(&f.dob, "dob", "", "date of birth: YYYY-MM-DD, YYYY-MM or YYYY")
	fs.StringVar(&f.country, "country", "KR", "country of the entry and of the issuer (ISO 3166 alpha-2)")
	fs.StringVar(&f.issuer, "issuer", "Korea Disease Control and Prevention Agency", "issuing body")
	fs.StringVar(&f.uvci, "uvci", "", "certificate identifier (default: derived from the contents)")
	fs.IntVar(&f.dose, "dose", 2, "vaccination: dose number")
	fs.IntVar(&f.doses, "doses", 2, "vaccination: doses in the series")
	fs.StringVar(&f.date, "date", "", "vaccination: date of the dose (default: the issue date)")
	fs.StringVar(&f.test, "test", "pcr", "test: pcr (NAAT) or rat (rapid antigen)")
	fs.StringVar(&f.sampled, "sampled", "", "test: sample time, RFC 3339 (default: the issue time)")
	fs.BoolVar(&f.positive, "positive", false, "test: result detected (default: not detected)")
	fs.StringVar(&f.firstPositive, "first-positive", "", "recovery: date of the first positive test (default: valid-from - 11 days)")
	fs.StringVar(&f.validFrom, "valid-from", "", "recovery: first valid date (default: the issue date)")
	fs.StringVar(&f.validTill, "valid-until", "", "recovery: last valid date (default: first positive + 180 days)")
	fs.StringVar(&f.iat, "iat", "", "issued at, date or RFC 3339 (default: now)")
	fs.StringVar(&f.exp, "exp", "", "expires at, date or RFC 3339 (default: issued at + -valid-for)")
	fs.StringVar(&f.validFor, "valid-for", "365d", "lifetime of the pass when -exp is not given")
	fs.StringVar(&f.out, "out", "", "write the HC1 text here (default: standard output)")
	fs.StringVar(&f.png, "png", "", "also write the QR code as a PNG image here")
	fs.IntVar(&f.scale, "scale", 4, "QR image: pixels a module")
	fs.StringVar(&f.kid, "kid", "", "broken passes: write this kid (base64) instead of the signer's")
	fs.StringVar(&f.kidFrom, "kid-from", "", "broken passes: write the kid of this DSC (PREFIX or .crt): a forged signature")
	fs.BoolVar(&f.tamper, "tamper", false, "broken passes: change the date of birth after signing")
	fs.BoolVar(&f.noCompress, "no-compress", false, "leave out zlib (valid: the spec allows it)")
	fs.BoolVar(&f.untagged, "untagged", false, "leave out the COSE_Sign1 tag (valid)")
	fs.BoolVar(&f.unprotectedKID, "unprotected-kid", false, "put the kid in the unprotected header (valid)")
	fs.BoolVar(&f.truncate, "truncate", false, "broken passes: cut the base45 text short")
	fs.IntVar(&f.zipBomb, "zip-bomb", 0, "broken passes: write a pass whose zlib data inflates to this many bytes (needs no -dsc)")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() != 0 {
		return fmt.Errorf("%w: unexpected argument %q", errUsage, fs.Arg(0))
	}
	text, err := f.make(e)
	if err != nil {
		return err
	}
	if f.png != "" {
		img, err := issue.QRPNG(text, f.scale)
		if err != nil {
			return err
		}
		if err := os.WriteFile(f.png, img, 0o644); err != nil {
			return fmt.Errorf("write QR image: %w", err)
		}
	}
	if f.out != "" {
		return os.WriteFile(f.out, []byte(text+"\n"), 0o644)
	}
	_, err = fmt.Fprintln(e.stdout, text)
	return err
}

// make returns the pass's HC1 text.
func (f *issueFlags) make(e *env) (string, error) {
	if f.zipBomb > 0 {
		return issue.ZipBomb(f.zipBomb)
	}
	if f.dsc == "" {
		return "", fmt.Errorf("%w: -dsc PREFIX is required", errUsage)
	}
	if f.family == "" {
		return "", fmt.Errorf("%w: -family is required", errUsage)
	}
	signer, err := issue.Load(f.dsc)
	if err != nil {
		return "", fmt.Errorf("read DSC: %w", err)
	}
	p, err := f.pass(e)
	if err != nil {
		return "", err
	}
	var o issue.SignOptions
	o.Uncompressed, o.Untagged, o.UnprotectedKID = f.noCompress, f.untagged, f.unprotectedKID
	if f.tamper {
		o.Tamper = func(d *verify.DCC) { d.DateOfBirth = "1900-01-01" }
	}
	switch {
	case f.kid != "" && f.kidFrom != "":
		return "", fmt.Errorf("%w: give -kid or -kid-from, not both", errUsage)
	case f.kid != "":
		if o.KID, err = base64.StdEncoding.DecodeString(f.kid); err != nil {
			return "", fmt.Errorf("%w: -kid: %v", errUsage, err)
		}
	case f.kidFrom != "":
		other, err := issue.Load(strings.TrimSuffix(f.kidFrom, ".crt"))
		if err != nil {
			return "", fmt.Errorf("-kid-from: %w", err)
		}
		o.KID = other.KID()
	}
	text, err := issue.Sign(signer, p, o)
	if err != nil {
		return "", err
	}
	if f.truncate {
		text = issue.Truncate(text)
	}
	return text, nil
}

func (f *issueFlags) pass(e *env) (issue.Pass, error) {
	var p issue.Pass
	d, err := issue.NewDCC(issue.Holder{FamilyName: f.family, GivenName: f.given,
		FamilyNameStd: f.familyStd, GivenNameStd: f.givenStd, DateOfBirth: f.dob})
	if err != nil {
		return p, fmt.Errorf("%w: %v", errUsage, err)
	}
	if p.IssuedAt, err = parseWhen("iat", f.iat, e.now().UTC().Truncate(time.Second)); err != nil {
		return p, err
	}
	life, err := verify.ParseDuration(f.validFor)
	if err != nil || life <= 0 {
		return p, fmt.Errorf("%w: -valid-for %q: want a positive duration such as 72h or 365d", errUsage, f.validFor)
	}
	if p.Expires, err = parseWhen("exp", f.exp, p.IssuedAt.Add(time.Duration(life))); err != nil {
		return p, err
	}
	p.Issuer = strings.ToUpper(f.country)
	c := issue.Common{Country: p.Issuer, Issuer: f.issuer, UVCI: f.uvci}
	switch f.kind {
	case "vaccination", "v":
		date, err := parseWhen("date", f.date, p.IssuedAt)
		if err != nil {
			return p, err
		}
		d.V = append(d.V, issue.Vaccination(c, f.dose, f.doses, date))
	case "test", "t":
		sampled, err := parseWhen("sampled", f.sampled, p.IssuedAt)
		if err != nil {
			return p, err
		}
		if f.test != "pcr" && f.test != "rat" {
			return p, fmt.Errorf("%w: -test %q: want pcr or rat", errUsage, f.test)
		}
		d.T = append(d.T, issue.Test(c, f.test == "rat", sampled, f.positive))
	case "recovery", "r":
		from, err := parseWhen("valid-from", f.validFrom, p.IssuedAt)
		if err != nil {
			return p, err
		}
		first, err := parseWhen("first-positive", f.firstPositive, from.AddDate(0, 0, -11))
		if err != nil {
			return p, err
		}
		until, err := parseWhen("valid-until", f.validTill, first.AddDate(0, 0, 180))
		if err != nil {
			return p, err
		}
		d.R = append(d.R, issue.Recovery(c, first, from, until))
	default:
		return p, fmt.Errorf("%w: -type %q: want vaccination, test or recovery", errUsage, f.kind)
	}
	p.DCC = d
	return p, nil
}
