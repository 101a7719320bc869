package main

import (
	"fmt"
	"io"
	"time"

	"github.com/passgate/passgate/internal/i18n"
	"github.com/passgate/passgate/internal/words"
	"github.com/passgate/passgate/verify"
)

// writeHuman prints a verdict for a person: the decision and the reason on
// the first lines, then what the pass says, then the checks. Times are
// in tm's language and zone; at is the time the verdict was judged at.
func writeHuman(w io.Writer, c *i18n.Catalog, tm words.Times, vd *verify.Verdict, at time.Time) {
	if vd.Status == verify.Valid {
		fmt.Fprintf(w, "✔ %s\n", c.T("verdict.valid"))
	} else {
		fmt.Fprintf(w, "✘ %s\n", c.T("verdict.not_valid"))
		fmt.Fprintf(w, "  %s\n", words.Refusal(c, vd))
	}
	if p := vd.Pass; p != nil {
		fmt.Fprintf(w, "  %s: %s\n", c.T("label.name"), words.Name(p))
		fmt.Fprintf(w, "  %s: %s\n", c.T("label.dob"), tm.DateText(p.DateOfBirth))
		fmt.Fprintf(w, "  %s: %s\n", c.T("label.pass"), tm.Facts(p))
		if !p.IssuedAt.IsZero() {
			fmt.Fprintf(w, "  %s: %s\n", c.T("time.label.issued"), tm.Stamp(p.IssuedAt))
		}
		if !p.Expires.IsZero() {
			fmt.Fprintf(w, "  %s: %s\n", c.T("time.label.valid_until"), tm.Stamp(p.Expires))
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
	for _, r := range vd.Rules {
		fmt.Fprintf(w, "  %s %s %s %s: %s\n", c.T("label.rule"), r.ID, r.Version, c.T("rule."+string(r.Result)), r.Describe(c.Lang))
	}
	fmt.Fprintf(w, "  %s: %s\n", c.T("time.label.checked"), tm.Stamp(at))
	fmt.Fprintf(w, "  %s:", c.T("label.checks"))
	for _, s := range []verify.Stage{verify.StagePicture, verify.StagePrefix, verify.StageBase45,
		verify.StageDecompress, verify.StageCOSE, verify.StageCBOR, verify.StageSignature,
		verify.StageKeyUsage, verify.StageExpiry, verify.StageRevocation, verify.StageSchema, verify.StageRules} {
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
