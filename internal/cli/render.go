package cli

import (
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/passgate/passgate/internal/i18n"
	"github.com/passgate/passgate/verify"
)

// writeHuman prints a verdict for a person: the decision and the reason on
// the first lines, then what the pass says, then the checks.
func writeHuman(w io.Writer, c *i18n.Catalog, vd *verify.Verdict) {
	if vd.Status == verify.Valid {
		fmt.Fprintf(w, "✔ %s\n", c.T("verdict.valid"))
	} else {
		fmt.Fprintf(w, "✘ %s\n", c.T("verdict.not_valid"))
		fmt.Fprintf(w, "  %s\n", ReasonText(c, vd.Reasons))
	}
	if p := vd.Pass; p != nil {
		name := strings.TrimSpace(p.FamilyName + " " + p.GivenName)
		std := strings.TrimSpace(p.FamilyNameStd + " " + p.GivenNameStd)
		if name == "" {
			name = std
		} else if std != "" && std != name {
			name += " (" + std + ")"
		}
		fmt.Fprintf(w, "  %s: %s\n", c.T("label.name"), name)
		fmt.Fprintf(w, "  %s: %s\n", c.T("label.dob"), p.DateOfBirth)
		fmt.Fprintf(w, "  %s: %s\n", c.T("label.pass"), PassFacts(c, p))
		if p.ValidUntil != nil {
			fmt.Fprintf(w, "  %s: %s\n", c.T("label.valid_until"), p.ValidUntil.Format("2006-01-02 15:04 MST"))
		}
		fmt.Fprintf(w, "  %s: %s\n", c.T("label.uvci"), p.UVCI)
	}
	if vd.Country != "" {
		fmt.Fprintf(w, "  %s: %s\n", c.T("label.issuer"), vd.Country)
	}
	if len(vd.KID) > 0 {
		fmt.Fprintf(w, "  %s: %x\n", c.T("label.kid"), vd.KID)
	}
	if vd.Detail != "" {
		fmt.Fprintf(w, "  %s: %s\n", c.T("label.detail"), vd.Detail)
	}
	fmt.Fprintf(w, "  %s:", c.T("label.checks"))
	for _, s := range []verify.Stage{verify.StagePicture, verify.StagePrefix, verify.StageBase45,
		verify.StageDecompress, verify.StageCOSE, verify.StageCBOR, verify.StageSignature,
		verify.StageKeyUsage, verify.StageExpiry, verify.StageRevocation, verify.StageSchema, verify.StagePolicy} {
		if ok, reached := vd.Checks.Get(s); reached {
			mark := "✔"
			if !ok {
				mark = "✘"
			}
			fmt.Fprintf(w, " %s%s", mark, s)
		}
	}
	fmt.Fprintln(w)
}

// ReasonText says why a pass was refused in words staff can say out loud:
// the most specific reason that has a translation.
func ReasonText(c *i18n.Catalog, reasons []verify.Reason) string {
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

// PassFacts is the one-line summary of a pass's key facts.
func PassFacts(c *i18n.Catalog, p *verify.PassInfo) string {
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
