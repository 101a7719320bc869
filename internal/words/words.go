// Package words puts verdicts and passes into the words staff read and say
// out loud, from the translation catalogs. It is shared by the command line
// and the kiosk screen so both say the same thing; it must not print or
// hold state.
package words

import (
	"strings"
	"time"

	"github.com/passgate/passgate/internal/i18n"
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

// Facts is the one-line summary of a pass's key facts.
func Facts(c *i18n.Catalog, p *verify.PassInfo) string {
	switch {
	case p.Vaccination != nil:
		v := p.Vaccination
		return c.T("pass.vaccination", int(v.DoseNumber), int(v.TotalDoses), v.Date)
	case p.Test != nil:
		t := p.Test
		kind := c.T("pass.test_other")
		switch t.Type {
		case "LP6464-4":
			kind = c.T("pass.test_naat")
		case "LP217198-3":
			kind = c.T("pass.test_rat")
		}
		result := c.T("pass.positive")
		if t.Result == "260415000" {
			result = c.T("pass.negative")
		}
		sampled := t.SampleTime
		if ts, err := verify.ParseTime(t.SampleTime); err == nil {
			sampled = ts.Format(time.RFC3339)
		}
		return c.T("pass.test", kind, result, sampled)
	case p.Recovery != nil:
		r := p.Recovery
		return c.T("pass.recovery", r.FirstPositive, r.ValidFrom, r.ValidUntil)
	}
	return p.Type
}
