// Package words puts verdicts and passes into the words staff read and say
// out loud, from the translation catalogs. It is shared by the command line
// and the kiosk screen so both say the same thing; it must not print or
// hold state.
package words

import (
	"strings"
	"time"
	"unicode"

	"github.com/passgate/passgate/internal/i18n"
	"github.com/passgate/passgate/rules"
	"github.com/passgate/passgate/verify"
)

// Reason says why a pass was refused: the most specific reason that has a
// translation, else the first reason's code.
func Reason(c *i18n.Catalog, reasons []verify.Reason) string {
	for i := len(reasons) - 1; i >= 0; i-- {
		if key := "reason." + string(reasons[i]); c.Has(key) {
			return c.T(key)
		}
	}
	if len(reasons) > 0 {
		return string(reasons[0])
	}
	return ""
}

// Refusal says why a verdict refused a pass, in the catalog's language:
// the description of the rule that refused it (the authority's own words),
// else Reason. A pass waiting for its companion (2G+) says which pass is
// still needed.
func Refusal(c *i18n.Catalog, vd *verify.Verdict) string {
	if len(vd.Needs) > 0 {
		return Needs(c, vd.Needs)
	}
	if len(vd.Reasons) > 1 && vd.Reasons[0] == verify.RuleFailed {
		for i := range vd.Rules {
			if r := &vd.Rules[i]; r.ID == string(vd.Reasons[1]) {
				if d := r.Describe(c.Lang); d != "" {
					return d
				}
			}
		}
	}
	return Reason(c, vd.Reasons)
}

// Needs says which second pass would complete a 2G+ verdict: "now the
// test certificate".
func Needs(c *i18n.Catalog, types []rules.CertType) string {
	names := make([]string, len(types))
	for i, t := range types {
		names[i] = c.T("needs." + strings.ToLower(string(t)))
	}
	return c.T("needs.now", strings.Join(names, c.T("needs.or")))
}

// Name is the holder's name as the certificate gives it, family name
// first: "홍길동" (Hangul or other CJK family and given names are written
// together, as Korean, Chinese and Japanese do), "Müller Anna Lena". The
// machine-readable form follows in brackets when it differs, with its
// "<" filler shown as a space: "(MUELLER ANNA LENA)".
func Name(p *verify.PassInfo) string {
	name := joinName(p.FamilyName, p.GivenName)
	std := joinName(standard(p.FamilyNameStd), standard(p.GivenNameStd))
	if name == "" {
		return std
	}
	if std != "" && std != name {
		name += " (" + std + ")"
	}
	return name
}

// joinName puts family and given names together: with a space, or
// without one when both are written in Hangul or Han (홍 + 길동 = 홍길동).
func joinName(family, given string) string {
	family, given = strings.TrimSpace(family), strings.TrimSpace(given)
	if family != "" && given != "" && isCJK(family) && isCJK(given) {
		return family + given
	}
	return strings.TrimSpace(family + " " + given)
}

// isCJK reports whether every letter of s is Hangul, Han, Hiragana or
// Katakana (spaces and the middle dot aside).
func isCJK(s string) bool {
	letters := 0
	for _, r := range s {
		switch {
		case unicode.In(r, unicode.Hangul, unicode.Han, unicode.Hiragana, unicode.Katakana):
			letters++
		case unicode.IsSpace(r) || r == '·' || r == '・':
		default:
			return false
		}
	}
	return letters > 0
}

// standard shows an ICAO 9303 standardised name ("MUELLER<ANNA<LENA")
// with spaces for its "<" fillers.
func standard(s string) string {
	return strings.Join(strings.FieldsFunc(s, func(r rune) bool { return r == '<' || unicode.IsSpace(r) }), " ")
}

// Facts is the one-line summary of a pass's key facts, with its times
// in UTC; the screen and the command line use Times.Facts, in the
// kiosk's time zone.
func Facts(c *i18n.Catalog, p *verify.PassInfo) string {
	return NewTimes(c, time.UTC).Facts(p)
}

// Facts is the one-line summary of a pass's key facts in t's language
// and time zone; a pair's two entries are joined.
func (t Times) Facts(p *verify.PassInfo) string {
	c := t.cat
	var parts []string
	if v := p.Vaccination; v != nil {
		product := v.Product
		if n := p.Names.Product; n != "" {
			product = n
			if m := p.Names.Manufacturer; m != "" {
				product += " (" + m + ")"
			}
		}
		parts = append(parts, c.T("pass.vaccination", product, int(v.DoseNumber), int(v.TotalDoses), t.DateText(v.Date)))
	}
	if tt := p.Test; tt != nil {
		kind := c.T("pass.test_other")
		switch tt.Type {
		case "LP6464-4":
			kind = c.T("pass.test_naat")
		case "LP217198-3":
			kind = c.T("pass.test_rat")
		}
		if d := p.Names.TestDevice; d != "" {
			kind += " (" + d + ")"
		}
		result := c.T("pass.positive")
		if tt.Result == "260415000" {
			result = c.T("pass.negative")
		}
		sampled := tt.SampleTime
		if ts, err := verify.ParseTime(tt.SampleTime); err == nil {
			sampled = t.Moment(ts)
		}
		parts = append(parts, c.T("pass.test", kind, result, sampled))
	}
	if r := p.Recovery; r != nil {
		parts = append(parts, c.T("pass.recovery", t.DateText(r.FirstPositive), t.DateText(r.ValidFrom), t.DateText(r.ValidUntil)))
	}
	if len(parts) == 0 {
		return p.Type
	}
	return strings.Join(parts, " + ")
}
