// Package rules holds a venue's entry policy: EU DCC business rules written
// in CertLogic, in the format of the EU gateway, with the value sets they
// read, and judges a pass's payload with them.
//
// A Rule is checked when it is parsed: against the gateway's JSON schema
// (validation-rule.schema.json, implemented here in Go) and against the
// constraints the gateway adds on upload that do not depend on the upload
// clock (Gateway-constraints.adoc: the identifier's prefix matches the
// rule's type and certificate type, its country matches Country, ValidFrom
// lies before ValidTo and at least 72 hours before it, a later version of a
// rule does not start earlier). Its Logic is compiled with package certlogic
// once; evaluating it later cannot fail for a reason the parse could have
// found.
//
// A Policy is what a trust bundle carries: every version of every rule of
// one or more countries, value sets, and the venue's choices. Select picks
// the rules that apply at a moment to the certificate types a guest shows,
// as the EU verifier apps do (for each rule the highest version valid at
// that moment); Judge evaluates them. Only a result of exactly true passes
// a rule.
//
// LoadTests and TestCase.Run run the upstream rule tests
// (dgc-business-rules-testdata) as the upstream runner judges them; passctl
// rules test is their command.
//
// The package is pure: it reads files only through an fs.FS it is given,
// does no network I/O and never reads the clock. A Rule or Policy returned
// by a parse is read-only; many goroutines may evaluate it at once.
package rules

import "errors"

// ErrInvalidRule reports a rule that breaks the gateway's schema or
// constraints, or whose Logic does not compile. The error is a *RuleError
// naming the rule and every problem.
var ErrInvalidRule = errors.New("invalid rule")

// ErrLogic reports a rule whose Logic is not a CertLogic expression
// certlogic.Compile accepts (within certlogic.DefaultLimits). It comes
// with ErrInvalidRule.
var ErrLogic = errors.New("logic does not compile")

// ErrNotCompiled reports the evaluation of a Rule made in Go and never
// compiled (Rule.Compile, or a parse, compiles it).
var ErrNotCompiled = errors.New("rule not compiled")

// ErrInvalidValueSet reports a value set that is not in one of the forms
// ParseValueSets reads, or two value sets with one identifier.
var ErrInvalidValueSet = errors.New("invalid value set")

// ErrInvalidPolicy reports a policy that is malformed or inconsistent: no
// rule for its country, a companion naming no rule, a rule version twice.
var ErrInvalidPolicy = errors.New("invalid policy")

// ErrInvalidTest reports a rule test file that cannot be read as a test.
var ErrInvalidTest = errors.New("invalid rule test")

// ErrNoRules reports a folder in which LoadTests found no rule.json.
var ErrNoRules = errors.New("no rules")
