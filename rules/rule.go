package rules

import (
	"bytes"
	"encoding/json"
	"fmt"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/passgate/passgate/certlogic"
)

// CertType is the type of certificate a rule applies to.
type CertType string

// The certificate types of the gateway's schema.
const (
	General     CertType = "General" // every certificate
	Vaccination CertType = "Vaccination"
	Test        CertType = "Test"
	Recovery    CertType = "Recovery"
)

// The rule types of the gateway's schema (Rule.Type).
const (
	// Acceptance rules say what a country accepts on entry.
	Acceptance = "Acceptance"
	// Invalidation rules withdraw certificates whatever their type; every
	// one valid at the moment of a check applies.
	Invalidation = "Invalidation"
)

// Engine is the only rule engine passgate runs (Rule.Engine).
const Engine = "CERTLOGIC"

// Rule is one version of a business rule, as the EU gateway distributes it.
// It marshals back to the gateway's JSON format.
type Rule struct {
	Identifier      string // e.g. "VR-DE-0001"
	Type            string // Acceptance or Invalidation
	Country         string // the rule's owner, ISO 3166 alpha-2 ("EU" for the templates)
	Region          string `json:",omitempty"` // optional, up to 5 of A-Z0-9
	Version         string // semver; a rule's versions are ordered by it
	SchemaVersion   string
	Engine          string // "CERTLOGIC"
	EngineVersion   string
	CertificateType CertType
	Description     []Description
	ValidFrom       time.Time // the rule applies from ValidFrom
	ValidTo         time.Time // until just before ValidTo
	AffectedFields  []string
	Logic           json.RawMessage // the CertLogic expression, compact

	expr *certlogic.Expr
	ver  semver
}

// Description is a rule's text in one language.
type Description struct {
	Lang string `json:"lang"` // "en", "de", "de-at"
	Desc string `json:"desc"`
}

// ParseRules reads one rule object, or an array of rules (for example the
// versions of one rule). Each is checked against the gateway's schema and
// constraints and its Logic compiled; the error of the first rule that
// fails is a *RuleError naming it and why. The versions of one rule must
// differ, and a higher version may not start earlier.
func ParseRules(data []byte) ([]*Rule, error) {
	r := &reader{b: data}
	if !r.at('[') {
		rule, err := parseRule(data)
		if err != nil {
			return nil, err
		}
		return []*Rule{rule}, nil
	}
	r.i++
	spans, err := r.elementSpans()
	if err == nil {
		err = r.end()
	}
	if err != nil {
		return nil, fmt.Errorf("%w: not JSON: %v", ErrInvalidRule, err)
	}
	if len(spans) == 0 {
		return nil, fmt.Errorf("%w: an empty array, want a rule or its versions", ErrInvalidRule)
	}
	out, rerr := parseRuleSpans(spans)
	if rerr != nil {
		return nil, rerr
	}
	if err := checkVersions(out); err != nil {
		return nil, fmt.Errorf("%w: %w", ErrInvalidRule, err)
	}
	return out, nil
}

// parseRuleSpans parses the rules of an array, each given by its bytes,
// on every processor: a kiosk checks and compiles all the rules of a
// bundle when it arrives. The error is that of the first rule that fails.
func parseRuleSpans(spans [][]byte) ([]*Rule, *RuleError) {
	out := make([]*Rule, len(spans))
	errs := make([]*RuleError, len(spans))
	var next atomic.Int64
	var wg sync.WaitGroup
	for range min(runtime.GOMAXPROCS(0), 1+len(spans)/16) {
		wg.Go(func() {
			r := &reader{} // one per worker: its interned strings are its own
			for {
				i := int(next.Add(1)) - 1
				if i >= len(spans) {
					return
				}
				r.b, r.i, r.depth = spans[i], 0, 1 // inside the array
				rule, err := r.rule()
				if err == nil {
					if e := r.end(); e != nil { // a span holding more than one value
						rule, err = nil, &RuleError{Identifier: rule.Identifier, Version: rule.Version, Problems: []string{"not JSON: " + e.Error()}}
					}
				}
				out[i], errs[i] = rule, err
			}
		})
	}
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			err.Index = i + 1
			return nil, err
		}
	}
	return out, nil
}

// UnmarshalJSON reads one rule as ParseRules does, checks and all.
func (r *Rule) UnmarshalJSON(data []byte) error {
	p, err := parseRule(data)
	if err != nil {
		return err
	}
	*r = *p
	return nil
}

// MarshalJSON writes the rule in the gateway's format, the times as RFC
// 3339 without fractions (as the schema demands).
func (r Rule) MarshalJSON() ([]byte, error) {
	type wire struct {
		Identifier      string
		Type            string
		Country         string
		Region          string `json:",omitempty"`
		Version         string
		SchemaVersion   string
		Engine          string
		EngineVersion   string
		CertificateType CertType
		Description     []Description
		ValidFrom       string
		ValidTo         string
		AffectedFields  []string
		Logic           json.RawMessage
	}
	return marshal(wire{r.Identifier, r.Type, r.Country, r.Region, r.Version, r.SchemaVersion,
		r.Engine, r.EngineVersion, r.CertificateType, r.Description,
		r.ValidFrom.Format(time.RFC3339), r.ValidTo.Format(time.RFC3339), r.AffectedFields, r.Logic})
}

// marshal is json.Marshal without escaping <, > and &: rules compare with
// them. (json.Marshal of a value holding a Rule escapes them again; the
// JSON means the same.)
func marshal(v any) ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return bytes.TrimSuffix(buf.Bytes(), []byte("\n")), nil
}

// Compile checks a Rule made in Go as ParseRules checks a parsed one and
// compiles its Logic, so that Eval can run it. It must not run while the
// rule is evaluated.
func (r *Rule) Compile() error {
	b, err := r.MarshalJSON()
	if err != nil {
		return fmt.Errorf("rule %s %s: %w", r.Identifier, r.Version, err)
	}
	p, perr := parseRule(b)
	if perr != nil {
		return perr
	}
	r.expr, r.ver = p.expr, p.ver
	return nil
}

// Eval evaluates the rule's Logic on data ({"payload": …, "external": …},
// see Policy.Data). The rule must come from a parse or Compile.
func (r *Rule) Eval(data any) (any, error) {
	if r.expr == nil {
		return nil, fmt.Errorf("rule %s %s: %w", r.Identifier, r.Version, ErrNotCompiled)
	}
	return r.expr.Eval(data)
}

// Describe returns the rule's description in lang (a tag such as "ko" or
// "de-at"; a description in the same base language will do), else the
// English one, else the first; "" when there is none.
func (r *Rule) Describe(lang string) string {
	base := func(s string) string { b, _, _ := strings.Cut(s, "-"); return b }
	var near, en string
	for _, d := range r.Description {
		switch {
		case strings.EqualFold(d.Lang, lang):
			return d.Desc
		case near == "" && strings.EqualFold(base(d.Lang), base(lang)):
			near = d.Desc
		case en == "" && d.Lang == "en":
			en = d.Desc
		}
	}
	switch {
	case near != "":
		return near
	case en != "":
		return en
	case len(r.Description) > 0:
		return r.Description[0].Desc
	}
	return ""
}

// RuleError is why a rule was refused: every constraint it breaks, in the
// order the schema and the gateway check them. It wraps ErrInvalidRule,
// and ErrLogic and certlogic's error when the Logic did not compile.
type RuleError struct {
	Index      int    // the rule's place (from 1) in an array of rules; 0 for a single rule
	Identifier string // as given; "" when missing or not a string
	Version    string // as given; "" when missing or not a string
	Problems   []string
	Logic      error // certlogic's error when Logic did not compile
}

func (e *RuleError) Error() string {
	id := e.Identifier
	switch {
	case id == "":
		id = "(no Identifier)"
	case e.Version == "":
		id += " (no Version)"
	default:
		id += " " + e.Version
	}
	if e.Index > 0 {
		id = fmt.Sprintf("%d (%s)", e.Index, id)
	}
	return "rule " + id + ": " + strings.Join(e.Problems, "; ")
}

func (e *RuleError) Unwrap() []error {
	if e.Logic != nil {
		return []error{ErrInvalidRule, ErrLogic, e.Logic}
	}
	return []error{ErrInvalidRule}
}
