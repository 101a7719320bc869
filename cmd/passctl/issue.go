package main

import (
	"encoding/base64"
	"flag"
	"fmt"
	"os"
	"strings"
	"time"

	"github.com/passgate/passgate/internal/command"
	"github.com/passgate/passgate/internal/i18n"
	"github.com/passgate/passgate/internal/issue"
	"github.com/passgate/passgate/verify"
)

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

func (c *cli) issue(fs *flag.FlagSet, args []string) error {
	var f issueFlags
	f.register(c.cat, fs)
	if err := command.Parse(c.cat, fs, args, 0); err != nil {
		return err
	}
	text, err := f.make(c)
	if err != nil {
		return err
	}
	if f.png != "" {
		img, err := issue.QRPNG(text, f.scale)
		if err != nil {
			return err
		}
		if err := os.WriteFile(f.png, img, 0o644); err != nil {
			return command.Errorf(c.cat, "passctl.issue.write_png", err)
		}
	}
	if f.out != "" {
		if err := os.WriteFile(f.out, []byte(text+"\n"), 0o644); err != nil {
			return command.Errorf(c.cat, "passctl.issue.write_text", err)
		}
		return nil
	}
	_, err = fmt.Fprintln(c.stdout, text)
	return err
}

func (f *issueFlags) register(cat *i18n.Catalog, fs *flag.FlagSet) {
	u := func(name string) string { return cat.T("passctl.flag.issue." + name) }
	fs.StringVar(&f.dsc, "dsc", "", u("dsc"))
	fs.StringVar(&f.kind, "type", "vaccination", u("type"))
	fs.StringVar(&f.family, "family", "", u("family"))
	fs.StringVar(&f.given, "given", "", u("given"))
	fs.StringVar(&f.familyStd, "family-std", "", u("family_std"))
	fs.StringVar(&f.givenStd, "given-std", "", u("given_std"))
	fs.StringVar(&f.dob, "dob", "", u("dob"))
	fs.StringVar(&f.country, "country", "KR", u("country"))
	fs.StringVar(&f.issuer, "issuer", "Korea Disease Control and Prevention Agency", u("issuer"))
	fs.StringVar(&f.uvci, "uvci", "", u("uvci"))
	fs.IntVar(&f.dose, "dose", 2, u("dose"))
	fs.IntVar(&f.doses, "doses", 2, u("doses"))
	fs.StringVar(&f.date, "date", "", u("date"))
	fs.StringVar(&f.test, "test", "pcr", u("test"))
	fs.StringVar(&f.sampled, "sampled", "", u("sampled"))
	fs.BoolVar(&f.positive, "positive", false, u("positive"))
	fs.StringVar(&f.firstPositive, "first-positive", "", u("first_positive"))
	fs.StringVar(&f.validFrom, "valid-from", "", u("valid_from"))
	fs.StringVar(&f.validTill, "valid-until", "", u("valid_until"))
	fs.StringVar(&f.iat, "iat", "", u("iat"))
	fs.StringVar(&f.exp, "exp", "", u("exp"))
	fs.StringVar(&f.validFor, "valid-for", "365d", u("valid_for"))
	fs.StringVar(&f.out, "out", "", u("out"))
	fs.StringVar(&f.png, "png", "", u("png"))
	fs.IntVar(&f.scale, "scale", 4, u("scale"))
	fs.StringVar(&f.kid, "kid", "", u("kid"))
	fs.StringVar(&f.kidFrom, "kid-from", "", u("kid_from"))
	fs.BoolVar(&f.tamper, "tamper", false, u("tamper"))
	fs.BoolVar(&f.noCompress, "no-compress", false, u("no_compress"))
	fs.BoolVar(&f.untagged, "untagged", false, u("untagged"))
	fs.BoolVar(&f.unprotectedKID, "unprotected-kid", false, u("unprotected_kid"))
	fs.BoolVar(&f.truncate, "truncate", false, u("truncate"))
	fs.IntVar(&f.zipBomb, "zip-bomb", 0, u("zip_bomb"))
}

// make returns the pass's HC1 text.
func (f *issueFlags) make(c *cli) (string, error) {
	if f.zipBomb > 0 {
		return issue.ZipBomb(f.zipBomb)
	}
	if f.dsc == "" {
		return "", command.UsageKey(c.cat, "passctl.required", "-dsc PREFIX")
	}
	if f.family == "" {
		return "", command.UsageKey(c.cat, "passctl.required", "-family")
	}
	signer, err := issue.Load(f.dsc)
	if err != nil {
		return "", command.Errorf(c.cat, "passctl.issue.read_dsc", err)
	}
	p, err := f.pass(c)
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
		return "", command.UsageKey(c.cat, "passctl.issue.kid_twice")
	case f.kid != "":
		if o.KID, err = base64.StdEncoding.DecodeString(f.kid); err != nil {
			return "", command.Usagef("-kid: %v", err)
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

func (f *issueFlags) pass(c *cli) (issue.Pass, error) {
	var p issue.Pass
	d, err := issue.NewDCC(issue.Holder{FamilyName: f.family, GivenName: f.given,
		FamilyNameStd: f.familyStd, GivenNameStd: f.givenStd, DateOfBirth: f.dob})
	if err != nil {
		return p, command.Usagef("%v", err)
	}
	if p.IssuedAt, err = parseWhen(c.cat, "iat", f.iat, c.now().UTC().Truncate(time.Second)); err != nil {
		return p, err
	}
	life, err := verify.ParseDuration(f.validFor)
	if err != nil || life <= 0 {
		return p, command.UsageKey(c.cat, "passctl.bad_duration", "-valid-for", f.validFor)
	}
	if p.Expires, err = parseWhen(c.cat, "exp", f.exp, p.IssuedAt.Add(time.Duration(life))); err != nil {
		return p, err
	}
	p.Issuer = strings.ToUpper(f.country)
	common := issue.Common{Country: p.Issuer, Issuer: f.issuer, UVCI: f.uvci}
	switch f.kind {
	case "vaccination", "v":
		date, err := parseWhen(c.cat, "date", f.date, p.IssuedAt)
		if err != nil {
			return p, err
		}
		d.V = append(d.V, issue.Vaccination(common, f.dose, f.doses, date))
	case "test", "t":
		sampled, err := parseWhen(c.cat, "sampled", f.sampled, p.IssuedAt)
		if err != nil {
			return p, err
		}
		if f.test != "pcr" && f.test != "rat" {
			return p, command.UsageKey(c.cat, "passctl.issue.bad_test", f.test)
		}
		d.T = append(d.T, issue.Test(common, f.test == "rat", sampled, f.positive))
	case "recovery", "r":
		from, err := parseWhen(c.cat, "valid-from", f.validFrom, p.IssuedAt)
		if err != nil {
			return p, err
		}
		first, err := parseWhen(c.cat, "first-positive", f.firstPositive, from.AddDate(0, 0, -11))
		if err != nil {
			return p, err
		}
		until, err := parseWhen(c.cat, "valid-until", f.validTill, first.AddDate(0, 0, 180))
		if err != nil {
			return p, err
		}
		d.R = append(d.R, issue.Recovery(common, first, from, until))
	default:
		return p, command.UsageKey(c.cat, "passctl.issue.bad_type", f.kind)
	}
	p.DCC = d
	return p, nil
}
