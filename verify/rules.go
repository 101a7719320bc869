package verify

import (
	"slices"
	"strings"
	"time"

	"github.com/passgate/passgate/rules"
)

// Reasons of the entry rules. A refused pass's reasons are the category
// then the rule's identifier, e.g. ["rule-failed", "VR-KR-0002"].
const (
	// RuleFailed: a rule of the entry policy evaluated to false.
	RuleFailed Reason = "rule-failed"
	// RuleError: a rule could not be evaluated (a broken rule, a value set
	// missing), or no rule is valid at the time of check. Never admits.
	RuleError Reason = "rule-error"
	// NoRules follows RuleError when the policy has no rule valid at the
	// time of check for the venue's country.
	NoRules Reason = "no-rules"
	// NoPolicy follows RuleError when the verifier has no entry policy.
	NoPolicy Reason = "no-policy"
	// HolderMismatch: the two passes of a pair belong to different people.
	HolderMismatch Reason = "holder-mismatch"
)

// RuleResult is one entry rule evaluated on a pass.
type RuleResult struct {
	ID      string        `json:"id"`
	Version string        `json:"version"`
	Result  rules.Outcome `json:"result"`
	// Description is the rule's text in the verifier's language (English
	// when the rule has none in it): the reason staff read out when the
	// rule fails.
	Description string `json:"description"`
	// Error says why an open rule could not be evaluated.
	Error string `json:"error,omitempty"`

	rule *rules.Rule
}

// Describe returns the rule's description in lang, falling back to English.
func (r *RuleResult) Describe(lang string) string {
	if r.rule == nil {
		return r.Description
	}
	return r.rule.Describe(lang)
}

// certTypes maps a pass type to the rules' certificate type.
func certTypes(p PassType) []rules.CertType {
	var out []rules.CertType
	if p&Vaccinated != 0 {
		out = append(out, rules.Vaccination)
	}
	if p&Tested != 0 {
		out = append(out, rules.Test)
	}
	if p&Recovered != 0 {
		out = append(out, rules.Recovery)
	}
	return out
}

// judge evaluates the entry rules on a pass's payload (one DCC, or two of
// the same holder merged) and sets the verdict's rules, checks, reasons
// and status. types are the certificate types present in the payload.
func (v *Verifier) judge(vd *Verdict, payload any, types []rules.CertType, iat, exp, at time.Time) {
	p := v.Policy
	if p == nil {
		vd.Checks.set(StageRules, false)
		vd.Reasons, vd.Detail = []Reason{RuleError, NoPolicy}, "no entry policy"
		return
	}
	results := p.Judge(payload, rules.External{ValidationClock: at, CountryCode: p.Country, Exp: exp, Iat: iat}, types...)
	if len(results) == 0 {
		vd.Checks.set(StageRules, false)
		vd.Reasons = []Reason{RuleError, NoRules}
		vd.Detail = "no entry rule of " + p.Country + " is valid at " + at.UTC().Format(time.RFC3339)
		return
	}
	lang := v.Lang
	if lang == "" {
		lang = "en"
	}
	vd.Rules = make([]RuleResult, len(results))
	var failed, open []int
	for i, r := range results {
		rr := RuleResult{ID: r.Rule.Identifier, Version: r.Rule.Version, Result: r.Outcome,
			Description: r.Rule.Describe(lang), rule: r.Rule}
		switch r.Outcome {
		case rules.Failed:
			failed = append(failed, i)
		case rules.Open:
			open = append(open, i)
			if r.Err != nil {
				rr.Error = r.Err.Error()
			}
		}
		vd.Rules[i] = rr
	}
	vd.Checks.set(StageRules, len(failed)+len(open) == 0)
	switch {
	case len(open) > 0: // an error never admits, and says so before a failure
		r := &vd.Rules[open[0]]
		vd.Reasons = []Reason{RuleError, Reason(r.ID)}
		vd.Detail = "rule " + r.ID + " " + r.Version + " could not be evaluated: " + r.Error
	case len(failed) > 0:
		r := &vd.Rules[failed[0]]
		vd.Reasons = []Reason{RuleFailed, Reason(r.ID)}
		ids := make([]string, len(failed))
		for i, f := range failed {
			ids[i] = vd.Rules[f].ID
		}
		vd.Detail = "rule " + strings.Join(ids, ", ") + " failed: " + vd.Rules[failed[0]].Describe("en")
		vd.Needs = v.needs(vd.Rules, failed, types)
	default:
		vd.Status = Valid
		vd.Reasons = []Reason{}
	}
}

// needs returns the certificate types a second pass of the same holder
// may bring to complete the verdict (2G+): nil unless every failed rule is
// a companion rule of the policy. Types already present are left out.
func (v *Verifier) needs(results []RuleResult, failed []int, have []rules.CertType) []rules.CertType {
	var need []rules.CertType
	for i, f := range failed {
		types, ok := v.Policy.Companions[results[f].ID]
		if !ok {
			return nil
		}
		var keep []rules.CertType
		for _, t := range types {
			if !slices.Contains(have, t) && (i == 0 || slices.Contains(need, t)) {
				keep = append(keep, t)
			}
		}
		if need = keep; len(need) == 0 {
			return nil
		}
	}
	return need
}
