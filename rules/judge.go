package rules

import (
	"fmt"
	"time"
)

// External is what a rule knows besides the pass: the moment of the check,
// the country checking, and the certificate's CWT expiry and issue times.
type External struct {
	ValidationClock time.Time
	CountryCode     string
	Exp, Iat        time.Time // zero when unknown: left out of the data
}

// Data is the data rules evaluate on, as the EU verifier apps build it:
// {"payload": payload, "external": {"validationClock", "valueSets",
// "countryCode", "exp", "iat"}}, the times as RFC 3339 strings in the zone
// they are given in. valueSets (identifier → codes) is built once per
// parsed Policy and shared by every call: it must not be changed.
func (p *Policy) Data(payload any, ext External) map[string]any {
	e := map[string]any{
		"validationClock": ext.ValidationClock.Format(time.RFC3339),
		"valueSets":       p.indexed().valueSets,
		"countryCode":     ext.CountryCode,
	}
	if !ext.Exp.IsZero() {
		e["exp"] = ext.Exp.Format(time.RFC3339)
	}
	if !ext.Iat.IsZero() {
		e["iat"] = ext.Iat.Format(time.RFC3339)
	}
	return map[string]any{"payload": payload, "external": e}
}

// Outcome is a rule's judgement of a pass.
type Outcome string

// The outcomes of a rule, as the EU verifier apps name them.
const (
	Passed Outcome = "passed" // the rule evaluated to exactly true
	Failed Outcome = "failed" // it evaluated to anything else
	Open   Outcome = "open"   // it could not be evaluated; never admits
)

// Result is one rule's judgement.
type Result struct {
	Rule    *Rule
	Outcome Outcome
	Err     error // why an Open rule could not be evaluated
}

// Judge selects the rules for ext.ValidationClock and types (Select) and
// evaluates each on the payload with ext (Data). Only a result of exactly
// true passes a rule; an evaluation error leaves it open. No selected rule
// gives no result: the caller decides what an empty policy means.
func (p *Policy) Judge(payload any, ext External, types ...CertType) []Result {
	rs := p.Select(ext.ValidationClock, types...)
	if len(rs) == 0 {
		return nil
	}
	data := p.Data(payload, ext)
	out := make([]Result, len(rs))
	for i, r := range rs {
		out[i] = judge(r, data)
	}
	return out
}

// judge evaluates one rule.
func judge(r *Rule, data any) Result {
	v, err := eval(r, data)
	switch b, ok := v.(bool); {
	case err != nil:
		return Result{Rule: r, Outcome: Open, Err: err}
	case ok && b:
		return Result{Rule: r, Outcome: Passed}
	}
	return Result{Rule: r, Outcome: Failed}
}

// eval evaluates a rule. The payload comes from a scanned code: should the
// engine panic on it, the evaluation fails and the kiosk goes on.
func eval(r *Rule, data any) (v any, err error) {
	defer func() {
		if p := recover(); p != nil {
			v, err = nil, fmt.Errorf("rule %s %s: evaluation panicked: %v", r.Identifier, r.Version, p)
		}
	}()
	return r.Eval(data)
}
