// Package words puts verdicts and passes into the words staff read and say
// out loud, from the translation catalogs. It is shared by the command line
// and the kiosk screen so both say the same thing; it must not print or
// hold state.
package words

import (
	"strings"
	"time"

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

// Name is the holder's name as printed on the pass, with the
// machine-readable form in brackets when it differs.
func Name(p *verify.PassInfo) string {
	name := strings.TrimSpace(p.FamilyName + " " + p.GivenName)
	std := strings.TrimSpace(p.FamilyNameStd + " " + p.GivenNameStd)
	if name == "" {
		return std
	}
	if std != "" && std != name {
		name += " (" + std + ")"
	}
	return name
}

// Facts is the one-line summary of a pass's key facts; a pair's two
// entries are joined.
func Facts(c *i18n.Catalog, p *verify.PassInfo) string {
	var parts []string
	if v := p.Vaccination; v != nil {
		product := v.Product
		if n := p.Names.Product; n != "" {
			product = n
			if m := p.Names.Manufacturer; m != "" {
				product += " (" + m + ")"
			}
		}
		parts = append(parts, c.T("pass.vaccination", product, int(v.DoseNumber), int(v.TotalDoses), v.Date))
	}
	if t := p.Test; t != nil {
		kind := c.T("pass.test_other")
		switch t.Type {
		case "LP6464-4":
			kind = c.T("pass.test_naat")
		case "LP217198-3":
			kind = c.T("pass.test_rat")
		}
		if d := p.Names.TestDevice; d != "" {
			kind += " (" + d + ")"
		}
		result := c.T("pass.positive")
		if t.Result == "260415000" {
			result = c.T("pass.negative")
		}
		sampled := t.SampleTime
		if ts, err := verify.ParseTime(t.SampleTime); err == nil {
			sampled = ts.Format(time.RFC3339)
		}
		parts = append(parts, c.T("pass.test", kind, result, sampled))
	}
	if r := p.Recovery; r != nil {
		parts = append(parts, c.T("pass.recovery", r.FirstPositive, r.ValidFrom, r.ValidUntil))
	}
	if len(parts) == 0 {
		return p.Type
	}
	return strings.Join(parts, " + ")
}
